"""How long-running core functions report progress and notice a cancel request.

Core functions take an optional `Progress`; the GUI worker passes one whose callbacks emit Qt
signals, the command line passes none. Cancelling is a flag checked between steps (`check()`
raises `Cancelled`), so a step must stay short for cancel to be prompt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from custseg_gui.core.errors import Cancelled


@dataclass
class Progress:
    """Progress sink: `report(fraction, message)` and a cancel flag to `check()`."""

    on_progress: Callable[[float, str], None] | None = None
    is_cancelled: Callable[[], bool] = field(default=lambda: False)
    start: float = 0.0
    span: float = 1.0

    def report(self, fraction: float, message: str = "") -> None:
        self.check()
        if self.on_progress is not None:
            self.on_progress(self.start + self.span * min(max(fraction, 0.0), 1.0), message)

    def check(self) -> None:
        if self.is_cancelled():
            raise Cancelled()

    def part(self, start: float, end: float) -> Progress:
        """A sub-range of this progress, for a stage that is one part of a longer task."""
        return Progress(self.on_progress, self.is_cancelled,
                        self.start + self.span * start, self.span * (end - start))


NO_PROGRESS = Progress()
