"""Import of CSV or XLSX files into a ModelView: reading, column mapping, and the row run.

Files are recognised by their content, never by their name: an XLSX is a zip holding a
workbook, anything else must be text in UTF-8 (with or without BOM), UTF-16 or GB18030
(what Excel in China saves). Every row goes through the addon's own ``create`` /
``update`` service in a savepoint; the caller commits (import) or rolls back (dry run).
Not for storage between steps: see :mod:`core.views.exchange.uploads`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.hookspecs import ModelView
from core.i18n import lazy_gettext as _l
from core.i18n import use_language
from core.schemas import GENERAL, MSG_NOT_BOOLEAN, BusinessError, flatten
from core.security.access import Access, AccessDenied, RecordNotFound
from core.views.display import NO, YES, record_name
from core.views.exchange.fields import Field, describe
from core.views.query import visible_columns

MSG_NOT_TABLE = _l("This is not a CSV or XLSX file.")
MSG_OLD_EXCEL = _l("Old .xls workbooks cannot be read: save the file as .xlsx and try again.")
MSG_ENCODING = _l("The text of this file is neither UTF-8 nor GB18030.")
MSG_NO_HEADER = _l("The file has no header row.")
MSG_TOO_MANY_ROWS = _l("The file has more than %(limit)s rows.")
MSG_TOO_MANY_COLUMNS = _l("The file has more than %(limit)s columns.")
MSG_UNPACKS_TOO_BIG = _l("This workbook unpacks to more than %(limit)s MB.")
MSG_TWICE_MAPPED = _l("Two columns are mapped to “%(name)s”.")
MSG_NOTHING_MAPPED = _l("Map at least one column to a field.")
MSG_NO_SUCH_RECORD = _l("No record “%(value)s” that you may see.")
MSG_AMBIGUOUS = _l("Several records match “%(value)s”: use the code.")
MSG_CANNOT_UPDATE = _l("A record with this %(key)s exists, and you may not change it.")
MSG_CONFLICT = _l("This row conflicts with another record (a duplicate value).")

MAX_COLUMNS = 200
UNPACK_FACTOR = 20  # an XLSX may unpack to this many times the upload limit
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
TRUE_WORDS = {"1", "true", "yes", "y", "是", "对", "√", "✓", "x"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "不", "×"}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_GROUPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


@dataclass
class Table:
    """A file's header and its data rows, each with its row number in the file."""

    header: list[str]
    rows: list[tuple[int, list[Any]]]


# --------------------------------------------------------------------------- reading


def refuse(message: Any, **params: Any) -> BusinessError:
    return BusinessError.on("file", message, **params)


def read_table(data: bytes, *, max_rows: int, max_bytes: int) -> Table:
    """The first sheet of an XLSX or a CSV file; refused (BusinessError on "file") otherwise."""
    if data.startswith(ZIP_MAGIC):
        header, rows = _xlsx_rows(data, max_rows, max_bytes)
    elif data.startswith(OLE_MAGIC):
        raise refuse(MSG_OLD_EXCEL)
    else:
        header, rows = _csv_rows(data, max_rows)
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    if not width:
        raise refuse(MSG_NO_HEADER)
    if width > MAX_COLUMNS:
        raise refuse(MSG_TOO_MANY_COLUMNS, limit=MAX_COLUMNS)
    table = Table(header=[str(h or "").strip() for h in header[:width]], rows=[])
    for number, row in rows:
        cells = list(row[:width]) + [None] * (width - len(row))
        if any(not _blank(cell) for cell in cells):
            table.rows.append((number, cells))
    return table


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _xlsx_rows(data: bytes, max_rows: int, max_bytes: int):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        raise refuse(MSG_NOT_TABLE) from None
    if unpacked > max_bytes * UNPACK_FACTOR:
        raise refuse(MSG_UNPACKS_TOO_BIG, limit=max(1, max_bytes * UNPACK_FACTOR // 2**20))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged or foreign zip can fail anywhere inside openpyxl
        raise refuse(MSG_NOT_TABLE) from None
    try:
        if not workbook.worksheets:
            raise refuse(MSG_NOT_TABLE)
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        header = list(next(lines, None) or ())
        rows = []
        for number, row in enumerate(lines, start=2):
            rows.append((number, list(row)))
            if len(rows) > max_rows:
                raise refuse(MSG_TOO_MANY_ROWS, limit=max_rows)
        return header, rows
    finally:
        workbook.close()


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030 (Excel in China)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise refuse(MSG_ENCODING)


def _csv_rows(data: bytes, max_rows: int):
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in data[:8192]:
        raise refuse(MSG_NOT_TABLE)  # text files hold no NUL bytes
    text = decode_text(data)
    if _CONTROL.search(text):
        raise refuse(MSG_NOT_TABLE)  # a binary file that happens to decode
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader, [])
        rows = []
        for number, row in enumerate(reader, start=2):
            rows.append((number, row))
            if len(rows) > max_rows:
                raise refuse(MSG_TOO_MANY_ROWS, limit=max_rows)
    except csv.Error:
        raise refuse(MSG_NOT_TABLE) from None
    return header, rows


# --------------------------------------------------------------------------- mapping


def import_fields(view: ModelView, access: Access) -> list[Field]:
    """The form fields a user may fill from a file."""
    return [describe(view, name) for name in visible_columns(view, access, view.input_fields)]


def _key(text: Any) -> str:
    return re.sub(r"[\s*:：]+", "", str(text or "")).casefold()


def _names_of(targets: list[Field], languages: list[str]) -> dict[str, str]:
    """Every way a header may name a field: its name, its label in each language."""
    names: dict[str, str] = {}
    for target in targets:
        names.setdefault(_key(target.name), target.name)
        names.setdefault(_key(target.label), target.name)
    for language in languages:
        with use_language(language):
            for target in targets:
                if target.spec is not None:
                    names.setdefault(_key(target.spec.label), target.name)
    return names


def suggest_mapping(header: list[str], targets: list[Field], languages: list[str]) -> list[str]:
    """Each column's field ("" to ignore), matched by field name or label; each field once."""
    names = _names_of(targets, languages)
    taken: set[str] = set()
    mapping = []
    for title in header:
        name = names.get(_key(title), "")
        if name in taken:
            name = ""
        taken.add(name)
        mapping.append(name)
    return mapping


def read_mapping(form: Mapping[str, str], header: list[str], targets: list[Field]) -> list[str]:
    """The mapping the user chose (``col-<n>`` = field name or ""); checked."""
    allowed = {t.name: t for t in targets}
    mapping = []
    for index in range(len(header)):
        name = form.get(f"col-{index}", "")
        mapping.append(name if name in allowed else "")
    chosen = [n for n in mapping if n]
    if not chosen:
        raise BusinessError.on("mapping", MSG_NOTHING_MAPPED)
    for name in chosen:
        if chosen.count(name) > 1:
            raise BusinessError.on("mapping", MSG_TWICE_MAPPED, name=allowed[name].label)
    return mapping


# --------------------------------------------------------------------------- values


class CellProblem(ValueError):
    """A cell that cannot be a value of its field (the text is translated)."""


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = str(value).strip().casefold()
    trues = TRUE_WORDS | {str(YES).casefold()}
    falses = FALSE_WORDS | {str(NO).casefold()}
    with use_language("en"):
        trues.add(str(YES).casefold())
        falses.add(str(NO).casefold())
    if word in trues:
        return True
    if word in falses:
        return False
    raise CellProblem(str(MSG_NOT_BOOLEAN))


def number_text(value: Any) -> str:
    """A number as exact text: a spreadsheet float by its shortest form (10.5, not 10.4999...)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, int | Decimal):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    return text.replace(",", "") if _GROUPED.fullmatch(text) else text


def integer_text(value: Any) -> str:
    text = number_text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return str(int(number)) if number == number.to_integral_value() else text


def date_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    found = _DATE.fullmatch(text)
    if found:
        year, month, day = (int(part) for part in found.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


def plain_text(value: Any) -> str:
    """Spreadsheet values as the text a person typed; an exported "'=x" back to "=x"."""
    if isinstance(value, float):
        return integer_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


class References:
    """Names, codes or ids of many-to-one targets turned into ids, through the access layer.

    A user who may not read the target may still give its id; the service checks it.
    """

    LOOKUPS = ("code", "login", "name", "full_name")

    def __init__(self, session: Session, access: Access) -> None:
        self.session = session
        self.access = access
        self.cache: dict[tuple[type, str], int] = {}

    def resolve(self, target: type | None, value: Any) -> int:
        text = integer_text(value).strip() if not isinstance(value, str) else value.strip()
        if target is None or getattr(target, "__resource__", None) is None:
            return self._id_only(text)
        if (target, text) not in self.cache:
            self.cache[(target, text)] = self._find(target, text)
        return self.cache[(target, text)]

    def _id_only(self, text: str) -> int:
        if text.isdigit():
            return int(text)
        raise CellProblem(str(MSG_NO_SUCH_RECORD) % {"value": text[:80]})

    def _find(self, target: type, text: str) -> int:
        if not self.access.can_do(target, "read"):
            return self._id_only(text)
        columns = [getattr(target, n) for n in self.LOOKUPS if n in target.__table__.columns]
        # Names as lists print them: "[P001] Widget", "Company, Person".
        shown = {text, text.split("] ", 1)[-1], text.rsplit(", ", 1)[-1]}
        code = text[1:].split("] ", 1)[0] if text.startswith("[") and "] " in text else text
        matches = [c == code for c in columns if c.key in ("code", "login")]
        matches += [c.in_(shown) for c in columns if c.key == "name"]
        matches += [c == text for c in columns if c.key == "full_name"]
        found = []
        if matches:
            statement = self.access.select(target).where(or_(*matches)).limit(20)
            found = list(self.session.scalars(statement))
        best = (
            [r for r in found if record_name(r) == text]
            or [r for r in found if any(getattr(r, k, None) == code for k in ("code", "login"))]
            or [r for r in found if getattr(r, "name", None) == text]
            or found
        )
        if len(best) == 1:
            return best[0].id
        if len(best) > 1:
            raise CellProblem(str(MSG_AMBIGUOUS) % {"value": text[:80]})
        if text.isdigit():
            try:
                return self.access.get(self.session, target, int(text)).id
            except RecordNotFound:
                pass
        raise CellProblem(str(MSG_NO_SUCH_RECORD) % {"value": text[:80]})


def choice_value(field: Field, value: Any, languages: list[str]) -> str:
    """A choice given by its key or its label in any language; unknown text goes to the
    service, which refuses it with its own message."""
    text = plain_text(value).strip()
    choices = field.spec.choices if field.spec else ()
    for key, label in choices:
        if _key(text) in (_key(key), _key(label)):
            return key
    for language in languages:
        with use_language(language):
            for key, label in choices:
                if _key(text) == _key(label):
                    return key
    return text


def cell_value(field: Field, value: Any, references: References, languages: list[str]) -> Any:
    """A file's cell as the value the form would send for ``field``."""
    if _blank(value):
        return {"boolean": False, "reference": None}.get(field.kind, "")
    if field.kind == "boolean":
        return parse_bool(value)
    if field.kind == "reference":
        return references.resolve(field.target, value)
    if field.kind == "choice":
        return choice_value(field, value, languages)
    if field.kind == "number":
        return number_text(value)
    if field.kind == "integer":
        return integer_text(value)
    if field.kind == "date":
        return date_text(value)
    if field.kind == "datetime" and isinstance(value, datetime):
        return value.isoformat()
    return plain_text(value)


# --------------------------------------------------------------------------- the run


@dataclass
class RowProblem:
    row: int
    messages: list[str]


@dataclass
class Report:
    """What an import did or would do: rows created, updated, and each refused row."""

    created: int = 0
    updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class RowRun:
    """Runs a file's rows through a view's services, one savepoint per row."""

    def __init__(
        self, session: Session, view: ModelView, access: Access, targets: list[Field], languages
    ) -> None:
        self.session = session
        self.view = view
        self.access = access
        self.targets = {t.name: t for t in targets}
        self.languages = languages
        self.labels = {f.name: str(f.label) for f in view.fields}
        self.references = References(session, access)
        self.can_update = view.update is not None and access.can_do(view.model, "write")

    def run(self, table: Table, mapping: list[str]) -> Report:
        report = Report()
        for number, cells in table.rows:
            messages = self._row(cells, mapping, report)
            if messages:
                report.problems.append(RowProblem(number, messages))
        return report

    def _row(self, cells: list[Any], mapping: list[str], report: Report) -> list[str]:
        data: dict[str, Any] = {}
        problems: dict[str, list[str]] = {}
        for cell, name in zip(cells, mapping, strict=True):
            if not name:
                continue
            try:
                data[name] = cell_value(self.targets[name], cell, self.references, self.languages)
            except CellProblem as problem:
                problems[name] = [str(problem)]
        if problems:
            return self._lines(problems)
        try:
            existing = self._existing(data)
        except CellProblem as problem:
            return self._lines({self.view.import_key or GENERAL: [str(problem)]})
        savepoint = self.session.begin_nested()
        try:
            if existing is None:
                record = self.view.create(self.session, data)
                self.session.flush()
                self.access.check(self.session, record, "create")
            else:
                self.access.get(self.session, self.view.model, existing, "write")
                record = self.view.update(self.session, existing, data)
                self.session.flush()
                self.access.check(self.session, record, "write")
        except BusinessError as error:
            savepoint.rollback()
            return self._lines(error.messages)
        except (RecordNotFound, AccessDenied) as error:
            savepoint.rollback()
            return self._lines({GENERAL: [str(error)]})
        except IntegrityError:
            savepoint.rollback()
            return self._lines({GENERAL: [str(MSG_CONFLICT)]})
        savepoint.commit()
        if existing is None:
            report.created += 1
        else:
            report.updated += 1
        return []

    def _existing(self, data: dict[str, Any]) -> int | None:
        """The id of the record the row's import key names (None: a new record)."""
        key = self.view.import_key
        value = data.get(key) if key else None
        if not value:
            return None
        model = self.view.model
        statement = self.access.select(model).where(getattr(model, key) == value).limit(20)
        found = list(self.session.scalars(statement))
        if len(found) > 1 and "company_id" in model.__table__.columns:
            found = [r for r in found if r.company_id == self.access.principal.company_id]
        if not found:
            return None
        if len(found) > 1:
            raise CellProblem(str(MSG_AMBIGUOUS) % {"value": str(value)[:80]})
        if not self.can_update:
            label = self.labels.get(key, key)
            raise CellProblem(str(MSG_CANNOT_UPDATE) % {"key": label})
        return found[0].id

    def _lines(self, messages: Mapping[str, Any]) -> list[str]:
        lines = []
        for name, texts in messages.items():
            prefix = "" if name == GENERAL else f"{self.labels.get(name, name)}: "
            lines += [prefix + line for line in flatten(texts)]
        return lines
