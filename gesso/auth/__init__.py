"""Authentication: passwords, tokens, server-side sessions, login throttling, request identity."""
