"""Editable line grids on generic forms: a document's lines read from the record, sent
back from the form as a list, and their totals.

The form names a cell ``<relation>-<row>-<field>`` (``lines-0-quantity``); rows marked
for removal and blank new rows are dropped, and what is left goes to the view's service
as ``data[relation]``, a list in display order (see :class:`core.hookspecs.LineGrid`).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from core.hookspecs import LineGrid, ModelView

CELL = re.compile(r"^(?P<relation>[a-z_][a-z0-9_]*)-(?P<row>\d{1,4})-(?P<field>[a-z_][a-z0-9_]*)$")
MAX_LINES = 500
CELL_LENGTH = 1000


@dataclass
class Grid:
    """One grid as the template draws it."""

    spec: LineGrid
    rows: list[dict[str, Any]]
    errors: dict[int, dict[str, list[str]]]
    general: list[str]
    totals: dict[str, Decimal]


def posted_lines(view: ModelView, form) -> dict[str, list[dict[str, Any]]]:
    """The lines of every grid of ``view`` as the form sent them."""
    found: dict[str, list[dict[str, Any]]] = {}
    for grid in view.lines:
        allowed = {f.name for f in grid.fields} | {"id", "remove"}
        rows: dict[int, dict[str, Any]] = {}
        for key in form:
            match = CELL.match(key)
            if match is None or match["relation"] != grid.relation:
                continue
            if match["field"] in allowed:
                cells = rows.setdefault(int(match["row"]), {})
                cells[match["field"]] = form.get(key, "")[:CELL_LENGTH]
        lines = []
        for index in sorted(rows)[:MAX_LINES]:
            row = rows[index]
            if row.pop("remove", None):
                continue
            raw_id = row.pop("id", "")
            if raw_id.isdigit():
                row = {"id": int(raw_id), **row}
            elif not any(str(value).strip() for value in row.values()):
                continue  # a blank new row
            lines.append(row)
        found[grid.relation] = lines
    return found


def record_lines(view: ModelView, record: Any) -> dict[str, list[dict[str, Any]]]:
    """The lines of every grid of ``view`` as the record holds them."""
    found = {}
    for grid in view.lines:
        names = [f.name for f in (*grid.fields, *grid.readonly)]
        found[grid.relation] = [
            {"id": line.id, **{name: _plain(getattr(line, name, None)) for name in names}}
            for line in getattr(record, grid.relation)
        ]
    return found


def grids(view: ModelView, values: dict[str, Any], errors: dict[str, Any]) -> list[Grid]:
    """The grids to draw: rows from ``values``, each row's refusals, and the totals."""
    drawn = []
    for spec in view.lines:
        rows = list(values.get(spec.relation) or [])
        raw = errors.get(spec.relation)
        per_row: dict[int, dict[str, list[str]]] = {}
        general: list[str] = []
        if isinstance(raw, dict):
            for key, messages in raw.items():
                if str(key).isdigit() and isinstance(messages, dict):
                    per_row[int(key)] = {
                        field: [str(m) for m in (text if isinstance(text, list) else [text])]
                        for field, text in messages.items()
                    }
                else:
                    general.extend(str(m) for m in _as_list(messages))
        elif raw:
            general.extend(str(m) for m in _as_list(raw))
        totals = {
            name: sum((_number(row.get(name)) for row in rows), Decimal(0)) for name in spec.totals
        }
        drawn.append(Grid(spec, rows, per_row, general, totals))
    return drawn


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _number(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip() or "0")
    except InvalidOperation:
        return Decimal(0)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value
