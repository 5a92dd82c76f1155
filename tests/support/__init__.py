"""Helpers shared by the test suites (real PostgreSQL server, ...)."""
