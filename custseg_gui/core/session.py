"""A saved analysis (.custseg): versioned JSON with the data file, every setting and the names.

Never pickle: a .custseg file is plain data that a newer CustSeg can read and an old one can
refuse politely.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from custseg_gui import __version__
from custseg_gui.core.errors import UserError
from custseg_gui.core.export import atomic_write
from custseg_gui.core.loading import LoadSettings
from custseg_gui.core.prep import MISSING_POLICIES, SCALINGS

SCHEMA = "custseg-analysis"
VERSION = 1
SUFFIX = ".custseg"


@dataclass(frozen=True)
class SavedAnalysis:
    """Everything needed to rerun an analysis and show it as the user left it."""

    data_path: str
    data_sha256: str
    load: LoadSettings
    features: tuple[str, ...]
    missing: str
    scaling: str
    k_min: int
    k_max: int
    seed: int
    k: int
    names: dict[int, str] = field(default_factory=dict)  # the user's own segment names
    log: tuple[str, ...] = ()
    cap: tuple[tuple[str, float, float], ...] = ()
    as_category: tuple[str, ...] = ()


def save_analysis(path: Path, saved: SavedAnalysis) -> None:
    """Write a .custseg file (atomically)."""
    content = {
        "schema": SCHEMA, "version": VERSION, "app_version": __version__,
        "saved_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "data": {"path": saved.data_path, "sha256": saved.data_sha256,
                 "load": asdict(saved.load)},
        "settings": {"features": list(saved.features), "missing": saved.missing,
                     "scaling": saved.scaling, "k_min": saved.k_min, "k_max": saved.k_max,
                     "seed": saved.seed, "k": saved.k, "log": list(saved.log),
                     "cap": [list(cap) for cap in saved.cap],
                     "category": list(saved.as_category)},
        "segment_names": {str(number): name for number, name in sorted(saved.names.items())},
    }
    text = json.dumps(content, indent=2, ensure_ascii=False)
    atomic_write(Path(path), lambda handle: handle.write(text.encode("utf-8")))


def _load_settings(values: dict) -> LoadSettings:
    known = {name: values[name] for name in LoadSettings.__dataclass_fields__ if name in values}
    return LoadSettings(**known)


def _damaged(path: Path, what: str) -> UserError:
    return UserError(f"{path.name} is not a CustSeg analysis, or it is damaged ({what}). Open a "
                     f"{SUFFIX} file saved by CustSeg.")


def load_analysis(path: Path) -> SavedAnalysis:
    """Read a .custseg file; a damaged, foreign or newer file gives a clear UserError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"The analysis file {path.name} could not be found.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise _damaged(path, "it cannot be read as text") from error
    try:
        content = json.loads(text)
    except json.JSONDecodeError:
        raise _damaged(path, "it is not valid JSON") from None
    if not isinstance(content, dict) or content.get("schema") != SCHEMA:
        raise _damaged(path, "it was not made by CustSeg")
    version = content.get("version")
    if not isinstance(version, int):
        raise _damaged(path, "it has no version")
    if version > VERSION:
        raise UserError(f"{path.name} was saved by a newer version of CustSeg "
                        f"({content.get('app_version', 'unknown')}). Install the newer version "
                        "to open it.")
    try:
        data, settings = content["data"], content["settings"]
        if not isinstance(settings["features"], list):
            raise TypeError("features is not a list")
        features = tuple(str(name) for name in settings["features"])
        saved = SavedAnalysis(
            data_path=str(data["path"]), data_sha256=str(data["sha256"]),
            load=_load_settings(data.get("load", {})),
            features=features, missing=str(settings["missing"]),
            scaling=str(settings["scaling"]), k_min=int(settings["k_min"]),
            k_max=int(settings["k_max"]), seed=int(settings["seed"]), k=int(settings["k"]),
            names={int(number): str(name)
                   for number, name in content.get("segment_names", {}).items()},
            log=tuple(str(name) for name in settings.get("log", [])),
            cap=tuple((str(name), float(low), float(high))
                      for name, low, high in settings.get("cap", [])),
            as_category=tuple(str(name) for name in settings.get("category", [])))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise _damaged(path, f"a setting is missing or wrong: {error}") from None
    if not features or saved.missing not in MISSING_POLICIES or saved.scaling not in SCALINGS \
            or not 2 <= saved.k_min <= saved.k_max or saved.k < 2:
        raise _damaged(path, "its settings are not valid")
    return saved
