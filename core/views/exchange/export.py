"""Export writers: records of a list as CSV, JSON or XML text chunks, or an XLSX workbook.

Each writer takes the chosen fields and an iterator of ``(record, values)`` from
:func:`core.views.exchange.fields.load_records` and never holds all rows at once. Numbers
stay exact (Decimal), dates are ISO text or real spreadsheet dates. Not for deciding what
may be exported: the routes check permissions and rules before a writer runs.

XML shape (one for every list)::

    <records view="delta.task" count="2">
      <record id="7">
        <field name="name" label="Name">Task t1</field>
        <field name="due_date" label="Due">2026-10-03</field>
        <field name="note" label="Note"/>                      (no value)
        <field name="tags" label="Tags"><value>VIP</value></field>   (a list)
      </record>
    </records>
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from flask_babel import to_user_timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.views.display import NO, YES
from core.views.exchange.fields import Field, as_text

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {
    "xlsx": XLSX_MIME,
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
}
CHUNK = 64 * 1024
EXACT_DIGITS = 15  # what a spreadsheet's double keeps of a decimal number
# A spreadsheet reads text starting with these as a formula ("CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_KINDS = frozenset({"text", "choice", "reference", "many"})
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

Rows = Iterable[tuple[Any, dict[str, Any]]]


# --------------------------------------------------------------------------- CSV


def guard_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula, quoted with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_chunks(fields: list[Field], rows: Rows) -> Iterator[str]:
    """UTF-8 CSV with a BOM (Excel in China needs it) and a header row of labels."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([guard_formula(f.label) for f in fields])
    for _record, values in rows:
        writer.writerow(
            [
                guard_formula(text) if f.kind in TEXT_KINDS else text
                for f in fields
                for text in (as_text(values[f.name], f),)
            ]
        )
        if buffer.tell() > CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --------------------------------------------------------------------------- JSON


def json_value(value: Any) -> Any:
    """Exact JSON: Decimal as a string (a JSON number becomes a float), ISO dates."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def json_chunks(fields: list[Field], rows: Rows) -> Iterator[str]:
    """A JSON array of objects keyed by field name, plus the record's ``id``."""
    yield "["
    separator = "\n"
    for record, values in rows:
        item = {"id": record.id, **{f.name: json_value(values[f.name]) for f in fields}}
        yield separator + json.dumps(item, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


# --------------------------------------------------------------------------- XML


def xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(json_value(value)))


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def quoteattr(text: str) -> str:
    return f'"{html.escape(text, quote=True)}"'


def xml_chunks(view_name: str, fields: list[Field], rows: Rows, count: int) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f"<records view={quoteattr(view_name)} count={quoteattr(str(count))}>\n"
    for record, values in rows:
        parts = [f'  <record id="{int(record.id)}">\n']
        for f in fields:
            value = values[f.name]
            head = f"    <field name={quoteattr(f.name)} label={quoteattr(xml_text(f.label))}"
            if value is None or value == []:
                parts.append(head + "/>\n")
            elif isinstance(value, list):
                items = "".join(f"<value>{escape(xml_text(v))}</value>" for v in value)
                parts.append(f"{head}>{items}</field>\n")
            else:
                parts.append(f"{head}>{escape(xml_text(value))}</field>\n")
        parts.append("  </record>\n")
        yield "".join(parts)
    yield "</records>\n"


# --------------------------------------------------------------------------- XLSX


def sheet_title(label: str) -> str:
    return (_SHEET_FORBIDDEN.sub(" ", label).strip() or "Sheet")[:31]


def number_format(scale: int) -> str:
    return "#,##0." + "0" * scale if scale else "#,##0"


def _fits_a_double(value: Any) -> bool:
    """Whether a spreadsheet number holds ``value`` exactly (15 significant digits);
    a longer one is written as text rather than rounded."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return False
    digits = Decimal(value).normalize().as_tuple().digits
    return len(digits) <= EXACT_DIGITS


def xlsx_cell(sheet, value: Any, field: Field):
    """A typed cell: numbers as numbers with their places, real dates, text as text."""
    if value is None:
        return None
    if field.kind in ("number", "integer") and _fits_a_double(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format(field.scale)
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=to_user_timezone(value).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    text = str(YES if value else NO) if isinstance(value, bool) else as_text(value, field)
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def write_xlsx(target: IO[bytes], title: str, fields: list[Field], rows: Rows) -> None:
    """One sheet, streamed row by row (openpyxl write-only), saved into ``target``."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    for index, field in enumerate(fields, start=1):
        width = max(10, min(40, len(field.label) * 2 + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for field in fields:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", field.label))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for _record, values in rows:
        sheet.append([xlsx_cell(sheet, values[f.name], f) for f in fields])
    workbook.save(target)
