"""Request dependencies of the board routes: how a board list is asked for."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from gesso.boards.service import BoardListing


async def board_listing(
    order_by: Literal["created_at", "board_name"] = "created_at",
    direction: Literal["ASC", "DESC"] = "DESC",
    all: bool | None = None,
    offset: Annotated[int | None, Query(ge=0, le=2**31)] = None,
    limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    include_archived: bool = False,
) -> BoardListing:
    return BoardListing(
        order_by=order_by,
        direction=direction,
        everything=bool(all),
        offset=offset,
        limit=limit,
        include_archived=include_archived,
    )


Listing = Annotated[BoardListing, Depends(board_listing)]
