"""Entry point: the window, the `report` command, or the self-test."""

from __future__ import annotations

import os
import sys


def _frozen_setup() -> None:
    """Settings only the packaged app needs, made before any heavy import."""
    if not getattr(sys, "frozen", False):
        return
    from custseg_gui.logs import user_data_dir

    # PyInstaller points matplotlib at a new temporary folder on every launch, so its font
    # cache would be rebuilt each time (seconds); keep it in the user's data folder instead.
    cache = user_data_dir() / "matplotlib"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        os.environ["MPLCONFIGDIR"] = str(cache)
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _frozen_setup()
    if argv[:1] == ["report"]:
        from custseg_gui.cli import report

        return report(argv[1:])
    if argv[:1] == ["score"]:
        from custseg_gui.cli import score

        return score(argv[1:])
    if "--self-test" in argv:
        from custseg_gui.selftest import self_test

        return self_test()
    from custseg_gui.gui.application import run_gui

    return run_gui(argv)
