"""Logging set-up. INFO is quiet: the start-up banner, warnings and errors. Per-request
authorization and isolation decisions are DEBUG. Nothing logs passwords, tokens or secrets."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(level: str = "info") -> None:
    numeric = getattr(logging, level.upper(), logging.INFO)
    root = logging.getLogger()
    if not any(getattr(h, "_gesso", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT, datefmt="%H:%M:%S"))
        handler._gesso = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(numeric)
    # Request lines belong to a reverse proxy's log; at DEBUG they are useful for us too.
    logging.getLogger("uvicorn.access").setLevel(
        logging.DEBUG if numeric <= logging.DEBUG else logging.WARNING
    )
    for noisy in ("alembic", "multipart", "python_multipart", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
