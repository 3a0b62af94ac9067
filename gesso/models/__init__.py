"""Models: records of installed models, probing, installation (local path or URL), loading."""
