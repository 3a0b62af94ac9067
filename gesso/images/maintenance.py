"""Consistency between image records and files (`gesso db check`).

Writes put the file in place before the record exists, so a crash can leave an orphan file but
never a record without its file; a record can lose its file only if someone deletes it by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gesso.db.engine import Database
from gesso.images import store
from gesso.images.files import ImageFiles


@dataclass(frozen=True)
class FileReport:
    records_without_file: list[str]
    orphan_files: list[str]
    temp_files: list[Path]

    @property
    def clean(self) -> bool:
        return not (self.records_without_file or self.orphan_files or self.temp_files)


def check_files(db: Database, files: ImageFiles) -> FileReport:
    with db.read() as conn:
        recorded = store.all_image_names(conn)
    on_disk = files.stored_names()
    return FileReport(
        records_without_file=sorted(recorded - on_disk),
        orphan_files=sorted(on_disk - recorded),
        temp_files=files.stray_temp_files(),
    )


def repair(db: Database, files: ImageFiles, report: FileReport) -> None:
    """Delete orphan and temporary files, and records whose file is gone."""
    for name in report.orphan_files:
        # Re-check: an upload may have recorded this name since the report was made.
        with db.read() as conn:
            if store.get_image(conn, name) is not None:
                continue
        files.delete(name)
    for path in report.temp_files:
        path.unlink(missing_ok=True)
    if report.records_without_file:
        with db.write() as conn:
            store.delete_images(conn, report.records_without_file)
