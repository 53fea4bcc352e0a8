"""Inventory's own pages beside the generic screens: counting a stocktaking by scanning
barcodes and by a file of counted quantities (clause 5.2.1.2).

Every page reaches the count through the access layer for ``write`` (the permission and
the warehouse record rules); writes are POSTs under core's CSRF check, one transaction
each, through ``counts.scan`` and ``counts.import_counts``. The scan form works without
JavaScript (a redirect back); ``static/inventory/counting.js`` sends it in the
background and updates the page from the JSON answer.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required

from addons.inventory import counts
from addons.inventory import messages as msg
from addons.inventory.models import (
    CountState,
    Location,
    LocationKind,
    StockCount,
    StockCountLine,
)
from core import db
from core.i18n import use_language
from core.schemas import BusinessError, as_text, flatten, render
from core.security.access import current_access
from core.views.display import show
from core.views.exchange import importer

blueprint = Blueprint(
    "inventory",
    __name__,
    url_prefix="/inventory",
    template_folder="templates",
    static_folder="static",
)

DEFAULT_MAX_BYTES = 10 * 2**20
# Column headings a file of counted quantities may use, besides their translations.
COLUMNS = {
    "code": (msg.COLUMN_PRODUCT, msg.COLUMN_CODE, msg.COLUMN_BARCODE),
    "location": (msg.COLUMN_LOCATION,),
    "lot_name": (msg.COLUMN_LOT, msg.COLUMN_SERIAL, msg.COLUMN_LOT_OR_SERIAL),
    "counted": (msg.COLUMN_COUNTED, msg.COLUMN_QUANTITY),
}


@blueprint.get("/count/<int:count_id>/counting")
@login_required
def counting(count_id: int):
    """The count's scan field, its file import and its lines as counted so far."""
    return _page(_count(count_id))


@blueprint.post("/count/<int:count_id>/scan")
@login_required
def scan(count_id: int):
    """One scan: adds one (or the quantity typed) to what was counted."""
    session = db.session()
    count = _count(count_id)
    fields = ("code", "lot_name", "quantity", "location_id")
    data = {key: request.form[key] for key in fields if request.form.get(key, "").strip()}
    try:
        line = counts.scan(session, count, data)
        session.commit()
    except BusinessError as error:
        session.rollback()
        text = " ".join(flatten(_without_fields(error.messages)))
        if _wants_json():
            return jsonify(message=text, messages=as_text(error.messages)), 422
        flash(text, "danger")
        return redirect(url_for(".counting", count_id=count_id))
    message = render(
        msg.COUNT_SCANNED,
        product=line.product.display_name,
        location=line.location.display_name,
        counted=show(line.counted),
    )
    if _wants_json():
        return jsonify(message=message, line=_line_data(line))
    flash(message, "success")
    return redirect(url_for(".counting", count_id=count_id))


@blueprint.post("/count/<int:count_id>/import")
@login_required
def import_file(count_id: int):
    """Counted quantities from a CSV or XLSX file: every row right, or nothing changes."""
    session = db.session()
    count = _count(count_id)
    try:
        rows = _rows(request.files.get("file"))
        imported = counts.import_counts(session, count, rows)
        session.commit()
    except BusinessError as error:
        session.rollback()
        return _page(count, problems=_problems(error.messages), status=422)
    flash(render(msg.COUNT_IMPORTED, rows=imported), "success")
    return redirect(url_for(".counting", count_id=count_id))


# --------------------------------------------------------------------------- helpers


def _count(count_id: int) -> StockCount:
    """The count, if the user may count it (404 when a rule hides it, 403 without the
    permission)."""
    return current_access().get(db.session(), StockCount, count_id, "write")


def _page(count: StockCount, *, problems: list[str] | None = None, status: int = 200):
    session = db.session()
    root = session.get(Location, count.location_id)
    locations = session.scalars(
        current_access()
        .select(Location)
        .where(
            Location.parent_path.like(f"{root.parent_path}%"),
            Location.kind == LocationKind.INTERNAL,
            Location.active.is_(True),
        )
        .order_by(Location.complete_name)
    ).all()
    return render_template(
        "inventory/counting.html",
        count=count,
        lines=[_line_data(line) for line in count.lines],
        locations=[(location.id, location.display_name) for location in locations],
        counting=count.state is CountState.COUNTING,
        problems=problems or [],
        _=msg.template_gettext,
    ), status


def _line_data(line: StockCountLine) -> dict[str, Any]:
    difference = None if line.counted is None else line.counted - line.expected
    return {
        "id": line.id,
        "product": line.product.display_name,
        "location": line.location.display_name,
        "lot": line.lot.name if line.lot is not None else "",
        "expected": show(line.expected),
        "counted": show(line.counted) if line.counted is not None else "",
        "difference": show(difference) if difference is not None else "",
    }


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _without_fields(messages: Any) -> Any:
    """The texts alone: each already names what it is about."""
    if isinstance(messages, dict):
        return [_without_fields(value) for value in messages.values()]
    return messages


def _rows(upload) -> list[tuple[int, dict[str, Any]]]:
    """The file's rows as ``(row number, {code, location, lot_name, counted})``."""
    data = upload.read() if upload is not None else b""
    if not data:
        raise BusinessError.on("file", msg.COUNT_FILE_MISSING)
    max_bytes = current_app.config.get("IMPORT_MAX_BYTES") or DEFAULT_MAX_BYTES
    if len(data) > max_bytes:
        raise BusinessError.on("file", msg.COUNT_FILE_TOO_BIG, limit=max_bytes // 2**20)
    table = importer.read_table(data, max_rows=counts.MAX_LINES, max_bytes=max_bytes)
    names = _column_names()
    positions: dict[str, int] = {}
    for position, heading in enumerate(table.header):
        for field, known in names.items():
            if heading.strip().casefold() in known:
                positions.setdefault(field, position)
    if "code" not in positions or "counted" not in positions:
        raise BusinessError.on("file", msg.COUNT_FILE_COLUMNS)
    rows = []
    for number, cells in table.rows:
        row = {}
        for field, position in positions.items():
            value = cells[position]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            numeric = field == "counted" or isinstance(value, int | float)
            row[field] = importer.number_text(value) if numeric else importer.plain_text(value)
        rows.append((number, row))
    return rows


def _column_names() -> dict[str, set[str]]:
    """Each field's headings, in every language of the deployment."""
    languages = list(current_app.config.get("LANGUAGES") or ["zh_Hans_CN", "en"])
    names: dict[str, set[str]] = {}
    for language in languages:
        with use_language(language):
            for field, labels in COLUMNS.items():
                names.setdefault(field, set()).update(str(label).casefold() for label in labels)
    return names


def _problems(messages: Any) -> list[str]:
    """A refused import's messages, one line each: the file's, then row by row."""
    lines = [str(text) for text in messages.get("file", [])] if isinstance(messages, dict) else []
    rows = messages.get("rows", {}) if isinstance(messages, dict) else {}
    for number in sorted(rows, key=int):
        texts = flatten(_without_fields(rows[number]))
        lines.append(render(msg.COUNT_ROW, row=number, problems=" ".join(texts)))
    if not lines:
        lines = flatten(_without_fields(messages))
    return lines
