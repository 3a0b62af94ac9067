"""Users: accounts, the `system` account, the last-administrator invariant, content reassignment."""
