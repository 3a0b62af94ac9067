"""Throw-away PostgreSQL and Redis servers for the test session and the benchmarks."""
