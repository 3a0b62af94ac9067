"""InvokeAI 6.x's paste-back nodes: the fade around a kept area, blending with a mask, fitting the
upper layer, and the modes Gesso refuses at enqueue rather than failing mid-run."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from PIL import Image
from pydantic import ValidationError

from gesso.engine.nodes import build_registry
from gesso.engine.nodes.compose import ImageLayerBlendNode, blend, expand_with_fade, fade_curve, fitted


def square_mask(size: int = 64, inner: tuple[int, int, int, int] = (16, 16, 48, 48)) -> Image.Image:
    mask = Image.new("L", (size, size), 255)
    mask.paste(0, inner)
    return mask


def test_the_fade_starts_black_at_the_kept_area_and_reaches_white_after_the_fade_width() -> None:
    faded = np.asarray(expand_with_fade(square_mask(), threshold=0, fade_size_px=8))
    assert (faded[16:48, 16:48] == 0).all()  # the kept area stays black
    assert faded[32, 48] < 40  # nearly black just outside it
    row = faded[32, 48:64].astype(int)
    assert all(a <= b for a, b in pairwise(row))  # rising outward
    assert 0 < faded[32, 52] < 255
    assert faded[32, 55] == 255 and faded[0, 0] == 255  # white from the fade's width on


def test_the_fade_curve_passes_its_points() -> None:
    curve = fade_curve(20)
    assert curve(0.0) == pytest.approx(0.0, abs=0.02)
    assert curve(1.0) == pytest.approx(1.0, abs=0.02)
    assert curve(0.5) == pytest.approx(0.6, abs=0.1)


def test_a_mask_all_white_or_all_black_is_returned_as_black_and_white() -> None:
    white = expand_with_fade(Image.new("L", (8, 8), 200), threshold=100, fade_size_px=4)
    black = expand_with_fade(Image.new("L", (8, 8), 50), threshold=100, fade_size_px=4)
    assert set(np.unique(np.asarray(white))) == {255}
    assert set(np.unique(np.asarray(black))) == {0}


def test_blending_through_a_mask_keeps_the_base_where_the_mask_is_white() -> None:
    base = Image.new("RGB", (64, 64), (200, 40, 40))
    upper = Image.new("RGB", (64, 64), (10, 220, 10))
    result = blend(base, upper, "Normal", 1.0, square_mask(), "RGB")
    assert result.mode == "RGB" and result.size == (64, 64)
    assert result.getpixel((0, 0)) == (200, 40, 40)
    assert result.getpixel((32, 32)) == (10, 220, 10)
    half = blend(base, upper, "Normal", 0.5, None, "RGB").getpixel((0, 0))
    assert half == (105, 130, 25)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("Multiply", (51, 51, 51)),
        ("Screen", (178, 178, 178)),
        ("Difference", (27, 27, 27)),
        ("Lighten Only", (128, 128, 128)),
        ("Darken Only", (101, 101, 101)),
        ("Linear Dodge (Add)", (229, 229, 229)),
    ],
)
def test_blend_modes_combine_each_channel(mode: str, expected: tuple[int, int, int]) -> None:
    base = Image.new("RGB", (4, 4), (128, 128, 128))
    upper = Image.new("RGB", (4, 4), (101, 101, 101))
    assert blend(base, upper, mode, 1.0, None, "RGB").getpixel((1, 1)) == expected


def test_transparent_upper_pixels_leave_the_base_and_alpha_is_kept() -> None:
    base = Image.new("RGBA", (8, 8), (0, 0, 255, 255))
    upper = Image.new("RGBA", (8, 8), (255, 0, 0, 0))
    result = blend(base, upper, "Normal", 1.0, None, "RGB")
    assert result.mode == "RGBA" and result.getpixel((3, 3)) == (0, 0, 255, 255)


def test_fitting_the_upper_layer_to_the_base() -> None:
    base = Image.new("RGB", (64, 32))
    square = Image.new("RGB", (16, 16), (255, 255, 255))
    assert fitted(square, base, True, True).size == (64, 32)
    padded = fitted(square, base, False, True)  # fit the height, pad the sides
    assert padded.size == (64, 32) and padded.getpixel((0, 16)) == (0, 0, 0)
    assert padded.getpixel((32, 16)) == (255, 255, 255)
    assert fitted(square, base, False, False).size == (16, 16)


def test_modes_gesso_does_not_have_are_refused_when_the_graph_is_checked() -> None:
    fields = {"id": "b", "layer_upper": {"image_name": "u"}, "layer_base": {"image_name": "l"}}
    with pytest.raises(ValidationError, match="Hue"):
        ImageLayerBlendNode.model_validate({**fields, "blend_mode": "Hue"})
    with pytest.raises(ValidationError, match="Okhsl"):
        ImageLayerBlendNode.model_validate({**fields, "color_space": "Okhsl"})
    ImageLayerBlendNode.model_validate({**fields, "blend_mode": "Overlay", "color_space": "Linear RGB"})


def test_the_three_nodes_are_registered_under_invokeai_names() -> None:
    registry = build_registry()
    for node_type in ("expand_mask_with_fade", "invokeai_img_blend", "apply_mask_to_image"):
        assert node_type in registry
