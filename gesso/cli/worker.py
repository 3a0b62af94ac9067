"""`gesso worker`: a worker process of its own (PostgreSQL only), e.g. one per GPU.

It claims items from the shared queue, runs them on `--device`, beats every few seconds, and
on SIGTERM/SIGINT finishes the running item (or, with `--on-stop release`, puts it back in line)
before it exits. It never migrates the database: it refuses to run against a schema other than
the one it was built for.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import socket
import sys
import threading
from typing import Any

from gesso import __version__
from gesso.config import load_settings
from gesso.db.engine import Database
from gesso.db.migrate import current_revision, head_revision
from gesso.logs import configure_logging

logger = logging.getLogger("gesso")

DEVICE = re.compile(r"^(cpu|mps|cuda(:\d{1,2})?)$")


def register(commands: Any, root_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "worker", parents=[root_option], help="run a separate worker process (PostgreSQL only)"
    )
    parser.add_argument("--device", help="cuda, cuda:N, mps or cpu (default: the best one available)")
    parser.add_argument(
        "--name",
        help="shown to admins; restarting under the same name on the same host fails the "
        "previous run's unfinished item at once (default: HOST-PID)",
    )
    parser.add_argument(
        "--on-stop",
        choices=("finish", "release"),
        default="finish",
        help="on SIGTERM/SIGINT: finish the running item first (default), or put it back in line",
    )
    parser.set_defaults(handler=run)


def refusal(args: argparse.Namespace, database_url: str, db: Database | None) -> str | None:
    """Why this worker must not run, or None."""
    if args.device is not None and not DEVICE.match(args.device):
        return f"--device {args.device!r}: use cpu, mps, cuda or cuda:N"
    if database_url.startswith("sqlite"):
        return (
            "`gesso worker` needs PostgreSQL (database_url: postgresql://…): on SQLite the "
            "worker runs inside `gesso serve`"
        )
    if db is not None:
        current, head = current_revision(db), head_revision()
        if current != head:
            return (
                f"the database schema is at {current or 'nothing'} but this worker (Gesso {__version__}) "
                f"needs {head}: run workers of the same version as `gesso serve` (which upgrades the schema)"
            )
    return None


def run(args: argparse.Namespace) -> int:
    from gesso.services import Services

    settings = load_settings(args.root)
    configure_logging(settings.log_level)
    problem = refusal(args, settings.resolved_database_url, None)
    if problem is None:
        db = Database(settings.resolved_database_url)
        try:
            db.check_reachable()
            problem = refusal(args, settings.resolved_database_url, db)
        finally:
            db.dispose()
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    name = args.name or f"{socket.gethostname()}-{os.getpid()}"
    services = Services.open(settings, migrate=False, worker_name=name, device=args.device)
    if settings.redis_url is None:
        logger.warning("No redis_url: progress and results of this worker reach no browser until it is set")
    stopping = threading.Event()
    mode = [args.on_stop]

    def on_signal(signum: int, _frame: Any) -> None:
        if stopping.is_set():
            mode[0] = "release"  # asked twice: do not wait for the item any longer
            services.worker.stop(timeout=0, mode="release")
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        device = services.worker.device_name  # chosen before it registers, so its row names it
        services.registry.load_now()  # before it registers as idle, not during its first item
        services.start_worker_process()
        logger.info("Gesso %s worker %r on %s started (on stop: %s)", __version__, name, device, args.on_stop)
        stopping.wait()
        logger.info("Worker %r stopping (%s the running item)", name, mode[0])
        services.worker.stop(timeout=None, mode=mode[0])
    finally:
        services.close()
    logger.info("Worker %r stopped", name)
    return 0
