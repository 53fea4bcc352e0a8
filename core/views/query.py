"""The list query of a ModelView: search, filters, sorting, paging, through the access layer.

A page costs a fixed number of queries whatever its size: one count, one page, and one
per many-to-one column shown (loaded together with ``selectinload``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask import has_request_context
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
    or_,
    select,
)
from sqlalchemy.orm import RelationshipProperty, Session, selectinload
from sqlalchemy.types import TypeDecorator

from core.db import ActiveMixin, UTCDateTime
from core.hookspecs import ModelView
from core.schemas import LIKE_ESCAPE, escape_like
from core.security.access import Access, current_access

MAX_PAGE_SIZE = 200
MAX_SEARCH = 100


@dataclass(frozen=True)
class ListRequest:
    """What the user asked of a list, already bounded."""

    search: str = ""
    filters: tuple[str, ...] = ()
    sort: str | None = None
    descending: bool = False
    page: int = 1
    page_size: int = 80
    archived: bool = False
    # Field equals value (``eq.kind=company``; empty means unset), and dates within a
    # period (``month.created_at=2026-11``; also a year 2026, a quarter 2026-Q4 or a day
    # 2026-11-05): the drill-down of groups, pivots and counts.
    equals: tuple[tuple[str, Any], ...] = ()
    months: tuple[tuple[str, str], ...] = ()
    # Group-by levels (``group=state&group=due_date:quarter``), checked by core.views.grouping.
    groups: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, args, view: ModelView) -> ListRequest:
        def number(name: str, default: int, high: int) -> int:
            try:
                return min(max(int(args.get(name, default)), 1), high)
            except (TypeError, ValueError):
                return default

        known = {f.name for f in view.filters}
        return cls(
            search=(args.get("q") or "").strip()[:MAX_SEARCH],
            filters=tuple(f for f in args.getlist("f") if f in known),
            sort=args.get("sort") if args.get("sort") in view.list_columns else None,
            descending=args.get("desc") == "1",
            page=number("page", 1, 100_000),
            page_size=number("size", view.page_size, MAX_PAGE_SIZE),
            archived=args.get("archived") == "1",
            equals=tuple(_equals(args, view)),
            months=tuple(
                (key[6:], value)
                for key, value in args.items(multi=True)
                if key.startswith("month.")
                and _is_date(filterable_column(view.model, key[6:]))
                and period_bounds(value) is not None
            ),
            groups=tuple(
                dict.fromkeys(
                    name[:MAX_GROUP_NAME]
                    for name in args.getlist("group")
                    if name.partition(":")[0] in {f.name for f in view.fields}
                )
            )[:MAX_GROUP_LEVELS],
        )

    def args(self) -> dict[str, Any]:
        """The query-string parameters that ask for this list (page left out)."""
        params: dict[str, Any] = {
            "q": self.search or None,
            "f": list(self.filters) or None,
            "sort": self.sort,
            "desc": "1" if self.descending else None,
            "archived": "1" if self.archived else None,
        }
        for name, value in self.equals:
            params[f"eq.{name}"] = "" if value is None else _plain_arg(value)
        for name, value in self.months:
            params[f"month.{name}"] = value
        if self.groups:
            params["group"] = list(self.groups)
        return {key: value for key, value in params.items() if value is not None}


MAX_GROUP_LEVELS = 2
MAX_GROUP_NAME = 80
_PERIOD = re.compile(r"(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2])(?:-(\d{2}))?)?")
_INVALID = object()


def period_bounds(value: str) -> tuple[date, date] | None:
    """The first day of period ``value`` (2026, 2026-Q4, 2026-11, 2026-11-05) and the
    first day after it; None when ``value`` is no such period."""
    found = _PERIOD.fullmatch(value or "")
    if found is None:
        return None
    year, quarter, month, day = found.groups()
    try:
        if day is not None:
            start = date(int(year), int(month), int(day))
            return start, start + timedelta(days=1)
        if month is None and quarter is None:
            return date(int(year), 1, 1), date(int(year) + 1, 1, 1)
        first = int(month) if month else int(quarter) * 3 - 2
        months = 1 if month else 3
        after = first - 1 + months
        return date(int(year), first, 1), date(int(year) + after // 12, after % 12 + 1, 1)
    except (ValueError, OverflowError):
        return None


def _is_date(column) -> bool:
    if column is None:
        return False
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    return isinstance(kind, Date | DateTime)


def filter_column(model: type, name: str):
    """The column behind field ``name`` (a column, or a many-to-one's key), or None."""
    relationship = relationship_of(model, name)
    if relationship is not None:
        if relationship.direction.name != "MANYTOONE":
            return None
        return next(iter(relationship.local_columns))
    return model.__table__.columns.get(name)


def coerce(column, raw: str) -> Any:
    """``raw`` from a URL as a value of ``column``; ``_INVALID`` when it cannot be one."""
    if raw == "":
        return None
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    try:
        if isinstance(kind, Boolean):
            return raw in ("1", "true", "True")
        if isinstance(kind, Enum):
            return raw if raw in kind.enums else _INVALID
        if isinstance(kind, Integer):
            return int(raw)
        if isinstance(kind, Numeric):
            return Decimal(raw)
    except (ValueError, ArithmeticError):
        return _INVALID
    return raw[:255]


def filterable_column(model: type, name: str):
    """``filter_column``, less a protected column the current user may not read: a
    filter on it would let them guess its values."""
    column = filter_column(model, name)
    if column is None or "permission" not in column.info:
        return column
    if not has_request_context():
        return None
    return column if current_access().can(column.info["permission"]) else None


def _equals(args, view: ModelView):
    for key, raw in args.items(multi=True):
        if not key.startswith("eq."):
            continue
        column = filterable_column(view.model, key[3:])
        if column is None:
            continue
        value = coerce(column, raw)
        if value is not _INVALID:
            yield column.key, value


def _plain_arg(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


@dataclass
class ListPage:
    rows: list[Any]
    total: int
    request: ListRequest
    columns: list[str] = field(default_factory=list)
    # Sums of the view's measures over every page (the footer).
    totals: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.page_size))


def relationship_of(model: type, name: str) -> RelationshipProperty | None:
    prop = inspect(model).attrs.get(name)
    return prop if isinstance(prop, RelationshipProperty) else None


def visible_columns(view: ModelView, access: Access, names: tuple[str, ...]) -> list[str]:
    """``names`` less the columns the user may not read."""
    readable = access.readable_fields(view.model)
    relationships = {r.key for r in inspect(view.model).relationships}
    return [n for n in names if n in readable or n in relationships]


def measure_names(view: ModelView, access: Access) -> list[str]:
    """The view's measures the user may read (numeric columns only)."""
    readable = access.readable_fields(view.model)
    columns = view.model.__table__.columns
    return [
        name
        for name in view.measures
        if name in readable
        and name in columns
        and isinstance(_type_of(columns[name]), Numeric | Integer)
    ]


def zero(view: ModelView, measure: str) -> Any:
    """The sum of no record at the measure's scale (0.00 for money)."""
    quantum = getattr(view.model.__table__.columns[measure].type, "quantum", None)
    return Decimal(0).quantize(quantum) if quantum is not None else 0


def _type_of(column):
    return column.type.impl if isinstance(column.type, TypeDecorator) else column.type


def conditions(view: ModelView, request: ListRequest) -> list:
    model = view.model
    found = []
    if request.search and view.search_fields:
        pattern = f"%{escape_like(request.search)}%"
        found.append(
            or_(
                *(
                    getattr(model, name).ilike(pattern, escape=LIKE_ESCAPE)
                    for name in view.search_fields
                )
            )
        )
    by_name = {f.name: f for f in view.filters}
    found += [by_name[name].condition() for name in request.filters]
    for name, value in request.equals:
        column = model.__table__.columns[name]
        found.append(column.is_(None) if value is None else column == value)
    for name, value in request.months:
        column = filter_column(model, name)
        start, end = period_bounds(value)
        if isinstance(column.type, UTCDateTime):
            start = datetime.combine(start, time(), tzinfo=UTC)
            end = datetime.combine(end, time(), tzinfo=UTC)
        found.append(column >= start)
        found.append(column < end)
    if issubclass(model, ActiveMixin):
        found.append(model.active.is_(not request.archived))
    return found


def sort_clause(view: ModelView, request: ListRequest):
    model = view.model
    name = request.sort or view.default_order
    relationship = relationship_of(model, name)
    column = (
        relationship.local_columns and next(iter(relationship.local_columns))
        if relationship
        else getattr(model, name)
    )
    ordered = column.desc() if request.descending else column.asc()
    return [ordered, model.id.desc() if request.descending else model.id.asc()]


def load_page(
    session: Session,
    view: ModelView,
    access: Access,
    request: ListRequest,
    columns: tuple[str, ...] | None = None,
) -> ListPage:
    """One page of the list; ``columns`` (a user's choice) replaces the declared ones."""
    model = view.model
    columns = visible_columns(view, access, columns or view.list_columns)
    where = conditions(view, request)
    # The count and the footer's totals of every page, in one query.
    measures = measure_names(view, access)
    sums = [func.sum(model.__table__.columns[name]) for name in measures]
    counted = session.execute(
        access.restrict(select(func.count(), *sums).select_from(model), model).where(*where)
    ).one()
    total, totals = counted[0], dict(zip(measures, counted[1:], strict=True))
    statement: Select = access.select(model).where(*where).order_by(*sort_clause(view, request))
    for name in columns:
        if relationship_of(model, name) is not None:
            statement = statement.options(selectinload(getattr(model, name)))
    statement = statement.limit(request.page_size).offset((request.page - 1) * request.page_size)
    rows = list(session.scalars(statement))
    totals = {name: zero(view, name) if value is None else value for name, value in totals.items()}
    return ListPage(rows=rows, total=total or 0, request=request, columns=columns, totals=totals)
