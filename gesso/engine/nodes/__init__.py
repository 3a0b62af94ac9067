"""The built-in node types, under their InvokeAI names where InvokeAI has the same node (SPEC §12)."""

from __future__ import annotations

from gesso.engine.nodes.diffusers_sd import DIFFUSERS_NODES
from gesso.engine.nodes.gallery import GALLERY_NODES
from gesso.engine.nodes.image_ops import IMAGE_OP_NODES
from gesso.engine.nodes.primitives import PRIMITIVE_NODES
from gesso.engine.registry import NodeRegistry


def build_registry() -> NodeRegistry:
    """A fresh registry holding every built-in node type."""
    registry = NodeRegistry()
    for node_class in (*PRIMITIVE_NODES, *IMAGE_OP_NODES, *GALLERY_NODES, *DIFFUSERS_NODES):
        registry.register(node_class)
    return registry
