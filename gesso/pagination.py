"""Page shapes shared by the list routes (InvokeAI's names): offset pages for the gallery,
cursor pages for the queue."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class OffsetPaginatedResults(BaseModel, Generic[T]):
    limit: int
    offset: int
    total: int
    items: list[T]


class CursorPaginatedResults(BaseModel, Generic[T]):
    limit: int
    has_more: bool
    items: list[T]
