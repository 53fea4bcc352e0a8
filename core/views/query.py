"""The list query of a ModelView: search, filters, sorting, paging, through the access layer.

A page costs a fixed number of queries whatever its size: one count, one page, and one
per many-to-one column shown (loaded together with ``selectinload``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, inspect, or_, select
from sqlalchemy.orm import RelationshipProperty, Session, selectinload

from core.db import ActiveMixin
from core.hookspecs import ModelView
from core.schemas import LIKE_ESCAPE, escape_like
from core.security.access import Access

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
        )


@dataclass
class ListPage:
    rows: list[Any]
    total: int
    request: ListRequest
    columns: list[str] = field(default_factory=list)

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


def load_page(session: Session, view: ModelView, access: Access, request: ListRequest) -> ListPage:
    model = view.model
    columns = visible_columns(view, access, view.list_columns)
    where = conditions(view, request)
    total = session.scalar(
        access.restrict(select(func.count()).select_from(model), model).where(*where)
    )
    statement: Select = access.select(model).where(*where).order_by(*sort_clause(view, request))
    for name in columns:
        if relationship_of(model, name) is not None:
            statement = statement.options(selectinload(getattr(model, name)))
    statement = statement.limit(request.page_size).offset((request.page - 1) * request.page_size)
    rows = list(session.scalars(statement))
    return ListPage(rows=rows, total=total or 0, request=request, columns=columns)
