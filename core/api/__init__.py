"""The REST API under ``/api/v1``, built from the same ModelView declarations as the screens."""
