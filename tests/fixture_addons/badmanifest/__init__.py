"""Bad manifest."""
