"""The `gesso` command line: serve, users, db."""
