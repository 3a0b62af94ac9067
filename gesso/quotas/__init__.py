"""Quotas, usage and queue weights (SPEC §17): limits per user with group defaults, checked by
the queue and image services through the interfaces they declare."""
