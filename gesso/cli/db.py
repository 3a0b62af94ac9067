"""`gesso db …`: migrations, the JWT secret, file checks, backup and restore."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gesso.auth.service import rotate_jwt_secret
from gesso.config import load_settings
from gesso.db.backup import backup, restore
from gesso.db.engine import Database, describe_url
from gesso.db.migrate import current_revision, head_revision, upgrade
from gesso.db.server_info import describe_server
from gesso.images.files import ImageFiles
from gesso.images.maintenance import check_files, repair
from gesso.settings_store.service import AppSettings


def register(commands: Any, root_option: argparse.ArgumentParser) -> None:
    db = commands.add_parser("db", help="database maintenance")
    sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    sub.add_parser("upgrade", parents=[root_option], help="apply pending migrations").set_defaults(
        handler=run_upgrade
    )
    sub.add_parser("current", parents=[root_option], help="show the schema revision").set_defaults(
        handler=show_current
    )
    check = sub.add_parser("check", parents=[root_option], help="find images whose file or record is missing")
    check.add_argument("--clean", action="store_true", help="delete orphan files and records without files")
    check.set_defaults(handler=run_check)
    sub.add_parser(
        "rotate-jwt-secret", parents=[root_option], help="new signing secret; logs every user out"
    ).set_defaults(handler=rotate_secret)
    save = sub.add_parser(
        "backup", parents=[root_option], help="copy the database and images (server may run)"
    )
    save.add_argument("destination", type=Path, help="a new or empty folder")
    save.set_defaults(handler=run_backup)
    load = sub.add_parser("restore", parents=[root_option], help="restore a backup into the root")
    load.add_argument("source", type=Path, help="a folder made by `gesso db backup`")
    load.add_argument("--force", action="store_true", help="replace the data of a root that has some")
    load.set_defaults(handler=run_restore)


def _database(args: argparse.Namespace) -> Database:
    db = Database(load_settings(args.root).resolved_database_url)
    db.check_reachable()
    return db


def run_upgrade(args: argparse.Namespace) -> int:
    db = _database(args)
    try:
        before = current_revision(db)
        upgrade(db)
        after = current_revision(db)
    finally:
        db.dispose()
    print(f"database at {after}" + ("" if before == after else f" (was {before or 'empty'})"))
    return 0


def show_current(args: argparse.Namespace) -> int:
    db = _database(args)
    try:
        current = current_revision(db)
    finally:
        db.dispose()
    head = head_revision()
    state = "up to date" if current == head else f"behind: latest is {head}"
    print(f"{current or 'empty'} ({state})")
    return 0


def rotate_secret(args: argparse.Namespace) -> int:
    db = _database(args)
    try:
        # A database whose secret row was deleted must be repairable: upgrade only, no secret read.
        upgrade(db)
        revoked = rotate_jwt_secret(db, AppSettings(db))
    finally:
        db.dispose()
    print(f"new JWT secret written; {revoked} sessions revoked, every user must log in again")
    return 0


def run_check(args: argparse.Namespace) -> int:
    settings = load_settings(args.root)
    db = Database(settings.resolved_database_url)
    try:
        db.check_reachable()
        server = describe_server(db)
        print(f"database {describe_url(db.url)}: {server.description}")
        for problem in server.problems:
            print(f"problem: {problem}")
        upgrade(db)
        files = ImageFiles(settings.resolved_outputs_dir)
        report = check_files(db, files)
        print(f"{len(report.records_without_file)} image records without a file")
        print(f"{len(report.orphan_files)} image files without a record")
        print(f"{len(report.temp_files)} unfinished temporary files")
        if report.clean:
            print("everything is consistent" if not server.problems else "the files are consistent")
            return 1 if server.problems else 0
        if args.clean:
            repair(db, files, report)
            print("cleaned")
            return 1 if server.problems else 0
    finally:
        db.dispose()
    print("run `gesso db check --clean` to repair")
    return 1


def run_backup(args: argparse.Namespace) -> int:
    report = backup(load_settings(args.root), args.destination)
    size = f"{report.bytes / 1e6:.1f} MB"
    print(f"backed up the database and {report.images} images ({size}) to {report.destination}")
    if report.missing:
        print(
            f"{len(report.missing)} image files were deleted while the backup ran (listed in manifest.json)"
        )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    settings = load_settings(args.root)
    manifest = restore(settings, args.source, force=args.force)
    made, images = manifest.get("created_at", "?"), manifest.get("images", 0)
    print(f"restored the backup of {made} ({images} images) into {settings.root}")
    return 0
