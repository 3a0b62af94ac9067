"""The nodes InvokeAI 6.x's canvas puts after denoising to put the result back into the picture:
`expand_mask_with_fade`, `invokeai_img_blend` and `apply_mask_to_image`.

Mask convention of these three (InvokeAI's): black marks the generated area to keep, white the
area to discard, grey values in between fade.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from PIL import Image, ImageOps
from pydantic import Field, field_validator

from gesso.engine.nodes.gallery import ImageOutput, SavesImage
from gesso.engine.nodes.masks import same_size
from gesso.engine.registry import BaseNode, BaseOutput
from gesso.engine.types import ImageField

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from gesso.engine.context import NodeContext

    Pixels = NDArray[np.float32]

# The fade follows a cubic fitted through these points (distance from the kept area as a share of
# the fade, grey level 0..1): dark for the first pixel so no seam shows, then a soft rise to white.
FADE_POINTS = ((0.0, 0.0), (None, 0.0), (0.2, 0.2), (0.8, 0.9), (1.0, 1.0))

BlendMode = Literal[
    "Normal", "Lighten Only", "Darken Only", "Lighten Only (EAL)", "Darken Only (EAL)", "Hue",
    "Saturation", "Color", "Luminosity", "Linear Dodge (Add)", "Subtract", "Multiply", "Divide",
    "Screen", "Overlay", "Linear Burn", "Difference", "Hard Light", "Soft Light", "Vivid Light",
    "Linear Light", "Color Burn", "Color Dodge",
]  # fmt: skip
BlendColorSpace = Literal[
    "RGB", "Linear RGB", "HSL (RGB)", "HSV (RGB)", "Okhsl", "Okhsv", "Oklch (Oklab)", "LCh (CIELab)"
]


def _burn(base: Pixels, upper: Pixels) -> Pixels:
    return np.where(upper <= 0, 0.0, 1 - np.minimum(1, (1 - base) / np.maximum(upper, 1e-6)))


def _dodge(base: Pixels, upper: Pixels) -> Pixels:
    return np.where(upper >= 1, 1.0, np.minimum(1, base / np.maximum(1 - upper, 1e-6)))


def _hard_light(base: Pixels, upper: Pixels) -> Pixels:
    return np.where(upper < 0.5, 2 * base * upper, 1 - 2 * (1 - base) * (1 - upper))


# Per-channel blend functions of (base, upper) in 0..1, the modes that need no other colour space.
CHANNEL_BLENDS: dict[str, Callable[[Pixels, Pixels], Pixels]] = {
    "Normal": lambda base, upper: upper,
    "Lighten Only": np.maximum,
    "Darken Only": np.minimum,
    "Linear Dodge (Add)": lambda base, upper: np.minimum(base + upper, 1),
    "Subtract": lambda base, upper: np.maximum(base - upper, 0),
    "Multiply": lambda base, upper: base * upper,
    "Divide": lambda base, upper: np.where(upper <= 0, 1.0, np.minimum(base / np.maximum(upper, 1e-6), 1)),
    "Screen": lambda base, upper: 1 - (1 - base) * (1 - upper),
    "Overlay": lambda base, upper: _hard_light(upper, base),
    "Linear Burn": lambda base, upper: np.maximum(base + upper - 1, 0),
    "Difference": lambda base, upper: np.abs(base - upper),
    "Hard Light": _hard_light,
    "Soft Light": lambda base, upper: (1 - 2 * upper) * base * base + 2 * upper * base,
    "Vivid Light": lambda base, upper: np.where(
        upper < 0.5, _burn(base, 2 * upper), _dodge(base, 2 * (upper - 0.5))
    ),
    "Linear Light": lambda base, upper: np.clip(base + 2 * upper - 1, 0, 1),
    "Color Burn": _burn,
    "Color Dodge": _dodge,
}
COLOR_SPACES = ("RGB", "Linear RGB")


def fade_curve(fade_size_px: int) -> np.poly1d:
    """The cubic through FADE_POINTS; the second point sits one pixel out."""
    xs = [1.0 / fade_size_px if x is None else x for x, _ in FADE_POINTS]
    ys = [y for _, y in FADE_POINTS]
    return np.poly1d(np.polyfit(xs, ys, 3))


def expand_with_fade(mask: Image.Image, threshold: int, fade_size_px: int) -> Image.Image:
    """`mask` made black/white at `threshold`, then faded from black to white over `fade_size_px`
    pixels outward from the black area."""
    from scipy import ndimage

    white = np.asarray(mask.convert("L")) > threshold
    if white.all() or not white.any():
        return Image.fromarray((white * 255).astype(np.uint8), "L")
    distance = ndimage.distance_transform_edt(white)
    grey = white.astype(np.float32)
    band = (distance > 0) & (distance < fade_size_px)
    grey[band] = np.clip(fade_curve(fade_size_px)(distance[band] / fade_size_px), 0, 1)
    return Image.fromarray(np.round(grey * 255).astype(np.uint8), "L")


class ExpandMaskWithFadeNode(SavesImage):
    """Grows a mask's black area into white with a soft fade `fade_size_px` pixels wide (after
    thresholding it at `threshold`); a fade of 0 returns the mask as it is."""

    node_type: ClassVar[str] = "expand_mask_with_fade"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    mask: ImageField
    threshold: int = Field(default=0, ge=0, le=255)
    fade_size_px: int = Field(default=32, ge=0, le=4096)

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        mask = ctx.load_image(self.mask.image_name).convert("L")
        if self.fade_size_px > 0:
            mask = expand_with_fade(mask, self.threshold, self.fade_size_px)
        return self.save_result(ctx, mask)


class ApplyMaskToImageNode(SavesImage):
    """The image with the mask as its alpha channel (inverted first when `invert_mask`)."""

    node_type: ClassVar[str] = "apply_mask_to_image"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    mask: ImageField
    invert_mask: bool = False

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        image = ctx.load_image(self.image.image_name).convert("RGBA")
        mask = ctx.load_image(self.mask.image_name).convert("L")
        same_size(self.node_type, ("image", image), ("mask", mask))
        image.putalpha(ImageOps.invert(mask) if self.invert_mask else mask)
        return self.save_result(ctx, image)


def fitted(upper: Image.Image, base: Image.Image, to_width: bool, to_height: bool) -> Image.Image:
    """`upper` brought to `base`'s size as InvokeAI's blend does: stretched when fitting both sides,
    padded when the fitted side leaves room, cropped when it overflows; left alone otherwise."""
    if upper.size == base.size:
        return upper
    if to_width and to_height:
        return upper.resize(base.size)
    wider = upper.width / upper.height > base.width / base.height
    if (to_width and wider) or (to_height and not wider):
        return ImageOps.pad(upper, base.size, color=(0,) * len(upper.getbands()))
    if to_width or to_height:
        return ImageOps.fit(upper, base.size)
    return upper


def _linear(srgb: Pixels) -> Pixels:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _srgb(linear: Pixels) -> Pixels:
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * np.power(linear, 1 / 2.4) - 0.055)


def _rgb_and_alpha(image: Image.Image) -> tuple[Pixels, Pixels]:
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255.0
    return rgba[..., :3], rgba[..., 3]


class ImageLayerBlendNode(SavesImage):
    """`layer_upper` over `layer_base` with a blend mode and opacity; where the optional mask is
    white the base shows through. The result has the base's size."""

    node_type: ClassVar[str] = "invokeai_img_blend"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    layer_upper: ImageField
    blend_mode: BlendMode = "Normal"
    opacity: float = Field(default=1.0, ge=0)
    mask: ImageField | None = None
    fit_to_width: bool = False
    fit_to_height: bool = True
    layer_base: ImageField
    color_space: BlendColorSpace = "RGB"
    adaptive_gamut: float = Field(default=0.0, ge=0)
    high_precision: bool = True

    @field_validator("blend_mode")
    @classmethod
    def _supported_mode(cls, mode: str) -> str:
        if mode not in CHANNEL_BLENDS:
            raise ValueError(
                f"blend mode {mode!r} is not available in Gesso (use one of {', '.join(CHANNEL_BLENDS)})"
            )
        return mode

    @field_validator("color_space")
    @classmethod
    def _supported_space(cls, space: str) -> str:
        if space not in COLOR_SPACES:
            raise ValueError(f"colour space {space!r} is not available in Gesso (use RGB or Linear RGB)")
        return space

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        base = ctx.load_image(self.layer_base.image_name)
        upper = fitted(
            ctx.load_image(self.layer_upper.image_name), base, self.fit_to_width, self.fit_to_height
        )
        mask = ctx.load_image(self.mask.image_name) if self.mask is not None else None
        return self.save_result(
            ctx, blend(base, upper, self.blend_mode, min(self.opacity, 1.0), mask, self.color_space)
        )


def blend(
    base_image: Image.Image,
    upper_image: Image.Image,
    mode: str,
    opacity: float,
    mask: Image.Image | None,
    color_space: str,
) -> Image.Image:
    """`upper_image` blended over `base_image` (at the base's size, from the top left corner)."""
    upper_image = upper_image.crop((0, 0, base_image.width, base_image.height))
    base, base_alpha = _rgb_and_alpha(base_image)
    upper, upper_alpha = _rgb_and_alpha(upper_image)
    if color_space == "Linear RGB":
        base, upper = _linear(base), _linear(upper)
    blended = CHANNEL_BLENDS[mode](base, upper)
    cover = upper_alpha * opacity
    if mask is not None:
        cover = cover * (1 - np.asarray(mask.convert("L").resize(base_image.size), dtype=np.float32) / 255.0)
    alpha = cover + base_alpha * (1 - cover)
    weight = (base_alpha * (1 - cover))[..., None]
    colour = (blended * cover[..., None] + base * weight) / np.maximum(alpha, 1e-6)[..., None]
    if color_space == "Linear RGB":
        colour = _srgb(np.clip(colour, 0, 1))
    result = Image.fromarray(np.round(np.clip(colour, 0, 1) * 255).astype(np.uint8), "RGB")
    if "A" in base_image.getbands() or "A" in upper_image.getbands():
        result.putalpha(Image.fromarray(np.round(alpha * 255).astype(np.uint8), "L"))
    return result


COMPOSE_NODES: tuple[type[BaseNode], ...] = (
    ExpandMaskWithFadeNode,
    ApplyMaskToImageNode,
    ImageLayerBlendNode,
)
