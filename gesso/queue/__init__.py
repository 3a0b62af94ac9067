"""The session queue: enqueue batches, dequeue fairly, redact other users' items."""
