"""`core_metadata`: the generation parameters InvokeAI's UI collects; wired into an image node's
`metadata` input, its fields (and any extra ones the client adds) become the image's metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ConfigDict

from gesso.engine.registry import NODE_META_FIELDS, BaseNode, BaseOutput
from gesso.engine.types import ModelIdentifierField

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext

MAX_METADATA_FIELDS = 200


class MetadataOutput(BaseOutput):
    output_type: ClassVar[str] = "metadata_output"

    metadata: dict[str, Any]


class CoreMetadataNode(BaseNode):
    """Collects generation parameters as image metadata (InvokeAI's names; extra fields kept)."""

    model_config = ConfigDict(extra="allow")

    node_type: ClassVar[str] = "core_metadata"
    output_class: ClassVar[type[BaseOutput]] = MetadataOutput

    generation_mode: str | None = None
    positive_prompt: str | None = None
    negative_prompt: str | None = None
    width: int | None = None
    height: int | None = None
    seed: int | None = None
    rand_device: str | None = None
    cfg_scale: float | None = None
    cfg_rescale_multiplier: float | None = None
    steps: int | None = None
    scheduler: str | None = None
    seamless_x: bool | None = None
    seamless_y: bool | None = None
    clip_skip: int | None = None
    model: ModelIdentifierField | None = None
    controlnets: list[dict[str, Any]] | None = None
    ipAdapters: list[dict[str, Any]] | None = None
    t2iAdapters: list[dict[str, Any]] | None = None
    loras: list[dict[str, Any]] | None = None
    strength: float | None = None
    init_image: str | None = None
    vae: ModelIdentifierField | None = None
    hrf_enabled: bool | None = None
    hrf_method: str | None = None
    hrf_strength: float | None = None
    positive_style_prompt: str | None = None
    negative_style_prompt: str | None = None
    refiner_model: ModelIdentifierField | None = None
    refiner_cfg_scale: float | None = None
    refiner_steps: int | None = None
    refiner_scheduler: str | None = None
    refiner_positive_aesthetic_score: float | None = None
    refiner_negative_aesthetic_score: float | None = None
    refiner_start: float | None = None

    def invoke(self, ctx: NodeContext) -> MetadataOutput:
        values = self.model_dump(mode="json", exclude_none=True, exclude=set(NODE_META_FIELDS))
        if len(values) > MAX_METADATA_FIELDS:
            raise ValueError(f"core_metadata: {len(values)} fields; at most {MAX_METADATA_FIELDS} are kept")
        return MetadataOutput(metadata=values)


METADATA_NODES: tuple[type[BaseNode], ...] = (CoreMetadataNode,)
