"""A saved analysis (.custseg): versioned JSON with the data file, the settings and the names.

Never pickle: a .custseg file is plain data that a newer CustSeg can read and an old one can
refuse politely. The settings are written by AnalysisSettings.to_dict, like summary.json's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from custseg_gui import __version__
from custseg_gui.core.errors import UserError, saved_version
from custseg_gui.core.exports.staging import atomic_write
from custseg_gui.core.settings import AnalysisSettings, SettingsError

SCHEMA = "custseg-analysis"
VERSION = 2
SUFFIX = ".custseg"
# Version 1 kept how the file is read apart from the other settings, with the characters
# themselves (";") where the settings now have words ("semicolon").
_V1_READ_KEYS = {"sheet": "sheet", "encoding": "encoding", "delimiter": "delimiter",
                 "decimal": "decimal", "thousands": "thousands", "header_row": "header_row",
                 "day_first": "dates"}


@dataclass(frozen=True)
class SavedAnalysis:
    """Everything needed to rerun an analysis and show it as the user left it."""

    data_path: str
    data_sha256: str
    settings: AnalysisSettings  # the chosen number of segments included
    names: dict[int, str] = field(default_factory=dict)  # the user's own segment names
    # The segmentation itself (core/model.py), so that a saved analysis can score new customers
    # (`score`) without its data file; None in files of earlier versions.
    segmentation: object | None = field(default=None, compare=False)


def save_analysis(path: Path, saved: SavedAnalysis) -> None:
    """Write a .custseg file (atomically)."""
    content = {
        "schema": SCHEMA, "version": VERSION, "app_version": __version__,
        "saved_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "data": {"path": saved.data_path, "sha256": saved.data_sha256},
        "settings": saved.settings.to_dict(),
        "segment_names": {str(number): name for number, name in sorted(saved.names.items())},
    }
    if saved.segmentation is not None:
        content["segmentation"] = saved.segmentation.to_dict()
    text = json.dumps(content, indent=2, ensure_ascii=False)
    atomic_write(Path(path), lambda handle: handle.write(text.encode("utf-8")))


def _damaged(path: Path, what: str) -> UserError:
    return UserError(f"{path.name} is not a CustSeg analysis, or it is damaged ({what}). Open a "
                     f"{SUFFIX} file saved by CustSeg.")


# A saved analysis holds every setting; one that is missing means the file was damaged or
# edited, and is refused rather than replaced by its default.
REQUIRED = ("features", "missing", "scaling", "k_min", "k_max", "seed", "k")


def _settings_of(content: dict, version: int) -> dict:
    """The settings in the current flat form, from a file of any version."""
    settings = dict(content["settings"])
    for key in REQUIRED:
        if key not in settings:
            raise KeyError(key)
    if version == 1:
        load = content["data"].get("load", {}) or {}
        for old, key in _V1_READ_KEYS.items():
            if old in load:
                settings[key] = load[old]
        settings["version"] = 1
    return settings


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
    version = saved_version(content, VERSION, path.name, "open it",
                            lambda what: _damaged(path, what))
    try:
        data = content["data"]
        settings = AnalysisSettings.from_dict(_settings_of(content, version))
        saved = SavedAnalysis(
            data_path=str(data["path"]), data_sha256=str(data["sha256"]), settings=settings,
            names={int(number): str(name)
                   for number, name in content.get("segment_names", {}).items()})
    except (SettingsError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise _damaged(path, f"a setting is missing or wrong: {error}") from None
    if not settings.features or not 2 <= settings.k_min <= settings.k_max \
            or settings.k is None or settings.k < 2:
        raise _damaged(path, "its settings are not valid")
    return saved
