"""Gallery nodes (`image`, `save_image`) and the plumbing every image node shares: `ImageOutput`, the
board/metadata inputs, and saving a result as a PNG the gallery can store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from PIL import Image

from gesso.engine.registry import BaseNode, BaseOutput
from gesso.engine.types import BoardField, ImageField

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext

# Modes a PNG holds as they are. Others are converted before saving: colour spaces PNG has no
# notion of become RGB, and 32-bit integer or float greyscale becomes 8-bit L (clipped to 0..255).
PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA"})
GREY_MODES = frozenset({"I", "F", "I;16", "I;16B", "I;16L", "I;16N"})
ALPHA_MODES = frozenset({"LA", "La", "PA", "RGBA", "RGBa"})  # not LAB, whose bands are L, A, B


class ImageOutput(BaseOutput):
    output_type: ClassVar[str] = "image_output"

    image: ImageField
    width: int
    height: int

    @classmethod
    def of_record(cls, record: Any) -> ImageOutput:
        """From what `NodeContext.save_image` returns (an image record with name and size)."""
        return cls(image=ImageField(image_name=record.image_name), width=record.width, height=record.height)


def storable(image: Image.Image) -> Image.Image:
    """`image` in a mode PNG can hold: CMYK, YCbCr, LAB, HSV, … become RGB; I and F become L."""
    if image.mode in PNG_MODES:
        return image
    if image.mode in GREY_MODES:
        return image.convert("L")
    if image.mode in ALPHA_MODES:
        return image.convert("RGBA")
    return image.convert("RGB")


class SavesImage(BaseNode):
    """An image node that stores its result: InvokeAI's `WithBoard` and `WithMetadata` inputs."""

    board: BoardField | None = None
    metadata: dict[str, Any] | None = None

    def save_result(self, ctx: NodeContext, image: Image.Image) -> ImageOutput:
        record = ctx.save_image(
            storable(image),
            board_id=self.board.board_id if self.board else None,
            is_intermediate=self.is_intermediate,
            metadata=self.metadata,
        )
        return ImageOutput.of_record(record)


class ImageNode(BaseNode):
    """Passes a gallery image on, by name, after checking the owner may read it. Stores nothing."""

    node_type: ClassVar[str] = "image"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        loaded = ctx.load_image(self.image.image_name)
        return ImageOutput(
            image=ImageField(image_name=self.image.image_name), width=loaded.width, height=loaded.height
        )


class SaveImageNode(SavesImage):
    """Stores a copy of `image`, in `board` when given. Never cached: each run makes a new copy."""

    node_type: ClassVar[str] = "save_image"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    use_cache: bool = False
    image: ImageField

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        return self.save_result(ctx, ctx.load_image(self.image.image_name))


GALLERY_NODES: tuple[type[BaseNode], ...] = (ImageNode, SaveImageNode)
