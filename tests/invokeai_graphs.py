"""InvokeAI 6.x graphs as its UI builds them (`tests/fixtures/invokeai_graphs/*.json`, whole
`enqueue_batch` bodies), with our installed models and images put in for the placeholders:
`<sd1>`, `<sdxl>`, `<refiner>`, `<kohya_lora>`, `<controlnet>`, `<upscaler>` as model keys and
`<init_image>`, `<mask_image>` (alpha: transparent is kept), `<inpaint_mask>` (grey: black is
regenerated), `<control_image>` as image names."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "invokeai_graphs"
NAMES = (
    "t2i", "t2i_lora", "img2img", "inpaint", "inpaint_v6", "controlnet", "sdxl_t2i", "sdxl_refiner",
    "upscale",
)  # fmt: skip


def _substitute(value: Any, models: dict[str, dict[str, Any]], images: dict[str, str]) -> Any:
    if isinstance(value, dict):
        if value.get("key") in models:
            return dict(models[value["key"]])
        return {k: _substitute(v, models, images) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, models, images) for v in value]
    if isinstance(value, str) and value in images:
        return images[value]
    return value


def enqueue_body(
    name: str, models: dict[str, dict[str, Any]], images: dict[str, str] | None = None
) -> dict[str, Any]:
    """The fixture's enqueue body; `models` maps placeholders to ModelIdentifierFields."""
    raw = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return _substitute(copy.deepcopy(raw), models, images or {})  # type: ignore[no-any-return]


def node_of_type(body: dict[str, Any], node_type: str) -> str:
    """The id of the (first) node of `node_type` in an enqueue body's graph."""
    nodes = body["batch"]["graph"]["nodes"]
    return next(node_id for node_id, node in nodes.items() if node["type"] == node_type)


def output_node(body: dict[str, Any]) -> str:
    """The node whose image is the result: the one fed by `core_metadata`."""
    edges = body["batch"]["graph"]["edges"]
    metadata = node_of_type(body, "core_metadata")
    return next(e["destination"]["node_id"] for e in edges if e["source"]["node_id"] == metadata)
