"""Gesso: a self-hosted image generation server with a multi-user web studio."""

__version__ = "0.1.0"
