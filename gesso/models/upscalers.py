"""Upscaler (and other image-to-image) models through the `spandrel` library, safetensors only.

spandrel imports `torchvision.transforms.functional` for two architectures Gesso never runs
(LaMa, RestoreFormer). PyPI's torchvision wheels are built for PyPI's CUDA torch and cannot load
beside the CPU-only torch build (and a broken torchvision also breaks transformers' image
processors), so the CPU install leaves torchvision out. When it is missing, `import_spandrel`
lends spandrel a stand-in whose functions raise a clear error if ever called.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any


def _torchvision_missing(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("this model architecture needs torchvision, which is not installed")


def import_spandrel() -> Any:
    """spandrel, importable without torchvision: a stand-in is in place only while spandrel's
    modules are imported, so nothing else ever sees it."""
    if "spandrel" in sys.modules:
        return sys.modules["spandrel"]
    try:
        import torchvision  # noqa: F401
    except ImportError:
        names = ("torchvision", "torchvision.transforms", "torchvision.transforms.functional")
        stand_ins = {name: types.ModuleType(name) for name in names}
        functional = stand_ins["torchvision.transforms.functional"]
        functional.InterpolationMode = type("InterpolationMode", (), {})  # type: ignore[attr-defined]
        functional.rotate = _torchvision_missing  # type: ignore[attr-defined]
        functional.normalize = _torchvision_missing  # type: ignore[attr-defined]
        sys.modules.update(stand_ins)
        try:
            import spandrel
        finally:
            for name in names:
                sys.modules.pop(name, None)
        return spandrel
    import spandrel

    return spandrel


def describe(path: Path) -> Any:
    """spandrel's descriptor of the safetensors file at `path` (raises ValueError if unknown)."""
    from safetensors.torch import load_file

    spandrel = import_spandrel()
    try:
        descriptor = spandrel.ModelLoader().load_from_state_dict(load_file(str(path)))
    except Exception as exc:  # spandrel raises its own UnsupportedModelError, among others
        raise ValueError(f"spandrel does not recognise it: {exc}") from exc
    if not isinstance(descriptor, spandrel.ImageModelDescriptor):
        raise ValueError(f"{descriptor.architecture.name} is not an image-to-image model")
    return descriptor


def upscale(descriptor: Any, image: Any, tile_size: int, device: str, on_tile: Any = None) -> Any:
    """Run `descriptor` over a PIL RGB image, tile by tile when `tile_size` > 0 (tiles overlap by
    nothing; each is processed alone). Returns a PIL RGB image."""
    import numpy as np
    import torch
    from PIL import Image

    pixels = torch.from_numpy(np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0)
    tensor = pixels.permute(2, 0, 1).unsqueeze(0)
    scale = int(descriptor.scale)
    _, _, height, width = tensor.shape
    out = torch.zeros((1, 3, height * scale, width * scale))
    step = tile_size if tile_size > 0 else max(height, width)
    tiles = [(y, x) for y in range(0, height, step) for x in range(0, width, step)]
    model = descriptor.to(device).eval()
    with torch.inference_mode():
        for index, (y, x) in enumerate(tiles):
            piece = tensor[:, :, y : y + step, x : x + step].to(device)
            result = model(piece).float().clamp(0, 1).cpu()
            out[:, :, y * scale : y * scale + result.shape[2], x * scale : x * scale + result.shape[3]] = (
                result
            )
            if on_tile is not None:
                on_tile(index + 1, len(tiles))
    array = (out[0].permute(1, 2, 0).numpy() * 255.0).round().astype(np.uint8)
    return Image.fromarray(array, "RGB")
