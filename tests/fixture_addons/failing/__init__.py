"""Test addon whose migration raises after creating a table."""
