"""The house stays as designed (../shared/DESIGN.md): the window is a small shell around
controllers and views, none of which grows into the one place that knows everything."""

from __future__ import annotations

from pathlib import Path

import pytest

GUI = Path(__file__).resolve().parents[1] / "custseg_gui" / "gui"
MAX_LINES = 500


@pytest.mark.parametrize("module", sorted(path.relative_to(GUI).as_posix()
                                          for path in GUI.rglob("*.py")))
def test_no_window_module_is_over_500_lines(module):
    lines = len((GUI / module).read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, (f"custseg_gui/gui/{module} has {lines} lines: split it into a "
                                "controller or view of its own")
