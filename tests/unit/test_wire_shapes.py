"""The list routes encode plain dicts (`image_wire`, `board_wire`) instead of building a model
per item: byte for byte the JSON the DTO models produce, field order included."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic_core import to_json

from gesso.boards.schemas import BoardDTO, board_wire
from gesso.boards.store import Board, BoardSummary
from gesso.images.schemas import ImageDTO, image_wire
from gesso.images.store import ImageRecord

TIMES = [datetime(2026, 12, 6, 5, 54, 33, 123456, tzinfo=UTC), datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)]


@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("optional", [None, "x-1"])
def test_image_wire_encodes_like_the_dto(when: datetime, optional: str | None) -> None:
    record = ImageRecord(
        image_name="a.png",
        user_id="u1",
        board_id=optional,
        image_origin="internal",
        image_category="general",
        width=64,
        height=32,
        is_intermediate=False,
        starred=True,
        has_workflow=False,
        session_id=optional,
        node_id=optional,
        metadata='{"a": 1}',
        created_at=when,
        updated_at=when,
    )
    assert to_json(image_wire(record)) == ImageDTO.from_record(record).model_dump_json().encode()
    assert list(image_wire(record)) == list(ImageDTO.model_fields)


@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("optional", [None, "someone"])
def test_board_wire_encodes_like_the_dto(when: datetime, optional: str | None) -> None:
    board = Board(
        board_id="b1",
        user_id="u1",
        board_name='Ünïcode "quoted"',
        board_visibility="shared",
        archived=True,
        cover_image_name=optional,
        created_at=when,
        updated_at=when,
    )
    summary = BoardSummary(
        board=board, image_count=3, asset_count=1, cover_image_name=optional, owner_username=optional
    )
    assert to_json(board_wire(summary)) == BoardDTO.from_summary(summary).model_dump_json().encode()
    assert list(board_wire(summary)) == list(BoardDTO.model_fields)
