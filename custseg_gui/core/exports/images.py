"""Chart images: one PNG per chart of the catalogue that the analysis has, at print resolution."""

from __future__ import annotations

from pathlib import Path

IMAGE_SIZE_IN, IMAGE_DPI = (8.0, 5.0), 300
# zlib level of the PNG files: the same pixels as the default level 6, about 15% less time to
# write them, files about a quarter larger (1.4 MB for the seven charts instead of 1.1 MB).
PNG_OPTIONS = {"compress_level": 1}


def files(context) -> list[str]:
    from custseg_gui.core.charts import exported_charts

    return [chart.file for chart in exported_charts(context.chart_inputs)]


def draw(chart, context):
    """A figure of one chart, as in the window, at the image size."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=IMAGE_SIZE_IN, layout="constrained")
    chart.draw(figure, context.chart_inputs)
    return figure


def write(staging, folder: Path, context, progress) -> None:
    from custseg_gui.core.charts import exported_charts

    charts = exported_charts(context.chart_inputs)
    for position, chart in enumerate(charts):
        progress.report(position / len(charts), f"Drawing {chart.title}...")
        figure = draw(chart, context)
        staging.write(folder / chart.file, lambda handle, f=figure: f.savefig(
            handle, format="png", dpi=IMAGE_DPI, pil_kwargs=PNG_OPTIONS))


def check(folder: Path, context) -> None:
    width, height = (int(side * IMAGE_DPI) for side in IMAGE_SIZE_IN)
    for name in files(context):
        header = (folder / name).read_bytes()[:24]
        if header[:8] != b"\x89PNG\r\n\x1a\n":
            raise AssertionError(f"{name} is not a PNG")
        size = (int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big"))
        if size != (width, height):
            raise AssertionError(f"{name} is {size}, expected {(width, height)}")


def chart_png(name: str, inputs, size_in: tuple[float, float], dpi: int = IMAGE_DPI) -> bytes:
    """One chart of the catalogue as PNG bytes, drawn at the size it is shown (so its text
    keeps its size), for the slides and the web page."""
    import io

    from matplotlib.figure import Figure

    from custseg_gui.core.charts import chart

    figure = Figure(figsize=size_in, layout="constrained")
    chart(name).draw(figure, inputs)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, pil_kwargs=PNG_OPTIONS)
    return buffer.getvalue()
