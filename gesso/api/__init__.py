"""HTTP plumbing shared by every domain: mounting, public allowlist, errors, service getters."""
