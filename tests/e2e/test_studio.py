"""The web studio in a real browser against a real `gesso serve`.

Single-user mode opens without a login; multi-user mode goes through administrator setup,
user management, private boards and uploads, per-user visibility, the admin-only users page,
session end and logout; and the studio works under a `base_url` sub-path. Screenshots of each
main screen land in `tests/e2e/artifacts/` for review.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import httpx
from PIL import Image, PngImagePlugin
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.e2e.browser import NewVisitor
from tests.e2e.server import Server, StartServer

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "Admin-pass-1"
BOB_EMAIL = "bob@example.com"
BOB_PASSWORD = "Bob-pass-123"
ALICE_EMAIL = "alice@example.com"
PROMPT = "a lighthouse at dusk, oil on canvas"
PASSWORD_LABEL = re.compile(r"^Password( \*)?$")  # required fields end in " *"
GALLERY = re.compile(r"/gallery(/[^/?]*)?(\?.*)?$")


def png_bytes(color: tuple[int, int, int], metadata: dict[str, object] | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    if metadata is not None:
        info.add_text("invokeai_metadata", json.dumps(metadata))
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), color).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def write_png(
    tmp_path: Path, name: str, color: tuple[int, int, int], metadata: dict[str, object] | None = None
) -> Path:
    path = tmp_path / name
    path.write_bytes(png_bytes(color, metadata))
    return path


def make_root(tmp_path: Path, name: str, config: str = "") -> Path:
    root = tmp_path / name
    root.mkdir()
    if config:
        (root / "gesso.yaml").write_text(config, encoding="utf-8")
    return root


def api(server: Server, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10)


# -- page helpers ------------------------------------------------------------------------------


def set_up_admin(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    expect(page.get_by_role("heading", name="Welcome to Gesso")).to_be_visible()
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Display name").fill("Ada Admin")
    page.get_by_label(PASSWORD_LABEL).fill(ADMIN_PASSWORD)
    expect(page.get_by_text("Strength:")).to_be_visible()
    page.get_by_label("Confirm password").fill(ADMIN_PASSWORD)


def log_in(page: Page, server: Server, email: str, password: str, path: str = "/") -> None:
    """Signs in with the keyboard only: type, Tab, type, Enter."""
    page.goto(f"{server.url}{path}")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("Email").click()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(GALLERY)


def create_board(page: Page, name: str) -> str:
    page.get_by_role("button", name="New board").click()
    dialog = page.get_by_role("dialog", name="New board")
    dialog.get_by_label("Board name").fill(name)
    dialog.get_by_role("button", name="Create board").click()
    expect(page).to_have_url(re.compile(r"/gallery/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    return page.url.rsplit("/", 1)[-1]


def upload_with_button(page: Page, path: Path) -> None:
    page.locator("input[type=file]").set_input_files(str(path))


def drop_file(page: Page, data: bytes, name: str) -> None:
    """Drags a file from 'the desktop' onto the image grid (once the grid is on the page)."""
    page.locator("section[aria-label^='Images in']").wait_for()
    page.evaluate(
        """([b64, name]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/png" }));
            const target = document.querySelector("section[aria-label^='Images in']");
            for (const type of ["dragenter", "dragover", "drop"]) {
                const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
                target.dispatchEvent(new DragEvent(type, init));
            }
        }""",
        [base64.b64encode(data).decode(), name],
    )


def expect_thumbnails_loaded(page: Page, count: int) -> None:
    tiles = page.get_by_test_id("image-tile")
    expect(tiles).to_have_count(count)
    page.wait_for_function(
        """(n) => {
            const images = [...document.querySelectorAll("[data-testid=image-tile] img")];
            return images.length === n && images.every((img) => img.complete && img.naturalWidth > 0);
        }""",
        arg=count,
    )


def open_user_menu(page: Page) -> None:
    page.get_by_test_id("user-menu").click()


# -- single-user mode --------------------------------------------------------------------------


def test_visitor_uses_single_user_studio_without_login(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    server = start_server(make_root(tmp_path, "su"))
    with api(server) as client:  # the production build: cache-busting names, revalidated page
        index = client.get("/gallery/deep/link")
        assert index.headers["cache-control"] == "no-cache"
        assets = re.findall(r'"\./(assets/[^"]+)"', index.text)
        assert assets and all(re.search(r"-[\w-]{8}\.(js|css)$", asset) for asset in assets), assets
        assert "immutable" in client.get(f"/{assets[0]}").headers["cache-control"]
    me = new_visitor()
    page = me.page

    page.goto(f"{server.url}/")
    expect(page).to_have_url(re.compile(r"/gallery$"))
    expect(page.get_by_role("heading", name="Uncategorized")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    expect(page.get_by_test_id("user-menu")).to_have_count(0)

    page.goto(f"{server.url}/login")  # nothing to sign in to
    expect(page).to_have_url(re.compile(r"/gallery$"))

    drop_file(page, png_bytes((200, 60, 60), {"positive_prompt": PROMPT, "seed": 7}), "red.png")
    expect_thumbnails_loaded(page, 1)

    board_id = create_board(page, "Sketches")
    upload_with_button(page, write_png(tmp_path, "blue.png", (40, 80, 220)))
    expect_thumbnails_loaded(page, 1)
    board_link = page.get_by_test_id("board-link").filter(has_text="Sketches")
    expect(board_link).to_contain_text("1 image")

    # Move the uncategorized image onto the board from the viewer, starring it first.
    page.get_by_role("link", name=re.compile("Uncategorized")).click()
    page.get_by_role("button", name=re.compile("^Open image")).click()
    viewer = page.get_by_role("dialog")
    expect(viewer.get_by_text(PROMPT, exact=True)).to_be_visible()
    viewer.get_by_role("button", name="Star", exact=True).click()
    expect(viewer.get_by_role("button", name="Unstar")).to_be_visible()
    me.screenshot("su-viewer")
    viewer.get_by_role("button", name="Move to board").click()
    move = page.get_by_role("dialog", name="Move to board")
    move.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text("Moved to Sketches")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("image-tile")).to_have_count(0)

    page.get_by_role("link", name=re.compile("Sketches")).click()
    expect(page).to_have_url(re.compile(f"/gallery/{board_id}$"))
    expect_thumbnails_loaded(page, 2)
    expect(page.get_by_role("button", name=re.compile(r"\(starred\)$"))).to_have_count(1)
    me.screenshot("su-gallery")


# -- multi-user mode ---------------------------------------------------------------------------


def test_users_share_a_multi_user_studio(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    server = start_server(make_root(tmp_path, "mu", "multiuser: true\n"))

    # The administrator sets the server up and lands in the studio, signed in.
    admin = new_visitor()
    set_up_admin(admin.page, server)
    admin.screenshot("mu-setup")
    admin.page.get_by_role("button", name="Create administrator account").click()
    expect(admin.page).to_have_url(re.compile(r"/gallery$"))
    admin.screenshot("mu-admin-gallery-empty")

    # ... creates Alice with a server-generated password and Bob with a chosen one.
    admin.page.get_by_role("link", name="Users").click()
    expect(admin.page.get_by_role("heading", name="Users")).to_be_visible()
    alice_password = add_user(admin.page, ALICE_EMAIL, "Alice", password=None)
    add_user(admin.page, BOB_EMAIL, "Bob", password=BOB_PASSWORD)
    users_table = admin.page.get_by_role("table", name="Users")
    for email in (ADMIN_EMAIL, ALICE_EMAIL, BOB_EMAIL):
        expect(users_table.get_by_text(email)).to_be_visible()

    # ... and is told, in place, that the last administrator cannot step down (the browser
    # itself logs the refused request).
    admin.allow_console_error(r"status of 400")
    admin.page.get_by_role("button", name=f"Edit {ADMIN_EMAIL}").click()
    edit = admin.page.get_by_role("dialog")
    edit.get_by_label("Administrator").uncheck(force=True)
    edit.get_by_role("button", name="Save changes").click()
    expect(edit.get_by_role("alert")).to_contain_text("Cannot remove the last administrator")
    admin.screenshot("mu-users-last-admin")
    edit.get_by_role("button", name="Cancel").click()

    # Alice signs in, keeps a private board with an uploaded image, recalls its parameters.
    alice = new_visitor()
    log_in(alice.page, server, ALICE_EMAIL, alice_password)
    expect(alice.page.get_by_role("link", name="Users")).to_have_count(0)
    board_id = create_board(alice.page, "Alice private")
    upload_with_button(
        alice.page,
        write_png(
            tmp_path, "lighthouse.png", (30, 90, 160), {"positive_prompt": PROMPT, "seed": 42, "steps": 30}
        ),
    )
    expect_thumbnails_loaded(alice.page, 1)
    alice.screenshot("mu-alice-gallery")
    alice.page.get_by_role("button", name=re.compile("^Open image")).click()
    viewer = alice.page.get_by_role("dialog")
    expect(viewer.get_by_text(PROMPT, exact=True)).to_be_visible()
    expect(viewer.get_by_test_id("viewer-image")).to_be_visible()
    viewer.get_by_role("button", name="Use these parameters").click()
    expect(alice.page.get_by_text("Parameters saved")).to_be_visible()
    alice.screenshot("mu-alice-viewer")
    with api(server, alice.token()) as client:
        saved = client.get("/api/v1/client_state/default/get_by_key", params={"key": "recall_parameters"})
        assert json.loads(saved.json())["positive_prompt"] == PROMPT
    alice.page.keyboard.press("Escape")

    # The users page is guarded for her, not just hidden.
    alice.page.goto(f"{server.url}/users")
    expect(alice.page.get_by_role("heading", name="Administrators only")).to_be_visible()
    expect(alice.page.get_by_role("table", name="Users")).to_have_count(0)
    alice.screenshot("mu-alice-users-refused")

    # The administrator sees Alice's private board and its image, with her name.
    admin.page.get_by_role("link", name="Gallery", exact=True).click()
    admin.page.reload()
    admins_view = admin.page.get_by_test_id("board-link").filter(has_text="Alice private")
    expect(admins_view).to_contain_text("by Alice")
    admins_view.click()
    expect_thumbnails_loaded(admin.page, 1)
    admin.screenshot("mu-admin-sees-alice")

    # Bob does not see it at all, and the API refuses it to him.
    bob = new_visitor()
    log_in(bob.page, server, BOB_EMAIL, BOB_PASSWORD)
    expect(bob.page.get_by_role("heading", name="Uncategorized")).to_be_visible()
    expect(bob.page.get_by_text("Alice private")).to_have_count(0)
    with api(server, bob.token()) as client:
        assert client.get(f"/api/v1/boards/{board_id}").status_code == 403
        assert client.get("/api/v1/images/", params={"board_id": board_id}).status_code == 403
    bob.screenshot("mu-bob-gallery")

    # Alice shares the board from its menu; Bob may now look, but not upload into it.
    alice.page.get_by_role("link", name="Gallery", exact=True).click()
    alice.page.get_by_role("button", name="Actions for board Alice private").click()
    alice.page.get_by_role("menuitem", name=re.compile("^Shared")).click()
    expect(alice.page.get_by_test_id("board-link").filter(has_text="Alice private")).to_contain_text("Shared")
    bob.page.reload()
    shared = bob.page.get_by_test_id("board-link").filter(has_text="Alice private")
    expect(bob.page.get_by_text("Shared with me")).to_be_visible()
    expect(shared).to_contain_text("by Alice")  # owners of boards you may see are named
    shared.click()
    expect_thumbnails_loaded(bob.page, 1)
    expect(bob.page.get_by_role("button", name="Upload")).to_have_count(0)
    expect(bob.page.get_by_role("button", name="Actions for board Alice private")).to_have_count(0)
    bob.screenshot("mu-bob-shared-board")

    # Alice's account menu and profile; then she logs out and her old token is dead.
    open_user_menu(alice.page)
    menu = alice.page.get_by_role("menu")
    expect(menu).to_contain_text("Alice")
    expect(menu).to_contain_text("User")
    menu.get_by_role("menuitem", name="Profile and sessions").click()
    expect(alice.page.get_by_role("heading", name="Signed-in sessions")).to_be_visible()
    expect(alice.page.get_by_text("This session")).to_be_visible()
    alice.screenshot("mu-alice-profile")

    # A password change answers with a new token (X-Refreshed-Token); the studio adopts it and
    # re-issues the media cookie, so after a reload she is still in, thumbnails and all.
    old_token = alice.token()
    alice.page.get_by_label("Current password").fill(alice_password)
    alice.page.get_by_label(re.compile(r"^New password")).fill("Alice-new-pass-1")
    alice.page.get_by_label(re.compile(r"^Confirm new password")).fill("Alice-new-pass-1")
    alice.page.get_by_role("button", name="Change password").click()
    expect(alice.page.get_by_text("Password changed.")).to_be_visible()
    token = alice.token()
    assert token and token != old_token
    with api(server, old_token) as client:
        assert client.get("/api/v1/auth/me").status_code == 401
    alice.page.goto(f"{server.url}/gallery/{board_id}")
    expect_thumbnails_loaded(alice.page, 1)

    open_user_menu(alice.page)
    alice.page.get_by_role("menuitem", name="Log out").click()
    expect(alice.page).to_have_url(re.compile(r"/login$"))
    expect(alice.page.get_by_text("You have signed out.")).to_be_visible()
    assert alice.token() is None
    alice.screenshot("mu-login")
    with api(server, token) as client:
        assert client.get("/api/v1/auth/me").status_code == 401


def add_user(page: Page, email: str, name: str, password: str | None) -> str:
    """Fills the Add user dialog; without a password, uses the server's generator."""
    page.get_by_role("button", name="Add user").click()
    dialog = page.get_by_role("dialog", name="Add user")
    dialog.get_by_label("Email").fill(email)
    dialog.get_by_label("Display name").fill(name)
    field = dialog.get_by_label(PASSWORD_LABEL)
    if password is None:
        dialog.get_by_role("button", name="Generate password").click()
        expect(field).to_have_value(re.compile(r"^\S{16}$"))
        password = field.input_value()
    else:
        field.fill(password)
    dialog.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("dialog", name="Add user")).to_have_count(0)
    return password


def test_user_whose_session_ends_returns_to_login_with_a_message(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    server = start_server(make_root(tmp_path, "mu", "multiuser: true\n"))
    with api(server) as client:
        assert client.post(
            "/api/v1/auth/setup", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).is_success
        admin_token = client.post(
            "/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        headers = {"Authorization": f"Bearer {admin_token.json()['token']}"}
        bob = client.post(
            "/api/v1/auth/users", json={"email": BOB_EMAIL, "password": BOB_PASSWORD}, headers=headers
        ).json()

    visitor = new_visitor()
    visitor.allow_console_error(r"status of 401")
    # The server closes the ended session's socket; a long-poll still in flight is then refused.
    visitor.allow_console_error(r"status of 400.*/ws/socket\.io/")
    log_in(visitor.page, server, BOB_EMAIL, BOB_PASSWORD, path="/gallery")
    with api(server) as client:
        reset = client.patch(
            f"/api/v1/auth/users/{bob['user_id']}", json={"password": "New-pass-456"}, headers=headers
        )
        assert reset.is_success, reset.text

    # The studio learns of it from the next request that gets a 401: the user's own action, or a
    # background refresh (the server closes the ended session's socket, and reconnecting refetches),
    # whichever comes first. Either way the user lands on the login page with the notice.
    try:
        visitor.page.get_by_role("button", name="New board").click(timeout=5_000)
        dialog = visitor.page.get_by_role("dialog", name="New board")
        dialog.get_by_label("Board name").fill("Too late", timeout=5_000)
        dialog.get_by_role("button", name="Create board").click(timeout=5_000)
    except PlaywrightError:
        pass  # already sent to the login page; the assertions below check that
    expect(visitor.page).to_have_url(re.compile(r"/login$"))
    expect(visitor.page.get_by_text("Your session has ended. Please sign in again.")).to_be_visible()

    # Signing in again returns to where the user was.
    visitor.page.get_by_label("Email").fill(BOB_EMAIL)
    visitor.page.get_by_label(PASSWORD_LABEL).fill("New-pass-456")
    visitor.page.get_by_role("button", name="Sign in").click()
    expect(visitor.page).to_have_url(re.compile(r"/gallery$"))


# -- base_url sub-path -------------------------------------------------------------------------


def test_studio_works_under_a_base_url(
    start_server: StartServer, new_visitor: NewVisitor, tmp_path: Path
) -> None:
    root = make_root(tmp_path, "sub", "multiuser: true\nbase_url: /studio\n")
    server = start_server(root, base_path="/studio")
    visitor = new_visitor()
    page = visitor.page

    set_up_admin(page, server)
    expect(page).to_have_url(f"{server.url}/setup")
    page.get_by_role("button", name="Create administrator account").click()
    expect(page).to_have_url(f"{server.url}/gallery")

    upload_with_button(page, write_png(tmp_path, "green.png", (40, 160, 80), {"positive_prompt": PROMPT}))
    expect_thumbnails_loaded(page, 1)
    page.get_by_role("button", name=re.compile("^Open image")).click()
    image_url = page.url
    assert "/studio/gallery?image=" in image_url

    # A deep link reloads straight into the viewer, assets and image included.
    page.goto(image_url)
    full = page.get_by_test_id("viewer-image")
    expect(full).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=full.element_handle())
    src = full.get_attribute("src") or ""
    assert src.startswith(f"{server.url}/api/v1/images/i/"), src
    visitor.screenshot("base-url-viewer")
    page.keyboard.press("Escape")

    open_user_menu(page)
    page.get_by_role("menuitem", name="Log out").click()
    expect(page).to_have_url(f"{server.url}/login")
    log_in(page, server, ADMIN_EMAIL, ADMIN_PASSWORD, path="/gallery")
    expect(page).to_have_url(f"{server.url}/gallery")
    expect_thumbnails_loaded(page, 1)
