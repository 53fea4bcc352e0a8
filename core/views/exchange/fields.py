"""The fields an export, import or print of a ModelView works with, and their values.

A :class:`Field` says what kind of value a view field holds (text, number, date, choice,
reference...) so each writer can put it in its own shape; :func:`load_records` reads the
records of a list through the access layer in batches. Not for parsing input: that is
:mod:`core.views.exchange.importer`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    Integer,
    Numeric,
    Select,
    func,
    inspect,
    select,
)
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.types import TypeDecorator

from core.db import Base
from core.hookspecs import ModelView, ViewField
from core.security.access import Access
from core.views.display import NO, YES, record_name
from core.views.query import ListRequest, conditions, relationship_of, sort_clause, visible_columns

BATCH = 500
MAX_SELECTED = 10_000


@dataclass(frozen=True)
class Field:
    """One exported or imported field: its name, translated label and kind of value.

    ``kind`` is one of text, number, integer, boolean, date, datetime, choice,
    reference (a many-to-one: the record's name) and many (a list of names).
    """

    name: str
    label: str
    kind: str
    scale: int = 0
    spec: ViewField | None = None
    # A reference is read through this relationship, or (none) looked up in ``target``
    # by the key column's value; ``target`` is the referenced model either way.
    relationship: str | None = None
    target: type | None = None

    def choice_label(self, value: Any) -> str:
        labels = dict(self.spec.choices) if self.spec else {}
        return str(labels.get(value, value))


def model_for_table(table) -> type | None:
    return next((m.class_ for m in Base.registry.mappers if m.local_table is table), None)


def column_kind(column) -> tuple[str, int]:
    """The kind of value a column holds, and its decimal places for numbers."""
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if column.foreign_keys:
        return "reference", 0
    if isinstance(kind, Boolean):
        return "boolean", 0
    if isinstance(kind, Enum):
        return "choice", 0
    if isinstance(kind, Numeric):
        scale = getattr(column.type, "scale", None) or kind.scale or 0
        return "number", scale
    if isinstance(kind, Integer):
        return "integer", 0
    if isinstance(kind, DateTime):
        return "datetime", 0
    if isinstance(kind, Date):
        return "date", 0
    return "text", 0


def describe(view: ModelView, name: str) -> Field:
    """What field ``name`` of ``view`` is (its label translated now)."""
    model = view.model
    spec = next((f for f in view.fields if f.name == name), None)
    label = str(spec.label) if spec else name
    relationship = relationship_of(model, name)
    if relationship is not None:
        kind = "reference" if relationship.direction.name == "MANYTOONE" else "many"
        target = relationship.mapper.class_
        return Field(name, label, kind, spec=spec, relationship=name, target=target)
    column = model.__table__.columns.get(name)
    if column is None:
        return Field(name, label, "text", spec=spec)
    kind, scale = column_kind(column)
    if kind == "choice" and not (spec and spec.choices):
        kind = "text"
    if kind != "reference":
        return Field(name, label, kind, scale, spec)
    for prop in (r for r in inspect(model).relationships if r.direction.name == "MANYTOONE"):
        if set(prop.local_columns) == {column}:
            target = prop.mapper.class_
            return Field(name, label, kind, spec=spec, relationship=prop.key, target=target)
    target = model_for_table(next(iter(column.foreign_keys)).column.table)
    return Field(name, label, kind, spec=spec, target=target)


def offered_fields(view: ModelView, access: Access) -> list[Field]:
    """The fields a user may export: the list's columns, then the form's, those they may read.

    A many-to-one's key column is left out when its relationship is offered already
    (both would print the same name).
    """
    names = list(dict.fromkeys((*view.list_columns, *view.form_fields)))
    fields = [describe(view, name) for name in visible_columns(view, access, tuple(names))]
    shown = {f.name for f in fields}
    return [
        f
        for f in fields
        if not (f.kind == "reference" and f.relationship != f.name and f.relationship in shown)
    ]


def chosen_fields(view: ModelView, access: Access, wanted: list[str]) -> list[Field]:
    """The offered fields among ``wanted`` in the order asked (the list's columns if none)."""
    offered = {f.name: f for f in offered_fields(view, access)}
    names = [n for n in dict.fromkeys(wanted) if n in offered]
    if not names:
        names = [n for n in visible_columns(view, access, view.list_columns) if n in offered]
    return [offered[n] for n in names]


# --------------------------------------------------------------------------- records


def selected_ids(values: list[str]) -> list[int] | None:
    """``ids=1&ids=2`` or ``ids=1,2`` as ids (None when no selection was sent)."""
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part.isdigit() and 0 < int(part) < 2**31:
                ids.append(int(part))
    return ids[:MAX_SELECTED] if values else None


def where_clause(view: ModelView, request: ListRequest, ids: list[int] | None) -> list:
    """The list's own conditions, or only the selection when records were picked."""
    if ids is not None:
        return [view.model.id.in_(ids or [-1])]
    return conditions(view, request)


def count_records(session: Session, view: ModelView, access: Access, where: list) -> int:
    model = view.model
    statement = access.restrict(select(func.count()).select_from(model), model).where(*where)
    return session.scalar(statement) or 0


def records_statement(
    view: ModelView, access: Access, request: ListRequest, where: list, fields: list[Field]
) -> Select:
    model = view.model
    statement = access.select(model).where(*where).order_by(*sort_clause(view, request))
    for relationship in dict.fromkeys(f.relationship for f in fields if f.relationship):
        statement = statement.options(selectinload(getattr(model, relationship)))
    return statement


def load_records(
    session: Session, access: Access, statement: Select, fields: list[Field]
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Each record of ``statement`` with its values by field name, read in batches.

    References without a relationship are named through the access layer, one query
    per batch; a user who may not read the target gets the id.
    """
    result = session.scalars(statement.execution_options(yield_per=BATCH))
    for batch in result.partitions():
        names = reference_names(session, access, batch, fields)
        for record in batch:
            yield record, {f.name: value_of(record, f, names) for f in fields}


def value_of(record: Any, field: Field, names: dict[str, dict[int, str]] | None = None) -> Any:
    """The typed value of ``field``: Decimal, date, bool, a choice's key, a name, text."""
    if field.kind == "reference" and field.relationship:
        target = getattr(record, field.relationship, None)
        return None if target is None else record_name(target)
    value = getattr(record, field.name, None)
    if field.kind == "many":
        return [record_name(v) for v in value or ()]
    if field.kind == "reference":
        if value is None:
            return None
        return (names or {}).get(field.name, {}).get(value, str(value))
    if isinstance(value, enum.Enum):
        return value.value
    return value


def reference_names(session, access: Access, batch, fields: list[Field]):
    names: dict[str, dict[int, str]] = {}
    for field in fields:
        if field.kind != "reference" or field.relationship or field.target is None:
            continue
        if getattr(field.target, "__resource__", None) is None:
            continue
        if not access.can_do(field.target, "read"):
            continue
        ids = {getattr(r, field.name) for r in batch} - {None}
        if ids:
            rows = session.scalars(access.select(field.target).where(field.target.id.in_(ids)))
            names[field.name] = {row.id: record_name(row) for row in rows}
    return names


# --------------------------------------------------------------------------- as text


def as_text(value: Any, field: Field) -> str:
    """A value as plain text for CSV and reports' machine columns: exact numbers with a
    dot, ISO dates, the choice's label, Yes/No; empty for nothing."""
    if value is None:
        return ""
    if field.kind == "choice":
        return field.choice_label(value)
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)
