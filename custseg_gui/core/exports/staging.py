"""All-or-nothing writing: every file is written in full under a temporary name beside its
destination; only when all of an export's files are complete are they renamed into place. A
failure (or a cancel) at any point leaves no partial file and no temporary one, and files of an
earlier export stay as they were."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import IO

from custseg_gui.core.errors import UserError


def _file_mode() -> int:
    """rw for everyone the user's umask allows (a temporary file starts private)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _temporary(path: Path):
    try:
        handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".part", delete=False)
        with suppress(OSError):
            os.chmod(handle.name, _file_mode())
        return handle
    except OSError as error:
        raise _folder_failed(path, error) from None


def _folder_failed(path: Path, error: OSError) -> UserError:
    """Why nothing could be written beside `path`, in words."""
    if isinstance(error, FileNotFoundError):
        return UserError(f"The folder {path.parent} does not exist any more. Choose another "
                         "folder to export to.")
    if isinstance(error, PermissionError):
        return UserError(f"CustSeg is not allowed to write in {path.parent}. Choose a folder "
                         "of your own, such as Documents.")
    return UserError(f"Could not write in {path.parent} ({error.strerror}). Choose another "
                     "folder.")


def _write_failed(path: Path, error: OSError) -> UserError:
    if isinstance(error, PermissionError):
        return UserError(f"CustSeg is not allowed to write {path.name}. If it is open in another "
                         "program (such as Excel), close it and try again.")
    return UserError(f"Writing {path.name} failed ({error.strerror or error}). Check that the "
                     "disk has space and the folder is still there, then try again.")


class Staging:
    """Files written completely under temporary names, renamed into place together."""

    def __init__(self):
        self._staged: list[tuple[str, Path]] = []

    def write(self, path: Path, write: Callable[[IO[bytes]], None]) -> None:
        path = Path(path)
        handle = _temporary(path)
        self._staged.append((handle.name, path))
        try:
            with handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise _write_failed(path, error) from None

    def write_folder(self, path: Path, write: Callable[[Path], None]) -> None:
        """A folder of files, written in full under a temporary name beside its destination
        (`write` fills the folder it is given); it replaces an earlier folder of that name
        whole, on commit, so no file of an earlier export is left in it."""
        path = Path(path)
        try:
            temporary = tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".part")
        except OSError as error:
            raise _folder_failed(path, error) from None
        with suppress(OSError):
            os.chmod(temporary, _file_mode() | (_file_mode() & 0o444) >> 2)  # rwx where rw
        self._staged.append((temporary, path))
        try:
            write(Path(temporary))
        except OSError as error:
            raise _write_failed(path, error) from None

    @property
    def staged(self) -> list[tuple[str, Path]]:
        """(temporary file, destination) of every file written so far."""
        return list(self._staged)

    def adopt(self, staged: list[tuple[str, Path]]) -> None:
        """Take over files another Staging (another process's) wrote."""
        self._staged += [(temporary, Path(path)) for temporary, path in staged]

    def order(self, paths: list[Path]) -> None:
        """Put the staged files in this order of destinations (the order commit returns)."""
        rank = {Path(path): position for position, path in enumerate(paths)}
        self._staged.sort(key=lambda pair: rank.get(pair[1], len(rank)))

    def commit(self) -> list[Path]:
        """Rename every staged file into place; if one rename fails, undo the others."""
        done, backups = [], []
        try:
            for temporary, path in self._staged:
                if path.is_dir() and not path.is_symlink():
                    # An earlier folder is kept, under a free name, until every new file is in
                    # place (renaming a folder onto another is not portable).
                    backup = _free_name(path)
                    os.rename(path, backup)
                    backups.append((backup, path))
                elif path.exists():
                    # Keep the earlier file until every new one is in place.
                    holder = _temporary(path)
                    holder.close()
                    backup = Path(holder.name)
                    try:
                        os.replace(path, backup)
                    except OSError:
                        os.unlink(backup)
                        raise
                    backups.append((backup, path))
                os.replace(temporary, path)
                done.append(path)
        except OSError as error:
            for placed in done:
                _remove(placed)
            for backup, original in backups:
                with suppress(OSError):
                    os.rename(backup, original)  # the name is free again: no replace needed
            self.rollback()
            raise _write_failed(path, error) from None
        for backup, _path in backups:
            _remove(backup)
        self._staged = []
        return done

    def rollback(self) -> None:
        for temporary, _path in self._staged:
            _remove(Path(temporary))
        self._staged = []


def _remove(path: Path) -> None:
    """Remove a file or a folder with its files, as far as it can be."""
    if Path(path).is_dir() and not Path(path).is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(OSError):
            os.unlink(path)


def _free_name(path: Path) -> Path:
    """A name beside `path` that nothing has: where an earlier folder waits."""
    number = 1
    while (candidate := path.with_name(f".{path.name}.{os.getpid()}.{number}.old")).exists():
        number += 1
    return candidate


def atomic_write(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write one file through a temporary file in the same folder, then rename it into place.

    A failure at any point leaves neither a partial file nor the temporary one behind.
    """
    staging = Staging()
    try:
        staging.write(path, write)
    except BaseException:
        staging.rollback()
        raise
    staging.commit()
