"""`/api/v1/nodes`: the node types this server can run, with their input and output schemas."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from gesso.api.deps import Registry
from gesso.auth.deps import CurrentUser

router = APIRouter(prefix="/v1/nodes", tags=["nodes"])


class NodeTypeDTO(BaseModel):
    type: str
    title: str
    description: str | None
    output_type: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]


@router.get("", response_model=list[NodeTypeDTO], name="list_node_types")
def list_node_types(actor: CurrentUser, registry: Registry) -> list[NodeTypeDTO]:
    return [NodeTypeDTO.model_validate(d, from_attributes=True) for d in registry.describe()]
