"""Runs queue items: claims them from the queue and executes their graphs with the engine."""
