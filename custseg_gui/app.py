"""Entry point: the window, the `report` command, or the self-test."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["report"]:
        from custseg_gui.cli import report

        return report(argv[1:])
    if "--self-test" in argv:
        from custseg_gui.selftest import self_test

        return self_test()
    from custseg_gui.gui.application import run_gui

    return run_gui(argv)
