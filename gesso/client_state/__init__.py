"""Client state: the web studio's per-user key/value UI state."""
