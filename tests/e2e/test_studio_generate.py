"""Generate, queue and models in the web studio, in a real browser against a real `gesso serve`
with a tiny Stable Diffusion model (64x64 images in a few CPU steps).

Single-user mode: the model manager is there; the model is installed, given default settings
and used from the Generate panel, with live progress, the image in the gallery, the queue page
and "use these parameters". Multi-user mode: an ordinary user browses models without manager
controls, generates, and sees another user's queue item only as "another user". Screenshots of
the Generate, Queue and Models screens land in `tests/e2e/artifacts/`.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import NewVisitor
from tests.e2e.server import Server, StartServer
from tests.e2e.test_studio import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BOB_EMAIL,
    BOB_PASSWORD,
    api,
    expect_thumbnails_loaded,
    log_in,
    make_root,
)
from tests.gen_fixtures import build_tiny_pipeline

ALICE_EMAIL = "alice@example.com"
ALICE_PASSWORD = "Alice-pass-123"
PROMPT = "a small red cat"
BOB_SECRET = "BOB-SECRET-PROMPT-51d2"
GENERATION_TIMEOUT_MS = 90_000

# Records what the Generate panel's progress bar and preview showed, however briefly.
WATCH_PROGRESS = """() => {
    window.__progress = [];
    window.__preview = false;
    new MutationObserver(() => {
        const bar = document.querySelector("[data-testid=generation-progress]");
        if (bar) window.__progress.push(bar.getAttribute("data-percent"));
        if (document.querySelector("[data-testid=progress-preview]")) window.__preview = true;
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
}"""


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_pipeline(tmp_path_factory.mktemp("models") / "tiny-sd")


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Studio").get_by_role("link", name=re.compile(f"^{name}")).click()


def install_over_api(client: httpx.Client, source: Path) -> dict[str, Any]:
    started = client.post("/api/v2/models/install", params={"source": str(source)}, json={})
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


def invoke_and_watch(page: Page) -> None:
    """Clicks Invoke and waits for the image, checking that progress and a preview showed."""
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Invoke").click()
    expect(page.get_by_test_id("latest-image")).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    percents = [p for p in page.evaluate("() => window.__progress") if p]
    assert percents, "the progress bar never showed a percentage"
    assert page.evaluate("() => window.__preview"), "no preview image was shown while generating"


# -- single-user mode --------------------------------------------------------------------------


def test_single_user_installs_a_model_and_generates_from_the_panel(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path, tiny_model: Path
) -> None:
    server = start_server(make_root(tmp_path, "su"))
    me = new_visitor()
    page = me.page

    # No model yet: the Generate panel says where to install one.
    page.goto(f"{server.url}/generate")
    notice = page.get_by_test_id("no-models")
    expect(notice).to_contain_text("Install a Stable Diffusion model")
    expect(page.get_by_role("button", name="Invoke")).to_be_disabled()
    notice.get_by_role("link", name="Models page").click()

    # The model manager: install from a server path, with the job's progress.
    expect(page.get_by_role("heading", name="Models")).to_be_visible()
    page.get_by_role("tab", name="Path or URL").click()
    page.get_by_label("Source").fill(str(tiny_model))
    expect(page.get_by_label(re.compile("^In place"))).to_be_checked()
    page.get_by_role("button", name="Install", exact=True).click()
    expect(page.get_by_test_id("install-job")).to_contain_text("Installed", timeout=60_000)
    rows = page.get_by_test_id("model-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("SD 1.x")

    # Default settings for the model: the Generate panel starts from them.
    page.get_by_role("button", name=re.compile("^Edit ")).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Description").fill("Tiny random test model")
    for label, value in (("Width", "64"), ("Height", "64"), ("Steps", "3")):
        dialog.get_by_label(label, exact=True).fill(value)
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_have_count(0)
    expect(rows).to_contain_text("Tiny random test model")
    me.screenshot("su-models")

    # A board made beside the panel is where new images go.
    nav(page, "Generate")
    page.get_by_role("button", name="New board").click()
    page.get_by_role("dialog", name="New board").get_by_label("Board name").fill("Cats")
    page.get_by_role("button", name="Create board").click()
    expect(page).to_have_url(re.compile(r"/generate/[0-9a-f-]{36}$"))
    expect(page.get_by_role("combobox", name="Save to")).to_have_value("Cats")
    expect(page.get_by_label("Width", exact=True)).to_have_value("64")
    expect(page.get_by_label("Steps", exact=True)).to_have_value("3")
    page.get_by_label("Prompt", exact=True).fill(PROMPT)
    invoke_and_watch(page)
    expect_thumbnails_loaded(page, 1)  # on the board beside the panel, without a reload
    expect(page.get_by_test_id("board-link").filter(has_text="Cats")).to_contain_text("1 image")
    expect(page.get_by_label("Live updates offline")).to_have_count(0)
    me.screenshot("su-generate")

    # The queue: the finished item, in full; an administrator's pause and resume.
    nav(page, "Queue")
    item = page.get_by_test_id("queue-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Done")
    expect(item).to_contain_text("You")
    expect(item).to_contain_text(PROMPT)
    expect(item).to_contain_text("64\u00d764 · 3 steps")
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_test_id("queue-counts")).to_contain_text("Paused")
    me.screenshot("su-queue")
    page.get_by_role("button", name="Resume").click()
    expect(page.get_by_test_id("queue-counts")).not_to_contain_text("Paused")

    # The Workers panel: the server's own worker, idle, holding the model it just used.
    worker = page.get_by_role("table", name="Workers").get_by_test_id("worker")
    expect(worker).to_have_count(1)
    expect(worker).to_contain_text("Idle")
    expect(worker).to_contain_text("inside the server")
    expect(worker).to_contain_text("tiny-sd", timeout=15_000)
    expect(worker).to_contain_text("cpu")  # the device, recorded once the first model load chose it
    expect(worker).to_contain_text(re.compile(r"just now|\d+ s ago"))
    me.screenshot("su-queue-workers")

    # "Use these parameters" puts the image's prompt and (fixed) seed back into the panel.
    nav(page, "Generate")
    page.get_by_test_id("board-link").filter(has_text="Cats").click()
    page.get_by_label("Prompt", exact=True).fill("something else")
    page.get_by_role("button", name=re.compile("^Open image")).click()
    page.get_by_role("dialog").get_by_role("button", name="Use these parameters").click()
    expect(page.get_by_text("Parameters from the image applied")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_label("Prompt", exact=True)).to_have_value(PROMPT)
    expect(page.get_by_role("switch", name="Random seed")).not_to_be_checked()
    expect(page.get_by_label("Seed", exact=True)).not_to_have_value("")

    # Deleting the model leaves the panel with nothing to generate with.
    nav(page, "Models")
    page.get_by_role("button", name=re.compile("^Delete ")).click()
    page.get_by_role("dialog").get_by_role("button", name="Delete model").click()
    expect(rows).to_have_count(0)
    expect(page.get_by_text("No models installed yet. Install one above.")).to_be_visible()
    nav(page, "Generate")
    expect(page.get_by_test_id("no-models")).to_be_visible()


# -- multi-user mode ---------------------------------------------------------------------------


def set_up_users(server: Server) -> dict[str, str]:
    """Administrator, Alice and Bob; returns their API tokens."""
    with api(server) as client:
        assert client.post(
            "/api/v1/auth/setup", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).is_success
        tokens = {
            "admin": client.post(
                "/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            )
        }
    admin_token = tokens["admin"].json()["token"]
    with api(server, admin_token) as client:
        for email, password, name in (
            (ALICE_EMAIL, ALICE_PASSWORD, "Alice"),
            (BOB_EMAIL, BOB_PASSWORD, "Bob"),
        ):
            created = client.post(
                "/api/v1/auth/users", json={"email": email, "password": password, "display_name": name}
            )
            assert created.status_code == 201, created.text
        bob = client.post("/api/v1/auth/login", json={"email": BOB_EMAIL, "password": BOB_PASSWORD})
    return {"admin": admin_token, "bob": bob.json()["token"]}


def test_user_generates_and_sees_others_only_as_another_user(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path, tiny_model: Path
) -> None:
    server = start_server(make_root(tmp_path, "mu", "multiuser: true\n"))
    tokens = set_up_users(server)
    with api(server, tokens["admin"]) as admin:
        model = install_over_api(admin, tiny_model)
        patched = admin.patch(
            f"/api/v2/models/i/{model['key']}",
            json={"default_settings": {"width": 64, "height": 64, "steps": 2}},
        )
        assert patched.is_success, patched.text
        assert admin.put("/api/v1/queue/default/processor/pause").is_success  # items wait, to be seen
    graph = {
        "id": "g",
        "nodes": {
            "gen": {
                "id": "gen", "type": "sd_text_to_image", "model": model["key"], "prompt": BOB_SECRET,
                "width": 64, "height": 64, "steps": 2,
            }
        },
        "edges": [],
    }  # fmt: skip
    with api(server, tokens["bob"]) as bob:
        assert bob.post("/api/v1/queue/default/enqueue_batch", json={"batch": {"graph": graph}}).is_success

    alice = new_visitor()
    page = alice.page
    log_in(page, server, ALICE_EMAIL, ALICE_PASSWORD)

    # Models: browsable, but no manager controls for her.
    nav(page, "Models")
    expect(page.get_by_test_id("model-row")).to_have_count(1)
    expect(page.get_by_text("Administrators install and manage them")).to_be_visible()
    for control in ("Install", re.compile("^Edit "), re.compile("^Delete ")):
        expect(page.get_by_role("button", name=control)).to_have_count(0)
    expect(page.get_by_label("Source")).to_have_count(0)
    for tab in ("Starter models", "Hugging Face", "Path or URL"):
        expect(page.get_by_role("tab", name=tab)).to_have_count(0)
    expect(page.get_by_label("Hugging Face repo")).to_have_count(0)
    expect(page.get_by_label("Live updates offline")).to_have_count(0)
    alice.screenshot("mu-user-models")

    # She queues two images; the paused queue keeps them waiting behind Bob's.
    nav(page, "Generate")
    expect(page.get_by_label("Steps", exact=True)).to_have_value("2")
    page.get_by_label("Prompt", exact=True).fill(PROMPT)
    page.get_by_label("Number of images").fill("2")
    page.get_by_label("Prompt", exact=True).focus()
    page.keyboard.press("Control+Enter")  # Invoke from the keyboard
    expect(page.get_by_text("2 images queued")).to_be_visible()

    nav(page, "Queue")
    items = page.get_by_test_id("queue-item")
    expect(items).to_have_count(3)
    bobs = items.filter(has_text="Another user")
    expect(bobs).to_have_count(1)
    expect(bobs).to_contain_text("Hidden")
    expect(bobs.get_by_role("button", name=re.compile("^Cancel"))).to_have_count(0)
    expect(page.get_by_text(BOB_SECRET)).to_have_count(0)
    assert BOB_SECRET not in page.content()
    mine = items.filter(has_text="You")
    expect(mine).to_have_count(2)
    expect(mine.first).to_contain_text(PROMPT)
    for control in ("Pause", "Resume"):
        expect(page.get_by_role("button", name=control)).to_have_count(0)
    expect(page.get_by_role("table", name="Workers")).to_have_count(0)  # administrators only
    expect(page.get_by_role("button", name="Clear my items")).to_be_enabled()
    alice.screenshot("mu-user-queue")

    # She cancels one of hers; the other runs once an administrator resumes the queue.
    mine.first.get_by_role("button", name=re.compile("^Cancel item")).click()
    expect(items.filter(has_text="Canceled")).to_have_count(1)
    nav(page, "Generate")
    page.evaluate(WATCH_PROGRESS)
    with api(server, tokens["admin"]) as admin:
        assert admin.put("/api/v1/queue/default/processor/resume").is_success
    expect(page.get_by_test_id("latest-image")).to_be_visible(timeout=GENERATION_TIMEOUT_MS)
    assert page.evaluate("() => window.__preview"), "no preview image was shown while generating"
    expect_thumbnails_loaded(page, 1)
    alice.screenshot("mu-user-generate")
