"""Fixtures for the worker-process tests: `gesso` commands, servers and worker processes."""

from tests.cli.test_cli import gesso
from tests.e2e.server import start_server
from tests.workers.processes import start_worker

__all__ = ["gesso", "start_server", "start_worker"]
