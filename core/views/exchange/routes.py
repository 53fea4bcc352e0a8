"""The export, import and print screens of every ModelView, beside its list and form.

``GET /<addon>/<slug>/export`` (``<resource>.export``), ``GET /<addon>/<slug>/pdf`` (the
list, also ``export``), ``GET /<addon>/<slug>/<id>/pdf`` (one record, ``read``), and
``/<addon>/<slug>/import`` (``create``; ``write`` to update). Everything goes through
``current_access()``; exports and prints are audited as ``export`` entries (the anomaly
report counts them and their rows).
"""

from __future__ import annotations

import tempfile
from contextlib import nullcontext
from typing import Any
from urllib.parse import quote

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import format_datetime, to_user_timezone
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from core import db
from core.db import get_database, utcnow
from core.hookspecs import ModelView
from core.i18n import lazy_gettext as _l
from core.i18n import normalise_language, use_language
from core.models import Company
from core.schemas import MSG_NOT_A_CHOICE, BusinessError
from core.security.access import Access, current_access
from core.security.audit import record as audit
from core.views.display import record_name
from core.views.exchange import export, importer, pdf, uploads
from core.views.exchange.fields import (
    Field,
    chosen_fields,
    count_records,
    load_records,
    offered_fields,
    records_statement,
    reference_names,
    selected_ids,
    value_of,
    where_clause,
)
from core.views.query import ListRequest
from core.views.screens import blueprint, find_view

EXPORT_MAX_ROWS = 100_000
PDF_MAX_ROWS = 2_000
IMPORT_MAX_BYTES = 10 * 2**20
IMPORT_MAX_ROWS = 10_000
PREVIEW_ROWS = 5
SHOWN_PROBLEMS = 200

MSG_TOO_MANY_ROWS = _l(
    "%(count)s records match, more than the %(limit)s one export may hold: narrow the search."
)
MSG_NO_FILE = _l("Choose a CSV or XLSX file.")
MSG_FILE_TOO_BIG = _l("The file is larger than %(limit)s.")
MSG_IMPORTED = _l("Imported: %(created)s created, %(updated)s updated.")
MSG_UPLOAD_GONE = _l("This upload has expired: upload the file again.")
MSG_RECORDS = _l("%(count)s records")
MSG_PAGE = _l("Page %(page)d / %(pages)d")
MSG_PRINTED = _l("Printed %(when)s by %(user)s")
MSG_TOTAL = _l("Total")
FORMAT_LABELS = {
    "xlsx": _l("Excel (XLSX)"),
    "csv": _l("CSV"),
    "json": _l("JSON"),
    "xml": _l("XML"),
}


def setting(name: str, default: int) -> int:
    return int(current_app.config.get(name) or default)


def size(count: int) -> str:
    """A byte count as people say it: 10 MB, 512 KB."""
    if count >= 2**20:
        return f"{count / 2**20:.3g} MB"
    return f"{max(1, count // 2**10)} KB"


def audit_export(
    session: Session, view: ModelView, kind: str, rows: int, fields: list[Field], **extra: Any
) -> None:
    """One ``export`` audit entry: what, in which format, how many rows, which fields."""
    changes = {"view": view.name, "format": kind, "rows": rows, "fields": [f.name for f in fields]}
    record_id = extra.pop("record_id", None)
    audit(
        session,
        "export",
        resource=view.model.__resource__,
        record_id=record_id,
        changes={**changes, **extra},
    )


def attachment(view: ModelView, extension: str, *, inline: bool = False) -> str:
    """A Content-Disposition naming the file after the list (in the reader's language)."""
    stamp = to_user_timezone(utcnow()).strftime("%Y%m%d-%H%M")
    plain = f"{view.addon}-{view.slug}-{stamp}.{extension}"
    named = quote(f"{view.label}-{stamp}.{extension}")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{named}"


def _rows(access: Access, statement, fields: list[Field]):
    """The records of ``statement`` read in a session of their own that takes no write lock
    (a long export must not hold up writers); closed when the last row is out."""
    reader = get_database().read_session()
    try:
        yield from load_records(reader, access, statement, fields)
    finally:
        reader.close()


def _selection(view: ModelView, access: Access, limit: int):
    """What the list's parameters (or ``ids=``) pick, refused when more than ``limit``."""
    wanted = ListRequest.from_args(request.args, view)
    fields = chosen_fields(view, access, request.args.getlist("fields"))
    where = where_clause(view, wanted, selected_ids(request.args.getlist("ids")))
    count = count_records(db.session(), view, access, where)
    if count > limit:
        raise BusinessError.on(None, MSG_TOO_MANY_ROWS, count=count, limit=limit)
    statement = records_statement(view, access, wanted, where, fields).limit(limit)
    return fields, statement, count


# --------------------------------------------------------------------------- export


@blueprint.get("/<addon>/<slug>/export")
@login_required
def export_records(addon: str, slug: str):
    view = find_view(addon, slug)
    access = current_access()
    access.require(f"{view.model.__resource__}.export")
    kind = request.args.get("format", "xlsx")
    if kind not in export.FORMATS:
        raise BusinessError.on("format", MSG_NOT_A_CHOICE, choices=", ".join(export.FORMATS))
    fields, statement, count = _selection(view, access, setting("EXPORT_MAX_ROWS", EXPORT_MAX_ROWS))
    session = db.session()
    audit_export(session, view, kind, count, fields, selection="ids" in request.args)
    session.commit()
    rows = _rows(access, statement, fields)
    if kind == "xlsx":
        # Write-only sheets are zipped at the end; send_file closes (and so deletes) it.
        spool = tempfile.TemporaryFile()  # noqa: SIM115
        export.write_xlsx(spool, str(view.label), fields, rows)
        spool.seek(0)
        response = send_file(spool, mimetype=export.XLSX_MIME)
    else:
        if kind == "csv":
            chunks = export.csv_chunks(fields, rows)
        elif kind == "json":
            chunks = export.json_chunks(fields, rows)
        else:
            chunks = export.xml_chunks(view.name, fields, rows, count)
        response = Response(stream_with_context(chunks), mimetype=export.FORMATS[kind])
    response.headers["Content-Disposition"] = attachment(view, kind)
    response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- print


def _page(company_id: int | None) -> pdf.Page:
    access = current_access()
    session = db.session()
    company = session.get(Company, company_id or access.principal.company_id or 0)
    when = format_datetime(utcnow(), "short")
    return pdf.Page(
        system=current_app.config.get("SYSTEM_NAME") or "Tessera",
        company=company.name if company is not None else "",
        printed=str(MSG_PRINTED) % {"when": when, "user": getattr(current_user, "name", "")},
        numbering=str(MSG_PAGE),
    )


def _pdf_response(view: ModelView, content: bytes) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = attachment(view, "pdf", inline=True)
    response.headers["Cache-Control"] = "no-store"
    return response


def print_language() -> str | None:
    """The language ``?lang=`` asks the printout in, when it is one the system speaks."""
    language = normalise_language(request.args.get("lang"))
    return language if language in current_app.config.get("LANGUAGES", ()) else None


@blueprint.get("/<addon>/<slug>/<int:record_id>/pdf")
@login_required
def print_record(addon: str, slug: str, record_id: int):
    """One record as a PDF: the view's own document when it declares one, else its fields."""
    view = find_view(addon, slug)
    access = current_access()
    session = db.session()
    record = access.get(session, view.model, record_id)
    language = print_language()
    with use_language(language) if language else nullcontext():
        if view.print_document is not None:
            fields: list[Field] = []
            content = view.print_document(session, access, record)
        else:
            fields = offered_fields(view, access)
            names = reference_names(session, access, [record], fields)
            values = {f.name: value_of(record, f, names) for f in fields}
            content = pdf.record_pdf(
                _page(getattr(record, "company_id", None)),
                view,
                record_name(record),
                fields,
                values,
                record,
                access.readable_fields,
            )
        response = _pdf_response(view, content)
    extra = {"document": True} if view.print_document is not None else {}
    audit_export(session, view, "pdf", 1, fields, record_id=record.id, language=language, **extra)
    session.commit()
    return response


@blueprint.get("/<addon>/<slug>/pdf")
@login_required
def print_list(addon: str, slug: str):
    view = find_view(addon, slug)
    access = current_access()
    access.require(f"{view.model.__resource__}.export")
    fields, statement, count = _selection(view, access, setting("PDF_MAX_ROWS", PDF_MAX_ROWS))
    content = pdf.list_pdf(
        _page(None),
        str(view.label),
        str(MSG_RECORDS) % {"count": count},
        fields,
        _rows(access, statement, fields),
        view.measures,
        str(MSG_TOTAL),
    )
    session = db.session()
    audit_export(session, view, "pdf", count, fields, selection="ids" in request.args)
    session.commit()
    return _pdf_response(view, content)


# --------------------------------------------------------------------------- import


def _importable(addon: str, slug: str) -> tuple[ModelView, Access]:
    view = find_view(addon, slug)
    if view.create is None:
        abort(404)
    access = current_access()
    access.require(f"{view.model.__resource__}.create")
    return view, access


def _limits() -> dict[str, int]:
    return {
        "max_bytes": setting("IMPORT_MAX_BYTES", IMPORT_MAX_BYTES),
        "max_rows": setting("IMPORT_MAX_ROWS", IMPORT_MAX_ROWS),
    }


@blueprint.route("/<addon>/<slug>/import", methods=["GET", "POST"])
@login_required
def import_upload(addon: str, slug: str):
    """Step 1: upload a file; it is read once here, so a bad one is refused at once."""
    view, access = _importable(addon, slug)
    limits = _limits()
    fields = importer.import_fields(view, access)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.stream.read(limits["max_bytes"] + 1) if upload and upload.filename else b""
        try:
            if not data:
                raise BusinessError.on("file", MSG_NO_FILE)
            if len(data) > limits["max_bytes"]:
                raise BusinessError.on("file", MSG_FILE_TOO_BIG, limit=size(limits["max_bytes"]))
            importer.read_table(data, **limits)
        except BusinessError as error:
            errors = error.messages
        else:
            token = uploads.store(
                data, user_id=g.uid, view=view.name, filename=upload.filename or ""
            )
            return redirect(url_for(".import_rows", addon=addon, slug=slug, token=token))
    return render_template(
        "core/views/import.html",
        view=view,
        errors=errors,
        max_size=size(limits["max_bytes"]),
        max_rows=limits["max_rows"],
        fields=fields,
        key_label=next((f.label for f in fields if f.name == view.import_key), view.import_key),
    ), (422 if errors else 200)


@blueprint.route("/<addon>/<slug>/import/<token>", methods=["GET", "POST"])
@login_required
def import_rows(addon: str, slug: str, token: str):
    """Step 2 (GET): map the columns; step 3 (``check``): a dry run; step 4 (``import``)."""
    view, access = _importable(addon, slug)
    kept = uploads.load(token, user_id=g.uid, view=view.name)
    if kept is None:
        flash(str(MSG_UPLOAD_GONE), "warning")
        return redirect(url_for(".import_upload", addon=addon, slug=slug))
    data, note = kept
    table = importer.read_table(data, **_limits())
    targets = importer.import_fields(view, access)
    languages = list(current_app.config.get("LANGUAGES") or ["zh_Hans_CN", "en"])
    mapping = importer.suggest_mapping(table.header, targets, languages)
    report = None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            mapping = importer.read_mapping(request.form, table.header, targets)
        except BusinessError as error:
            mapping = [request.form.get(f"col-{i}", "") for i in range(len(table.header))]
            errors = error.messages
        else:
            session = db.session()
            try:
                run = importer.RowRun(session, view, access, targets, languages)
                report = run.run(table, mapping)
                if request.form.get("action") == "import" and report.ok:
                    session.commit()
                    uploads.discard(token)
                    flash(str(MSG_IMPORTED) % vars(report), "success")
                    return redirect(url_for(".list_records", addon=addon, slug=slug))
            finally:
                session.rollback()  # a dry run, or a refused import: nothing stays
    failed = bool(errors) or (report is not None and not report.ok)
    return render_template(
        "core/views/import_map.html",
        view=view,
        token=token,
        filename=note.get("filename", ""),
        header=table.header,
        preview=table.rows[:PREVIEW_ROWS],
        total_rows=len(table.rows),
        mapping=mapping,
        targets=targets,
        import_key=view.import_key,
        report=report,
        problems=report.problems[:SHOWN_PROBLEMS] if report else [],
        errors=errors,
        imported=request.form.get("action") == "import",
    ), (422 if failed else 200)


# --------------------------------------------------------------------------- buttons


@blueprint.app_template_global("exchange_menu")
def exchange_menu(view: ModelView) -> dict[str, Any]:
    """What the list's Export and Import buttons offer this user."""
    access = current_access()
    can_export = access.can_do(view.model, "export")
    fields = offered_fields(view, access) if can_export else []
    defaults = set(view.list_columns)
    return {
        "can_export": can_export,
        "can_import": view.create is not None and access.can_do(view.model, "create"),
        "formats": [(key, str(label)) for key, label in FORMAT_LABELS.items()],
        "fields": [(f.name, f.label, f.name in defaults) for f in fields],
    }
