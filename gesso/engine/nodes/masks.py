"""InvokeAI's mask and canvas nodes: `create_denoise_mask`, `create_gradient_mask`, `tomask`,
`mask_combine`, `mask_edge`, `canvas_paste_back`.

Mask convention (InvokeAI's): in a mask image white keeps the original and black is painted
over; a denoise mask holds the same as 1 (keep) .. 0 (regenerate), at the image's full size
(denoising scales it to the latents).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np
from PIL import Image, ImageChops, ImageFilter, ImageOps
from pydantic import Field

from gesso.engine import generation
from gesso.engine.nodes.gallery import ImageOutput, SavesImage
from gesso.engine.registry import BaseNode, BaseOutput
from gesso.engine.types import DenoiseMaskField, ImageField, UNetField, VAEField

if TYPE_CHECKING:
    from gesso.engine.context import NodeContext


class DenoiseMaskOutput(BaseOutput):
    output_type: ClassVar[str] = "denoise_mask_output"

    denoise_mask: DenoiseMaskField


class GradientMaskOutput(BaseOutput):
    output_type: ClassVar[str] = "gradient_mask_output"

    denoise_mask: DenoiseMaskField
    expanded_mask_area: ImageField


def mask_tensor(mask: Image.Image) -> Any:
    """[1, 1, H, W] in 0..1 from a greyscale image."""
    import torch

    return torch.from_numpy(np.asarray(mask.convert("L"), dtype=np.float32) / 255.0)[None, None]


def same_size(node: str, *images: tuple[str, Image.Image]) -> None:
    sizes = {image.size for _, image in images}
    if len(sizes) > 1:
        described = ", ".join(f"{name} {image.width}x{image.height}" for name, image in images)
        raise ValueError(f"{node}: the images differ in size ({described})")


def masked_latents(ctx: NodeContext, vae: VAEField, image: Image.Image, mask: Any) -> str:
    """The image with the area to paint blanked, encoded (an inpainting model's extra input)."""
    import torch

    pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    keep = torch.where(mask[0, 0] < 0.5, 0.0, 1.0).numpy()[..., None]
    blanked = Image.fromarray((pixels * keep).astype(np.uint8), "RGB")
    return ctx.store.save({"latents": generation.encode(ctx, vae, blanked)}, prefix=f"{ctx.node_id}__masked")


class CreateDenoiseMaskNode(BaseNode):
    """Turns a mask image into a denoise mask (with the masked image's latents when `image` is given)."""

    node_type: ClassVar[str] = "create_denoise_mask"
    output_class: ClassVar[type[BaseOutput]] = DenoiseMaskOutput

    vae: VAEField
    image: ImageField | None = None
    mask: ImageField
    tiled: bool = False
    fp32: bool = False

    def invoke(self, ctx: NodeContext) -> DenoiseMaskOutput:
        mask_image = ctx.load_image(self.mask.image_name).convert("L")
        mask = mask_tensor(mask_image)
        masked_name = None
        if self.image is not None:
            image = ctx.load_image(self.image.image_name)
            same_size(self.node_type, ("image", image), ("mask", mask_image))
            masked_name = masked_latents(ctx, self.vae, image, mask)
        name = ctx.store.save({"mask": mask}, prefix=f"{ctx.node_id}__mask")
        return DenoiseMaskOutput(
            denoise_mask=DenoiseMaskField(mask_name=name, masked_latents_name=masked_name)
        )


class CreateGradientMaskNode(SavesImage):
    """A denoise mask whose edge fades over `edge_radius` pixels, so the painted area blends in;
    outside the mask at least `minimum_denoise` is applied. `expanded_mask_area` is the mask
    grown by the fade (black wherever anything changes), ready for `canvas_paste_back`."""

    node_type: ClassVar[str] = "create_gradient_mask"
    output_class: ClassVar[type[BaseOutput]] = GradientMaskOutput

    mask: ImageField
    edge_radius: int = Field(default=16, ge=0, le=1024)
    coherence_mode: Literal["Gaussian Blur", "Box Blur", "Staged"] = "Gaussian Blur"
    minimum_denoise: float = Field(default=0.0, ge=0, le=1)
    image: ImageField | None = None
    unet: UNetField | None = None
    vae: VAEField | None = None
    tiled: bool = False
    fp32: bool = False

    def invoke(self, ctx: NodeContext) -> GradientMaskOutput:
        import torch

        mask_image = ctx.load_image(self.mask.image_name).convert("L")
        if self.edge_radius > 0:
            blur = (
                ImageFilter.BoxBlur(self.edge_radius)
                if self.coherence_mode == "Box Blur"
                else ImageFilter.GaussianBlur(self.edge_radius / 2)
            )
            gradient = (mask_tensor(mask_image.filter(blur)) - 0.5) * 2
            gradient = gradient.clamp(min=0.0)
            threshold = 1 - self.minimum_denoise
            partial = (
                (gradient < 1) & (gradient > 0)
                if self.coherence_mode == "Staged"
                else (gradient > threshold) & (gradient < 1)
            )
            gradient = torch.where(partial, threshold, gradient)
        else:
            gradient = mask_tensor(mask_image)
        expanded = Image.fromarray(((gradient[0, 0] >= 1).numpy() * 255).astype(np.uint8), "L")
        saved = ctx.save_image(expanded, is_intermediate=self.is_intermediate)
        masked_name = None
        if self.unet is not None and self.vae is not None and self.image is not None:
            unet = ctx.load_model(self.unet.unet.key, "unet")
            if unet.config.in_channels == 9:  # an inpainting model also sees the masked image
                image = ctx.load_image(self.image.image_name)
                same_size(self.node_type, ("image", image), ("mask", mask_image))
                masked_name = masked_latents(ctx, self.vae, image, gradient)
        name = ctx.store.save({"mask": gradient}, prefix=f"{ctx.node_id}__mask")
        return GradientMaskOutput(
            denoise_mask=DenoiseMaskField(mask_name=name, masked_latents_name=masked_name, gradient=True),
            expanded_mask_area=ImageField(image_name=saved.image_name),
        )


class MaskFromAlphaNode(SavesImage):
    """The alpha channel of an image as a mask (inverted when `invert`)."""

    node_type: ClassVar[str] = "tomask"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    invert: bool = False

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        alpha = ctx.load_image(self.image.image_name).convert("RGBA").getchannel("A")
        return self.save_result(ctx, ImageOps.invert(alpha) if self.invert else alpha)


class MaskCombineNode(SavesImage):
    """Two masks multiplied: white only where both are white."""

    node_type: ClassVar[str] = "mask_combine"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    mask1: ImageField
    mask2: ImageField

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        first = ctx.load_image(self.mask1.image_name).convert("L")
        second = ctx.load_image(self.mask2.image_name).convert("L")
        same_size(self.node_type, ("mask1", first), ("mask2", second))
        return self.save_result(ctx, ImageChops.multiply(first, second))


class MaskEdgeNode(SavesImage):
    """A mask of the edges of a mask: where its grey level changes (between the thresholds),
    grown by `edge_size` and blurred by `edge_blur`; black on the edges, white elsewhere."""

    node_type: ClassVar[str] = "mask_edge"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    edge_size: int = Field(ge=0, le=1024)
    edge_blur: int = Field(ge=0, le=1024)
    low_threshold: int = Field(ge=0, le=255)
    high_threshold: int = Field(ge=0, le=255)

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        mask = ctx.load_image(self.image.image_name).convert("L")
        pixels = np.asarray(mask, dtype=np.float32) / 255.0
        grey = np.uint8(255 * (1.0 - np.floor(np.abs(0.5 - pixels) * 2.0)))
        strength = np.asarray(mask.filter(ImageFilter.FIND_EDGES), dtype=np.uint8)
        edges = np.where(strength >= self.low_threshold, 255, 0).astype(np.uint8)
        combined = Image.fromarray(np.maximum(grey, edges), "L")
        for _ in range(self.edge_size // 2):
            combined = combined.filter(ImageFilter.MaxFilter(3))
        if self.edge_blur > 0:
            combined = combined.filter(ImageFilter.BoxBlur(self.edge_blur))
        return self.save_result(ctx, ImageOps.invert(combined))


class CanvasPasteBackNode(SavesImage):
    """Puts the generated `target_image` into `source_image` where the mask is black (the painted
    area), with the mask's edge blurred by `mask_blur` pixels."""

    node_type: ClassVar[str] = "canvas_paste_back"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    source_image: ImageField
    target_image: ImageField
    mask: ImageField
    mask_blur: int = Field(default=0, ge=0, le=1024)

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        source = ctx.load_image(self.source_image.image_name).convert("RGBA")
        target = ctx.load_image(self.target_image.image_name).convert("RGBA")
        mask = ctx.load_image(self.mask.image_name).convert("L")
        same_size(self.node_type, ("source_image", source), ("target_image", target), ("mask", mask))
        if self.mask_blur > 0:
            mask = mask.filter(ImageFilter.GaussianBlur(self.mask_blur / 2))
        return self.save_result(ctx, Image.composite(source, target, mask))


MASK_NODES: tuple[type[BaseNode], ...] = (
    CreateDenoiseMaskNode,
    CreateGradientMaskNode,
    MaskFromAlphaNode,
    MaskCombineNode,
    MaskEdgeNode,
    CanvasPasteBackNode,
)
