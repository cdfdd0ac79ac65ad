"""Build the double-clickable app: `python build_spec/build.py`.

Makes the platform icons and the licence texts (build/assets), runs PyInstaller with
build_spec/custseg.spec (dist/CustSeg, or dist/CustSeg.app on macOS), and zips the result as
dist/CustSeg-<version>-<platform>.zip. Needs the build extra: `pip install ".[build]"`.
"""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "build" / "assets"
DIST = ROOT / "dist"
sys.path.insert(0, str(ROOT))

from custseg_gui import APP_NAME, __version__  # noqa: E402

LICENSE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE)[^/]*$", re.IGNORECASE)


def make_icons() -> None:
    """The one source image, resources/icon.png, as .ico and .icns."""
    from PIL import Image

    source = Image.open(ROOT / "resources" / "icon.png").convert("RGBA")
    source.save(ASSETS / "icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64),
                                            (128, 128), (256, 256)])
    source.save(ASSETS / "icon.icns")


def _requirement_names(distribution: metadata.Distribution) -> list[str]:
    names = []
    for requirement in distribution.requires or []:
        if "extra ==" in requirement:
            continue
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        if match:
            names.append(match.group(0))
    return names


def shipped_distributions() -> list[metadata.Distribution]:
    """CustSeg's runtime dependencies and theirs, as installed."""
    seen, queue, found = set(), ["PySide6-Essentials", "pandas", "scikit-learn", "matplotlib",
                                  "openpyxl", "kneed", "numpy", "scipy", "python-calamine",
                                  "charset-normalizer"], []
    while queue:
        name = queue.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found.append(distribution)
        queue += _requirement_names(distribution)
    return sorted(found, key=lambda d: d.metadata["Name"].lower())


def collect_licenses() -> None:
    """One text file per shipped package with its licence, plus Qt's LGPL and an index."""
    folder = ASSETS / "licenses"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    index = [f"{APP_NAME} {__version__} ships these third-party packages. Their licence texts "
             "are in this folder.", ""]
    for distribution in shipped_distributions():
        name, version = distribution.metadata["Name"], distribution.version
        kind = (distribution.metadata.get("License-Expression")
                or distribution.metadata.get("License") or "see file").splitlines()[0][:80]
        texts = []
        for file in distribution.files or []:
            if LICENSE_FILE.search(str(file)):
                try:
                    texts.append(f"===== {file} =====\n{file.read_text(encoding='utf-8')}")
                except (OSError, UnicodeDecodeError):
                    continue
        if not texts:
            texts.append(f"{name} {version} is distributed under: {kind}")
        (folder / f"{name}-{version}.txt").write_text("\n\n".join(texts), encoding="utf-8")
        index.append(f"{name} {version}: {kind}")
    # Qt (inside PySide6) is used under the GNU LGPL version 3, which builds on the GPL 3.
    for text in ("LGPL-3.0.txt", "GPL-3.0.txt"):
        shutil.copy(ROOT / "resources" / "licenses" / text, folder / f"Qt-{text}")
    index += ["", "Qt 6 (bundled with PySide6) is used under the GNU Lesser General Public "
                  "License v3: Qt-LGPL-3.0.txt and Qt-GPL-3.0.txt."]
    (folder / "README.txt").write_text("\n".join(index) + "\n", encoding="utf-8")


def folder_size(path: Path) -> int:
    """Bytes in a folder, a symbolic link counted as the link, not again as its target."""
    return sum(file.lstat().st_size for file in path.rglob("*")
               if file.is_symlink() or file.is_file())


def make_zip(bundle: Path, archive: Path) -> Path:
    """Zip the app folder, keeping symbolic links as links (so no library is stored twice)."""
    import os
    import stat
    import zipfile

    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as target:
        for file in sorted(bundle.rglob("*")):
            name = str(file.relative_to(bundle.parent))
            if file.is_symlink():
                info = zipfile.ZipInfo(name)
                info.create_system = 3  # Unix, so the mode below marks a symbolic link
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                target.writestr(info, os.readlink(file))
            elif file.is_file():
                target.write(file, name)
    return archive


def strip_debug_sections(bundle: Path) -> int:
    """Remove symbols that loading does not need: all of them from Python extension modules,
    debug sections from other libraries that carry them (a source-built Python's own library
    holds 18 MB). Fully stripping every library is not safe: prebuilt OpenBLAS stops loading."""
    if sys.platform != "linux" or not shutil.which("strip") or not shutil.which("readelf"):
        return 0
    saved = 0
    for file in bundle.rglob("*.so*"):
        if file.is_symlink() or not file.is_file():
            continue
        if ".cpython-" in file.name:
            # Python extension modules: their symbol tables are not needed to load them.
            option = "--strip-unneeded"
        else:
            sections = subprocess.run(["readelf", "-S", str(file)], capture_output=True,
                                      text=True)
            if ".debug_info" not in sections.stdout:
                continue
            option = "--strip-debug"
        before = file.stat().st_size
        if subprocess.run(["strip", option, str(file)]).returncode == 0:
            saved += before - file.stat().st_size
    return saved


def main() -> int:
    started = time.monotonic()
    ASSETS.mkdir(parents=True, exist_ok=True)
    make_icons()
    collect_licenses()
    command = [sys.executable, "-m", "PyInstaller", str(ROOT / "build_spec" / "custseg.spec"),
               "--noconfirm", "--clean", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller")]
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode:
        print(f"build failed: PyInstaller exited with {result.returncode}", file=sys.stderr)
        return result.returncode
    bundle = DIST / (f"{APP_NAME}.app" if sys.platform == "darwin" else APP_NAME)
    saved = strip_debug_sections(bundle)
    if saved:
        print(f"stripped {saved / 1e6:.0f} MB of symbols")
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    zipped = make_zip(bundle, DIST / f"{APP_NAME}-{__version__}-{system}-"
                                     f"{platform.machine().lower()}.zip")
    print(f"built {bundle} ({folder_size(bundle) / 1e6:.0f} MB) and {zipped.name} "
          f"({zipped.stat().st_size / 1e6:.0f} MB) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
