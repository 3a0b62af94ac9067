"""Decoding untrusted uploads: PNG, JPEG and WebP only, bounded in bytes and pixels.

The pixel count is checked from the header before any pixel data is decoded, so a small file
that would expand to gigabytes (a decompression bomb) is refused without being inflated.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gesso.errors import GessoError, PayloadTooLarge

if TYPE_CHECKING:  # Pillow loads with the first image handled (start-up stays light)
    from PIL import Image, PngImagePlugin

ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
MAX_PIXELS = 8192 * 8192
# PNG text chunks InvokeAI-compatible tools read: kept verbatim on stored images.
METADATA_CHUNK = "invokeai_metadata"
WORKFLOW_CHUNK = "invokeai_workflow"
GRAPH_CHUNK = "invokeai_graph"


class UnsupportedImage(GessoError):
    status_code = 415
    code = "unsupported_media_type"


@dataclass
class DecodedImage:
    image: Image.Image
    text_chunks: dict[str, str]


def decode_upload(data: bytes) -> DecodedImage:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        probe = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise PayloadTooLarge(f"Image has too many pixels; at most {MAX_PIXELS:,} are accepted") from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise UnsupportedImage("Failed to read image: not a PNG, JPEG or WebP file") from None
    if probe.format not in ACCEPTED_FORMATS:
        raise UnsupportedImage(f"Unsupported image format {probe.format}: use PNG, JPEG or WebP")
    width, height = probe.size
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        raise PayloadTooLarge(f"Image is {width}x{height} pixels; at most {MAX_PIXELS:,} pixels are accepted")
    try:
        probe.load()
        image = ImageOps.exif_transpose(probe) or probe
    except Image.DecompressionBombError:
        raise PayloadTooLarge(f"Image has too many pixels; at most {MAX_PIXELS:,} are accepted") from None
    except (OSError, ValueError, SyntaxError):
        raise UnsupportedImage("Failed to read image: the file is damaged") from None
    text_chunks = {k: v for k, v in getattr(probe, "text", {}).items() if isinstance(v, str)}
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    return DecodedImage(image=image, text_chunks=text_chunks)


DEFAULT_MAX_METADATA_BYTES = 1024 * 1024


def check_text_size(text_chunks: dict[str, str], limit: int) -> None:
    """Metadata, workflow and other PNG text stored with one image stay under `limit` bytes:
    a 30 MB text chunk would be copied into every listing, backup and thumbnail request."""
    size = sum(len(key.encode()) + len(value.encode()) for key, value in text_chunks.items())
    if size > limit:
        raise PayloadTooLarge(
            f"Image metadata text is {size:,} bytes; at most {limit:,} are accepted "
            "(setting max_image_metadata_kb)"
        )


def crop_to_visible(image: Image.Image) -> Image.Image:
    """Crop away fully transparent borders (the `crop_visible` upload option)."""
    if "A" not in image.getbands():
        return image
    box = image.getchannel("A").getbbox()
    return image.crop(box) if box else image


def pnginfo_for(text_chunks: dict[str, str]) -> PngImagePlugin.PngInfo:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for key, value in text_chunks.items():
        info.add_text(key, value)
    return info


def parse_metadata(raw: str | None) -> dict[str, Any] | None:
    """Metadata is a JSON object stored as text; anything else is ignored rather than trusted."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
