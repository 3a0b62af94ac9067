"""The `gesso` command line, run as a real subprocess against a real root folder.

Each command is started with `python -m gesso … --root <tmp>` and an environment without
`GESSO_*` variables, in a new session (no controlling terminal) so hidden password prompts read
from stdin. Where a change must be visible to a user of the server, an in-process app on the same
root checks it over HTTP.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from gesso.services import Services
from tests import databases
from tests.conftest import AppFactory
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, bearer, login_as, setup_admin

CLI_TIMEOUT_S = 60
LAST_ADMIN = "Cannot remove the last administrator"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def one_line_error(self) -> str:
        """The command failed with exactly one stderr line, `error: …`, and no traceback."""
        lines = [line for line in self.err.splitlines() if line.strip()]
        assert self.code != 0, f"expected failure, got exit 0: {self.out!r}"
        assert len(lines) == 1, f"expected one stderr line, got: {self.err!r}"
        assert lines[0].startswith("error:"), lines[0]
        return lines[0]


Gesso = Callable[..., Run]


@pytest.fixture
def gesso(root: Path) -> Gesso:
    """Run `gesso <args> --root <root>`; `stdin` is fed to the process (empty by default)."""
    base_env = databases.child_env()

    def _run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> Run:
        completed = subprocess.run(
            [sys.executable, "-m", "gesso", *args, "--root", str(root)],
            input=stdin,
            capture_output=True,
            text=True,
            env={**base_env, **(env or {})},
            timeout=CLI_TIMEOUT_S,
            start_new_session=True,  # no /dev/tty: getpass falls back to stdin
        )
        return Run(completed.returncode, completed.stdout, completed.stderr)

    return _run


def users_json(gesso: Gesso) -> dict[str, dict[str, object]]:
    run = gesso("users", "list", "--json")
    assert run.code == 0, run.err
    return {str(row["email"]).lower(): row for row in json.loads(run.out)}


def seed_user(root: Path, email: str, *, is_admin: bool = False, password: str = USER_PASSWORD) -> None:
    """Create a user through the real service in-process (faster than a CLI round trip)."""
    services = Services.open(databases.settings(root))
    try:
        services.users.create_user(email, password, is_admin=is_admin)
    finally:
        services.close()


@pytest.fixture
def admin(root: Path) -> str:
    seed_user(root, ADMIN_EMAIL, is_admin=True, password=ADMIN_PASSWORD)
    return ADMIN_EMAIL


def add_user(gesso: Gesso, email: str, *extra: str) -> None:
    run = gesso("users", "add", "--email", email, "--password", USER_PASSWORD, *extra)
    assert run.code == 0, run.err


def stored_users(root: Path) -> dict[str, dict[str, object]]:
    """What the database holds for real users, keyed by lower-cased email."""
    rows = databases.query(
        root, "SELECT email, display_name, is_admin, is_active FROM users WHERE user_id != 'system'"
    )
    return {
        row.email.lower(): {
            "display_name": row.display_name,
            "is_admin": bool(row.is_admin),
            "is_active": bool(row.is_active),
        }
        for row in rows
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def jwt_secret(root: Path) -> str | None:
    rows = databases.query(root, "SELECT value FROM app_settings WHERE key = 'jwt_secret'")
    return str(rows[0][0]) if rows else None


# -- users add / list ---------------------------------------------------------------------------


def test_operator_adds_users_with_flags_and_lists_them(gesso: Gesso) -> None:
    created = gesso("users", "add", "--email", "alice@example.com", "--name", "Alice", "--password", "pw")
    assert created.code == 0, created.err
    assert "alice@example.com" in created.out
    add_user(gesso, "Root@Example.com", "--admin")

    rows = users_json(gesso)
    assert set(rows) == {"alice@example.com", "root@example.com"}
    alice, boss = rows["alice@example.com"], rows["root@example.com"]
    assert (alice["display_name"], alice["is_admin"], alice["is_active"]) == ("Alice", False, True)
    assert (boss["is_admin"], boss["is_active"]) == (True, True)
    assert {"user_id", "email", "is_admin", "is_active"} <= set(alice)
    assert not any("password" in key for key in alice)
    assert alice["user_id"] != boss["user_id"]

    text = gesso("users", "list")
    assert text.code == 0, text.err
    assert "alice@example.com" in text.out and "Alice" in text.out
    assert "system" not in text.out


def test_operator_lists_users_on_fresh_root_without_system_user(gesso: Gesso) -> None:
    assert users_json(gesso) == {}


def test_operator_adds_user_with_prompted_email_and_hidden_password(
    gesso: Gesso, make_client: AppFactory
) -> None:
    run = gesso("users", "add", stdin="eve@example.com\nsecret-pw\nsecret-pw\n")
    assert run.code == 0, run.err
    assert "Password" in run.err  # prompted, on stderr, not echoed to stdout
    assert "secret-pw" not in run.out + run.err

    client = make_client(multiuser=True)
    me = client.get("/api/v1/auth/me", headers=bearer(login_as(client, "eve@example.com", "secret-pw")))
    assert me.json()["email"] == "eve@example.com"


def test_operator_adds_user_with_mismatched_prompted_passwords_fails(gesso: Gesso, root: Path) -> None:
    run = gesso("users", "add", "--email", "eve@example.com", stdin="pw\npx\n")
    assert run.code != 0
    last = run.err.strip().splitlines()[-1]
    assert last.startswith("error:") and "do not match" in last
    assert "Traceback" not in run.err
    assert stored_users(root) == {}


def test_operator_adds_user_with_closed_stdin_gets_one_line_error(gesso: Gesso, root: Path) -> None:
    # A script without a terminal that forgets --password must get a message, not a traceback.
    run = gesso("users", "add", "--email", "eve@example.com", stdin="")
    assert run.code != 0
    assert "Traceback" not in run.err
    assert run.err.strip().splitlines()[-1].startswith("error:")
    assert stored_users(root) == {}


def test_operator_adds_duplicate_email_in_other_case_fails(gesso: Gesso, root: Path) -> None:
    seed_user(root, "alice@example.com")
    run = gesso("users", "add", "--email", "ALICE@Example.COM", "--password", "pw")
    assert "already exists" in run.one_line_error()
    assert list(stored_users(root)) == ["alice@example.com"]


def test_strict_config_rejects_weak_cli_password_and_accepts_strong(gesso: Gesso, root: Path) -> None:
    (root / "gesso.yaml").write_text("strict_password_checking: true\n", encoding="utf-8")
    weak = gesso("users", "add", "--email", "weak@example.com", "--password", "weak")
    assert "Password must contain" in weak.one_line_error()
    strong = gesso("users", "add", "--email", "strong@example.com", "--password", "Strong-pass1")
    assert strong.code == 0, strong.err
    assert (
        "Password must contain"
        in gesso("users", "mod", "strong@example.com", "--password", "x").one_line_error()
    )
    assert list(stored_users(root)) == ["strong@example.com"]


# -- users mod / activate / deactivate / del / reassign -----------------------------------------


def test_operator_modifies_name_role_and_password(
    gesso: Gesso, root: Path, admin: str, make_client: AppFactory
) -> None:
    seed_user(root, "bob@example.com")
    client = make_client(multiuser=True)
    old_token = login_as(client, "bob@example.com", USER_PASSWORD)

    run = gesso("users", "mod", "bob@example.com", "--name", "Bobby", "--admin")
    assert run.code == 0, run.err
    bob = stored_users(root)["bob@example.com"]
    assert (bob["display_name"], bob["is_admin"]) == ("Bobby", True)
    assert client.get("/api/v1/auth/me", headers=bearer(old_token)).json()["is_admin"] is True

    assert gesso("users", "mod", "BOB@example.com", "--no-admin").code == 0
    assert stored_users(root)["bob@example.com"]["is_admin"] is False
    assert client.get("/api/v1/auth/me", headers=bearer(old_token)).json()["is_admin"] is False

    assert gesso("users", "mod", "bob@example.com", "--password", "New-pass2").code == 0
    # A password change from the CLI ends every existing session (SPEC §4).
    assert client.get("/api/v1/auth/me", headers=bearer(old_token)).status_code == 401
    refused = client.post("/api/v1/auth/login", json={"email": "bob@example.com", "password": USER_PASSWORD})
    assert refused.status_code == 401
    assert login_as(client, "bob@example.com", "New-pass2")


@pytest.mark.parametrize(
    "command",
    [["deactivate", ADMIN_EMAIL], ["mod", ADMIN_EMAIL, "--no-admin"], ["del", ADMIN_EMAIL]],
    ids=["deactivate", "demote", "delete"],
)
def test_operator_removing_last_admin_is_refused(
    gesso: Gesso, root: Path, admin: str, command: list[str]
) -> None:
    assert LAST_ADMIN in gesso("users", *command).one_line_error()
    row = stored_users(root)[admin]
    assert (row["is_admin"], row["is_active"]) == (True, True)


def test_operator_demotes_one_of_two_admins_succeeds(gesso: Gesso, root: Path, admin: str) -> None:
    seed_user(root, "second@example.com", is_admin=True)
    assert gesso("users", "mod", admin, "--no-admin").code == 0
    assert LAST_ADMIN in gesso("users", "deactivate", "second@example.com").one_line_error()


@pytest.mark.parametrize(
    "command",
    [
        ["del", "system"],
        ["mod", "system", "--password", "x"],
        ["deactivate", "system"],
        ["mod", "system", "--admin"],
    ],
    ids=["delete", "password", "deactivate", "promote"],
)
def test_operator_changing_system_user_is_refused(gesso: Gesso, command: list[str]) -> None:
    assert "system user" in gesso("users", *command).one_line_error()


def test_operator_deactivates_and_activates_user(gesso: Gesso, root: Path, make_client: AppFactory) -> None:
    seed_user(root, "carol@example.com")
    client = make_client(multiuser=True)
    token = login_as(client, "carol@example.com", USER_PASSWORD)

    run = gesso("users", "deactivate", "carol@example.com")
    assert run.code == 0 and "deactivated" in run.out, run.err
    assert stored_users(root)["carol@example.com"]["is_active"] is False
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401

    run = gesso("users", "activate", "carol@example.com")
    assert run.code == 0 and "activated" in run.out, run.err
    assert stored_users(root)["carol@example.com"]["is_active"] is True
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200


def test_operator_deletes_user_with_reassignment(gesso: Gesso, root: Path, admin: str) -> None:
    seed_user(root, "dave@example.com")
    run = gesso("users", "del", "dave@example.com", "--reassign-to", admin)
    assert run.code == 0, run.err
    assert "dave@example.com" in run.out and admin in run.out
    assert set(stored_users(root)) == {admin}


def test_operator_reassigns_system_content_to_account(gesso: Gesso, admin: str) -> None:
    run = gesso("users", "reassign", "--from", "system", "--to", admin)
    assert run.code == 0, run.err
    assert "system" in run.out and admin in run.out
    assert "nothing to move" in run.out  # a fresh root has no single-user content yet


@pytest.mark.parametrize(
    "command",
    [
        ["mod", "ghost@example.com", "--name", "x"],
        ["del", "ghost@example.com"],
        ["deactivate", "ghost@example.com"],
        ["reassign", "--from", "system", "--to", "ghost@example.com"],
    ],
    ids=["mod", "del", "deactivate", "reassign"],
)
def test_operator_naming_unknown_user_gets_clear_error(gesso: Gesso, command: list[str]) -> None:
    assert "ghost@example.com" in gesso("users", *command).one_line_error()


# -- db -----------------------------------------------------------------------------------------


@pytest.mark.empty_database
def test_operator_upgrades_fresh_database(gesso: Gesso) -> None:
    before = gesso("db", "current")
    assert before.code == 0, before.err
    assert "empty" in before.out and "behind" in before.out

    upgraded = gesso("db", "upgrade")
    assert upgraded.code == 0, upgraded.err
    after = gesso("db", "current")
    assert after.code == 0 and "up to date" in after.out
    assert "empty" not in after.out
    again = gesso("db", "upgrade")
    assert again.code == 0 and "was" not in again.out


def test_operator_rotates_jwt_secret_and_every_session_ends(
    gesso: Gesso, root: Path, make_client: AppFactory
) -> None:
    client = make_client(multiuser=True)
    setup_admin(client)
    token = login_as(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200
    before = jwt_secret(root)

    run = gesso("db", "rotate-jwt-secret")
    assert run.code == 0, run.err
    assert "1 sessions revoked" in run.out
    after = jwt_secret(root)
    assert after is not None and after != before
    assert len(after) == 64 and int(after, 16) >= 0
    assert after not in run.out + run.err

    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    assert databases.query(root, "SELECT count(*) FROM sessions WHERE revoked_at IS NULL")[0][0] == 0
    fresh = login_as(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert client.get("/api/v1/auth/me", headers=bearer(fresh)).status_code == 200


def test_operator_repairs_missing_jwt_secret_with_rotate(gesso: Gesso, root: Path) -> None:
    assert gesso("db", "upgrade").code == 0
    databases.execute(root, "DELETE FROM app_settings WHERE key = 'jwt_secret'")

    assert "rotate-jwt-secret" in gesso("serve", "--port", str(free_port())).one_line_error()
    assert gesso("db", "rotate-jwt-secret").code == 0
    assert jwt_secret(root)
    assert gesso("users", "list").code == 0


# -- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["users", "list"], ["db", "current"], ["serve"]])
def test_invalid_config_value_stops_any_command(gesso: Gesso, root: Path, command: list[str]) -> None:
    config = root / "gesso.yaml"
    config.write_text("port: abc\n", encoding="utf-8")
    line = gesso(*command).one_line_error()
    assert "'port'" in line and str(config) in line


def test_unparsable_config_stops_command_naming_file(gesso: Gesso, root: Path) -> None:
    config = root / "gesso.yaml"
    config.write_text("multiuser: [true\n", encoding="utf-8")
    assert str(config) in gesso("users", "list").one_line_error()


def test_unknown_config_key_only_warns(gesso: Gesso, root: Path) -> None:
    (root / "gesso.yaml").write_text("frobnicate: 1\n", encoding="utf-8")
    run = gesso("users", "list", "--json")
    assert run.code == 0
    assert json.loads(run.out) == []
    assert "frobnicate" in run.err
