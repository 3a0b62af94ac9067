"""`gesso db backup DEST` and `gesso db restore SRC`: a consistent copy of a root while the
server keeps running, and a way back.

A backup folder holds `manifest.json`, the database (`gesso.db`, taken with SQLite's online
backup API: one consistent snapshot while writers carry on; `gesso.pgdump` from `pg_dump` on
PostgreSQL), `outputs/` and `gesso.yaml` when the root has one. Image files are copied after
the snapshot and only for the images the snapshot knows: files are written before their rows
and never change afterwards, so every image in the copy has its file, and images made during
the backup are simply not in it. An image deleted while the backup runs is listed in the
manifest as missing (its row is in the snapshot, its file was already gone).

Restore writes into the root named by `--root`; it refuses a root that already holds data
unless `--force` is given. Start the server on the restored root afterwards: pending
migrations then run as usual.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from gesso import __version__
from gesso.config import CONFIG_FILE_NAME, Settings
from gesso.errors import GessoError

MANIFEST = "manifest.json"
SQLITE_FILE = "gesso.db"
PG_FILE = "gesso.pgdump"
OUTPUTS = "outputs"
IMAGE_DIRS = {"images": ".png", "thumbnails": ".webp"}


class BackupError(GessoError):
    status_code = 400
    code = "backup_error"


@dataclass
class BackupReport:
    destination: Path
    images: int = 0
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)


def _sqlite_path(settings: Settings) -> Path | None:
    url = sa.engine.make_url(settings.resolved_database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database:
        raise BackupError("the database is in memory; there is nothing on disk to back up")
    return Path(url.database)


def _require_empty_dir(path: Path, what: str) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"{what} {path} exists and is not an empty folder")


def backup(settings: Settings, destination: Path) -> BackupReport:
    destination = destination.expanduser().resolve()
    _require_empty_dir(destination, "backup destination")
    destination.mkdir(parents=True, exist_ok=True)
    report = BackupReport(destination)
    sqlite_path = _sqlite_path(settings)
    if sqlite_path is not None:
        if not sqlite_path.is_file():
            raise BackupError(f"no database at {sqlite_path}")
        _sqlite_snapshot(sqlite_path, destination / SQLITE_FILE)
        image_names = _sqlite_image_names(destination / SQLITE_FILE)
        kind = "sqlite"
    else:
        _pg_dump(settings.resolved_database_url, destination / PG_FILE)
        image_names = _pg_image_names(settings.resolved_database_url)
        kind = "postgresql"
    _copy_images(settings.resolved_outputs_dir, destination / OUTPUTS, image_names, report)
    if settings.config_file.is_file():
        shutil.copy2(settings.config_file, destination / CONFIG_FILE_NAME)
    manifest = {
        "gesso_version": __version__,
        "created_at": datetime.now(UTC).isoformat(),
        "database": kind,
        "images": report.images,
        "files": report.files,
        "bytes": report.bytes,
        "missing_files": report.missing,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return report


def _sqlite_snapshot(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)  # all pages in one step: one consistent read snapshot
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()


def _sqlite_image_names(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT image_name FROM images")]
    except sqlite3.OperationalError:
        return []  # a root that never had the gallery tables
    finally:
        conn.close()


def _libpq_url(url: str) -> str:
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_dump(url: str, target: Path) -> None:
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={_libpq_url(url)}"])


def _pg_image_names(url: str) -> list[str]:
    # pg_dump takes its own snapshot; images created after it may be listed here too, which only
    # copies a few files the dump does not know (restore ignores them via the orphan check).
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text("SELECT image_name FROM images")).scalars())
    finally:
        engine.dispose()


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603 - fixed argv, no shell
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (needed for PostgreSQL)") from None
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()[-500:]}") from None


def _copy_images(outputs: Path, target: Path, names: list[str], report: BackupReport) -> None:
    for folder in IMAGE_DIRS:
        (target / folder).mkdir(parents=True, exist_ok=True)
    for name in names:
        report.images += 1
        stem = name.removesuffix(".png")
        for folder, suffix in IMAGE_DIRS.items():
            source = outputs / folder / f"{stem}{suffix}"
            try:
                shutil.copy2(source, target / folder / source.name)
            except FileNotFoundError:
                report.missing.append(f"{folder}/{source.name}")
                continue
            report.files += 1
            report.bytes += source.stat().st_size


def _has_data(settings: Settings) -> bool:
    sqlite_path = _sqlite_path(settings)
    if sqlite_path is not None and sqlite_path.exists():
        return True
    outputs = settings.resolved_outputs_dir
    return outputs.exists() and any(p.is_file() for p in outputs.rglob("*"))


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{source} is not a Gesso backup (no readable {MANIFEST})") from None
    return manifest


def restore(settings: Settings, source: Path, *, force: bool = False) -> dict[str, Any]:
    source = source.expanduser().resolve()
    manifest = read_manifest(source)
    if _has_data(settings) and not force:
        raise BackupError(f"{settings.root} already holds data; pass --force to replace it")
    sqlite_path = _sqlite_path(settings)
    if manifest.get("database") == "sqlite":
        if sqlite_path is None:
            raise BackupError("the backup is of a SQLite database; this root is configured for PostgreSQL")
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        shutil.copy2(source / SQLITE_FILE, sqlite_path)
    else:
        if sqlite_path is not None:
            raise BackupError(
                "the backup is of a PostgreSQL database; set database_url to a PostgreSQL server"
            )
        url = _libpq_url(settings.resolved_database_url)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={url}", str(source / PG_FILE)])
    outputs = settings.resolved_outputs_dir
    for folder in IMAGE_DIRS:
        shutil.rmtree(outputs / folder, ignore_errors=True)
        shutil.copytree(source / OUTPUTS / folder, outputs / folder)
    config = source / CONFIG_FILE_NAME
    if config.is_file() and not settings.config_file.exists():
        shutil.copy2(config, settings.config_file)
    return manifest
