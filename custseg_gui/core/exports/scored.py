"""The window's export of new customers given their segments: scored.csv and scoring.json (what
the score command writes), alone or beside the analysis's chosen formats, all or nothing."""

from __future__ import annotations

from pathlib import Path

from custseg_gui.core.errors import UserError
from custseg_gui.core.exports import (DEFAULT_CSV_ENCODING, ExportContext, _same_file,
                                      export_files)
from custseg_gui.core.exports.staging import Staging
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.scoring import ScoringResult, scored_files


def export_scoring(scoring: ScoringResult, folder: Path, context: ExportContext | None = None,
                   formats: tuple[str, ...] = (), progress: Progress = NO_PROGRESS,
                   csv_encoding: str = DEFAULT_CSV_ENCODING) -> list[Path]:
    """Write the scoring's files (and the analysis's `formats` from `context`, when given) into
    `folder`, all or nothing; return their paths."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"The folder {folder} does not exist. Choose an existing folder to "
                        "export to.")
    progress.report(0.0, "Writing the new customers' segments...")
    files = scored_files(scoring, csv_encoding)
    source = Path(scoring.table.report.path)
    for name in files:
        if _same_file(folder / name, source):
            raise UserError(f"Exporting would overwrite your data file {source.name}. Choose "
                            "another folder, or rename the data file.")
    if context is not None and formats:
        return export_files(context, folder, formats, progress.part(0.1, 1.0),
                            extra_files=files)
    staging = Staging()
    try:
        for name, content in files.items():
            progress.check()
            staging.write(folder / name, lambda handle, data=content: handle.write(data))
        progress.check()
        return staging.commit()
    except BaseException:
        staging.rollback()
        raise
