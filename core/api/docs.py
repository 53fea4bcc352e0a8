"""Browsable API documentation at ``/api/v1/docs``: the vendored Swagger UI reading
``/api/v1/openapi.json``, for a logged-in user, with nothing loaded from outside."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from core.api.resources import blueprint


@blueprint.get("/docs")
def api_docs():
    # A person opens this page: without a session they are sent to the login page
    # (the rest of the API answers 401 to programs instead).
    if not current_user.is_authenticated:
        return redirect(url_for("core.login", next=request.path))
    return render_template("core/api/docs.html")
