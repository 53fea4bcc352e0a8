"""System settings: the system's name and logo, and the default language, time zone and
currency; the page that changes them and the address the logo is served from.

Seeing the page takes ``core.settings.read``, saving it ``core.settings.manage``. A logo
is a PNG or JPEG of at most 256 KB, recognised by its content (magic bytes), never by
its name or the type the browser claims; it is stored as a data: URI and served at
``/logo`` with a version in the URL, so browsers keep it until it changes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db
from core.admin.blueprint import blueprint
from core.admin.checks import load_all
from core.admin.companies import MSG_NOT_A_CURRENCY, currency_choices, currency_codes
from core.admin.users import MSG_NOT_A_LANGUAGE, MSG_NOT_A_ZONE
from core.i18n import lazy_gettext as _l
from core.models import Company
from core.schemas import BusinessError, TranslatedSchema, text
from core.security.access import current_access
from core.settings import (
    DEFAULT_CURRENCY,
    DEFAULT_LANGUAGE,
    DEFAULT_TIMEZONE,
    LOGO,
    LOGO_VERSION,
    SYSTEM_NAME,
    get_setting,
    known_time_zones,
    set_setting,
    time_zones,
)
from core.web import LANGUAGE_NAMES

LOGO_LIMIT = 256 * 1024
# The first bytes of each image type accepted, and its media type.
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)

MSG_SAVED = _l("Settings saved.")
MSG_NOT_AN_IMAGE = _l("The logo must be a PNG or JPEG image.")
MSG_LOGO_TOO_BIG = _l("The logo may have at most %(kb)d KB.")


class SettingsSchema(TranslatedSchema):
    system_name = text(64, required=True)
    default_language = text(16)
    default_timezone = text(64, required=True)
    default_currency = text(3, required=True)


# --------------------------------------------------------------------------- service


def image_type(content: bytes) -> str | None:
    """The media type of a PNG or JPEG by its first bytes, None for anything else."""
    for signature, media_type in IMAGE_SIGNATURES:
        if content.startswith(signature):
            return media_type
    return None


def save_settings(
    session: Session, data: Mapping[str, Any], logo: bytes | None = None, remove_logo=False
) -> None:
    """Check and store the settings (each change audited); every problem reported at once."""
    values, refusals = load_all(SettingsSchema(), data)
    language, zone, currency = (
        str(data.get(name) or "").strip()
        for name in ("default_language", "default_timezone", "default_currency")
    )
    currency = currency.upper()
    if language and language not in current_app.config["LANGUAGES"]:
        refusals.add("default_language", MSG_NOT_A_LANGUAGE)
    if zone and zone not in known_time_zones():
        refusals.add("default_timezone", MSG_NOT_A_ZONE)
    if currency and currency not in currency_codes():
        refusals.add("default_currency", MSG_NOT_A_CURRENCY)
    media_type = None
    if logo:
        media_type = image_type(logo)
        if len(logo) > LOGO_LIMIT:
            refusals.add("logo", MSG_LOGO_TOO_BIG, kb=LOGO_LIMIT // 1024)
        elif media_type is None:
            refusals.add("logo", MSG_NOT_AN_IMAGE)
    refusals.raise_any()
    set_setting(session, SYSTEM_NAME, values["system_name"])
    set_setting(session, DEFAULT_LANGUAGE, language or None)
    set_setting(session, DEFAULT_TIMEZONE, zone)
    set_setting(session, DEFAULT_CURRENCY, currency)
    if logo:
        encoded = base64.b64encode(logo).decode("ascii")
        set_setting(session, LOGO, f"data:{media_type};base64,{encoded}")
        set_setting(session, LOGO_VERSION, hashlib.sha256(logo).hexdigest()[:16])
    elif remove_logo:
        set_setting(session, LOGO, None)
        set_setting(session, LOGO_VERSION, None)


def logo_image() -> tuple[bytes, str] | None:
    """The stored logo's bytes and media type, None without a (readable) logo."""
    uri = get_setting(LOGO)
    if not isinstance(uri, str) or not uri.startswith("data:") or ";base64," not in uri:
        return None
    header, _, payload = uri.partition(";base64,")
    try:
        content = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None
    media_type = image_type(content)
    return (content, media_type) if media_type == header.removeprefix("data:") else None


def logo_url() -> str | None:
    """Where the shell finds the logo (a URL that changes with it), None without one."""
    version = get_setting(LOGO_VERSION)
    return url_for("core.admin.logo", v=version) if version else None


# --------------------------------------------------------------------------- pages


def _form_values() -> dict[str, Any]:
    return {
        "system_name": get_setting(SYSTEM_NAME),
        "default_language": get_setting(DEFAULT_LANGUAGE) or "",
        "default_timezone": get_setting(DEFAULT_TIMEZONE),
        "default_currency": get_setting(DEFAULT_CURRENCY),
    }


def _render(values: Mapping[str, Any], errors: Mapping[str, list[str]], status: int = 200):
    access = current_access()
    main_company = db.session().scalar(select(Company.id).order_by(Company.id).limit(1))
    return render_template(
        "core/admin/settings.html",
        values=values,
        errors=errors,
        editable=access.can("core.settings.manage"),
        languages=[
            (code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]
        ],
        zones=time_zones(),
        currencies=currency_choices(),
        logo=logo_url(),
        logo_limit_kb=LOGO_LIMIT // 1024,
        company_url=url_for(
            "core.views.edit_record", addon="core", slug="company", record_id=main_company
        )
        if main_company and access.can("core.company.read")
        else None,
    ), status


@blueprint.get("/admin/settings")
@login_required
def settings():
    current_access().require("core.settings.read")
    return _render(_form_values(), {})


@blueprint.post("/admin/settings")
@login_required
def save():
    current_access().require("core.settings.manage")
    upload = request.files.get("logo")
    logo = upload.stream.read(LOGO_LIMIT + 1) if upload and upload.filename else None
    data = {name: (request.form.get(name) or "")[:200] for name in SettingsSchema().fields}
    session = db.session()
    try:
        save_settings(session, data, logo, remove_logo=request.form.get("remove_logo") == "1")
        session.commit()
    except BusinessError as error:
        session.rollback()
        return _render(data, error.messages, 422)
    flash(str(MSG_SAVED), "success")
    return redirect(url_for("core.admin.settings"))


@blueprint.get("/logo")
def logo():
    """The system's logo for every page, the login page included (no login needed)."""
    found = logo_image()
    if found is None:
        abort(404)
    content, media_type = found
    response = Response(content, mimetype=media_type)
    if request.args.get("v") == get_setting(LOGO_VERSION):
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response
