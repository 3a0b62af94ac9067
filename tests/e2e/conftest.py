"""Fixtures for the end-to-end tests: real `gesso serve` subprocesses and a real browser."""

from tests.e2e.browser import browser, new_visitor
from tests.e2e.server import start_server

__all__ = ["browser", "new_visitor", "start_server"]
