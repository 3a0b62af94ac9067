"""JSON answers serialized straight from typed wire models.

A handler that returns a model makes FastAPI dump it, validate the dump against the
`response_model` again and then encode it: three passes over every item of a list. The hot list
routes build their models once and hand them to `json_response`, which encodes them in one pass
(pydantic-core); `response_model` still documents the shape in the OpenAPI schema.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Response
from pydantic import TypeAdapter
from pydantic_core import to_json


@cache
def _adapter(shape: Any) -> TypeAdapter[Any]:
    return TypeAdapter(shape)


def json_response(shape: Any, value: Any, *, status_code: int = 200) -> Response:
    """`value`, of type `shape` (e.g. `list[BoardDTO]`), as an `application/json` response."""
    return Response(_adapter(shape).dump_json(value), status_code=status_code, media_type="application/json")


def json_value_response(value: Any) -> Response:
    """Plain JSON values (dicts, lists, strings, numbers, datetimes) as an `application/json`
    response, encoded the way pydantic encodes the same values inside a model."""
    return Response(to_json(value), media_type="application/json")
