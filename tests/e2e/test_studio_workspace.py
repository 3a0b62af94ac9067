"""The generation workspace in a real browser against a real `gesso serve` with tiny models: LoRA
pick, image to image from a dropped gallery image, inpainting with a painted mask (and
outpainting), upscaling from the viewer, recall, and settings that survive a reload because they
live in client state on the server.

One server per module (single-user mode) with a tiny SD 1.x model, a kohya LoRA and a 2x ESRGAN
upscaler installed over the API; the tests run in order on one board. Screenshots land in
`tests/e2e/artifacts/workspace-*.png`.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import NewVisitor
from tests.e2e.server import Server, clean_env, free_port, serve_command, wait_until_ready
from tests.e2e.test_studio import api, expect_thumbnails_loaded
from tests.e2e.test_studio_generate import install_over_api
from tests.gen_fixtures import build_tiny_kohya_lora, build_tiny_pipeline, build_tiny_upscaler

GENERATION_TIMEOUT_S = 90
PROMPT = "a lighthouse at dusk"
DRAG_TYPE = "application/x-gesso-image"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A running server with the tiny models installed and a board "Work"."""
    models = tmp_path_factory.mktemp("models")
    pipeline = build_tiny_pipeline(models / "tiny-sd")
    lora = build_tiny_kohya_lora(models / "ink-lora.safetensors", pipeline)
    upscaler = build_tiny_upscaler(models / "tiny-2x.safetensors")
    root = tmp_path_factory.mktemp("root")
    log_path = root / "serve.log"
    log_file = log_path.open("wb")
    port = free_port()
    process = subprocess.Popen(
        serve_command(root, port), stdout=log_file, stderr=subprocess.STDOUT, env=clean_env()
    )
    server = Server(root, port, process, log_path, log_file)
    try:
        wait_until_ready(server)
        with api(server) as client:
            main = install_over_api(client, pipeline)
            patched = client.patch(
                f"/api/v2/models/i/{main['key']}",
                json={"default_settings": {"width": 64, "height": 64, "steps": 2}},
            )
            assert patched.is_success, patched.text
            installed_lora = install_over_api(client, lora)
            installed_upscaler = install_over_api(client, upscaler)
            board = client.post("/api/v1/boards/", params={"board_name": "Work"})
            assert board.status_code == 201, board.text
        yield {
            "server": server,
            "board": board.json()["board_id"],
            "lora": installed_lora,
            "upscaler": installed_upscaler,
        }
    finally:
        server.stop()


def board_images(server: Server, board_id: str) -> list[dict[str, Any]]:
    with api(server) as client:
        listed = client.get(
            "/api/v1/images/", params={"board_id": board_id, "is_intermediate": False, "limit": 100}
        )
        assert listed.is_success, listed.text
        items: list[dict[str, Any]] = listed.json()["items"]
        return items


def wait_for_board_images(server: Server, board_id: str, count: int) -> list[dict[str, Any]]:
    """Waits until the board holds `count` images; returns them, newest first."""
    deadline = time.monotonic() + GENERATION_TIMEOUT_S
    while time.monotonic() < deadline:
        items = board_images(server, board_id)
        if len(items) >= count:
            return sorted(items, key=lambda i: str(i["created_at"]), reverse=True)
        time.sleep(0.3)
    with api(server) as client:
        queue = client.get("/api/v1/queue/default/list_all").text
    raise AssertionError(f"the board never reached {count} images; queue: {queue[:2000]}")


def metadata(server: Server, image_name: str) -> dict[str, Any]:
    with api(server) as client:
        answer = client.get(f"/api/v1/images/i/{image_name}/metadata")
        assert answer.is_success, answer.text
        result: dict[str, Any] = answer.json()
        return result


def open_workspace(page: Page, server: Server, board_id: str) -> None:
    page.goto(f"{server.url}/generate/{board_id}")
    expect(page.get_by_role("combobox", name="Save to")).to_have_value("Work")


def choose(page: Page, combobox: str, option: str) -> None:
    page.get_by_role("combobox", name=combobox).click()
    page.get_by_role("option", name=option).click()


def drop_image(page: Page, test_id: str, image_name: str) -> None:
    """What a gallery thumbnail dragged onto the slot delivers (dataTransfer of DRAG_TYPE)."""
    data = page.evaluate_handle(
        "([type, name]) => { const dt = new DataTransfer(); dt.setData(type, name); return dt; }",
        [DRAG_TYPE, image_name],
    )
    target = page.get_by_test_id(test_id)
    target.dispatch_event("dragover", {"dataTransfer": data})
    target.dispatch_event("drop", {"dataTransfer": data})


def open_viewer(page: Page, image_name: str) -> None:
    page.get_by_role("button", name=f"Open image {image_name}").click()
    expect(page.get_by_test_id("viewer-image")).to_be_visible()


def viewer_menu(page: Page, button: str, item: str) -> None:
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name=button).click()
    page.get_by_role("menuitem", name=item).click()


def comparison_loaded(page: Page) -> list[int]:
    """Waits for the before/after images; returns their natural widths."""
    loaded = """() => {
        const images = [...document.querySelectorAll("[data-testid=comparison] img")];
        return images.length === 2 && images.every((img) => img.complete && img.naturalWidth > 0);
    }"""
    page.wait_for_function(loaded)
    widths: list[int] = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=comparison] img')].map((i) => i.naturalWidth)"
    )
    return widths


@pytest.mark.timeout(480)  # builds and installs the tiny models first
def test_lora_pick_persists_and_is_in_the_graph(workspace: dict[str, Any], new_visitor: NewVisitor) -> None:
    server, board = workspace["server"], workspace["board"]
    me = new_visitor()
    page = me.page
    open_workspace(page, server, board)
    page.get_by_label("Prompt", exact=True).fill(PROMPT)
    page.get_by_role("button", name="LoRAs and VAE").click()
    choose(page, "LoRAs", workspace["lora"]["name"])
    chosen = page.get_by_test_id("chosen-lora")
    expect(chosen).to_have_count(1)
    page.get_by_label(f"Weight of {workspace['lora']['name']}").fill("0.6")
    me.screenshot("workspace-lora")
    page.get_by_role("button", name="Invoke").click()
    [image] = wait_for_board_images(server, board, 1)
    made = metadata(server, image["image_name"])
    assert made["generation_mode"] == "txt2img"
    assert [(entry["model"]["key"], entry["weight"]) for entry in made["loras"]] == [
        (workspace["lora"]["key"], 0.6)
    ]

    # The settings live on the server: a reload (or another browser) starts from them.
    page.reload()
    expect(page.get_by_label("Prompt", exact=True)).to_have_value(PROMPT)
    expect(page.get_by_test_id("chosen-lora")).to_be_visible()  # the section opens when LoRAs are chosen
    expect(page.get_by_test_id("chosen-lora")).to_contain_text(workspace["lora"]["name"])
    other = new_visitor()
    open_workspace(other.page, server, board)
    expect(other.page.get_by_label("Prompt", exact=True)).to_have_value(PROMPT)

    # The prompt box remembers what was invoked.
    page.get_by_label("Prompt", exact=True).fill("")
    page.get_by_role("button", name="Prompt history").click()
    page.get_by_role("menuitem", name=PROMPT).click()
    expect(page.get_by_label("Prompt", exact=True)).to_have_value(PROMPT)
    # Remove the LoRA again for the next tests.
    page.get_by_role("button", name=f"Remove {workspace['lora']['name']}").click()
    expect(page.get_by_test_id("chosen-lora")).to_have_count(0)


@pytest.mark.timeout(300)  # generations on shared CPUs
def test_image_to_image_from_a_dropped_gallery_image(
    workspace: dict[str, Any], new_visitor: NewVisitor
) -> None:
    server, board = workspace["server"], workspace["board"]
    before = wait_for_board_images(server, board, 1)
    source = before[0]["image_name"]
    me = new_visitor()
    page = me.page
    open_workspace(page, server, board)
    page.get_by_label("Generation mode").get_by_text("Image to image", exact=True).click()
    drop_image(page, "drop-init-image", source)
    expect(page.get_by_test_id("drop-init-image")).to_contain_text("64 \u00d7 64")
    page.get_by_role("button", name="Invoke").click()
    newest = wait_for_board_images(server, board, len(before) + 1)[0]
    made = metadata(server, newest["image_name"])
    assert made["generation_mode"] == "img2img"
    assert made["init_image"] == source
    assert made["strength"] == pytest.approx(0.75)
    me.screenshot("workspace-img2img")

    # A dropped name that is no image is refused in words, and nothing changes.
    me.allow_console_error(r"404 .*no-such-image\.png")
    drop_image(page, "drop-init-image", "no-such-image.png")
    expect(page.get_by_text(re.compile("That image cannot be used"))).to_be_visible()


@pytest.mark.timeout(300)  # generations on shared CPUs
def test_inpaint_with_a_painted_mask_and_outpainting(
    workspace: dict[str, Any], new_visitor: NewVisitor
) -> None:
    server, board = workspace["server"], workspace["board"]
    before = wait_for_board_images(server, board, 2)
    source = before[-1]["image_name"]
    me = new_visitor()
    page = me.page
    open_workspace(page, server, board)
    expect_thumbnails_loaded(page, len(before))
    open_viewer(page, source)
    viewer_menu(page, "Start from this", "Edit in canvas")
    page.keyboard.press("Escape")
    mask = page.get_by_test_id("mask-canvas")
    expect(mask).to_be_visible()

    # Shortcuts: ] grows the brush, ? lists the shortcuts, Ctrl+Z undoes a stroke.
    page.get_by_text("Size 32").wait_for()
    page.keyboard.press("]")
    expect(page.get_by_text("Size 36")).to_be_visible()
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Canvas shortcuts")).to_be_visible()
    page.keyboard.press("Escape")

    box = mask.bounding_box()
    assert box is not None

    def paint() -> None:
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + box["width"] * 0.2, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.8, y, steps=8)
        page.mouse.up()

    paint()
    expect(page.get_by_role("button", name="Undo")).to_be_enabled()
    page.keyboard.press("Control+z")
    expect(page.get_by_role("button", name="Undo")).to_be_disabled()
    # Invoke with nothing painted says what to do and queues nothing.
    page.get_by_role("button", name="Invoke").click()
    expect(page.get_by_text(re.compile("Paint over the part of the image"))).to_be_visible()
    paint()
    me.screenshot("workspace-inpaint-mask")
    page.get_by_role("button", name="Invoke").click()
    expect(page.get_by_test_id("comparison")).to_be_visible(timeout=GENERATION_TIMEOUT_S * 1000)
    comparison_loaded(page)
    me.screenshot("workspace-inpaint-compare")
    after = wait_for_board_images(server, board, len(before) + 1)
    made = metadata(server, after[0]["image_name"])
    assert made["generation_mode"] == "inpaint"
    assert (after[0]["width"], after[0]["height"]) == (64, 64)
    with api(server) as client:
        masks = client.get(
            "/api/v1/images/", params={"categories": "mask", "is_intermediate": True, "limit": 10}
        )
        assert masks.is_success, masks.text
        assert masks.json()["total"] >= 1, "the painted mask was not uploaded as a mask image"
        gallery = client.get("/api/v1/images/", params={"board_id": "none", "is_intermediate": False})
        assert gallery.json()["total"] == 0, "masks made by the graph must not show in Uncategorized"

    # Outpainting: extend the right side by 16 px; the new area is generated.
    page.get_by_role("button", name="Back to the mask").click()
    page.get_by_label("Extend right").fill("16")
    page.get_by_label("Extend right").blur()
    page.get_by_role("button", name="Invoke").click()
    extended = wait_for_board_images(server, board, len(before) + 2)[0]
    assert (extended["width"], extended["height"]) == (80, 64)
    expect(page.get_by_test_id("comparison")).to_be_visible(timeout=GENERATION_TIMEOUT_S * 1000)
    assert comparison_loaded(page) == [80, 80], "before (padded) and after are the extended canvas"
    me.screenshot("workspace-outpaint")


@pytest.mark.timeout(300)  # generations on shared CPUs
def test_upscale_from_the_viewer_lands_next_to_the_original(
    workspace: dict[str, Any], new_visitor: NewVisitor
) -> None:
    server, board = workspace["server"], workspace["board"]
    before = board_images(server, board)
    original = next(i for i in before if (i["width"], i["height"]) == (64, 64))
    me = new_visitor()
    page = me.page
    open_workspace(page, server, board)
    page.get_by_label("Generation mode").get_by_text("Text to image", exact=True).click()
    expect_thumbnails_loaded(page, len(before))
    open_viewer(page, original["image_name"])
    viewer_menu(page, "Upscale", workspace["upscaler"]["name"])
    expect(page.get_by_text(re.compile("^Upscaling with"))).to_be_visible()
    newest = wait_for_board_images(server, board, len(before) + 1)[0]
    assert (newest["width"], newest["height"]) == (128, 128)
    assert newest["board_id"] == board
    assert metadata(server, newest["image_name"])["upscale_model"]["key"] == workspace["upscaler"]["key"]
    page.keyboard.press("Escape")
    expect_thumbnails_loaded(page, len(before) + 1)
    me.screenshot("workspace-upscale")

    # Recall only the seed of the original: the prompt stays as typed.
    page.get_by_label("Prompt", exact=True).fill("kept prompt")
    open_viewer(page, original["image_name"])
    viewer_menu(page, "Recall", "Seed")
    page.keyboard.press("Escape")
    expect(page.get_by_label("Prompt", exact=True)).to_have_value("kept prompt")
    expect(page.get_by_label("Seed", exact=True)).to_have_value(
        str(metadata(server, original["image_name"])["seed"])
    )


def test_bad_settings_from_client_state_fall_back_to_defaults(
    workspace: dict[str, Any], new_visitor: NewVisitor
) -> None:
    """Whatever is stored (another client, an old version) never breaks the panel."""
    server, board = workspace["server"], workspace["board"]
    with api(server) as client:
        stored = client.post(
            "/api/v1/client_state/default/set_by_key",
            params={"key": "gesso.generate.params"},
            json='{"mode": "video", "loras": "x", "strength": 9, "refiner": [], "width": "wide"}',
        )
        assert stored.is_success, stored.text
    me = new_visitor()
    page = me.page
    open_workspace(page, server, board)
    expect(page.get_by_label("Generation mode").get_by_role("radio", name="Text to image")).to_be_checked()
    expect(page.get_by_label("Width", exact=True)).to_have_value("64")
    with httpx.Client(base_url=server.url, timeout=10) as client:
        assert client.get("/api/v1/app/version").is_success
