"""Blueprint ``core.admin``: the administration pages that are not generic screens.

Kept apart from the package's ``__init__`` so that every page module can add its routes
to it before :func:`core.admin.init_app` registers it.
"""

from __future__ import annotations

from flask import Blueprint, request

blueprint = Blueprint("admin", __name__)

FIELD_LIMIT = 1000


def form_text(name: str, limit: int = FIELD_LIMIT) -> str:
    """A submitted text field, bounded in length (an over-long one fails its own check)."""
    return (request.form.get(name) or "")[: limit + 1]


def form_list(name: str, limit: int = 500) -> list[str]:
    """The values of a multiple choice (checkboxes, a multi-select), bounded in number."""
    return [value[:FIELD_LIMIT] for value in request.form.getlist(name)[:limit]]
