"""Where CustSeg keeps its log file, and how it is set up. No Qt here: the CLI uses it too."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from custseg_gui import APP_NAME

log = logging.getLogger("custseg")


def user_data_dir() -> Path:
    """The per-user folder for logs and caches (CUSTSEG_DATA_DIR overrides it, for tests)."""
    override = os.environ.get("CUSTSEG_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / APP_NAME


def log_file() -> Path:
    return user_data_dir() / "logs" / "custseg.log"


def setup_logging() -> Path | None:
    """Log to a rotating file in the user's data folder; return its path (None if unwritable)."""
    if log.handlers:
        return log_file()
    log.setLevel(logging.INFO)
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError:
        log.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    return path
