"""Built-in nodes, invoked one at a time against an in-memory image store: real pixels in, real pixels out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image
from pydantic import ValidationError

from gesso.engine.context import Canceled
from gesso.engine.nodes import build_registry
from gesso.engine.nodes.gallery import ImageOutput
from gesso.engine.registry import BaseOutput
from tests.unit.engine.conftest import ContextFactory, MemoryImages, Progress

Run = Callable[..., BaseOutput]
RunImage = Callable[..., Image.Image]

# SPEC §12: the InvokeAI types Gesso implements.
SPEC_TYPES = {"integer", "float", "string", "boolean", "rand_int", "add", "sub", "mul", "div", "collect"}
SPEC_TYPES |= {"blank_image", "img_noise", "img_resize", "img_scale", "img_crop", "img_paste", "img_blur"}
SPEC_TYPES |= {"img_conv", "img_chan", "img_mul", "img_lerp", "image", "save_image", "iterate"}
# SPEC §14: InvokeAI's generation node set
SPEC_TYPES |= {
    "main_model_loader",
    "sdxl_model_loader",
    "sdxl_refiner_model_loader",
    "vae_loader",
    "lora_loader",
}
SPEC_TYPES |= {"sdxl_lora_loader", "lora_selector", "lora_collection_loader", "sdxl_lora_collection_loader"}
SPEC_TYPES |= {"clip_skip", "seamless", "compel", "sdxl_compel_prompt", "sdxl_refiner_compel_prompt", "noise"}
SPEC_TYPES |= {"denoise_latents", "l2i", "i2l", "create_denoise_mask", "create_gradient_mask", "controlnet"}
SPEC_TYPES |= {
    "spandrel_image_to_image",
    "canvas_paste_back",
    "tomask",
    "mask_combine",
    "mask_edge",
    "core_metadata",
}


@pytest.fixture
def run(make_context: ContextFactory, progress: Progress) -> Run:
    registry = build_registry()

    def _run(node_type: str, **inputs: Any) -> BaseOutput:
        node_class = registry.get(node_type)
        assert node_class is not None
        node = node_class.model_validate({"id": "n1", **inputs})
        return node.invoke(make_context("n1", "n1", progress.report))

    return _run


@pytest.fixture
def run_image(run: Run, images: MemoryImages) -> RunImage:
    """Run an image node and return the stored result, checking the output's name and size."""

    def _run(node_type: str, **inputs: Any) -> Image.Image:
        output = run(node_type, **inputs)
        assert isinstance(output, ImageOutput)
        stored = images.image(output.image.image_name)
        assert (output.width, output.height) == stored.size
        return stored

    return _run


def pixels(image: Image.Image) -> list[Any]:
    return [image.getpixel((x, y)) for y in range(image.height) for x in range(image.width)]


def colour_at(image: Image.Image, x: int = 0, y: int = 0) -> tuple[int, ...]:
    pixel = image.getpixel((x, y))
    assert isinstance(pixel, tuple)
    return pixel


def solid(images: MemoryImages, colour: tuple[int, ...], size: tuple[int, int] = (4, 4)) -> dict[str, str]:
    mode = "RGBA" if len(colour) == 4 else "L" if len(colour) == 1 else "RGB"
    return {"image_name": images.add(Image.new(mode, size, colour if len(colour) > 1 else colour[0]))}


def test_registry_is_fresh_and_holds_every_spec_type_and_the_gesso_extras() -> None:
    first, second = build_registry(), build_registry()
    assert first is not second
    names = {node_class.node_type for node_class in first}
    assert names == SPEC_TYPES | {
        "gesso_img_invert",
        "gesso_img_adjust",
        "sd_text_to_image",
        "sd_image_to_image",
        # InvokeAI 6.x canvas paste-back, beyond SPEC §14's list
        "expand_mask_with_fade",
        "invokeai_img_blend",
        "apply_mask_to_image",
    }
    assert all(node_class.output_class.output_type.endswith("_output") for node_class in first)


@pytest.mark.parametrize(
    ("node_type", "value", "result"),
    [
        ("integer", 7, {"type": "integer_output", "value": 7}),
        ("float", 1.5, {"type": "float_output", "value": 1.5}),
        ("string", "hi", {"type": "string_output", "value": "hi"}),
        ("boolean", True, {"type": "boolean_output", "value": True}),
    ],
)
def test_primitives_pass_their_value_on(run: Run, node_type: str, value: Any, result: dict[str, Any]) -> None:
    assert run(node_type, value=value).as_result() == result


def test_primitives_default_like_invokeai(run: Run) -> None:
    assert [run(t).as_result()["value"] for t in ("integer", "float", "string", "boolean")] == [
        0,
        0.0,
        "",
        False,
    ]


@pytest.mark.parametrize(
    ("node_type", "a", "b", "value"),
    [
        ("add", 2, 3, 5),
        ("sub", 2, 3, -1),
        ("mul", -4, 3, -12),
        ("div", 7, 2, 3),
        ("div", -7, 2, -3),
        ("div", 7, -2, -3),
        ("div", -7, -2, 3),
        ("div", 10**30 + 1, 1, 10**30 + 1),
    ],
)
def test_arithmetic_truncates_toward_zero(run: Run, node_type: str, a: int, b: int, value: int) -> None:
    assert run(node_type, a=a, b=b).as_result() == {"type": "integer_output", "value": value}


def test_div_by_zero_raises_a_clear_error(run: Run) -> None:
    with pytest.raises(ZeroDivisionError, match="cannot divide 5 by zero"):
        run("div", a=5, b=0)


def test_rand_int_is_uncached_and_stays_in_range(run: Run) -> None:
    registry = build_registry()
    node_class = registry.get("rand_int")
    assert node_class is not None and node_class.model_validate({"id": "r"}).use_cache is False
    values = {run("rand_int", low=3, high=6).as_result()["value"] for _ in range(200)}
    assert values == {3, 4, 5}
    with pytest.raises(ValueError, match="low < high"):
        run("rand_int", low=4, high=4)


def test_collect_and_iterate_shapes(run: Run) -> None:
    assert run("collect", collection=[1, 2]).as_result() == {"type": "collect_output", "collection": [1, 2]}
    assert run("iterate", collection=["a", "b", "c"], index=1).as_result() == {
        "type": "iterate_output",
        "item": "b",
        "index": 1,
        "total": 3,
    }
    assert run("iterate").as_result() == {"type": "iterate_output", "item": None, "index": 0, "total": 0}


def test_blank_image_colour_mode_board_and_metadata(run_image: RunImage, images: MemoryImages) -> None:
    image = run_image(
        "blank_image",
        width=3,
        height=2,
        mode="RGBA",
        color={"r": 10, "g": 20, "b": 30, "a": 40},
        board={"board_id": "b-1"},
        metadata={"note": "x"},
        is_intermediate=True,
    )
    assert image.size == (3, 2) and image.mode == "RGBA"
    assert set(pixels(image)) == {(10, 20, 30, 40)}
    saved = images.saved[-1]
    assert (saved.board_id, saved.is_intermediate, saved.metadata, saved.node_id) == (
        "b-1",
        True,
        {"note": "x"},
        "n1",
    )


def test_blank_image_defaults_to_black_rgb_and_refuses_huge_sizes(run_image: RunImage) -> None:
    image = run_image("blank_image", width=2, height=2)
    assert image.mode == "RGB" and set(pixels(image)) == {(0, 0, 0)}
    with pytest.raises(ValueError, match="at most"):
        run_image("blank_image", width=100_000, height=100_000)


def test_crop_is_rgba_and_transparent_outside_the_source(run_image: RunImage, images: MemoryImages) -> None:
    image = run_image("img_crop", image=solid(images, (255, 0, 0)), x=-2, y=1, width=5, height=6)
    assert image.size == (5, 6) and image.mode == "RGBA"
    assert image.getpixel((0, 0)) == (0, 0, 0, 0)
    assert image.getpixel((2, 0)) == (255, 0, 0, 255)
    assert image.getpixel((2, 3)) == (0, 0, 0, 0)


def test_resize_and_scale(run_image: RunImage, images: MemoryImages) -> None:
    source = solid(images, (9, 8, 7), (10, 6))
    resized = run_image("img_resize", image=source, width=3, height=5, resample_mode="nearest")
    assert resized.size == (3, 5) and resized.getpixel((1, 1)) == (9, 8, 7)
    assert run_image("img_scale", image=source, scale_factor=0.55).size == (5, 3)
    with pytest.raises(ValidationError):
        run_image("img_resize", image=source, width=0)


def test_paste_expands_and_crops(run_image: RunImage, images: MemoryImages) -> None:
    base, red = solid(images, (0, 0, 255)), solid(images, (255, 0, 0), (2, 2))
    grown = run_image("img_paste", base_image=base, image=red, x=3, y=3)
    assert grown.size == (5, 5)
    assert grown.getpixel((4, 4)) == (255, 0, 0, 255)
    assert grown.getpixel((0, 0)) == (0, 0, 255, 255)
    assert grown.getpixel((4, 0)) == (0, 0, 0, 0)
    cropped = run_image("img_paste", base_image=base, image=red, x=-1, y=0, crop=True)
    assert cropped.size == (4, 4)
    assert (cropped.getpixel((0, 0)), cropped.getpixel((1, 0))) == ((255, 0, 0, 255), (0, 0, 255, 255))


def test_paste_mask_is_inverted_like_invokeai(run_image: RunImage, images: MemoryImages) -> None:
    mask = Image.new("L", (2, 2), 0)
    mask.putpixel((1, 1), 255)
    pasted = run_image(
        "img_paste",
        base_image=solid(images, (0, 0, 255)),
        image=solid(images, (255, 0, 0), (2, 2)),
        mask={"image_name": images.add(mask)},
    )
    assert pasted.getpixel((0, 0)) == (255, 0, 0, 255)  # black in the mask: pasted
    assert pasted.getpixel((1, 1)) == (0, 0, 255, 255)  # white: the base stays


def test_blur_mixes_neighbours_without_bleeding_transparent_colour(
    run_image: RunImage, images: MemoryImages, progress: Progress
) -> None:
    split = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    split.paste((0, 0, 255, 255), (0, 0, 10, 20))
    blurred = run_image("img_blur", image={"image_name": images.add(split)}, radius=3)
    red, _, blue, alpha = colour_at(blurred, 11, 10)
    assert red == 0 and blue == 255 and 0 < alpha < 255
    assert progress.reports, "blurring reports progress (and so honours cancellation)"
    box = run_image("img_blur", image=solid(images, (50, 60, 70)), radius=2, blur_type="box")
    assert box.getpixel((2, 2)) == (50, 60, 70)


@pytest.mark.parametrize(
    ("mode", "stored_mode"),
    [
        ("L", "L"),
        ("RGB", "RGB"),
        ("RGBA", "RGBA"),
        ("CMYK", "RGB"),
        ("YCbCr", "RGB"),
        ("LAB", "RGB"),
        ("HSV", "RGB"),
        ("I", "L"),
        ("F", "L"),
    ],
)
def test_conv_stores_every_mode_as_a_png(
    run_image: RunImage, images: MemoryImages, mode: str, stored_mode: str
) -> None:
    image = run_image("img_conv", image=solid(images, (200, 100, 50)), mode=mode)
    assert image.mode == stored_mode
    pixel = image.getpixel((0, 0))
    if stored_mode == "L":
        assert pixel == pytest.approx(124, abs=1)
    else:
        assert colour_at(image)[:3] == pytest.approx((200, 100, 50), abs=2)


def test_chan_extracts_one_channel(run_image: RunImage, images: MemoryImages) -> None:
    source = solid(images, (200, 100, 50))
    assert set(pixels(run_image("img_chan", image=source, channel="R"))) == {200}
    assert set(pixels(run_image("img_chan", image=source, channel="B"))) == {50}
    assert set(pixels(run_image("img_chan", image=source))) == {255}  # no alpha: opaque
    alpha = run_image("img_chan", image=solid(images, (1, 2, 3, 77)), channel="A")
    assert alpha.mode == "L" and set(pixels(alpha)) == {77}


def test_mul_multiplies_pixelwise(run_image: RunImage, images: MemoryImages) -> None:
    image = run_image("img_mul", image1=solid(images, (200, 100, 50)), image2=solid(images, (128, 255, 0)))
    assert set(pixels(image)) == {(100, 100, 0)}
    mixed = run_image(
        "img_mul", image1=solid(images, (200, 100, 50)), image2=solid(images, (255, 255, 255, 0))
    )
    assert set(pixels(mixed)) == {(200, 100, 50)}


def test_lerp_maps_every_channel_into_min_max(run_image: RunImage, images: MemoryImages) -> None:
    image = run_image("img_lerp", image=solid(images, (255, 0, 51, 255)), min=100, max=200)
    assert image.getpixel((0, 0)) == (200, 100, 120, 200)
    with pytest.raises(ValidationError):
        run_image("img_lerp", image=solid(images, (1, 2, 3)), max=256)


def test_invert_keeps_alpha(run_image: RunImage, images: MemoryImages) -> None:
    assert run_image("gesso_img_invert", image=solid(images, (200, 100, 50, 77))).getpixel((0, 0)) == (
        55,
        155,
        205,
        77,
    )
    assert run_image("gesso_img_invert", image=solid(images, (30,))).getpixel((0, 0)) == 225


def test_adjust_brightness_contrast_saturation(run_image: RunImage, images: MemoryImages) -> None:
    source = solid(images, (200, 100, 50, 90))
    assert run_image("gesso_img_adjust", image=source).getpixel((0, 0)) == (200, 100, 50, 90)
    assert run_image("gesso_img_adjust", image=source, brightness=0).getpixel((0, 0)) == (0, 0, 0, 90)
    red, green, blue, alpha = colour_at(run_image("gesso_img_adjust", image=source, saturation=0))
    assert red == green == blue and alpha == 90
    with pytest.raises(ValidationError):
        run_image("gesso_img_adjust", image=source, contrast=-1)


def test_noise_is_deterministic_per_seed(run_image: RunImage, images: MemoryImages) -> None:
    source = solid(images, (128, 128, 128, 200), (16, 12))
    first = run_image("img_noise", image=source, seed=1, amount=0.3)
    again = run_image("img_noise", image=source, seed=1, amount=0.3)
    other = run_image("img_noise", image=source, seed=2, amount=0.3)
    assert pixels(first) == pixels(again)
    assert pixels(first) != pixels(other)
    assert {p[3] for p in pixels(first)} == {200}
    assert len({p[:3] for p in pixels(first)}) > 10
    unchanged = run_image("img_noise", image=source, seed=1, amount=0)
    assert set(pixels(unchanged)) == {(128, 128, 128, 200)}


def test_noise_size_colour_type_and_mask(run_image: RunImage, images: MemoryImages) -> None:
    source = solid(images, (128, 128, 128), (8, 8))
    grey = run_image("img_noise", image=source, seed=3, amount=0.5, noise_color=False, size=4)
    assert all(p[0] == p[1] == p[2] for p in pixels(grey))
    assert len(set(pixels(grey.crop((0, 0, 4, 4))))) == 1  # one noise point covers 4 x 4 pixels
    salted = run_image("img_noise", image=source, seed=3, noise_type="salt_and_pepper", amount=1)
    assert {v for p in pixels(salted) for v in p[:3]} == {0, 255}
    black = {"image_name": images.add(Image.new("L", (8, 8), 0))}
    masked = run_image("img_noise", image=source, seed=3, amount=0.5, mask=black)
    assert set(pixels(masked)) == {(128, 128, 128, 255)}


def test_noise_reports_progress_and_stops_when_canceled(
    run_image: RunImage, images: MemoryImages, progress: Progress
) -> None:
    source = solid(images, (128, 128, 128), (8, 8))
    run_image("img_noise", image=source)
    assert progress.reports[-1] == (1.0, "Adding noise")
    progress.canceled = True
    saved = len(images.saved)
    with pytest.raises(Canceled):
        run_image("img_noise", image=source)
    assert len(images.saved) == saved


def test_image_node_passes_the_same_image_on_without_storing(run: Run, images: MemoryImages) -> None:
    name = images.add(Image.new("RGB", (5, 3)), "mine.png")
    output = run("image", image={"image_name": name})
    assert output.as_result() == {
        "type": "image_output",
        "image": {"image_name": name},
        "width": 5,
        "height": 3,
    }
    assert images.saved == [] and images.loads == [("u-1", name)]


def test_save_image_stores_a_copy_in_the_board(run_image: RunImage, images: MemoryImages) -> None:
    source = solid(images, (1, 2, 3))
    copy = run_image("save_image", image=source, board={"board_id": "b-9"})
    assert images.saved[-1].image_name != source["image_name"] and images.saved[-1].board_id == "b-9"
    assert pixels(copy) == pixels(images.image(source["image_name"]))
    registry = build_registry()
    node_class = registry.get("save_image")
    assert node_class is not None
    assert node_class.model_validate({"id": "s", "image": source}).use_cache is False
