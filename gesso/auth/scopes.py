"""Scopes of personal API tokens (SPEC §16).

A token carries a set of scopes; a request made with it is allowed when the scope its route
group names is in that set *and* the user's current role allows the route (the role checks
stay where they are: `models` and `admin` routes still require an administrator). Sessions
(JWT) and single-user mode carry no scope set and are not limited by scopes.
"""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    READ = "read"  # every GET the user may make
    GENERATE = "generate"  # enqueue, cancel/retry own items, upload images
    GALLERY = "gallery"  # board, image and board_images writes
    MODELS = "models"  # model changes (administrators only)
    ADMIN = "admin"  # users, groups, quotas, usage (administrators only)


ALL_SCOPES = tuple(Scope)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def encode_scopes(scopes: frozenset[Scope] | set[Scope]) -> str:
    """Stored as a space-separated list in the canonical order."""
    return " ".join(scope.value for scope in ALL_SCOPES if scope in scopes)


def decode_scopes(stored: str) -> frozenset[str]:
    return frozenset(stored.split())
