"""Test addon beta: needs alpha, implements alpha's hook."""
