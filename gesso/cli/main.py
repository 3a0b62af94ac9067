"""`gesso` entry point: parses arguments and turns known failures into one-line errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from gesso import __version__
from gesso.cli import audit, db, serve, users, worker
from gesso.config import ConfigError
from gesso.db.engine import DatabaseUnavailable
from gesso.db.migrate import MigrationError
from gesso.errors import GessoError
from gesso.events.bus import EventBusUnavailable
from gesso.settings_store.service import MissingJwtSecret

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    root_option = argparse.ArgumentParser(add_help=False)
    root_option.add_argument("--root", help="Gesso root folder (default: $GESSO_ROOT or ~/gesso)")

    parser = argparse.ArgumentParser(prog="gesso", description="Gesso image generation server")
    parser.add_argument("--version", action="version", version=f"gesso {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve.register(commands, root_option)
    users.register(commands, root_option)
    db.register(commands, root_option)
    audit.register(commands, root_option)
    worker.register(commands, root_option)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except (
        ConfigError,
        DatabaseUnavailable,
        EventBusUnavailable,
        MigrationError,
        MissingJwtSecret,
        GessoError,
    ) as exc:
        message = exc.detail if isinstance(exc, GessoError) else str(exc)
        print(f"error: {message}", file=sys.stderr)
        return 1
    except EOFError:
        # The prompt that hit end-of-input left its line open; finish it so the error is one line.
        print("\nerror: no input on stdin (pass values as options instead of prompts)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
