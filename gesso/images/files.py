"""Image files under `outputs_dir`: server-chosen names, atomic writes, WebP thumbnails.

Layout: `<outputs_dir>/images/<name>.png` and `<outputs_dir>/thumbnails/<name>.webp`. Names are
generated here and validated on every lookup, so no request can address a path outside the
outputs folder. Files are written to a temporary name and renamed into place before their
database record exists: a crash leaves at worst an orphan file (which `gesso db check` finds),
never a record without its file.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gesso.errors import InvalidInput

if TYPE_CHECKING:
    from PIL import Image, PngImagePlugin

THUMBNAIL_SIZE = 256
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,100}\.png$")


class InvalidImageName(InvalidInput):
    def __init__(self) -> None:
        super().__init__("Invalid image name")


def new_image_name() -> str:
    return f"{uuid.uuid4()}.png"


def check_image_name(name: str) -> str:
    """Return the name if it is one we could have generated; path tricks raise 400."""
    if not _NAME.fullmatch(name):
        raise InvalidImageName()
    return name


@dataclass(frozen=True)
class StoredFile:
    path: Path
    etag: str


class ImageFiles:
    def __init__(self, outputs_dir: Path) -> None:
        self.root = outputs_dir
        self.images_dir = outputs_dir / "images"
        self.thumbnails_dir = outputs_dir / "thumbnails"
        self.images_dir.mkdir(parents=True, exist_ok=True)
        self.thumbnails_dir.mkdir(parents=True, exist_ok=True)

    def image_path(self, name: str) -> Path:
        return self.images_dir / check_image_name(name)

    def thumbnail_path(self, name: str) -> Path:
        return self.thumbnails_dir / (check_image_name(name).removesuffix(".png") + ".webp")

    def write(self, name: str, image: Image.Image, pnginfo: PngImagePlugin.PngInfo | None) -> None:
        """Write the PNG and its thumbnail atomically (temp file + rename)."""
        png = io.BytesIO()
        image.save(png, format="PNG", pnginfo=pnginfo, compress_level=4)
        thumbnail = io.BytesIO()
        make_thumbnail(image).save(thumbnail, format="WEBP", quality=80)
        _atomic_write(self.thumbnail_path(name), thumbnail.getvalue())
        _atomic_write(self.image_path(name), png.getvalue())

    def stored(self, name: str, *, thumbnail: bool = False) -> StoredFile | None:
        path = self.thumbnail_path(name) if thumbnail else self.image_path(name)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        digest = hashlib.sha1(
            f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode(), usedforsecurity=False
        )
        return StoredFile(path=path, etag=f'"{digest.hexdigest()}"')

    def delete(self, name: str) -> None:
        for path in (self.image_path(name), self.thumbnail_path(name)):
            path.unlink(missing_ok=True)

    def stored_names(self) -> set[str]:
        return {p.name for p in self.images_dir.glob("*.png") if _NAME.fullmatch(p.name)}

    def stray_temp_files(self) -> list[Path]:
        return [p for d in (self.images_dir, self.thumbnails_dir) for p in d.glob(".*.tmp")]


def make_thumbnail(image: Image.Image) -> Image.Image:
    thumb = image.copy()
    thumb.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    if thumb.mode not in ("RGB", "RGBA"):
        thumb = thumb.convert("RGBA" if "A" in thumb.getbands() else "RGB")
    return thumb


def _atomic_write(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
