"""Files shipped with the app (sample data, icons), found the same way installed, frozen or run
from a checkout."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

SAMPLE_FILE = "sample_customers.csv"


def resource_dir() -> Path:
    if getattr(sys, "frozen", False):  # PyInstaller puts resources/ beside the package
        return Path(getattr(sys, "_MEIPASS")) / "resources"
    try:
        return Path(str(resources.files("custseg_gui.resources")))
    except ModuleNotFoundError:
        # Run from a checkout without installing: resources/ is at the top of the repository.
        return Path(__file__).resolve().parents[1] / "resources"


def resource(name: str) -> Path:
    return resource_dir() / name


def sample_data() -> Path:
    return resource(SAMPLE_FILE)


def licenses_dir() -> Path | None:
    """Licence texts of the bundled third-party packages (only in the packaged app)."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS")) / "licenses"
    return None
