"""`gesso users …`: the same rules as the API (password policy, last admin, system account),
applied straight to the database. Missing values are prompted for; passwords with hidden input."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from gesso.audit.origin import CLI
from gesso.config import load_settings
from gesso.errors import InvalidInput
from gesso.services import Services
from gesso.users.errors import UserNotFound
from gesso.users.service import UserUpdate
from gesso.users.store import UserRecord

PROMPT = "__prompt__"


def register(commands: Any, root_option: argparse.ArgumentParser) -> None:
    users = commands.add_parser("users", help="manage user accounts")
    sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")

    add = sub.add_parser("add", parents=[root_option], help="create a user")
    add.add_argument("--email")
    add.add_argument("--name", help="display name")
    add.add_argument("--password", help="omit to be prompted (hidden input)")
    add.add_argument("--admin", action="store_true", help="make the user an administrator")
    add.set_defaults(handler=add_user)

    mod = sub.add_parser("mod", parents=[root_option], help="change a user")
    mod.add_argument("user", help="email or user id")
    mod.add_argument("--name", help="new display name")
    mod.add_argument("--password", nargs="?", const=PROMPT, help="new password (no value: prompt)")
    role = mod.add_mutually_exclusive_group()
    role.add_argument("--admin", dest="is_admin", action="store_const", const=True)
    role.add_argument("--no-admin", dest="is_admin", action="store_const", const=False)
    mod.set_defaults(handler=modify_user)

    delete = sub.add_parser("del", parents=[root_option], help="delete a user")
    delete.add_argument("user", help="email or user id")
    delete.add_argument("--reassign-to", help="email or id of the user who receives the content")
    delete.set_defaults(handler=delete_user)

    listing = sub.add_parser("list", parents=[root_option], help="list users")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=list_users)

    for name, active in (("activate", True), ("deactivate", False)):
        toggle = sub.add_parser(name, parents=[root_option], help=f"{name} a user")
        toggle.add_argument("user", help="email or user id")
        toggle.set_defaults(handler=set_active, active=active)

    reassign = sub.add_parser("reassign", parents=[root_option], help="move content between users")
    reassign.add_argument("--from", dest="source", required=True, help="email, user id, or 'system'")
    reassign.add_argument("--to", dest="target", required=True, help="email or user id")
    reassign.set_defaults(handler=reassign_content)


def _services(args: argparse.Namespace) -> Services:
    return Services.open(load_settings(args.root))


def _resolve(services: Services, id_or_email: str) -> UserRecord:
    user = services.users.find_user(id_or_email)
    if user is None:
        raise UserNotFound(f"No user with email or id {id_or_email!r}")
    return user


def _prompt_password() -> str:
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Repeat password: ")
    if first != second:
        raise InvalidInput("The passwords do not match")
    return first


def _describe(user: UserRecord) -> str:
    role = "admin" if user.is_admin else "user"
    state = "active" if user.is_active else "inactive"
    return f"{user.email} ({user.user_id}, {role}, {state})"


def add_user(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        email = args.email or input("Email: ")
        password = args.password if args.password is not None else _prompt_password()
        user = services.users.create_user(
            email, password, display_name=args.name, is_admin=args.admin, by=CLI
        )
        print(f"created {_describe(user)}")
        return 0
    finally:
        services.close()


def modify_user(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        user = _resolve(services, args.user)
        password = _prompt_password() if args.password == PROMPT else args.password
        changes = UserUpdate(display_name=args.name, password=password, is_admin=args.is_admin)
        result = services.users.update_user(user.user_id, changes, by=CLI)
        if result.password_changed:
            services.auth.revoke_other_sessions(user.user_id, keep_session_id=None)
        print(f"updated {_describe(result.user)}")
        return 0
    finally:
        services.close()


def delete_user(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        user = _resolve(services, args.user)
        target = _resolve(services, args.reassign_to).user_id if args.reassign_to else None
        moved = services.users.delete_user(user.user_id, reassign_to=target, by=CLI)
        suffix = f"; moved {sum(moved.values())} rows to {args.reassign_to}" if target else ""
        print(f"deleted {user.email}{suffix}")
        return 0
    finally:
        services.close()


def list_users(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        records = services.users.list_users()
    finally:
        services.close()
    if args.json:
        rows = [
            {
                "user_id": u.user_id,
                "email": u.email,
                "display_name": u.display_name,
                "is_admin": u.is_admin,
                "is_active": u.is_active,
                "created_at": u.created_at.isoformat(),
                "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
            }
            for u in records
        ]
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not records:
        print("no users")
    for u in records:
        print(
            f"{u.email:40} {u.display_name or '':24} {'admin' if u.is_admin else 'user':5} "
            f"{'active' if u.is_active else 'inactive':8} {u.user_id}"
        )
    return 0


def set_active(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        user = _resolve(services, args.user)
        updated = services.users.set_active(user.user_id, args.active, by=CLI)
        print(f"{'activated' if args.active else 'deactivated'} {_describe(updated)}")
        return 0
    finally:
        services.close()


def reassign_content(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        # The source may be an account that no longer exists: its content keeps the raw id.
        found = services.users.find_user(args.source)
        source = found.user_id if found is not None else args.source
        target = _resolve(services, args.target)
        moved = services.users.reassign_content(source, target.user_id, by=CLI)
        details = (
            ", ".join(f"{table}: {count}" for table, count in moved.items() if count) or "nothing to move"
        )
        print(f"reassigned content of {args.source} to {target.email} ({details})")
        return 0
    finally:
        services.close()
