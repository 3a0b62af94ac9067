"""The built-in node types, under their InvokeAI names where InvokeAI has the same node (SPEC §12, §14)."""

from __future__ import annotations

from gesso.engine.nodes.bench import BENCHMARK_NODES
from gesso.engine.nodes.compose import COMPOSE_NODES
from gesso.engine.nodes.controlnet import CONTROL_NODES
from gesso.engine.nodes.diffusers_sd import DIFFUSERS_NODES
from gesso.engine.nodes.gallery import GALLERY_NODES
from gesso.engine.nodes.image_ops import IMAGE_OP_NODES
from gesso.engine.nodes.masks import MASK_NODES
from gesso.engine.nodes.metadata import METADATA_NODES
from gesso.engine.nodes.primitives import PRIMITIVE_NODES
from gesso.engine.nodes.sd_latents import SD_LATENT_NODES
from gesso.engine.nodes.sd_models import SD_MODEL_NODES
from gesso.engine.nodes.sd_prompts import SD_PROMPT_NODES
from gesso.engine.nodes.upscale import UPSCALE_NODES
from gesso.engine.registry import NodeRegistry

NODE_GROUPS = (
    PRIMITIVE_NODES, IMAGE_OP_NODES, GALLERY_NODES, DIFFUSERS_NODES, SD_MODEL_NODES, SD_PROMPT_NODES,
    SD_LATENT_NODES, MASK_NODES, METADATA_NODES, CONTROL_NODES, UPSCALE_NODES, COMPOSE_NODES,
)  # fmt: skip


def build_registry(*, benchmark_nodes: bool = False) -> NodeRegistry:
    """A fresh registry holding every built-in node type (and `bench_sleep` when asked)."""
    registry = NodeRegistry()
    for group in (*NODE_GROUPS, BENCHMARK_NODES) if benchmark_nodes else NODE_GROUPS:
        for node_class in group:
            registry.register(node_class)
    return registry
