"""Domains import each other in one direction only.

`ALLOWED` is the whole table: a domain may import itself, the foundation modules, and the
domains listed for it, nothing else; the foundation (`config`, `errors`, `logs`, `db`,
`pagination`, `responses`) imports only itself. `engine.nodes` (the built-in node set, with the diffusion
functions the nodes share: `engine/generation.py`, `patches.py`, `diffusion.py`) is its own row
because it sits above `models` while the engine core sits below it: the model loader implements
the engine's `NodeModels` interface, and generation nodes use the loader and scheduler names.
Routers and request dependencies (`<domain>/deps.py`) are the HTTP edge of their domain and may
also import the request helpers of `api` (`deps`, `client_ip`, `security_headers`) and
`auth.deps`. The composition roots (`app`, `services`, `api`, `cli`) may import anything;
nothing but routers and the CLI imports them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "gesso"

FOUNDATION = frozenset({"gesso", "config", "errors", "logs", "db", "pagination", "responses"})
COMPOSITION = frozenset({"app", "services", "api", "cli", "__main__"})
ROUTER_DEPENDENCIES = frozenset({"api.deps", "auth.deps", "api.client_ip", "api.security_headers"})
NODE_LAYER = (
    "gesso.engine.nodes",
    "gesso.engine.generation",
    "gesso.engine.patches",
    "gesso.engine.diffusion",
)

ALLOWED: dict[str, frozenset[str]] = {
    "settings_store": frozenset(),
    "audit": frozenset(),
    "users": frozenset({"audit"}),
    "groups": frozenset({"audit", "users"}),
    "quotas": frozenset({"audit", "auth", "users", "groups"}),
    "auth": frozenset({"audit", "users", "settings_store"}),
    "boards": frozenset({"audit", "auth", "users", "groups"}),
    "images": frozenset({"auth", "boards", "groups", "quotas"}),
    "client_state": frozenset({"auth"}),
    "engine": frozenset({"auth"}),
    "events": frozenset({"auth", "users"}),
    "models": frozenset({"audit", "auth", "engine", "events", "settings_store", "users", "groups"}),
    "engine.nodes": frozenset({"engine", "models", "auth"}),
    # queue: the shared pause flag lives in app_settings (every worker process reads it).
    "queue": frozenset({"audit", "auth", "users", "groups", "engine", "events", "quotas", "settings_store"}),
    # worker: the Workers panel names the models a worker holds (models.tables).
    "worker": frozenset({"auth", "users", "engine", "queue", "events", "models"}),
}


def domain_of(module: str) -> str:
    """`gesso.engine.nodes.primitives` → `engine.nodes`; `gesso.boards.store` → `boards`."""
    parts = module.split(".")
    if len(parts) == 1:
        return "gesso"
    if any(module == prefix or module.startswith(prefix + ".") for prefix in NODE_LAYER):
        return "engine.nodes"
    return parts[1]


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str) -> list[str]:
    """Every `gesso…` module a source imports, at any depth (type-only imports included)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return [name for name in found if name == "gesso" or name.startswith("gesso.")]


def is_http_edge(module: str) -> bool:
    """Routers and request dependencies (`<domain>/deps.py`)."""
    name = module.rsplit(".", 1)[-1]
    return name.endswith("router") or name == "deps"


def forbidden_imports(module: str, source: str) -> list[str]:
    """`module imports target` for each import the table does not allow."""
    source_domain = domain_of(module)
    if source_domain in COMPOSITION:
        return []
    allowed = frozenset() if source_domain in FOUNDATION else ALLOWED.get(source_domain)
    if allowed is None:
        return [f"{module}: domain {source_domain!r} has no row in ALLOWED"]
    problems = []
    for target in imported_modules(source):
        target_domain = domain_of(target)
        if target_domain in (source_domain, *FOUNDATION) or target_domain in allowed:
            continue
        if is_http_edge(module) and ".".join(target.split(".")[1:3]) in ROUTER_DEPENDENCIES:
            continue
        problems.append(f"{module} imports {target} ({source_domain} → {target_domain} is not allowed)")
    return problems


def all_modules() -> list[tuple[str, str]]:
    return [(module_name(path), path.read_text()) for path in sorted(PACKAGE.rglob("*.py"))]


def test_every_import_between_domains_follows_the_table() -> None:
    problems = [problem for module, source in all_modules() for problem in forbidden_imports(module, source)]
    assert not problems, "\n".join(problems)


def test_the_table_has_no_cycle() -> None:
    def visit(domain: str, path: tuple[str, ...]) -> None:
        for target in ALLOWED.get(domain, frozenset()):
            assert target not in path, f"cycle: {' → '.join((*path, target))}"
            visit(target, (*path, target))

    for domain in ALLOWED:
        visit(domain, (domain,))


@pytest.mark.parametrize(
    ("module", "source", "allowed"),
    [
        ("gesso.boards.service", "from gesso.images.store import images", False),
        ("gesso.engine.graph", "from gesso.queue import store", False),
        ("gesso.queue.service", "from gesso.engine.graph import parse_graph", True),
        ("gesso.users.service", "def f():\n    from gesso.auth.tokens import TokenService\n", False),
        ("gesso.images.router", "from gesso.api.deps import Images", True),
        ("gesso.images.service", "from gesso.api.deps import Images", False),
        ("gesso.engine.context", "from gesso.models.loader import ModelLoader", False),
        ("gesso.engine.nodes.diffusers_sd", "from gesso.models.schedulers import SchedulerName", True),
        ("gesso.models.loader", "from gesso.engine.context import PreparedPipeline", True),
    ],
)
def test_the_checker_tells_allowed_from_forbidden(module: str, source: str, allowed: bool) -> None:
    assert (forbidden_imports(module, source) == []) is allowed
