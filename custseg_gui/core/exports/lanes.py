"""Writing exports in two processes at once: the report command's way of using both cores.

The formats are split into two lanes of about equal work (the charts cost about the same at
any size; the customer list grows with the rows). This process writes one lane; a forked copy
of it, which already holds the analysis, writes the other into the same staging folder and
hands the temporary files it wrote back, so the export stays all or nothing: the files are
renamed into place together, here, or removed together.

Only where a process can be forked cheaply and safely: Linux, and only from the report command
(a window's process has threads that a fork would leave behind half way).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
import traceback
from pathlib import Path

from custseg_gui.core.errors import Cancelled, UserError
from custseg_gui.core.progress import Progress

# Processor seconds per format on the 2-core development machine, each format written alone by
# export_files after Mall's analysis in one process (matplotlib already imported): charts cost
# about the same at any size, the customer list about this much per cell. The web page's
# charts are drawn at 150 dpi, the others at 300.
CHART_SECONDS = {"png": 2.2, "pdf": 2.6, "pptx": 2.6, "html": 1.5}
SECONDS_PER_CELL = {"csv": 0.1e-6, "lists": 0.1e-6, "xlsx": 0.4e-6}
CHILD_STOP_S = 10.0


def can_fork() -> bool:
    """Linux, two cores or more, and a process with one thread and no Qt (a fork copies only
    the calling thread: a lock another thread held would stay locked in the copy)."""
    return (sys.platform.startswith("linux") and (os.cpu_count() or 1) >= 2
            and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1 and "PySide6.QtCore" not in sys.modules)


def plan(entries: list, cells: int) -> tuple[list, list]:
    """Two lanes of about equal estimated time, each in registry order (the second may be
    empty: then everything is written here)."""
    cost = {entry.key: CHART_SECONDS.get(entry.key, SECONDS_PER_CELL.get(entry.key, 0) * cells)
            for entry in entries}
    lanes, loads = ([], []), [0.0, 0.0]
    for entry in sorted(entries, key=lambda entry: -cost[entry.key]):
        lane = 0 if loads[0] <= loads[1] else 1
        lanes[lane].append(entry)
        loads[lane] += cost[entry.key]
    order = [entry.key for entry in entries]
    here, there = (sorted(lane, key=lambda entry: order.index(entry.key)) for lane in lanes)
    if not here:
        here, there = there, []
    return here, there


class Lane:
    """The other lane, written by a forked process."""

    def __init__(self, entries: list, folder: Path, context, write_lane):
        self.entries = entries
        fork = multiprocessing.get_context("fork")
        self.connection, child_end = fork.Pipe()
        # Objects alive now are never collected in the copy: a collection would write to
        # their pages and copy them.
        gc.freeze()
        self.process = fork.Process(target=_child, daemon=True,
                                    args=(child_end, entries, folder, context, write_lane))
        self.process.start()
        gc.unfreeze()
        child_end.close()

    def finish(self, progress: Progress) -> list[tuple[str, Path]]:
        """Wait for the lane; its staged (temporary, destination) files, or its error."""
        while True:
            try:
                message = self.connection.recv()
            except EOFError:
                self.process.join()
                raise RuntimeError(f"The export process stopped unexpectedly (exit status "
                                   f"{self.process.exitcode}).") from None
            kind = message[0]
            if kind == "progress":
                progress.report(*message[1:])  # the lane's own 0..1
            elif kind == "staged":
                self.process.join()
                return message[1]
            elif kind == "cancelled":
                self.process.join()
                raise Cancelled()
            else:  # "error": the child's error, as a user or a programmer should see it
                self.process.join()
                key, text, details, user = message[1:]
                if user:
                    raise UserError(text, details)
                error = RuntimeError(f"Writing {key} failed: {text}")
                error.add_note(f"In the export process:\n{details}")
                raise error

    def stop(self) -> None:
        """Ask the lane to stop and remove what it wrote; kill it if it does not."""
        if not self.process.is_alive():
            self._remove_unclaimed()
            return
        try:
            self.connection.send("cancel")
        except OSError:
            pass
        self.process.join(CHILD_STOP_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self._remove_unclaimed()

    def _remove_unclaimed(self) -> None:
        """Temporary files the lane wrote but never handed over."""
        try:
            while self.connection.poll():
                message = self.connection.recv()
                if message[0] == "staged":
                    from custseg_gui.core.exports.staging import _remove

                    for temporary, _path in message[1]:
                        _remove(Path(temporary))  # a file, or a folder (segments/)
        except (EOFError, OSError):
            pass


def _child(connection, entries, folder: Path, context, write_lane) -> None:
    from custseg_gui.core.exports.staging import Staging

    cancelled = False

    def is_cancelled() -> bool:
        nonlocal cancelled
        if not cancelled and connection.poll():
            cancelled = connection.recv() == "cancel"
        return cancelled

    progress = Progress(lambda fraction, message: connection.send(
        ("progress", fraction, message)), is_cancelled)
    staging, current = Staging(), [entries[0].key]
    try:
        write_lane(entries, staging, folder, context, progress, started=current.append)
        connection.send(("staged", staging.staged))
    except Cancelled:
        staging.rollback()
        connection.send(("cancelled",))
    except BaseException as error:  # told to the parent, which raises it there
        staging.rollback()
        connection.send(("error", current[-1], str(error),
                         getattr(error, "details", None) or traceback.format_exc(),
                         isinstance(error, UserError)))
    finally:
        connection.close()
