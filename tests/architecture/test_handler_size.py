"""Route handlers stay thin (STYLE §7): at most 15 lines from `def` to the end, signature
included. Parsing input belongs in dependencies (`<domain>/deps.py`), rules in services."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "gesso"
MAX_LINES = 15
HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "api_route"}


def handlers(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Functions decorated with `@<router>.<method>(…)` in one module."""
    found = []
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(call, ast.Attribute) and call.attr in HTTP_METHODS:
                found.append(node)
                break
    return found


def test_every_handler_is_at_most_15_lines() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    found = [(path, node) for path in modules for node in handlers(path)]
    assert len(found) > 50, "the handler scan found too few routes"
    long = [
        f"{path.relative_to(PACKAGE.parent)}:{node.name} has {lines} lines"
        for path, node in found
        if (lines := (node.end_lineno or node.lineno) - node.lineno + 1) > MAX_LINES
    ]
    assert not long, "\n".join(long)
