"""The built studio under its Content-Security-Policy in a real browser: it renders, connects
its socket and loads images with no policy violation, and the policy really blocks an inline
script that is not the hashed boot script."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.e2e.browser import NewVisitor
from tests.e2e.server import StartServer

COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def test_studio_runs_under_its_csp_and_the_csp_blocks_injected_script(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    server = start_server(root)
    page_headers = httpx.get(f"{server.url}/gallery").headers
    assert "'sha256-" in page_headers["content-security-policy"]
    assert "unsafe-eval" not in page_headers["content-security-policy"]

    me = new_visitor()
    page = me.page
    page.add_init_script(COLLECT_VIOLATIONS)
    connected: list[str] = []
    page.on("websocket", lambda ws: connected.append(ws.url))
    page.goto(f"{server.url}/")
    expect(page).to_have_url(re.compile(r"/gallery$"))
    expect(page.get_by_role("heading", name="Uncategorized")).to_be_visible()
    page.goto(f"{server.url}/queue")
    expect(page.get_by_role("heading", name=re.compile("Queue"))).to_be_visible()
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.evaluate("() => window.__violations") == []
    assert any("/ws/socket.io/" in url for url in connected), connected

    # An injected inline script is refused (and reported), so it never runs.
    me.allow_console_error("Content Security Policy")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__injected = true'; document.body.append(s); }"""
    )
    assert page.evaluate("() => window.__injected === undefined")
    violations = page.evaluate("() => window.__violations")
    assert violations and violations[0].startswith("script-src")
