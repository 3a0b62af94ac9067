"""The `gesso` subprocess fixture, shared by every CLI test module."""

from tests.cli.test_cli import gesso

__all__ = ["gesso"]
