"""The audit log (SPEC §19): who did what, recorded in the same transaction as the change."""
