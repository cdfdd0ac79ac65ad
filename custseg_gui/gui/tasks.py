"""The one place that starts threads: core functions run here, results come back as Qt signals.

Imitates superqt's worker (started / progress / returned / errored / finished) and Orange's
TaskState: the function receives a `Progress` whose `report()` reaches the GUI and whose
`check()` raises `Cancelled` once the user cancels or a newer task replaces this one. A
result from a task that was replaced is dropped, so a stale result never overwrites a newer one.
Which task replaces which is declared once, in CANCELS.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from custseg_gui.core.errors import Cancelled
from custseg_gui.core.progress import Progress
from custseg_gui.logs import log

class Channel(str, Enum):
    """What a background task is for; one task runs per channel, a new one replaces it."""

    LOAD = "load"  # reading a file
    ORDERS = "orders"  # an order log's lines made into one row per customer, for the analysis
    ORDERS_PREVIEW = "orders-preview"  # the same, counted for the order lines dialog
    ANALYSIS = "analysis"  # Find segments: preparation, k search, segments
    SEGMENT = "segment"  # another number of segments, reusing the search
    SCATTER = "scatter"  # the scatter on other axes
    EXPORT = "export"
    SCORE = "score"  # new customers given the segments of a segmentation
    SQL = "sql"  # the segmentation written as SQL, to see or copy
    WARM_UP = "warm-up"  # loading the analysis libraries, unseen


# Starting a task on a channel also cancels the tasks of these channels, whose results it makes
# stale: a new file makes every analysis stale, a new search any regrouping of the old one.
# An export carries on: it writes the results it was given, which stay as they were.
# The customers of an order log are a new table, as a new file is; a preview only counts.
CANCELS: dict[Channel, tuple[Channel, ...]] = {
    Channel.LOAD: (Channel.ORDERS, Channel.ORDERS_PREVIEW, Channel.ANALYSIS, Channel.SEGMENT,
                   Channel.SCATTER),
    Channel.ORDERS: (Channel.ORDERS_PREVIEW, Channel.ANALYSIS, Channel.SEGMENT, Channel.SCATTER),
    Channel.ORDERS_PREVIEW: (),
    Channel.ANALYSIS: (Channel.SEGMENT, Channel.SCATTER),
    Channel.SEGMENT: (Channel.SCATTER,),
    Channel.SCATTER: (),
    Channel.EXPORT: (),
    Channel.SCORE: (),
    Channel.SQL: (),
    Channel.WARM_UP: (),
}


class _GuiThreadCollection:
    """Keep Python's garbage collector off worker threads.

    Qt quirk: the cyclic collector runs in whichever thread happens to allocate, and if it
    frees the last reference to a Qt object there (a closed window, a widget from a finished
    view), Qt destroys that object off its own thread and the process crashes. While any
    task runs, automatic collection is paused, and the GUI thread collects instead, a little at
    a time: the newest objects every 0.2 s, the next generation every 2 s. A single collection
    at the end of a long task would walk everything it made, ~70 ms at a million customers.
    """

    INTERVAL_MS = 200
    OLDER_EVERY = 10  # ticks between collections of the second generation

    def __init__(self):
        self.holders: set[object] = set()
        self.timer = None
        self.ticks = 0
        self.frozen = False

    def hold(self, task_number: object) -> None:
        """Pause automatic collection (call on the GUI thread)."""
        if not self.holders:
            gc.disable()
            if self.timer is None:
                self.timer = QTimer()
                self.timer.setInterval(self.INTERVAL_MS)
                self.timer.timeout.connect(self._collect_some)
            self.timer.start()
        self.holders.add(task_number)

    def release(self, task_number: object) -> None:
        """End a pause (on the GUI thread); the last one resumes automatic collection."""
        if task_number in self.holders:
            self.holders.discard(task_number)
            if not self.holders:
                self.timer.stop()
                if self.frozen:
                    gc.collect(0)
                else:
                    # After the first task (opening a file, which also imports the analysis
                    # libraries): everything alive now (modules, the window) lives as long as
                    # the app. Frozen, later collections never walk it again; a collection of
                    # it would take ~100 ms each time.
                    gc.freeze()
                    self.frozen = True
                gc.enable()

    def _collect_some(self) -> None:
        if not self.frozen:
            return  # the first task's objects are frozen when it ends (see release)
        self.ticks += 1
        gc.collect(1 if self.ticks % self.OLDER_EVERY == 0 else 0)


_collection = _GuiThreadCollection()

# How long a busy background thread may keep Python's interpreter lock before handing it on
# (Python's default is 5 ms). Every call from Qt into Python (a paint event, a table cell, a
# Python widget's event handler) must wait for the lock, and laying out and painting the window
# makes a few thousand of them: while the analysis or the chart thread runs, each could wait the
# whole interval and the window would stall for a second. At 50 us the waits add up to a few
# tens of milliseconds (benchmarks/bench_gui.py); handing on the lock so often costs the
# background work little, because a thread alone never hands it on.
SWITCH_INTERVAL_S = 0.00005

# Progress updates closer together than this are merged: a flood of queued signals would make
# the GUI thread busy just redrawing the bar.
PROGRESS_INTERVAL_S = 0.05


@dataclass
class Task:
    """One run of a function in the background."""

    number: int
    name: str
    function: Callable
    on_returned: Callable[[object], None]
    on_errored: Callable[[BaseException, str], None] | None
    cancel_requested: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    quiet: bool = False  # no signals, not "busy", not stopped by Cancel (only by closing)
    last_progress: float = 0.0
    last_message: str = ""

    @property
    def cancelled(self) -> bool:
        return self.cancel_requested.is_set()


class Worker(QObject):
    """Runs one task at a time per channel ("load", "analysis", ...); a new task replaces the old.

    Signals (all delivered on the GUI thread):
      started(channel), progress(channel, fraction, message), finished(channel, outcome)
    where outcome is "returned", "errored" or "cancelled".
    """

    started = Signal(str)
    progress = Signal(str, float, str)
    finished = Signal(str, str)

    # Internal: emitted from the background thread, queued onto the GUI thread.
    _progress_from_thread = Signal(object, float, str)
    _done_from_thread = Signal(object, str, object, str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._current: dict[str, Task] = {}
        self._threads: list[threading.Thread] = []
        self._count = 0
        self._closed = False
        self._held: set[int] = set()  # tasks whose end will resume garbage collection
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        # QueuedConnection: the slot runs on the GUI thread (where this object lives) whatever
        # thread emitted the signal.
        self._progress_from_thread.connect(self._deliver_progress, Qt.QueuedConnection)
        self._done_from_thread.connect(self._deliver_done, Qt.QueuedConnection)

    # --- starting and stopping ------------------------------------------------------------------

    def run(self, channel: Channel | str, function: Callable[[Progress], object],
            on_returned: Callable[[object], None],
            on_errored: Callable[[BaseException, str], None] | None = None,
            quiet: bool = False) -> Task:
        """Run `function(progress)` in the background, replacing the channel's running task
        and cancelling those it makes stale (CANCELS).

        A quiet task is housekeeping the user does not see (no progress, no Cancel)."""
        if self._closed:
            raise RuntimeError("worker is shut down")
        channel = Channel(channel).value
        for stale in (channel, *CANCELS[Channel(channel)]):
            self.cancel(stale)
        self._count += 1
        task = Task(self._count, channel, function, on_returned, on_errored, quiet=quiet)
        self._current[channel] = task
        task.thread = threading.Thread(target=self._work, args=(task,),
                                       name=f"custseg-{channel}-{task.number}", daemon=True)
        self._threads = [thread for thread in self._threads if thread.is_alive()]
        self._threads.append(task.thread)
        if not quiet:
            self.started.emit(channel)
        _collection.hold(task.number)
        self._held.add(task.number)
        task.thread.start()
        return task

    def cancel(self, channel: Channel | str | None = None, quiet_too: bool = False) -> None:
        """Ask the channel's task (or every task the user sees) to stop; its result will be
        dropped."""
        channel = None if channel is None else Channel(channel).value
        for name, task in list(self._current.items()):
            if name == channel or (channel is None and (quiet_too or not task.quiet)):
                task.cancel_requested.set()
                del self._current[name]
                if not task.quiet:
                    self.finished.emit(name, "cancelled")

    @property
    def closed(self) -> bool:
        """True once shut down: no more tasks run."""
        return self._closed

    def is_busy(self, channel: Channel | str | None = None) -> bool:
        """Whether the channel (or any task the user sees) is running."""
        if channel is None:
            return any(not task.quiet for task in self._current.values())
        return Channel(channel).value in self._current

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Cancel everything and wait for the threads to stop; True when all stopped in time."""
        self._closed = True
        self.cancel(quiet_too=True)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stopped = not any(thread.is_alive() for thread in self._threads)
        if stopped:  # their "done" will not be delivered now: resume collection here
            for number in list(self._held):
                _collection.release(number)
            self._held.clear()
        return stopped

    # --- the background side -------------------------------------------------------------------

    def _work(self, task: Task) -> None:
        def on_progress(fraction: float, message: str) -> None:
            # A new message always goes through (it says what is being done); updates of the
            # bar alone are thinned out.
            message = message or task.last_message
            now = time.monotonic()
            if (message != task.last_message or fraction >= 1.0
                    or now - task.last_progress >= PROGRESS_INTERVAL_S):
                task.last_progress, task.last_message = now, message
                self._emit(self._progress_from_thread, task, fraction, message)

        progress = Progress(on_progress=on_progress, is_cancelled=task.cancel_requested.is_set)
        try:
            result = task.function(progress)
            outcome, details = "returned", ""
        except Cancelled:
            result, outcome, details = None, "cancelled", ""
        except BaseException as error:  # every error travels back to the GUI to be shown
            result, outcome, details = error, "errored", traceback.format_exc()
        self._emit(self._done_from_thread, task, outcome, result, details)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window was destroyed while this thread ran: nobody to tell
            pass

    # --- the GUI side ---------------------------------------------------------------------------

    @Slot(object, float, str)
    def _deliver_progress(self, task: Task, fraction: float, message: str) -> None:
        if self._current.get(task.name) is task and not task.quiet:
            self.progress.emit(task.name, fraction, message)

    @Slot(object, str, object, str)
    def _deliver_done(self, task: Task, outcome: str, result: object, details: str) -> None:
        self._held.discard(task.number)
        _collection.release(task.number)
        if self._current.get(task.name) is not task:
            return  # cancelled or replaced by a newer task: its result is stale
        del self._current[task.name]
        try:
            if outcome == "returned":
                task.on_returned(result)
            elif outcome == "errored":
                log.error("task %s failed:\n%s", task.name, details)
                if task.on_errored is not None:
                    task.on_errored(result, details)
        finally:  # the window leaves its busy state even when showing the result failed
            if not task.quiet:
                self.finished.emit(task.name, outcome)


@dataclass
class RenderJob:
    """One chart to make: a new figure, built and drawn into an image on the chart thread."""

    number: int
    canvas: object  # chart_panel.BackgroundCanvas
    build: Callable  # build(figure) fills the new figure
    size: tuple[int, int]  # physical pixels
    dpi: float


class ChartRenderer(QObject):
    """Builds and rasterises charts on one background thread, so the window never waits.

    Drawing a figure with a dozen axes takes a few hundred milliseconds, far above the 100 ms a
    window can stall unnoticed. Each canvas asks for a chart (`request`); one thread builds and
    draws the jobs one after another (matplotlib serialises figure drawing with a lock shared by
    all figures anyway, and keeps fonts per thread); the finished figure and its image come
    back to the GUI thread, where the canvas shows them. A newer request for a canvas makes an
    older one stale: a job not yet started is replaced, a finished stale chart is dropped.
    """

    rendered = Signal(object)  # the canvas that now shows its newest chart
    failed = Signal(object, str)  # error, traceback: a chart could not be drawn

    _done_from_thread = Signal(object, object, object, str)  # job, (figure, image), error, tb

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._condition = threading.Condition()
        self._queue: dict[int, RenderJob] = {}  # canvas id -> its job waiting to start
        self._latest: dict[int, RenderJob] = {}  # canvas id -> its newest job not yet shown
        self._count = 0
        self._outstanding = 0  # jobs requested and not yet delivered (they pause collection)
        self._holder = ("charts", id(self))  # this renderer's pause of garbage collection
        self._closed = False
        self._thread: threading.Thread | None = None
        self._done_from_thread.connect(self._deliver, Qt.QueuedConnection)
        # New jobs start once the event loop is back, after the window has laid out and painted
        # what changed with them: the chart thread would otherwise compete with that paint for
        # Python's interpreter lock and make it slower.
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.setInterval(0)
        self._start_timer.timeout.connect(self._start)

    def request(self, canvas, build: Callable) -> None:
        """Make a new chart for `canvas` with `build(figure)`, at the canvas's current size."""
        if self._closed:
            return
        width, height, dpi = canvas.target()
        self._count += 1
        job = RenderJob(self._count, canvas, build, (width, height), dpi)
        key = id(canvas)
        self._latest[key] = job
        with self._condition:
            if self._queue.pop(key, None) is None:
                self._change_outstanding(+1)
            self._queue[key] = job
        self._start_timer.start()

    def forget(self, canvas) -> None:
        """Drop the canvas's waiting job and any chart still coming for it."""
        key = id(canvas)
        self._latest.pop(key, None)
        with self._condition:
            if self._queue.pop(key, None) is not None:
                self._change_outstanding(-1)

    def is_busy(self, canvas=None) -> bool:
        """True while a chart (of `canvas`, or any) is still to be shown."""
        return bool(self._latest) if canvas is None else id(canvas) in self._latest

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Drop waiting jobs and stop the thread; True when it stopped in time."""
        with self._condition:
            self._closed = True
            self._change_outstanding(-len(self._queue))
            self._queue.clear()
            self._condition.notify()
        self._latest.clear()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return False  # its delivery, if it still comes, resumes collection
        self._change_outstanding(-self._outstanding)
        return True

    def _change_outstanding(self, change: int) -> None:
        before = self._outstanding
        self._outstanding = max(0, before + change)
        if before == 0 and self._outstanding > 0:
            _collection.hold(self._holder)
        elif before > 0 and self._outstanding == 0:
            _collection.release(self._holder)

    def _start(self) -> None:
        with self._condition:
            if self._closed or not self._queue:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="custseg-charts",
                                                daemon=True)
                self._thread.start()
            self._condition.notify()

    # --- the background side -------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            with self._condition:
                while not self._queue and not self._closed:
                    self._condition.wait()
                if self._closed:
                    return
                job = self._queue.pop(next(iter(self._queue)))
            try:
                result, error, details = job.canvas.render(job), None, ""
            except BaseException as exc:  # shown to the user on the GUI thread
                result, error, details = None, exc, traceback.format_exc()
            Worker._emit(self._done_from_thread, job, result, error, details)

    # --- the GUI side ---------------------------------------------------------------------------

    @Slot(object, object, object, str)
    def _deliver(self, job: RenderJob, result, error, details: str) -> None:
        self._change_outstanding(-1)
        key = id(job.canvas)
        if self._closed or self._latest.get(key) is not job:
            return  # a newer chart for this canvas is coming, or it was cleared
        del self._latest[key]
        if not shiboken6.isValid(job.canvas):
            return  # the canvas was destroyed meanwhile
        if error is not None:
            log.error("drawing a chart failed:\n%s", details)
            self.failed.emit(error, details)
            return
        if job.canvas.show_rendered(job, *result):
            self.rendered.emit(job.canvas)
        else:  # resized (or moved to another screen) while it was made: once more
            self.request(job.canvas, job.build)
