"""InvokeAI's `spandrel_image_to_image`: runs an upscaler (or other image-to-image model loaded
with spandrel) over an image, tile by tile, with progress per tile."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from gesso.engine.nodes.gallery import ImageOutput, SavesImage
from gesso.engine.nodes.image_ops import MAX_PIXELS
from gesso.engine.nodes.sd_models import checked
from gesso.engine.registry import BaseNode, BaseOutput, ModelRequirement
from gesso.engine.types import ImageField, ModelIdentifierField
from gesso.models.upscalers import upscale

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext


class SpandrelImageToImageNode(SavesImage):
    """Upscales (or restores) an image with a spandrel model; `tile_size` 0 runs it whole."""

    node_type: ClassVar[str] = "spandrel_image_to_image"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput
    model_requirements: ClassVar[dict[str, ModelRequirement]] = {
        "image_to_image_model": ModelRequirement(("spandrel_image_to_image",))
    }

    image: ImageField
    image_to_image_model: ModelIdentifierField
    tile_size: int = Field(default=512, ge=0, le=8192)

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        checked(
            ctx, self.image_to_image_model, self.model_requirements["image_to_image_model"], self.node_type
        )
        image = ctx.load_image(self.image.image_name)
        descriptor = ctx.load_model(self.image_to_image_model.key)
        scale = int(descriptor.scale)
        if image.width * image.height * scale * scale > MAX_PIXELS:
            raise ValueError(
                f"{self.node_type}: the {scale}x result of a {image.width}x{image.height} image is too large"
            )

        def on_tile(done: int, total: int) -> None:
            ctx.progress(done / total, f"Tile {done} of {total}")

        with ctx.model_manager.patch_lock:
            result = upscale(descriptor, image, self.tile_size, ctx.model_manager.device, on_tile)
        return self.save_result(ctx, result)


UPSCALE_NODES: tuple[type[BaseNode], ...] = (SpandrelImageToImageNode,)
