"""Images: files under `outputs_dir`, their records, metadata and thumbnails."""
