"""`gesso serve`: the API, the web studio and (later) the in-process worker."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from typing import Any

from gesso import __version__
from gesso.config import load_settings
from gesso.logs import configure_logging

logger = logging.getLogger("gesso")


def register(commands: Any, root_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("serve", parents=[root_option], help="run the server")
    parser.add_argument("--host", help="listen address (default from config: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="listen port (default from config: 9090)")
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="serve the API only; `gesso worker` processes run the queue (PostgreSQL only)",
    )
    parser.set_defaults(handler=run)


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind before anything else so a busy port is one clear message, never a silent move."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (is the port already in use?)"
        ) from None
    sock.set_inheritable(True)
    return sock


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from gesso.app import create_app
    from gesso.services import Services

    settings = load_settings(args.root, host=args.host, port=args.port)
    configure_logging(settings.log_level)
    try:
        sock = bind_socket(settings.host, settings.port)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.no_worker and settings.resolved_database_url.startswith("sqlite"):
        sock.close()
        print(
            "error: --no-worker needs PostgreSQL (database_url): on SQLite only `gesso serve` runs the queue",
            file=sys.stderr,
        )
        return 2
    try:
        services = Services.open(settings)
    except BaseException:
        sock.close()
        raise
    app = create_app(settings, services, run_worker=not args.no_worker)
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=settings.log_level == "debug",
        lifespan="on",
        server_header=False,
        # Forwarding headers are honoured only from `trusted_proxies`, by Gesso itself
        # (gesso/api/client_ip.py); uvicorn would trust them from 127.0.0.1.
        proxy_headers=False,
        forwarded_allow_ips="",
    )
    server = uvicorn.Server(config)
    shown_host = f"[{settings.host}]" if ":" in settings.host else settings.host
    mode = "multi-user" if settings.multiuser else "single-user"
    mode += ", API only" if args.no_worker else ""
    logger.info(
        "Gesso %s serving http://%s:%d%s/ (%s mode, root %s)",
        __version__,
        shown_host,
        settings.port,
        settings.url_prefix,
        mode,
        settings.root,
    )
    server.run(sockets=[sock])
    return 0
