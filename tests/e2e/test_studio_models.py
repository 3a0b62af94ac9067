"""Getting models in the web studio (SPEC §15), in a real browser against a real `gesso serve`
whose HF_ENDPOINT is a local fake hub: the starter tab installs a model with its dependency and
marks both installed; a repo id typed into the Hugging Face tab downloads with a progress bar
showing bytes and speed, can be cancelled, and a failing repo shows its reason; the token form
saves a token without ever showing it again. Screenshots land in `tests/e2e/artifacts/`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import NewVisitor
from tests.e2e.server import StartServer
from tests.e2e.test_studio import make_root
from tests.fake_hub import FakeHub, fake_hub
from tests.hub_repos import big_model_repo, hand_pipeline, vae_repo

TOKEN = "hf_BrowserTestToken0123456789"
BIG = 6 * 2**20


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    with fake_hub() as running:
        monkeypatch.setenv("HF_ENDPOINT", running.url)  # the server subprocess inherits it
        running.tokens.add(TOKEN)
        running.repos["stabilityai/sdxl-turbo"] = hand_pipeline(
            tmp_path / "turbo", "StableDiffusionXLPipeline", 2048
        )
        running.repos["madebyollin/sdxl-vae-fp16-fix"] = vae_repo(tmp_path / "vae", 0.13025)
        running.repos["tester/big"] = big_model_repo(tmp_path / "big", BIG)
        running.repos["tester/other-big"] = big_model_repo(tmp_path / "other-big", BIG + 1024)
        gated = hand_pipeline(tmp_path / "gated", seed=5)
        gated.gated = True
        running.repos["tester/gated"] = gated
        yield running


def starter_card(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("starter-model").filter(has=page.get_by_text(name, exact=True))


def job_row(page: Page, source: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-testid="install-job"][data-source="{source}"]')


def test_admin_gets_models_from_the_starter_tab_and_by_repo_id(
    hub: FakeHub, start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    server = start_server(make_root(tmp_path, "root"))
    me = new_visitor()
    page = me.page
    page.goto(f"{server.url}/models")

    # Starter models: the list, then one click installs SDXL Turbo and the VAE it needs.
    expect(page.get_by_role("tab", name="Starter models")).to_have_attribute("aria-selected", "true")
    turbo = starter_card(page, "SDXL Turbo")
    expect(turbo).to_contain_text("Also installs sdxl-vae-fp16-fix")
    expect(page.get_by_test_id("starter-model")).to_have_count(11)
    me.screenshot("models-starters")
    turbo.get_by_role("button", name="Install SDXL Turbo").click()
    expect(turbo).to_contain_text("Installed", timeout=30_000)
    expect(starter_card(page, "sdxl-vae-fp16-fix")).to_contain_text("Installed", timeout=30_000)
    expect(page.get_by_test_id("model-row")).to_have_count(2)
    expect(page.get_by_test_id("model-row").filter(has_text="SDXL Turbo")).to_contain_text("SDXL")
    expect(job_row(page, "stabilityai/sdxl-turbo")).to_contain_text("SDXL Turbo")
    me.screenshot("models-starter-installed")

    # By repo id: the download shows a progress bar with bytes and speed.
    hub.bytes_per_second = 2 * 2**20
    page.get_by_role("tab", name="Hugging Face").click()
    field = page.get_by_label("Hugging Face repo")
    field.fill("tester/big/extra")
    page.get_by_role("button", name="Install", exact=True).click()
    expect(page.get_by_text("A repo id is owner/name")).to_be_visible()  # checked before sending
    field.fill("tester/big")
    page.get_by_role("button", name="Install", exact=True).click()
    row = job_row(page, "tester/big")
    bar = row.get_by_test_id("install-job-progress")
    expect(bar).to_have_attribute("data-percent", re.compile(r"^[1-9]\d?$"), timeout=15_000)
    expect(row.get_by_test_id("install-job-bytes")).to_contain_text(
        re.compile(r"MB of 6\.0 MB · [\d.]+ [KM]B/s")
    )
    me.screenshot("models-repo-progress")
    expect(row).to_contain_text("Installed", timeout=30_000)
    expect(row.get_by_test_id("install-job-progress")).to_have_count(0)
    expect(page.get_by_test_id("model-row")).to_have_count(3)

    # A download can be cancelled; nothing of it stays.
    hub.bytes_per_second = 512 * 1024
    field.fill("tester/other-big")
    page.get_by_role("button", name="Install", exact=True).click()
    other = job_row(page, "tester/other-big")
    expect(other.get_by_test_id("install-job-bytes")).to_be_visible(timeout=15_000)
    other.get_by_role("button", name="Cancel tester/other-big").click()
    expect(other).to_contain_text("Cancelled", timeout=15_000)
    expect(page.get_by_test_id("model-row")).to_have_count(3)

    # A gated repo without a token fails with a one-line reason.
    hub.bytes_per_second = None
    field.fill("tester/gated")
    page.get_by_role("button", name="Install", exact=True).click()
    failed = job_row(page, "tester/gated")
    expect(failed).to_contain_text("Failed", timeout=15_000)
    expect(failed.get_by_test_id("install-job-error")).to_contain_text("a Hugging Face token is needed")
    me.screenshot("models-repo-failed")

    # The token: saved on the server, shown as set, never shown again; a wrong one is refused.
    status = page.get_by_test_id("hf-token-status")
    expect(status).to_have_text("No valid token")
    token_field = page.get_by_label("New Hugging Face token")
    token_field.fill("hf_wrong")
    page.get_by_role("button", name="Save token").click()
    expect(page.get_by_text("The hub did not accept this token")).to_be_visible()
    token_field.fill(TOKEN)
    page.get_by_role("button", name="Save token").click()
    expect(status).to_have_text("Token set")
    expect(token_field).to_have_value("")
    assert TOKEN not in page.content()
    hub.gated_access["tester/gated"] = {TOKEN}
    field.fill("tester/gated")
    page.get_by_role("button", name="Install", exact=True).click()
    expect(job_row(page, "tester/gated").filter(has_text="Installed")).to_have_count(1, timeout=15_000)
    page.get_by_role("button", name="Clear finished").click()
    expect(page.get_by_test_id("install-job")).to_have_count(0)
    me.screenshot("models-hugging-face")
    page.get_by_role("button", name="Remove token").click()
    expect(status).to_have_text("No valid token")
