"""Image operation nodes: InvokeAI's `blank_image`, `img_*` nodes, and the Gesso-specific
`gesso_img_invert` and `gesso_img_adjust`, which InvokeAI has no node for."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from PIL import Image, ImageChops, ImageEnhance, ImageFilter, ImageOps
from pydantic import Field

from gesso.engine.nodes.gallery import ALPHA_MODES, GREY_MODES, ImageOutput, SavesImage
from gesso.engine.registry import BaseNode, BaseOutput
from gesso.engine.types import ColorField, ImageField

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from gesso.engine.context import NodeContext

# No result may exceed this many pixels (8192 x 8192): one oversized graph must not exhaust the worker.
MAX_PIXELS = 8192 * 8192
SEED_MAX = 2**32 - 1  # InvokeAI's seed range; numpy generators need a non-negative seed
NOISE_BAND_PIXELS = 1 << 20  # noise is made in bands of about this many pixels, reporting progress

ResampleMode = Literal["nearest", "box", "bilinear", "hamming", "bicubic", "lanczos"]
RESAMPLING: dict[str, Image.Resampling] = {
    "nearest": Image.Resampling.NEAREST,
    "box": Image.Resampling.BOX,
    "bilinear": Image.Resampling.BILINEAR,
    "hamming": Image.Resampling.HAMMING,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
}
ImageMode = Literal["L", "RGB", "RGBA", "CMYK", "YCbCr", "LAB", "HSV", "I", "F"]


def check_size(node_type: str, width: int, height: int) -> None:
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise ValueError(
            f"{node_type}: a {width}x{height} result is not allowed "
            f"(at least 1x1, at most {MAX_PIXELS} pixels)"
        )


def editable(image: Image.Image) -> Image.Image:
    """`image` as L, LA, RGB or RGBA: the modes every filter, enhancer and numpy path here handles."""
    if image.mode in ("L", "LA", "RGB", "RGBA"):
        return image
    if image.mode in GREY_MODES or image.mode == "1":
        return image.convert("L")
    if image.mode in ALPHA_MODES or "transparency" in image.info:
        return image.convert("RGBA")
    return image.convert("RGB")


def split_alpha(image: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    """The colour part (L or RGB) and the alpha channel, if any, of `image`."""
    image = editable(image)
    if image.mode in ("LA", "RGBA"):
        return image.convert(image.mode[:-1]), image.getchannel("A")
    return image, None


def join_alpha(colour: Image.Image, alpha: Image.Image | None) -> Image.Image:
    if alpha is not None:
        colour.putalpha(alpha)
    return colour


class BlankImageNode(SavesImage):
    node_type: ClassVar[str] = "blank_image"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    width: int = 512
    height: int = 512
    mode: Literal["RGB", "RGBA"] = "RGB"
    color: ColorField = Field(default_factory=lambda: ColorField(r=0, g=0, b=0, a=255))

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        check_size(self.node_type, self.width, self.height)
        colour = self.color.rgba() if self.mode == "RGBA" else self.color.rgba()[:3]
        return self.save_result(ctx, Image.new(self.mode, (self.width, self.height), colour))


class NoiseImageNode(SavesImage):
    """Adds noise, the same for the same seed. `gaussian`: normal noise with a standard deviation of
    `amount` x 255. `salt_and_pepper`: a share `amount` of the points turn white or black. Noise points
    are `size` pixels square; with `noise_color` off, one value is shared by R, G and B. Where the
    optional `mask` is white the noise applies, where it is black the image is kept. Alpha is kept."""

    node_type: ClassVar[str] = "img_noise"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    mask: ImageField | None = None
    seed: int = Field(default=0, ge=0, le=SEED_MAX)
    noise_type: Literal["gaussian", "salt_and_pepper"] = "gaussian"
    amount: float = Field(default=0.1, ge=0, le=1)
    noise_color: bool = True
    size: int = Field(default=1, ge=1)

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        source = ctx.load_image(self.image.image_name).convert("RGBA")
        rgb = source.convert("RGB")
        width, height = source.size
        low_w, low_h = max(1, width // self.size), max(1, height // self.size)
        row_of = np.arange(height) * low_h // height  # the noise row each image row takes
        col_of = np.arange(width) * low_w // width
        band = max(1, NOISE_BAND_PIXELS // low_w)
        rng = np.random.default_rng(self.seed)
        out = np.empty((height, width, 3), dtype=np.uint8)
        for first in range(0, low_h, band):
            ctx.progress(first / low_h, "Adding noise")
            last = min(low_h, first + band)
            shape = (last - first, low_w, 3 if self.noise_color else 1)
            gaussian = self.noise_type == "gaussian"
            low = rng.normal(0.0, self.amount * 255.0, shape) if gaussian else rng.random(shape)
            top, bottom = (int(i) for i in np.searchsorted(row_of, [first, last]))
            noise = low[row_of[top:bottom] - first][:, col_of]
            pixels = np.asarray(rgb.crop((0, top, width, bottom)), dtype=np.float32)
            out[top:bottom] = self._apply(pixels, noise)
        noisy = Image.fromarray(out)
        noisy.putalpha(source.getchannel("A"))
        if self.mask is not None:
            mask = (
                ctx.load_image(self.mask.image_name)
                .convert("L")
                .resize(source.size, Image.Resampling.NEAREST)
            )
            noisy = Image.composite(noisy, source, mask)
        ctx.progress(1.0, "Adding noise")
        return self.save_result(ctx, noisy)

    def _apply(self, pixels: NDArray[np.float32], noise: NDArray[np.float64]) -> NDArray[np.uint8]:
        if self.noise_type == "gaussian":
            return np.clip(pixels + noise, 0, 255).astype(np.uint8)
        half = self.amount / 2
        salted = np.where(noise < half, 255.0, np.where(noise < self.amount, 0.0, pixels))
        return salted.astype(np.uint8)


class ResizeImageNode(SavesImage):
    node_type: ClassVar[str] = "img_resize"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    width: int = Field(default=512, gt=0)
    height: int = Field(default=512, gt=0)
    resample_mode: ResampleMode = "bicubic"

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        check_size(self.node_type, self.width, self.height)
        image = ctx.load_image(self.image.image_name)
        ctx.progress(None, "Resizing")
        return self.save_result(ctx, image.resize((self.width, self.height), RESAMPLING[self.resample_mode]))


class ScaleImageNode(SavesImage):
    node_type: ClassVar[str] = "img_scale"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    scale_factor: float = Field(default=2.0, gt=0)
    resample_mode: ResampleMode = "bicubic"

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        image = ctx.load_image(self.image.image_name)
        width = max(1, int(image.width * self.scale_factor))
        height = max(1, int(image.height * self.scale_factor))
        check_size(self.node_type, width, height)
        ctx.progress(None, "Scaling")
        return self.save_result(ctx, image.resize((width, height), RESAMPLING[self.resample_mode]))


class CropImageNode(SavesImage):
    """Crops to a box that may reach outside the image; the result is RGBA, transparent outside it."""

    node_type: ClassVar[str] = "img_crop"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    x: int = 0
    y: int = 0
    width: int = Field(default=512, gt=0)
    height: int = Field(default=512, gt=0)

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        check_size(self.node_type, self.width, self.height)
        image = ctx.load_image(self.image.image_name).convert("RGBA")
        cropped = Image.new("RGBA", (self.width, self.height), (0, 0, 0, 0))
        cropped.paste(image, (-self.x, -self.y))
        return self.save_result(ctx, cropped)


class PasteImageNode(SavesImage):
    """Pastes `image` onto `base_image` at (x, y), through its own alpha and the optional `mask`
    (black pastes, white keeps the base: InvokeAI inverts the mask). The canvas grows to hold both
    unless `crop`; the result is RGBA."""

    node_type: ClassVar[str] = "img_paste"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    base_image: ImageField
    image: ImageField
    mask: ImageField | None = None
    x: int = 0
    y: int = 0
    crop: bool = False

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        base = ctx.load_image(self.base_image.image_name).convert("RGBA")
        image = ctx.load_image(self.image.image_name).convert("RGBA")
        mask = None
        if self.mask is not None:
            mask = ImageOps.invert(ctx.load_image(self.mask.image_name).convert("L"))
        min_x, min_y = min(0, self.x), min(0, self.y)
        max_x, max_y = max(base.width, image.width + self.x), max(base.height, image.height + self.y)
        check_size(self.node_type, max_x - min_x, max_y - min_y)
        canvas = Image.new("RGBA", (max_x - min_x, max_y - min_y), (0, 0, 0, 0))
        canvas.paste(base, (-min_x, -min_y))
        layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
        layer.paste(image, (self.x - min_x, self.y - min_y), mask=mask)
        result = Image.alpha_composite(canvas, layer)
        if self.crop:
            result = result.crop((-min_x, -min_y, -min_x + base.width, -min_y + base.height))
        return self.save_result(ctx, result)


class BlurImageNode(SavesImage):
    """Gaussian or box blur; transparent pixels do not bleed their colour (alpha is premultiplied)."""

    node_type: ClassVar[str] = "img_blur"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    radius: float = Field(default=8.0, ge=0)
    blur_type: Literal["gaussian", "box"] = "gaussian"

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        image = editable(ctx.load_image(self.image.image_name))
        ctx.progress(None, "Blurring")
        blur: ImageFilter.Filter = (
            ImageFilter.GaussianBlur(self.radius)
            if self.blur_type == "gaussian"
            else ImageFilter.BoxBlur(self.radius)
        )
        if image.mode == "RGBA":
            blurred = image.convert("RGBa").filter(blur).convert("RGBA")
        elif image.mode == "LA":
            blurred = image.convert("La").filter(blur).convert("LA")
        else:
            blurred = image.filter(blur)
        return self.save_result(ctx, blurred)


class ConvertImageNode(SavesImage):
    """Converts the image mode. The result is stored as a PNG, which holds only some modes: CMYK,
    YCbCr, LAB and HSV results are stored converted back to RGB, and I and F results as L."""

    node_type: ClassVar[str] = "img_conv"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    mode: ImageMode = "L"

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        image = editable(ctx.load_image(self.image.image_name))
        return self.save_result(ctx, image.convert(self.mode))


class ChannelImageNode(SavesImage):
    """One channel as an L image; an image without alpha has an opaque (white) `A` channel."""

    node_type: ClassVar[str] = "img_chan"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    channel: Literal["A", "R", "G", "B"] = "A"

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        image = ctx.load_image(self.image.image_name).convert("RGBA")
        return self.save_result(ctx, image.getchannel(self.channel))


class MultiplyImageNode(SavesImage):
    """`PIL.ImageChops.multiply`; `image2` takes the mode of `image1`, the result their common area."""

    node_type: ClassVar[str] = "img_mul"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image1: ImageField
    image2: ImageField

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        first = editable(ctx.load_image(self.image1.image_name))
        second = ctx.load_image(self.image2.image_name).convert(first.mode)
        return self.save_result(ctx, ImageChops.multiply(first, second))


class LerpImageNode(SavesImage):
    """Maps every channel, alpha too as in InvokeAI, from 0..255 to min..max:
    px / 255 x (max - min) + min."""

    node_type: ClassVar[str] = "img_lerp"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    min: int = Field(default=0, ge=0, le=255)
    max: int = Field(default=255, ge=0, le=255)

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        image = editable(ctx.load_image(self.image.image_name))
        pixels = np.asarray(image, dtype=np.float32) / 255.0 * (self.max - self.min) + self.min
        return self.save_result(ctx, Image.fromarray(pixels.astype(np.uint8)))


class InvertImageNode(SavesImage):
    """Gesso-specific: inverts the colour channels (255 - value); alpha is kept as it is."""

    node_type: ClassVar[str] = "gesso_img_invert"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        colour, alpha = split_alpha(ctx.load_image(self.image.image_name))
        return self.save_result(ctx, join_alpha(ImageOps.invert(colour), alpha))


class AdjustImageNode(SavesImage):
    """Gesso-specific: brightness, contrast and saturation through `PIL.ImageEnhance`; 1.0 leaves the
    image as it is, 0.0 gives black, flat grey and greyscale respectively. Alpha is kept."""

    node_type: ClassVar[str] = "gesso_img_adjust"
    output_class: ClassVar[type[BaseOutput]] = ImageOutput

    image: ImageField
    brightness: float = Field(default=1.0, ge=0)
    contrast: float = Field(default=1.0, ge=0)
    saturation: float = Field(default=1.0, ge=0)

    def invoke(self, ctx: NodeContext) -> ImageOutput:
        colour, alpha = split_alpha(ctx.load_image(self.image.image_name))
        ctx.progress(None, "Adjusting")
        colour = ImageEnhance.Brightness(colour).enhance(self.brightness)
        colour = ImageEnhance.Contrast(colour).enhance(self.contrast)
        colour = ImageEnhance.Color(colour).enhance(self.saturation)
        return self.save_result(ctx, join_alpha(colour, alpha))


IMAGE_OP_NODES: tuple[type[BaseNode], ...] = (
    BlankImageNode,
    NoiseImageNode,
    ResizeImageNode,
    ScaleImageNode,
    CropImageNode,
    PasteImageNode,
    BlurImageNode,
    ConvertImageNode,
    ChannelImageNode,
    MultiplyImageNode,
    LerpImageNode,
    InvertImageNode,
    AdjustImageNode,
)
