"""Groups of users (SPEC §17): admin-managed, used by model access, quotas and board shares."""
