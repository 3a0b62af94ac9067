"""Logging set-up. INFO is quiet: the start-up banner, warnings and errors. Per-request
authorization and isolation decisions are DEBUG. Nothing logs passwords, tokens or secrets."""

from __future__ import annotations

import logging
import re

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


# Request lines can carry credentials: one-time link tokens in paths, single sign-on codes and
# states in query strings. They are masked before any handler sees the line.
_SECRET_IN_PATH = re.compile(r"(/(?:invites|reset)/)[^/?\s]+|([?&](?:code|state|token)=)[^&\s]+")


def redact_request_line(text: str) -> str:
    return _SECRET_IN_PATH.sub(lambda m: (m.group(1) or m.group(2)) + "[redacted]", text)


class RedactSecrets(logging.Filter):
    """Masks link tokens and sign-on codes in uvicorn's access lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_request_line(a) if isinstance(a, str) else a for a in record.args)
        return True


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
    access = logging.getLogger("uvicorn.access")
    access.setLevel(logging.DEBUG if numeric <= logging.DEBUG else logging.WARNING)
    if not any(isinstance(f, RedactSecrets) for f in access.filters):
        access.addFilter(RedactSecrets())
    for noisy in ("alembic", "multipart", "python_multipart", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
