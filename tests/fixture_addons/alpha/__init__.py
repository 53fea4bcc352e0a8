"""Test addon alpha: one table, a sequence, a job and a hook of its own."""
