"""Counts and sums of a list's records by groups: the one aggregation query behind the
list's group rows and footer, pivots, graphs and kanban column headers.

One GROUP BY through the access layer with the list's own conditions (record rules and
companies apply to every count and sum), plus one query per many-to-one level for the
labels. Fields the user may not read are neither grouped nor summed. The records
themselves are loaded by :mod:`core.views.query`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.dates import format_skeleton
from flask_babel import format_date, format_decimal, get_locale
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    Integer,
    String,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from core.db import Base
from core.hookspecs import ModelView
from core.i18n import lazy_gettext as _l
from core.security.access import Access
from core.views import query
from core.views.display import NO, YES, record_name, show
from core.views.query import ListRequest, conditions, measure_names, relationship_of

GRANULARITIES = ("year", "quarter", "month", "day")
DEFAULT_GRANULARITY = "month"
MAX_LEVELS = 4
# More groups than this are cut (the footer totals still count every record).
MAX_GROUPS = 2000
COUNT = "count"

MSG_UNSET = _l("Not set")
LABEL_COUNT = _l("Count")
LABEL_GRANULARITY = {
    "year": _l("year"),
    "quarter": _l("quarter"),
    "month": _l("month"),
    "day": _l("day"),
}
MSG_FIELD_BY = _l("%(field)s by %(granularity)s")

# Period keys as text, sortable, and the same on both engines: 2026, 2026-Q4, 2026-11,
# 2026-11-05. The formats are constants of this module, inlined (a bound parameter
# would make PostgreSQL see the SELECT and GROUP BY expressions as different).
_SQLITE_FORMATS = {"year": "'%Y'", "month": "'%Y-%m'", "day": "'%Y-%m-%d'"}
_POSTGRES_FORMATS = {
    "year": "'YYYY'",
    "quarter": "'YYYY-\"Q\"Q'",
    "month": "'YYYY-MM'",
    "day": "'YYYY-MM-DD'",
}


@dataclass(frozen=True, eq=False)  # its column compares into SQL, not into a bool
class GroupField:
    """A field records may be grouped by, as named in a URL (``owner``, ``due_date:year``)."""

    name: str
    field: str
    kind: str  # enum, boolean, reference, period
    column: Any
    label: Any
    granularity: str | None = None
    choices: tuple[tuple[str, Any], ...] = ()
    target: type | None = None

    @property
    def title(self) -> str:
        if self.granularity is None:
            return str(self.label)
        return str(MSG_FIELD_BY) % {
            "field": self.label,
            "granularity": LABEL_GRANULARITY[self.granularity],
        }


@dataclass(frozen=True)
class GroupKey:
    """One group's value of one field: what to show, and the list parameters that
    select exactly its records (the drill-down)."""

    value: Any
    label: str
    params: tuple[tuple[str, str], ...]


@dataclass
class GroupRow:
    keys: tuple[GroupKey, ...]
    count: int
    sums: dict[str, Any]

    def value(self, measure: str) -> Any:
        return self.count if measure == COUNT else self.sums[measure]


@dataclass
class Aggregate:
    """Groups with their counts and sums, and the totals of every record in them."""

    fields: list[GroupField]
    measures: list[str]
    rows: list[GroupRow]
    count: int
    sums: dict[str, Any] = field(default_factory=dict)
    truncated: bool = False

    def total(self, measure: str) -> Any:
        return self.count if measure == COUNT else self.sums[measure]


# --------------------------------------------------------------------------- fields


def _type_of(column):
    return column.type.impl if isinstance(column.type, TypeDecorator) else column.type


def _target_of(column) -> type | None:
    table = next(iter(column.foreign_keys)).column.table
    return next((m.class_ for m in Base.registry.mappers if m.local_table is table), None)


def _field(view: ModelView, name: str) -> GroupField | None:
    """Field ``name`` of ``view`` as a group field (month granularity for dates)."""
    model = view.model
    spec = next((f for f in view.fields if f.name == name), None)
    label = spec.label if spec else name
    relationship = relationship_of(model, name)
    if relationship is not None:
        if relationship.direction.name != "MANYTOONE":
            return None
        column = next(iter(relationship.local_columns))
        return GroupField(name, name, "reference", column, label, target=relationship.mapper.class_)
    column = model.__table__.columns.get(name)
    if column is None:
        return None
    kind = _type_of(column)
    if column.foreign_keys:
        return GroupField(name, name, "reference", column, label, target=_target_of(column))
    if isinstance(kind, Boolean):
        return GroupField(name, name, "boolean", column, label)
    if isinstance(kind, Enum):
        labels = dict(spec.choices) if spec else {}
        choices = tuple((value, labels.get(value, value)) for value in kind.enums)
        return GroupField(name, name, "enum", column, label, choices=choices)
    if isinstance(kind, Date | DateTime):
        return GroupField(
            f"{name}:{DEFAULT_GRANULARITY}",
            name,
            "period",
            column,
            label,
            granularity=DEFAULT_GRANULARITY,
        )
    return None


def group_fields(view: ModelView, access: Access) -> dict[str, GroupField]:
    """The fields the user may group ``view`` by, by field name (dates at month level).

    ``view.group_by`` when declared, else every enum, boolean, many-to-one and date of
    ``view.fields``; a many-to-one's key column and its relationship count once.
    """
    readable = access.readable_fields(view.model)
    names = view.group_by or tuple(f.name for f in view.fields)
    found: dict[str, GroupField] = {}
    columns: set[str] = set()
    # Relationships first, so that ``owner`` wins over its key ``owner_id``.
    ordered = sorted(names, key=lambda n: relationship_of(view.model, n) is None)
    for name in ordered:
        group = _field(view, name)
        if group is None or group.column.key not in readable or group.column.key in columns:
            continue
        columns.add(group.column.key)
        found[name] = group
    return {name: found[name] for name in names if name in found}


def stage_field(view: ModelView, access: Access) -> GroupField | None:
    """The view's ``state_field`` as a group field (the kanban's columns), whether or not
    ``group_by`` offers it; None when there is none or the user may not read it."""
    if not view.state_field:
        return None
    group = _field(view, view.state_field)
    if group is None or group.kind != "enum":
        return None
    return group if group.column.key in access.readable_fields(view.model) else None


def group_options(view: ModelView, access: Access) -> list[GroupField]:
    """Every grouping offered on screen: each field, and each date at every granularity."""
    options: list[GroupField] = []
    for group in group_fields(view, access).values():
        if group.kind != "period":
            options.append(group)
            continue
        for granularity in GRANULARITIES:
            options.append(
                GroupField(
                    f"{group.field}:{granularity}",
                    group.field,
                    "period",
                    group.column,
                    group.label,
                    granularity=granularity,
                )
            )
    return options


def resolve(view: ModelView, access: Access, names) -> list[GroupField]:
    """``names`` (from a URL) as group fields; unknown or unreadable ones are dropped.
    A GroupField (the kanban's stage) passes as it is."""
    offered = group_fields(view, access)
    found: list[GroupField] = []
    for name in names or ():
        if isinstance(name, GroupField):
            found.append(name)
            continue
        base, _, granularity = str(name).partition(":")
        group = offered.get(base)
        if group is None:
            continue
        if group.kind == "period":
            granularity = granularity or DEFAULT_GRANULARITY
            if granularity not in GRANULARITIES:
                continue
            group = GroupField(
                f"{base}:{granularity}",
                base,
                "period",
                group.column,
                group.label,
                granularity=granularity,
            )
        elif granularity:
            continue
        if all(g.field != group.field or g.name != group.name for g in found):
            found.append(group)
    return found[:MAX_LEVELS]


def measure_label(view: ModelView, name: str) -> str:
    if name == COUNT:
        return str(LABEL_COUNT)
    spec = next((f for f in view.fields if f.name == name), None)
    return str(spec.label if spec else name)


def zero(view: ModelView, measure: str) -> Any:
    """The sum of no record, at the measure's scale (0.00 for money)."""
    return 0 if measure == COUNT else query.zero(view, measure)


# --------------------------------------------------------------------------- the query


def _key_expression(group: GroupField, dialect: str):
    if group.kind != "period":
        return group.column
    column, granularity = group.column, group.granularity
    if dialect == "postgresql":
        return func.to_char(column, literal_column(_POSTGRES_FORMATS[granularity]))
    if granularity == "quarter":
        year = func.strftime(literal_column("'%Y'"), column)
        month = cast(func.strftime(literal_column("'%m'"), column), Integer)
        quarter = (month + literal_column("2", Integer)) // literal_column("3", Integer)
        # Cast, so the division is parenthesised: SQLite's || binds tighter than / and +.
        return year.concat(literal_column("'-Q'")).concat(cast(quarter, String))
    return func.strftime(literal_column(_SQLITE_FORMATS[granularity]), column)


def aggregate(
    session: Session,
    view: ModelView,
    access: Access,
    request: ListRequest,
    groups,
    measures=None,
) -> Aggregate:
    """Count and sum the records of the list ``request`` asks for, by ``groups``.

    ``groups`` are field names as in a URL (``state``, ``owner``, ``due_date:quarter``);
    ``measures`` default to the view's. Rows come in a stable order: enum values as
    declared, periods in time, references by name, the unset group last.
    """
    model = view.model
    fields = resolve(view, access, groups)
    allowed = measure_names(view, access)
    summed = [m for m in (view.measures if measures is None else measures) if m in allowed]
    dialect = session.get_bind().dialect.name
    keys = [_key_expression(g, dialect).label(f"g{n}") for n, g in enumerate(fields)]
    sums = [func.sum(model.__table__.columns[m]).label(f"m{n}") for n, m in enumerate(summed)]
    where = conditions(view, request)
    statement = access.restrict(
        select(*keys, func.count().label("n"), *sums).select_from(model), model
    ).where(*where)
    if keys:
        statement = statement.group_by(*keys).order_by(*keys).limit(MAX_GROUPS + 1)
    found = session.execute(statement).all()
    truncated = len(found) > MAX_GROUPS
    found = found[:MAX_GROUPS]
    width = len(fields)
    names = _reference_names(session, fields, found)
    rows = [
        GroupRow(
            keys=tuple(_key(g, row[n], names[n]) for n, g in enumerate(fields)),
            count=row[width],
            sums={m: _amount(view, m, row[width + 1 + n]) for n, m in enumerate(summed)},
        )
        for row in found
    ]
    rows.sort(key=lambda r: tuple(order_key(g, k) for g, k in zip(fields, r.keys, strict=True)))
    result = Aggregate(fields=fields, measures=summed, rows=rows, count=0, truncated=truncated)
    if not truncated:
        result.count = sum(r.count for r in rows)
        result.sums = {m: sum((r.sums[m] for r in rows), zero(view, m)) for m in summed}
    else:
        # Too many groups to show them all: ask for the totals themselves.
        totals = session.execute(
            access.restrict(select(func.count(), *sums).select_from(model), model).where(*where)
        ).one()
        result.count = totals[0]
        result.sums = {m: _amount(view, m, totals[1 + n]) for n, m in enumerate(summed)}
    return result


def _amount(view: ModelView, measure: str, value: Any) -> Any:
    return zero(view, measure) if value is None else value


def _reference_names(session: Session, fields: list[GroupField], rows) -> list[dict]:
    """Per group level, the names of the records a many-to-one points at (one query each)."""
    names: list[dict] = []
    for n, group in enumerate(fields):
        ids = {row[n] for row in rows if row[n] is not None}
        if group.kind != "reference" or not ids or group.target is None:
            names.append({})
            continue
        target = group.target
        records = session.scalars(select(target).where(target.id.in_(ids)))
        names.append({record.id: record_name(record) for record in records})
    return names


def _key(group: GroupField, raw: Any, names: dict) -> GroupKey:
    value = raw.value if isinstance(raw, enum.Enum) else raw
    if value is None:
        param = f"eq.{group.column.key}"
        return GroupKey(None, str(MSG_UNSET), ((param, ""),))
    if group.kind == "period":
        return GroupKey(
            value, period_label(value, group.granularity), ((f"month.{group.field}", value),)
        )
    if group.kind == "boolean":
        value = bool(value)
        label = str(YES if value else NO)
        return GroupKey(value, label, ((f"eq.{group.column.key}", "1" if value else "0"),))
    if group.kind == "enum":
        label = str(dict(group.choices).get(value, value))
    else:
        label = names.get(value, f"#{value}")
    return GroupKey(value, label, ((f"eq.{group.column.key}", str(value)),))


def order_key(group: GroupField, key: GroupKey) -> tuple:
    """Sort key of one level: the unset group last."""
    if key.value is None:
        return (1, 0, "")
    if group.kind == "enum":
        values = [value for value, _label in group.choices]
        return (0, values.index(key.value) if key.value in values else len(values), "")
    if group.kind == "boolean":
        return (0, 0 if key.value else 1, "")
    if group.kind == "reference":
        return (0, 0, key.label.casefold())
    return (0, 0, key.value)


def period_label(key: str, granularity: str | None) -> str:
    """``2026-11`` as the reader says it (Nov 2026, 2026年11月)."""
    locale = get_locale()
    if granularity == "year":
        return format_skeleton("y", date(int(key), 1, 1), locale=locale)
    if granularity == "quarter":
        year, quarter = key.split("-Q")
        return format_skeleton("yQQQ", date(int(year), int(quarter) * 3 - 2, 1), locale=locale)
    if granularity == "day":
        return format_date(date.fromisoformat(key), "medium")
    year, month = key.split("-")
    return format_skeleton("yMMM", date(int(year), int(month), 1), locale=locale)


def number(value: Any) -> str:
    """A count or a sum in the reader's number format."""
    if isinstance(value, int) and not isinstance(value, bool):
        return format_decimal(value, format="#,##0")
    return str(show(value))


def drill_params(base: dict[str, Any], *keys: GroupKey) -> dict[str, Any]:
    """The list parameters ``base`` narrowed to the records of ``keys``."""
    params = dict(base)
    for key in keys:
        for name, value in key.params:
            params[name] = value
    return params
