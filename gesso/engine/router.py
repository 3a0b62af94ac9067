"""`/api/v1/nodes`: the node types this server can run, with their input and output schemas."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from gesso.api.deps import Registry
from gesso.auth.deps import CurrentUser
from gesso.engine.registry import NODE_META_FIELDS

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
    result = []
    for node_class in registry:
        schema = node_class.model_json_schema()
        schema["properties"] = {
            k: v for k, v in schema.get("properties", {}).items() if k not in NODE_META_FIELDS
        }
        schema["required"] = [r for r in schema.get("required", []) if r not in NODE_META_FIELDS]
        result.append(
            NodeTypeDTO(
                type=node_class.node_type,
                title=node_class.__name__,
                description=(node_class.__doc__ or "").strip() or None,
                output_type=node_class.output_class.output_type,
                input_schema=schema,
                output_schema=node_class.output_class.model_json_schema(),
            )
        )
    return result
