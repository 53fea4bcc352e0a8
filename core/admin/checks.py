"""Input handling shared by the administration services: every problem reported at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.schemas import BusinessError, Refusals, TranslatedSchema, flatten


def load_all(
    schema: TranslatedSchema, data: Mapping[str, Any], *, partial: bool = False
) -> tuple[dict[str, Any], Refusals]:
    """The schema's fields of ``data`` loaded, and its refusals so far.

    The caller adds the checks that need the database to the same refusals, so a person
    sees every problem of a form in one go; on any refusal the values are empty.
    """
    refusals = Refusals()
    try:
        values = schema.load({k: v for k, v in data.items() if k in schema.fields}, partial=partial)
    except BusinessError as error:
        values = {}
        for field, messages in error.messages.items():
            for message in flatten(messages):
                refusals.add(field, message)
    return values, refusals
