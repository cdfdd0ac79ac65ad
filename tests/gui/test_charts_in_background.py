"""Charts are built and drawn on the chart thread; the window only shows finished images."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from matplotlib.backend_bases import MouseEvent
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from custseg_gui.gui.views.chart_panel import ChartPanel

from custseg_gui.gui.views.data_model import CustomerTableModel

from custseg_gui.gui.tasks import ChartRenderer


@pytest.fixture
def renderer(qtbot):
    renderer = ChartRenderer()
    yield renderer
    assert renderer.shutdown(timeout=10)


@pytest.fixture
def panel(qtbot, renderer):
    panel = ChartPanel("testCanvas", renderer=renderer)
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def wait_until_drawn(qtbot, renderer):
    qtbot.waitUntil(lambda: not renderer.is_busy(), timeout=20_000)


def line_chart(figure, values, title, threads=None):
    if threads is not None:
        threads.append(threading.current_thread())
    ax = figure.add_subplot()
    ax.plot(values)
    ax.set_title(title)


def test_a_chart_is_built_off_the_gui_thread_and_then_shown(qtbot, renderer, panel):
    # Given an empty chart panel
    threads = []
    # When a chart is asked for
    panel.show_chart(line_chart, [1, 3, 2], "Spend by month", threads)
    # Then it is built on another thread, and once drawn the panel shows it at its own size
    wait_until_drawn(qtbot, renderer)
    assert threads and threads[0] is not threading.main_thread()
    assert panel.figure.axes[0].get_title() == "Spend by month"
    image = panel.canvas.shown_renderer
    assert (int(image.width), int(image.height)) == panel.canvas.target()[:2]
    # and the image holds the line: not every pixel is white
    pixels = np.asarray(image.buffer_rgba())
    assert (pixels[..., :3] < 200).any()


def test_only_the_newest_of_several_quick_requests_is_shown(qtbot, renderer, panel):
    # Given a first chart being built slowly, and two more asked for meanwhile
    gate, built, shown = threading.Event(), [], []
    renderer.rendered.connect(lambda canvas: shown.append(canvas.figure.axes[0].get_title()))

    def chart(figure, title):
        built.append(title)
        if title == "First":
            gate.wait(10)
        line_chart(figure, [1, 2], title)

    panel.show_chart(chart, "First")
    qtbot.waitUntil(lambda: built == ["First"], timeout=5_000)
    panel.show_chart(chart, "Second")
    panel.show_chart(chart, "Third")
    # When the first is finished after all
    gate.set()
    wait_until_drawn(qtbot, renderer)
    # Then it is dropped, the second is never even built, and the newest is on screen
    assert built == ["First", "Third"]
    assert shown == ["Third"]
    assert panel.figure.axes[0].get_title() == "Third"


def test_a_chart_resized_while_drawn_is_drawn_again_at_the_new_size(qtbot, renderer, panel):
    # Given a chart on its way, built slowly
    gate = threading.Event()

    def slow_chart(figure):
        gate.wait(10)
        line_chart(figure, [1, 2], "Sizes")

    panel.show_chart(slow_chart)
    qtbot.waitUntil(lambda: not renderer._queue, timeout=5_000)  # it is being built now
    # When the user makes the window bigger meanwhile
    panel.resize(700, 520)
    qtbot.wait(50)
    gate.set()
    wait_until_drawn(qtbot, renderer)
    # Then the image on screen fits the new size, not the old one
    image = panel.canvas.shown_renderer
    assert (int(image.width), int(image.height)) == panel.canvas.target()[:2]
    assert panel.figure.axes[0].get_title() == "Sizes"


def test_clearing_a_chart_drops_the_image_still_being_drawn(qtbot, renderer, panel):
    # Given a chart on its way
    gate = threading.Event()
    panel.show_chart(lambda figure: (gate.wait(10), line_chart(figure, [1], "Old results")))
    qtbot.waitUntil(lambda: not renderer._queue, timeout=5_000)
    # When the results are cleared (a new file is opened) before it is finished
    panel.clear()
    gate.set()
    qtbot.waitUntil(lambda: renderer._outstanding == 0, timeout=10_000)  # it has come back
    # Then the panel stays empty
    assert not renderer.is_busy()
    assert panel.figure.axes == []
    assert panel.canvas.shown_renderer is None


def test_mouse_connections_follow_each_new_figure(qtbot, renderer, panel):
    # Given a callback connected to the canvas, as the window connects hovering
    seen = []
    panel.canvas.mpl_connect("motion_notify_event", lambda event: seen.append(event.inaxes))
    # When a new chart replaces the figure and the mouse moves over its axes
    panel.show_chart(line_chart, [1, 2, 3], "Hover me")
    wait_until_drawn(qtbot, renderer)
    ax = panel.figure.axes[0]
    x, y = ax.transAxes.transform((0.5, 0.5))
    MouseEvent("motion_notify_event", panel.canvas, x, y)._process()
    # Then the callback hears it, over the new figure's axes
    assert seen and seen[-1] is ax


def test_zooming_redraws_the_chart_on_screen_straight_away(qtbot, renderer, panel):
    # Given a chart on screen
    panel.show_chart(line_chart, [1, 5, 2, 8], "Zoom me")
    wait_until_drawn(qtbot, renderer)
    before = bytes(panel.canvas.shown_renderer.buffer_rgba())
    # When the user zooms (the toolbar changes the limits and asks for a redraw)
    panel.figure.axes[0].set_xlim(1, 2)
    panel.canvas.draw_idle()
    # Then the image changes without a new chart being made on the chart thread
    assert not renderer.is_busy()
    qtbot.waitUntil(lambda: bytes(panel.canvas.shown_renderer.buffer_rgba()) != before,
                    timeout=5_000)
    assert panel.figure.axes[0].get_xlim() == (1, 2)


def test_a_failing_chart_is_reported_and_the_old_one_stays(qtbot, renderer, panel):
    # Given a chart on screen
    panel.show_chart(line_chart, [1, 2], "Still here")
    wait_until_drawn(qtbot, renderer)

    def broken(figure):
        raise ValueError("no data to plot")

    # When the next chart fails to build
    with qtbot.waitSignal(renderer.failed, timeout=10_000) as failure:
        panel.show_chart(broken)
    # Then the failure reaches the window (to be shown), and the old chart stays
    assert isinstance(failure.args[0], ValueError)
    assert panel.figure.axes[0].get_title() == "Still here"


def test_on_a_high_resolution_screen_charts_are_drawn_at_its_pixel_density(qtbot, renderer,
                                                                            panel):
    # Given a canvas on a screen with two physical pixels per point
    panel.canvas._set_device_pixel_ratio(2)
    # When a chart is shown
    panel.show_chart(line_chart, [1, 2], "Sharp")
    wait_until_drawn(qtbot, renderer)
    # Then it is drawn at twice the resolution, filling the canvas
    image = panel.canvas.shown_renderer
    assert panel.figure.dpi == 200
    assert (int(image.width), int(image.height)) == (2 * panel.canvas.width(),
                                                     2 * panel.canvas.height())


def test_drawing_resumes_garbage_collection_when_done(qtbot, renderer, panel):
    # Given collection paused while a chart is made (see worker._GuiThreadCollection)
    import gc

    panel.show_chart(line_chart, [1, 2], "Any")
    assert not gc.isenabled()
    # When it is on screen
    wait_until_drawn(qtbot, renderer)
    qtbot.waitUntil(lambda: renderer._outstanding == 0, timeout=5_000)
    # Then collection runs again
    assert gc.isenabled()


# --- the customer table at a million rows ---------------------------------------------------------

def test_segment_columns_are_added_and_replaced_without_resetting_the_table(qtbot):
    # Given a table of customers
    raw = pd.DataFrame({"Income": ["10", "20", "30"]})
    model = CustomerTableModel()
    model.set_table(raw, pd.DataFrame({"Income": [10.0, 20.0, 30.0]}))
    resets = []
    model.modelReset.connect(lambda: resets.append(True))
    segments = np.array([2, 0, 1])
    # When segment columns are added as codes and texts, then renamed
    model.set_extra_columns({"Segment": (segments, ["", "1", "2"]),
                             "Segment name": (segments, ["", "Savers", "Spenders"])})
    model.set_extra_columns({"Segment": (segments, ["", "1", "2"]),
                             "Segment name": (segments, ["", "Savers", "Big spenders"])})
    # Then each row shows its segment (nothing for a customer left out), with no model reset
    assert model.header_names() == ["Income", "Segment", "Segment name"]
    assert [model.cell_text(row, 2) for row in range(3)] == ["Big spenders", "", "Savers"]
    assert model.index(0, 1).data() == "2"
    assert resets == []


def test_numbers_are_right_aligned_and_text_is_not(qtbot):
    # Given a table with a text and a number column
    raw = pd.DataFrame({"Name": ["Ann", "Bo"], "Income": ["10", "20"]})
    typed = pd.DataFrame({"Name": ["Ann", "Bo"], "Income": [10.0, 20.0]})
    model = CustomerTableModel()
    model.set_table(raw, typed)
    # When Qt asks for a cell's display text and alignment
    name, income = model.index(1, 0), model.index(1, 1)
    # Then it gets the file's text, with numbers aligned right
    assert name.data() == "Bo" and income.data() == "20"
    # also when the view asks for every role at once, as it does when painting
    delegate = QStyledItemDelegate()
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, income)
    assert option.text == "20"
    assert option.displayAlignment & Qt.AlignRight
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, name)  # the cell after a number keeps to the left
    assert option.text == "Bo"
    assert not option.displayAlignment & Qt.AlignRight
    assert income.data(Qt.TextAlignmentRole) == int(Qt.AlignRight | Qt.AlignVCenter)
    assert name.data(Qt.TextAlignmentRole) is None
    assert model.rowCount(QModelIndex()) == 2


def test_sorting_by_segment_orders_numbers_as_numbers(qtbot):
    # Given twelve customers in segments 1 to 12
    raw = pd.DataFrame({"Income": [str(value) for value in range(12)]})
    model = CustomerTableModel()
    model.set_table(raw, pd.DataFrame({"Income": np.arange(12.0)}))
    segments = np.array([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1])
    model.set_extra_columns({"Segment": (segments, [""] + [str(n) for n in range(1, 13)])})
    # When the user sorts by the segment column
    model.sort(1, Qt.AscendingOrder)
    # Then segment 2 comes before segment 10
    shown = [model.cell_text(row, 1) for row in range(12)]
    assert shown == [str(n) for n in range(1, 13)]


def test_quiet_housekeeping_is_not_shown_and_not_cancelled_by_the_user(qtbot):
    # Given a worker, and a quiet task (as the window's loading of libraries) that waits
    from custseg_gui.gui.tasks import Worker

    worker, gate, done = Worker(), threading.Event(), []
    signals = []
    worker.started.connect(lambda channel: signals.append(("started", channel)))
    worker.finished.connect(lambda channel, outcome: signals.append(("finished", channel)))
    worker.run("warm-up", lambda progress: gate.wait(10), done.append, quiet=True)
    # When the user presses Cancel meanwhile
    worker.cancel()
    # Then the window is not busy, the task goes on, and its end is not announced
    assert not worker.is_busy() and worker.is_busy("warm-up")
    gate.set()
    qtbot.waitUntil(lambda: done == [True], timeout=5_000)
    assert signals == []
    assert worker.shutdown(timeout=5)
