"""The studio's gallery, queue page, errors for people, layout and "remember me", in a real
browser against one real multi-user `gesso serve` per module (tiny SD model, 64x64 images).

Screenshots land in `tests/e2e/artifacts/` (names start with `gq-`).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.browser import NewVisitor
from tests.e2e.server import Server, clean_env, free_port, serve_command, wait_until_ready
from tests.e2e.test_sockets import Listener
from tests.e2e.test_studio import ADMIN_EMAIL, ADMIN_PASSWORD, api
from tests.e2e.test_studio_generate import install_over_api, nav
from tests.gallery_helpers import image_bytes
from tests.gen_fixtures import build_tiny_pipeline

ALICE_EMAIL, ALICE_PASSWORD = "alice@example.com", "Alice-pass-123"
Q = "/api/v1/queue/default"
FINISHED = {"completed", "failed", "canceled"}
MODEL_LOAD_SENTENCE = "The model could not be loaded."
LEAKS = ("ModelLoadError", "SafetensorError", "Error while", "Traceback", ".safetensors", "/tmp/", "/models/")


@dataclass
class World:
    server: Server
    tokens: dict[str, str]
    model: dict[str, Any]
    broken: dict[str, Any]

    def client(self, who: str) -> httpx.Client:
        return api(self.server, self.tokens[who])

    def enqueue(self, who: str, graph: dict[str, Any], **batch: Any) -> list[int]:
        with self.client(who) as client:
            response = client.post(f"{Q}/enqueue_batch", json={"batch": {"graph": graph, **batch}})
        assert response.status_code == 200, response.text
        ids: list[int] = response.json()["item_ids"]
        return ids

    def item(self, who: str, item_id: int) -> dict[str, Any]:
        with self.client(who) as client:
            response = client.get(f"{Q}/i/{item_id}")
        assert response.status_code == 200, response.text
        item: dict[str, Any] = response.json()
        return item

    def wait(self, item_id: int, statuses: set[str] = FINISHED, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            item = self.item("admin", item_id)
            if item["status"] in statuses:
                return item
            assert time.monotonic() < deadline, f"item {item_id} still {item['status']}"
            time.sleep(0.1)


def generation(model: dict[str, Any], prompt: str, steps: int = 2, size: int = 64) -> dict[str, Any]:
    node = {
        "id": "gen", "type": "sd_text_to_image", "model": model["key"], "prompt": prompt,
        "width": size, "height": size, "steps": steps,
    }  # fmt: skip
    return {"id": "g", "nodes": {"gen": node}, "edges": []}


def add_graph() -> dict[str, Any]:
    return {"id": "g", "nodes": {"x": {"id": "x", "type": "integer", "value": 1}}, "edges": []}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("gallery_queue")
    root = base / "root"
    root.mkdir()
    (root / "gesso.yaml").write_text("multiuser: true\n", encoding="utf-8")
    log_path = base / "serve.log"
    log_file = log_path.open("wb")
    port = free_port()
    process = subprocess.Popen(
        serve_command(root, port), stdout=log_file, stderr=subprocess.STDOUT, env=clean_env()
    )
    server = Server(root, port, process, log_path, log_file)
    try:
        wait_until_ready(server)
        tokens = set_up_users(server)
        good = build_tiny_pipeline(base / "tiny-sd")
        broken_source = build_tiny_pipeline(base / "tiny-broken", seed=1)  # another hash
        with api(server, tokens["admin"]) as admin:
            model = install_over_api(admin, good)
            broken = install_linked(admin, broken_source, "tiny-broken")
        # The broken model's weights are cut short after install: loading it fails with a raw
        # error that names the file's path and the safetensors exception.
        for weights in broken_source.rglob("*.safetensors"):
            weights.write_bytes(weights.read_bytes()[:64])
        yield World(server, tokens, model, broken)
    finally:
        server.stop()


def install_linked(client: httpx.Client, source: Path, name: str) -> dict[str, Any]:
    started = client.post(
        "/api/v2/models/install", params={"source": str(source), "inplace": "true"}, json={"name": name}
    )
    assert started.status_code == 201, started.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/api/v2/models/install/{started.json()['id']}").json()
        if job["status"] in ("completed", "error", "cancelled"):
            assert job["status"] == "completed", job
            config: dict[str, Any] = job["config_out"]
            return config
        time.sleep(0.2)
    raise AssertionError("install did not finish")


def set_up_users(server: Server) -> dict[str, str]:
    with api(server) as client:
        assert client.post(
            "/api/v1/auth/setup", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).is_success
        admin = client.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    token = admin.json()["token"]
    with api(server, token) as client:
        created = client.post(
            "/api/v1/auth/users",
            json={"email": ALICE_EMAIL, "password": ALICE_PASSWORD, "display_name": "Alice"},
        )
        assert created.status_code == 201, created.text
        alice = client.post("/api/v1/auth/login", json={"email": ALICE_EMAIL, "password": ALICE_PASSWORD})
    return {"admin": token, "alice": alice.json()["token"]}


def log_in(page: Page, server: Server, email: str, password: str, *, remember: bool = False) -> None:
    page.goto(f"{server.url}/")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    checkbox = page.get_by_role("checkbox", name="Remember me")
    expect(checkbox).not_to_be_checked()  # off unless the person asks
    if remember:
        checkbox.check()
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/gallery$"))


def storage(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(
        "() => ({session: sessionStorage.getItem('gesso.token'), local: localStorage.getItem('gesso.token')})"
    )
    return result


def open_details(page: Page, item_id: int) -> None:
    page.get_by_role("button", name=f"Details of item {item_id}").click()
    expect(page.get_by_test_id("queue-item-details")).to_be_visible()


# -- remember me -------------------------------------------------------------------------------


@pytest.mark.timeout(300)  # the module's server and tiny models are made on first use
def test_remember_me_decides_between_session_and_local_storage(world: World, new_visitor: NewVisitor) -> None:
    visitor = new_visitor()
    page = visitor.page
    log_in(page, world.server, ALICE_EMAIL, ALICE_PASSWORD)
    kept = storage(page)
    assert kept["session"] and kept["local"] is None
    page.reload()  # same tab: still signed in
    expect(page.get_by_role("heading", name="Uncategorized")).to_be_visible()
    # A new browser (no session storage carried over) starts signed out.
    fresh = page.context.browser.new_context()  # type: ignore[union-attr]
    try:
        other = fresh.new_page()
        other.goto(f"{world.server.url}/")
        expect(other).to_have_url(re.compile(r"/login$"))
    finally:
        fresh.close()

    remembered = new_visitor()
    page = remembered.page
    page.goto(f"{world.server.url}/login")
    expect(page.get_by_text("You are signed out when the browser closes.")).to_be_visible()
    remembered.screenshot("gq-login-remember-me")
    log_in(page, world.server, ALICE_EMAIL, ALICE_PASSWORD, remember=True)
    kept = storage(page)
    assert kept["local"] and kept["session"] is None
    # A second tab of the same browser shares the remembered sign-in.
    second = page.context.new_page()
    second.goto(f"{world.server.url}/queue")
    expect(second.get_by_role("heading", name="Queue")).to_be_visible()
    second.close()


# -- errors for people -------------------------------------------------------------------------


@pytest.mark.timeout(300)
def test_non_admin_reads_a_broken_model_failure_as_a_sentence_everywhere(
    world: World, new_visitor: NewVisitor
) -> None:
    listener = Listener("alice").connect(world.server.url, world.tokens["alice"])
    admin_listener = Listener("admin").connect(world.server.url, world.tokens["admin"])
    try:
        (item_id,) = world.enqueue("alice", generation(world.broken, "a broken fox"))
        world.wait(item_id)
        listener.wait_for(lambda n, d: n == "queue_item_status_changed" and d.get("status") == "failed")
        admin_listener.wait_for(lambda n, d: n == "queue_item_status_changed" and d.get("status") == "failed")
    finally:
        listener.close()
        admin_listener.close()

    # The API: a sentence for her, the raw error for the administrator.
    own = world.item("alice", item_id)
    assert own["status"] == "failed"
    assert own["error_type"] == "model_load_failed" and own["error_message"].startswith(MODEL_LOAD_SENTENCE)
    assert own["error_traceback"] is None
    raw = world.item("admin", item_id)
    assert raw["error_type"] == "ModelLoadError" and str(world.server.root) not in own["error_message"]
    assert "tiny-broken" in raw["error_message"] and raw["error_traceback"]

    # The socket: her copies carry the sentence only; the administrator's the raw error.
    hers = [
        d
        for n, d in ((n, d) for n, d, _ in listener.events)
        if n in ("invocation_error", "queue_item_status_changed")
    ]
    errors = [d for d in hers if d.get("error_type")]
    assert {d["error_type"] for d in errors} == {"model_load_failed"}, errors
    assert all(
        d["error_message"].startswith(MODEL_LOAD_SENTENCE) and not d.get("error_traceback") for d in errors
    )
    assert not any(leak in listener.text() for leak in LEAKS), listener.text()
    theirs = [d for d in admin_listener.of("invocation_error") if d["item_id"] == item_id]
    assert theirs and theirs[0]["error_type"] == "ModelLoadError"
    # The server log keeps the whole error.
    assert f"Queue item {item_id} failed" in world.server.log() and "ModelLoadError" in world.server.log()

    # The studio: the queue row and the item's details show the sentence, nothing of the insides.
    visitor = new_visitor()
    page = visitor.page
    log_in(page, world.server, ALICE_EMAIL, ALICE_PASSWORD)
    nav(page, "Queue")
    row = page.get_by_test_id("queue-item").filter(has_text="a broken fox")
    expect(row.get_by_test_id("queue-item-error")).to_contain_text(MODEL_LOAD_SENTENCE)
    open_details(page, item_id)
    details = page.get_by_test_id("queue-item-details")
    expect(details.get_by_test_id("queue-item-error-detail")).to_contain_text("The model could not be loaded")
    expect(details.get_by_text("Show traceback")).to_have_count(0)
    content = page.content()
    assert not any(leak in content for leak in LEAKS)
    visitor.screenshot("gq-error-for-people")


# -- queue page --------------------------------------------------------------------------------


@pytest.mark.timeout(420)  # four generations and sixty small items on shared CPUs
def test_queue_details_retry_progress_batches_and_paging(world: World, new_visitor: NewVisitor) -> None:
    (done_id,) = world.enqueue("alice", generation(world.model, "a finished cat"))
    done = world.wait(done_id)
    assert done["status"] == "completed", done
    (failed_id,) = world.enqueue("alice", generation(world.broken, "a failing cat"))
    assert world.wait(failed_id)["status"] == "failed"

    visitor = new_visitor()
    page = visitor.page
    log_in(page, world.server, ALICE_EMAIL, ALICE_PASSWORD)
    nav(page, "Queue")

    # Details of a finished item: its parameters and the image it made, which opens in the gallery.
    open_details(page, done_id)
    details = page.get_by_test_id("queue-item-details")
    parameters = details.get_by_role("table", name="Parameters")
    expect(parameters).to_contain_text("a finished cat")
    expect(parameters.get_by_role("row", name="Steps 2")).to_have_count(1)
    image = details.get_by_role("link", name=re.compile("^Open image"))
    expect(image).to_have_count(1)
    visitor.screenshot("gq-queue-details")
    image.click()
    expect(page).to_have_url(re.compile(r"/gallery\?image="))
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")

    # Retry the failed one from its details: a new item, linked to the first.
    nav(page, "Queue")
    open_details(page, failed_id)
    page.get_by_test_id("queue-item-details").get_by_role("button", name="Retry").click()
    expect(page.get_by_text(f"Item {failed_id} queued again")).to_be_visible()
    page.keyboard.press("Escape")
    with world.client("alice") as client:
        retried = [i for i in client.get(f"{Q}/list_all").json() if i["retried_from_item_id"] == failed_id]
    assert len(retried) == 1
    world.wait(retried[0]["item_id"])
    expect(page.get_by_test_id("queue-item").filter(has_text="a failing cat")).to_have_count(2)

    # Live progress of her running item, then she cancels it.
    (long_id,) = world.enqueue("alice", generation(world.model, "a slow cat", steps=200, size=512))
    bar = (
        page.get_by_test_id("queue-item").filter(has_text="a slow cat").get_by_test_id("queue-item-progress")
    )
    expect(bar).to_have_attribute("data-percent", re.compile(r"^[1-9]\d*$"), timeout=90_000)
    visitor.screenshot("gq-queue-progress")
    page.get_by_role("button", name=f"Cancel item {long_id}").click()
    expect(page.get_by_test_id("queue-item").filter(has_text="a slow cat")).to_have_attribute(
        "data-status", "canceled"
    )

    # Sixty waiting items: paging, grouping by batch, then "cancel all except current".
    with world.client("admin") as admin:
        assert admin.put(f"{Q}/processor/pause").is_success
    try:
        world.enqueue("alice", add_graph(), runs=60)
        pages = page.get_by_role("navigation", name="Queue pages")
        expect(pages).to_be_visible()
        expect(page.get_by_test_id("queue-item")).to_have_count(50)
        with world.client("alice") as client:
            total = client.get(f"{Q}/status").json()["queue"]["total"]
        assert 50 < total <= 100
        pages.get_by_role("button", name="2").click()
        expect(page.get_by_test_id("queue-item")).to_have_count(total - 50)
        pages.get_by_role("button", name="1").click()
        page.get_by_role("switch", name="Group by batch").check()
        expect(page.get_by_test_id("queue-batch").first).to_contain_text("50 items")
        visitor.screenshot("gq-queue-grouped")
        page.get_by_role("switch", name="Group by batch").uncheck()
        page.get_by_role("button", name="Cancel all except current").click()
        expect(page.get_by_text("Canceled 60 waiting items")).to_be_visible()
        expect(page.locator("[data-testid=queue-item][data-status=pending]")).to_have_count(0)
    finally:
        with world.client("admin") as admin:
            assert admin.put(f"{Q}/processor/resume").is_success


# -- gallery -----------------------------------------------------------------------------------


def upload_png(
    world: World, who: str, prompt: str, color: tuple[int, int, int], board_id: str | None = None
) -> str:
    data = image_bytes(
        (48, 48), color=color, text={"invokeai_metadata": json.dumps({"positive_prompt": prompt})}
    )
    params: dict[str, str] = {"image_category": "user", "is_intermediate": "false"}
    if board_id:
        params["board_id"] = board_id
    with world.client(who) as client:
        response = client.post(
            "/api/v1/images/upload", params=params, files={"file": ("in.png", data, "image/png")}
        )
    assert response.status_code == 201, response.text
    name: str = response.json()["image_name"]
    return name


def tile(page: Page, name: str) -> Locator:
    return page.get_by_test_id("image-tile").filter(
        has=page.get_by_role("button", name=re.compile(f"^Open image {name}"))
    )


@pytest.mark.timeout(300)
def test_gallery_search_drag_to_board_select_download_delete_and_cover(
    world: World, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    with world.client("alice") as client:
        board = client.post("/api/v1/boards/", params={"board_name": "Keepers"}).json()["board_id"]
        sorting = client.post("/api/v1/boards/", params={"board_name": "Sorting"}).json()["board_id"]
    zebra = upload_png(world, "alice", "a zebra on ice", (10, 200, 10), board_id=sorting)
    fox = upload_png(world, "alice", "a fox in snow", (200, 100, 10), board_id=sorting)
    owl = upload_png(world, "alice", "an owl at night", (10, 10, 200), board_id=sorting)

    visitor = new_visitor()
    page = visitor.page
    log_in(page, world.server, ALICE_EMAIL, ALICE_PASSWORD)
    page.get_by_test_id("board-link").filter(has_text="Sorting").click()
    tiles = page.get_by_test_id("image-tile")
    expect(tiles).to_have_count(3)

    # Search by prompt text (server-side).
    page.get_by_label("Search prompts").fill("zebra")
    expect(tiles).to_have_count(1)
    expect(tile(page, zebra)).to_have_count(1)
    page.get_by_role("button", name="Clear search").click()
    expect(tiles).to_have_count(3)

    # Drag a thumbnail onto a board.
    target = page.get_by_test_id("board-link").filter(has_text="Keepers")
    tile(page, zebra).drag_to(target)
    expect(page.get_by_text("Moved 1 image to Keepers")).to_be_visible()
    expect(tiles).to_have_count(2)
    expect(target).to_contain_text("1 image")
    visitor.screenshot("gq-gallery-drag-to-board")

    # Multi-select: ctrl-click one, shift-click to extend; the bar acts on both.
    tile(page, fox).get_by_role("button", name=re.compile("^Open image")).click(modifiers=["Control"])
    tile(page, owl).get_by_role("button", name=re.compile("^Open image")).click(modifiers=["Shift"])
    bar = page.get_by_role("toolbar", name="Selected images")
    expect(bar).to_contain_text("2 selected")
    expect(page.get_by_role("dialog")).to_have_count(0)  # selecting does not open the viewer
    visitor.screenshot("gq-gallery-selection")
    with page.expect_download() as download_info:
        bar.get_by_role("button", name="Download zip").click()
    zipped = tmp_path / "images.zip"
    download_info.value.save_as(zipped)
    with zipfile.ZipFile(zipped) as archive:
        assert sorted(archive.namelist()) == sorted([fox, owl])

    bar.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete 2 images").click()
    expect(page.get_by_text("Deleted 2 images")).to_be_visible()
    expect(tiles).to_have_count(0)
    expect(bar).to_have_count(0)
    with world.client("alice") as client:
        for name in (fox, owl):
            assert client.get(f"/api/v1/images/i/{name}").status_code == 404

    # Choose a board cover.
    second = upload_png(world, "alice", "a second keeper", (120, 120, 120), board_id=board)
    target.click()
    expect(tiles).to_have_count(2)
    cover = target.locator("img")
    expect(cover).to_have_attribute("src", re.compile(zebra))
    tile(page, second).hover()
    page.get_by_role("button", name=f"Actions for image {second}").click()
    page.get_by_role("menuitem", name="Use as board cover").click()
    expect(page.get_by_text("Cover of Keepers changed")).to_be_visible()
    expect(cover).to_have_attribute("src", re.compile(second))


# -- layout and theme --------------------------------------------------------------------------

MAIN_PAGES = {
    "generate": "Generation",
    "gallery": "Uncategorized",
    "queue": "Queue",
    "models": "Models",
    "profile": "Profile",
}

NO_SIDEWAYS_SCROLL = """() => {
    const main = document.querySelector("#main > div");
    return {
        page: document.documentElement.scrollWidth - window.innerWidth,
        main: main ? main.scrollWidth - main.clientWidth : 0,
    };
}"""


def assert_fits(page: Page, name: str) -> None:
    overflow: dict[str, int] = page.evaluate(NO_SIDEWAYS_SCROLL)
    assert overflow["page"] <= 0 and overflow["main"] <= 0, f"{name} scrolls sideways: {overflow}"


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 720)])
def test_every_main_page_fits_phone_and_laptop_screens(
    world: World, new_visitor: NewVisitor, width: int, height: int
) -> None:
    visitor = new_visitor()
    page = visitor.page
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, world.server, ADMIN_EMAIL, ADMIN_PASSWORD)
    nav_bar = page.get_by_role("navigation", name="Studio")
    for path, heading in {**MAIN_PAGES, "users": "Users"}.items():
        page.goto(f"{world.server.url}/{path}")
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert_fits(page, path)
        box = nav_bar.bounding_box()
        assert box is not None
        if width < 768:  # the rail is a bar along the bottom
            assert box["y"] >= height - 80 and box["width"] >= width - 40, box
            visitor.screenshot(f"gq-phone-{path}")
        else:
            assert box["x"] == 0 and box["height"] >= height - 1, box
    if width >= 768:
        visitor.screenshot("gq-laptop-users")


@pytest.mark.timeout(300)
def test_theme_follows_the_os_until_the_person_chooses_and_the_choice_follows_them(
    world: World, new_visitor: NewVisitor
) -> None:
    scheme = "() => document.documentElement.getAttribute('data-mantine-color-scheme')"
    visitor = new_visitor()
    page = visitor.page
    page.emulate_media(color_scheme="light")
    log_in(page, world.server, ALICE_EMAIL, ALICE_PASSWORD)
    expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", "light")
    page.emulate_media(color_scheme="dark")
    expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", "dark")

    # Her choice: light, although her system is dark.
    toggle = page.get_by_role("button", name=re.compile("^Theme:"))
    expect(toggle).to_have_attribute("aria-label", "Theme: follows your system")
    toggle.click()
    expect(toggle).to_have_attribute("aria-label", "Theme: light")
    expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", "light")
    nav(page, "Queue")
    visitor.screenshot("gq-light-theme-queue")
    nav(page, "Gallery")
    visitor.screenshot("gq-light-theme-gallery")

    # Another browser with a dark system: her saved choice wins once she signs in.
    other = new_visitor()
    other.page.emulate_media(color_scheme="dark")
    log_in(other.page, world.server, ALICE_EMAIL, ALICE_PASSWORD)
    expect(other.page.locator("html")).to_have_attribute("data-mantine-color-scheme", "light")
    assert other.page.evaluate(scheme) == "light"
    # Back to following the system (light → dark → follows).
    toggle = other.page.get_by_role("button", name=re.compile("^Theme:"))
    toggle.click()
    expect(toggle).to_have_attribute("aria-label", "Theme: dark")
    toggle.click()
    expect(toggle).to_have_attribute("aria-label", "Theme: follows your system")
    expect(other.page.locator("html")).to_have_attribute("data-mantine-color-scheme", "dark")
