"""Grouped and analytical views of every generic list: the list's group rows, pivot,
graph and kanban, built from the ModelView declarations.

Every figure comes from :func:`core.views.grouping.aggregate` (one GROUP BY through the
access layer with the list's own filters), every cell, bar and group links to the list
narrowed to its records, and a kanban move goes to the addon's ``update`` service.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core import db
from core.hookspecs import ModelView
from core.i18n import lazy_gettext as _l
from core.schemas import BusinessError
from core.security.access import Access, current_access
from core.security.audit import record as audit
from core.views import grouping
from core.views.display import record_name, show
from core.views.grouping import COUNT, Aggregate, GroupField, GroupKey, aggregate, number
from core.views.query import (
    ListPage,
    ListRequest,
    conditions,
    relationship_of,
    sort_clause,
    visible_columns,
)
from core.views.records import refusal_text
from core.views.screens import blueprint, find_view, view_url

LABEL_LIST = _l("List")
LABEL_PIVOT = _l("Pivot")
LABEL_GRAPH = _l("Graph")
LABEL_KANBAN = _l("Kanban")
LABEL_TOTAL = _l("Total")
LABEL_BAR = _l("Bar")
LABEL_LINE = _l("Line")
LABEL_PIE = _l("Pie")
MSG_REPORT_SAVED = _l("Report “%(name)s” saved.")
MSG_MOVED = _l("Moved to %(stage)s.")
MSG_NO_SUCH_STAGE = _l("There is no such stage.")
MSG_TRUNCATED = _l("Only the first %(count)s groups are shown; narrow the search to see the rest.")

CHART_TYPES = ("bar", "line", "pie")
REPORT_KINDS = ("pivot", "graph")
# How many cards a kanban column shows (the column header counts them all).
CARDS_PER_COLUMN = 40
CARD_FIELDS = 3
# Query parameters of the list that narrow its records (the rest is layout).
LAYOUT_KEYS = ("sort", "desc", "group", "page", "size")


# --------------------------------------------------------------------------- shared


def narrowing(wanted: ListRequest) -> dict[str, Any]:
    """The parameters that choose the list's records: search, filters, drill-down."""
    return {k: v for k, v in wanted.args().items() if k not in LAYOUT_KEYS}


def list_link(view: ModelView, params: dict[str, Any]) -> str:
    return view_url(view.name, **{k: v for k, v in params.items() if v is not None})


def page_url(view: ModelView, kind: str, params: dict[str, Any]) -> str:
    return url_for(
        f"core.views.{kind}",
        addon=view.addon,
        slug=view.slug,
        **{k: v for k, v in params.items() if v not in (None, "", [])},
    )


def switcher(view: ModelView, wanted: ListRequest, current: str) -> list[dict[str, Any]]:
    """The tabs List / Pivot / Graph / Kanban, each keeping the current search and filters."""
    params = narrowing(wanted)
    tabs = [
        ("list", LABEL_LIST, list_link(view, params)),
        ("pivot", LABEL_PIVOT, page_url(view, "pivot", params)),
        ("graph", LABEL_GRAPH, page_url(view, "graph", params)),
    ]
    if has_kanban(view):
        tabs.append(("kanban", LABEL_KANBAN, page_url(view, "kanban", params)))
    return [
        {"key": k, "label": label, "url": url, "active": k == current} for k, label, url in tabs
    ]


def has_kanban(view: ModelView) -> bool:
    return bool(view.kanban and view.state_field)


def measure_choices(view: ModelView, access: Access) -> list[tuple[str, str]]:
    return [(COUNT, grouping.measure_label(view, COUNT))] + [
        (name, grouping.measure_label(view, name)) for name in grouping.measure_names(view, access)
    ]


def _chosen_measure(view: ModelView, access: Access) -> str:
    allowed = [name for name, _label in measure_choices(view, access)]
    wanted = request.args.get("measure")
    if wanted in allowed:
        return wanted
    return allowed[1] if len(allowed) > 1 else COUNT


def _setup(addon: str, slug: str):
    view = find_view(addon, slug)
    access = current_access()
    access.require(f"{view.model.__resource__}.read")
    return view, access, ListRequest.from_args(request.args, view)


def _context(
    view: ModelView, wanted: ListRequest, current: str, layout: dict[str, Any]
) -> dict[str, Any]:
    from core.views import personal

    return {
        "view": view,
        "wanted": wanted,
        "layout": layout,
        "clear_url": page_url(view, current, layout),
        "tabs": switcher(view, wanted, current),
        "narrowing": narrowing(wanted),
        "number": number,
        "reports": personal.saved_filters(view, current) if current in REPORT_KINDS else [],
        "report_url": personal.filter_url,
        "kind": current,
    }


# --------------------------------------------------------------------------- list groups


@dataclass
class GroupLine:
    level: int
    label: str
    count: int
    sums: dict[str, Any]
    url: str


@dataclass
class GroupedList:
    page: ListPage
    result: Aggregate
    lines: list[GroupLine] = field(default_factory=list)


def grouped_list(
    session, view: ModelView, access: Access, wanted: ListRequest, columns=None
) -> GroupedList | None:
    """The list's group rows for ``?group=...`` (None when it is not grouped): counts and
    sums per group, the first level subtotalling the second, each linking to its records."""
    if not wanted.groups:
        return None
    result = aggregate(session, view, access, wanted, wanted.groups)
    if not result.fields:
        return None
    shown = visible_columns(view, access, columns or view.list_columns)
    page = ListPage(rows=[], total=result.count, request=wanted, columns=shown, totals=result.sums)
    base = narrowing(wanted)
    lines: list[GroupLine] = []
    second = [g.name for g in result.fields[1:2]]
    for first, rows in _by_first_key(result.rows):
        params = grouping.drill_params(base, first)
        if second:
            params["group"] = second
        lines.append(
            GroupLine(
                0,
                first.label,
                sum(r.count for r in rows),
                {
                    m: sum((r.sums[m] for r in rows), grouping.zero(view, m))
                    for m in result.measures
                },
                list_link(view, params),
            )
        )
        if second:
            lines += [
                GroupLine(
                    1,
                    row.keys[1].label,
                    row.count,
                    row.sums,
                    list_link(view, grouping.drill_params(base, *row.keys)),
                )
                for row in rows
            ]
    return GroupedList(page=page, result=result, lines=lines)


def _by_first_key(rows):
    """Rows (sorted by their first key) in runs of the same first key."""
    runs: list[tuple[GroupKey, list]] = []
    for row in rows:
        if runs and runs[-1][0].value == row.keys[0].value:
            runs[-1][1].append(row)
        else:
            runs.append((row.keys[0], [row]))
    return runs


def list_context(view: ModelView, access: Access, wanted: ListRequest, grouped) -> dict[str, Any]:
    """What list.html needs for the switcher, the group-by menu, group rows and footer."""
    chosen = [g.name for g in grouped.result.fields] if grouped else []
    options = []
    for option in grouping.group_options(view, access):
        levels = [*chosen[:1], option.name]
        if option.name in chosen:
            levels = chosen
        params = {**wanted.args(), "group": levels}
        options.append((option, option.name in chosen, list_link(view, params)))
    return {
        "tabs": switcher(view, wanted, "list"),
        "grouped": grouped,
        "group_options": options,
        "ungrouped_url": list_link(view, {k: v for k, v in wanted.args().items() if k != "group"}),
        "number": number,
        "msg_truncated": str(MSG_TRUNCATED) % {"count": grouping.MAX_GROUPS},
    }


# --------------------------------------------------------------------------- pivot


@dataclass
class PivotRow:
    level: int
    label: str
    cells: list[tuple[Any, str]]  # (value or None, drill-down URL)
    total: tuple[Any, str]


@dataclass
class Pivot:
    rows_by: list[GroupField]
    cols_by: GroupField | None
    measure: str
    columns: list[GroupKey]
    rows: list[PivotRow]
    column_totals: list[tuple[Any, str]]
    grand_total: tuple[Any, str]
    truncated: bool = False


def build_pivot(
    session, view: ModelView, access: Access, wanted: ListRequest, rows, cols, measure: str
) -> Pivot:
    """Rows x columns of ``measure`` (``count`` or a measure), with row and column totals;
    two row levels subtotal by the first."""
    rows_by = grouping.resolve(view, access, rows)[:2]
    # A field already on the rows is no column field too.
    on_rows = {r.name for r in rows_by}
    cols_by = [c for c in grouping.resolve(view, access, cols) if c.name not in on_rows][:1]
    measures = [] if measure == COUNT else [measure]
    result = aggregate(
        session, view, access, wanted, [*(g.name for g in rows_by + cols_by)], measures
    )
    width = len(rows_by)
    base = narrowing(wanted)
    zero = grouping.zero(view, measure)

    def link(*keys: GroupKey) -> str:
        return list_link(view, grouping.drill_params(base, *keys))

    columns: list[GroupKey] = []
    if cols_by:
        seen: dict[Any, GroupKey] = {}
        for row in result.rows:
            seen.setdefault(row.keys[width].value, row.keys[width])
        columns = sorted(seen.values(), key=lambda k: grouping.order_key(cols_by[0], k))
    position = {key.value: n for n, key in enumerate(columns)}

    def cells_of(group_rows) -> tuple[list[tuple[Any, str]], Any]:
        values: list[Any] = [None] * len(columns)
        for row in group_rows:
            if cols_by:
                n = position[row.keys[width].value]
                values[n] = (values[n] or zero) + row.value(measure)
        total = sum((row.value(measure) for row in group_rows), zero)
        return values, total

    pivot_rows: list[PivotRow] = []

    def add(level: int, keys: tuple[GroupKey, ...], group_rows) -> None:
        values, total = cells_of(group_rows)
        pivot_rows.append(
            PivotRow(
                level,
                keys[-1].label,
                [(v, link(*keys, c)) for v, c in zip(values, columns, strict=True)],
                (total, link(*keys)),
            )
        )

    if rows_by:
        for first, group_rows in _by_first_key(result.rows):
            add(0, (first,), group_rows)
            if width == 2:
                for second, inner in _by_key(group_rows, 1):
                    add(1, (first, second), inner)
    values, _total = cells_of(result.rows)
    return Pivot(
        rows_by=rows_by,
        cols_by=cols_by[0] if cols_by else None,
        measure=measure,
        columns=columns,
        rows=pivot_rows,
        column_totals=[
            (v if v is not None else zero, link(c)) for v, c in zip(values, columns, strict=True)
        ],
        grand_total=(result.total(measure), link()),
        truncated=result.truncated,
    )


def _by_key(rows, level: int):
    runs: dict[Any, tuple[GroupKey, list]] = {}
    for row in rows:
        runs.setdefault(row.keys[level].value, (row.keys[level], []))[1].append(row)
    return list(runs.values())


def _pivot_request(view: ModelView, access: Access):
    options = grouping.group_options(view, access)
    rows = request.args.getlist("rows")[:2]
    cols = request.args.getlist("cols")[:1]
    if "rows" not in request.args and options:
        default = view.state_field if view.state_field in {o.name for o in options} else None
        rows = [default or options[0].name]
    return rows, cols, _chosen_measure(view, access)


@blueprint.get("/<addon>/<slug>/pivot")
@login_required
def pivot(addon: str, slug: str):
    view, access, wanted = _setup(addon, slug)
    rows, cols, measure = _pivot_request(view, access)
    table = build_pivot(db.session(), view, access, wanted, rows, cols, measure)
    layout = {
        "rows": [g.name for g in table.rows_by],
        "cols": [table.cols_by.name] if table.cols_by else [],
        "measure": measure,
    }
    here = {**narrowing(wanted), **layout}
    swapped = {
        **here,
        "rows": layout["cols"] + layout["rows"][1:],
        "cols": layout["rows"][:1],
    }
    collapsed = {**here, "rows": layout["rows"][:1]}
    return render_template(
        "core/views/pivot.html",
        table=table,
        options=grouping.group_options(view, access),
        measures=measure_choices(view, access),
        swap_url=page_url(view, "pivot", swapped),
        collapse_url=page_url(view, "pivot", collapsed) if len(layout["rows"]) > 1 else None,
        export_url=lambda fmt: url_for(
            "core.views.pivot_export", addon=view.addon, slug=view.slug, format=fmt, **_clean(here)
        ),
        can_export=access.can_do(view.model, "export"),
        report_params=here,
        msg_truncated=str(MSG_TRUNCATED) % {"count": grouping.MAX_GROUPS},
        **_context(view, wanted, "pivot", layout),
    )


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in (None, "", [])}


def pivot_grid(view: ModelView, table: Pivot) -> list[list[Any]]:
    """The pivot as rows of cells (header first): what the exports write."""
    heading = " / ".join(g.title for g in table.rows_by) or ""
    header = [heading, *(c.label for c in table.columns), str(LABEL_TOTAL)]
    grid: list[list[Any]] = [header]
    for row in table.rows:
        label = ("    " * row.level) + row.label
        grid.append([label, *(v for v, _url in row.cells), row.total[0]])
    grid.append([str(LABEL_TOTAL), *(v for v, _url in table.column_totals), table.grand_total[0]])
    return grid


def _safe_text(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) made inert."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@blueprint.get("/<addon>/<slug>/pivot/export.<any(xlsx, csv):format>")
@login_required
def pivot_export(addon: str, slug: str, format: str):
    view, access, wanted = _setup(addon, slug)
    access.require(f"{view.model.__resource__}.export")
    rows, cols, measure = _pivot_request(view, access)
    session = db.session()
    table = build_pivot(session, view, access, wanted, rows, cols, measure)
    grid = [[_safe_text(cell) for cell in line] for line in pivot_grid(view, table)]
    audit(
        session,
        "export",
        resource=view.model.__resource__,
        changes={"rows": len(grid) - 1, "format": format, "kind": "pivot"},
    )
    session.commit()
    name = f"{view.addon}-{view.slug}-pivot.{format}"
    if format == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        for line in grid:
            writer.writerow(["" if cell is None else cell for cell in line])
        body = text.getvalue().encode("utf-8-sig")  # the BOM lets Excel read Chinese
        mimetype = "text/csv"
    else:
        body = _xlsx(view, grid, table.measure)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"}
    )


def _xlsx(view: ModelView, grid: list[list[Any]], measure: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(LABEL_PIVOT)[:31]
    places = 0 if measure == COUNT else -grouping.zero(view, measure).as_tuple().exponent
    style = "#,##0" + ("." + "0" * places if places else "")
    for line in grid:
        sheet.append(line)
        for cell in sheet[sheet.max_row][1:]:
            if isinstance(cell.value, int | Decimal):
                cell.number_format = style
    for cell in (*sheet[1], *sheet[sheet.max_row]):
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 32
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- graph


def build_graph(
    session, view: ModelView, access: Access, wanted: ListRequest, chart: str, x, series, measure
) -> dict[str, Any]:
    """The chart's data for ECharts: categories along x, one series per value of
    ``series`` (one series for a pie), and the list URL of every point."""
    x_by = grouping.resolve(view, access, [x])[:1]
    series_by = grouping.resolve(view, access, [series])[:1] if series and chart != "pie" else []
    if series_by and x_by and series_by[0].column is x_by[0].column:
        series_by = []
    measures = [] if measure == COUNT else [measure]
    result = aggregate(session, view, access, wanted, [g.name for g in x_by + series_by], measures)
    base = narrowing(wanted)
    categories: dict[Any, GroupKey] = {}
    names: dict[Any, GroupKey] = {}
    for row in result.rows:
        if x_by:
            categories.setdefault(row.keys[0].value, row.keys[0])
        if series_by:
            names.setdefault(row.keys[1].value, row.keys[1])
    ordered_series = (
        sorted(names.values(), key=lambda k: grouping.order_key(series_by[0], k))
        if series_by
        else [None]
    )
    x_keys = list(categories.values())
    x_position = {k.value: n for n, k in enumerate(x_keys)}
    label = grouping.measure_label(view, measure)
    data = []
    for key in ordered_series:
        values: list[Any] = [None] * len(x_keys)
        links = [
            list_link(view, grouping.drill_params(base, *(k for k in (c, key) if k is not None)))
            for c in x_keys
        ]
        for row in result.rows:
            if key is None or row.keys[1].value == key.value:
                values[x_position[row.keys[0].value]] = row.value(measure)
        if chart == "line":  # no record in a period: the line passes through zero
            values = [grouping.zero(view, measure) if v is None else v for v in values]
        data.append(chart_series(key.label if key else label, values, links))
    if not x_by:
        data = [chart_series(label, [result.total(measure)], [list_link(view, base)])]
    return {
        "type": chart,
        "locale": "ZH" if str(get_locale()).startswith("zh") else "EN",
        "language": str(get_locale()).replace("_", "-"),
        "measure": label,
        "x": x_by[0].title if x_by else "",
        "categories": [k.label for k in x_keys] or [str(LABEL_TOTAL)],
        "series": data,
        "decimals": 0 if measure == COUNT else -grouping.zero(view, measure).as_tuple().exponent,
        "truncated": result.truncated,
        "x_name": x_by[0].name if x_by else None,
        "series_name": series_by[0].name if series_by else None,
    }


def chart_series(name: str, values: list[Any], links: list[str]) -> dict[str, Any]:
    """One series for the chart: numbers to draw (floats are fine for a drawing), the exact
    figures as the reader writes them (tooltips and the table), and the list URLs."""
    return {
        "name": name,
        "data": [None if v is None else v if isinstance(v, int) else float(v) for v in values],
        "text": [None if v is None else number(v) for v in values],
        "links": links,
    }


@blueprint.get("/<addon>/<slug>/graph")
@login_required
def graph(addon: str, slug: str):
    view, access, wanted = _setup(addon, slug)
    options = grouping.group_options(view, access)
    names = {o.name for o in options} | {o.field for o in options}
    chart = request.args.get("type") if request.args.get("type") in CHART_TYPES else "bar"
    x = request.args.get("x")
    if x not in names:
        default = view.state_field if view.state_field in names else None
        x = default or (options[0].name if options else None)
    series = request.args.get("series") if request.args.get("series") in names else None
    measure = _chosen_measure(view, access)
    chart_data = build_graph(db.session(), view, access, wanted, chart, x, series, measure)
    layout = {
        "type": chart,
        "x": chart_data["x_name"],
        "series": chart_data["series_name"],
        "measure": measure,
    }
    return render_template(
        "core/views/graph.html",
        chart=chart_data,
        options=options,
        measures=measure_choices(view, access),
        chart_types=[("bar", LABEL_BAR), ("line", LABEL_LINE), ("pie", LABEL_PIE)],
        report_params={**narrowing(wanted), **_clean(layout)},
        msg_truncated=str(MSG_TRUNCATED) % {"count": grouping.MAX_GROUPS},
        **_context(view, wanted, "graph", layout),
    )


# --------------------------------------------------------------------------- kanban


@dataclass
class KanbanColumn:
    value: str
    label: str
    count: int
    sums: dict[str, Any]
    cards: list[Any]
    more_url: str | None


def build_kanban(session, view: ModelView, access: Access, wanted: ListRequest, columns):
    """One column per stage (in declared order) with its count and sums, and its first
    cards: one aggregate query and one query for every column's cards together."""
    model = view.model
    stage = grouping.stage_field(view, access)
    if stage is None:
        abort(404)
    result = aggregate(session, view, access, wanted, [stage])
    by_value = {row.keys[0].value: row for row in result.rows}
    column = stage.column
    rank = (
        func.row_number()
        .over(partition_by=column, order_by=sort_clause(view, wanted))
        .label("rank")
    )
    ranked = (
        access.restrict(select(model.id, rank), model).where(*conditions(view, wanted)).subquery()
    )
    statement = (
        access.select(model)
        .join(ranked, ranked.c.id == model.id)
        .where(ranked.c.rank <= CARDS_PER_COLUMN)
        .order_by(ranked.c.rank)
    )
    for name in columns:
        if relationship_of(model, name) is not None:
            statement = statement.options(selectinload(getattr(model, name)))
    cards: dict[Any, list] = {}
    for record in session.scalars(statement):
        value = getattr(record, column.key)
        cards.setdefault(getattr(value, "value", value), []).append(record)
    base = narrowing(wanted)
    board = []
    for value, label in stage.choices:
        row = by_value.get(value)
        count = row.count if row else 0
        shown = cards.get(value, [])
        more = None
        if count > len(shown):
            more = list_link(view, {**base, f"eq.{column.key}": value})
        board.append(
            KanbanColumn(
                value=value,
                label=str(label),
                count=count,
                sums=row.sums if row else {m: grouping.zero(view, m) for m in result.measures},
                cards=shown,
                more_url=more,
            )
        )
    return board, result.measures


def card_fields(view: ModelView, access: Access) -> list[str]:
    """A few list columns for the cards (not the stage, not the name shown as title)."""
    names = visible_columns(view, access, view.list_columns)
    return [n for n in names if n not in (view.state_field, "name")][:CARD_FIELDS]


@blueprint.get("/<addon>/<slug>/kanban")
@login_required
def kanban(addon: str, slug: str):
    view, access, wanted = _setup(addon, slug)
    if not has_kanban(view):
        abort(404)
    fields = card_fields(view, access)
    board, measures = build_kanban(db.session(), view, access, wanted, fields)
    movable = view.move is not None and access.can_do(view.model, "write")
    template = (
        "core/views/_kanban_board.html"
        if request.headers.get("HX-Request")
        else "core/views/kanban.html"
    )
    return render_template(
        template,
        board=board,
        measures=measures,
        fields=fields,
        specs={f.name: f for f in view.fields},
        show=show,
        record_name=record_name,
        movable=movable,
        **_context(view, wanted, "kanban", {}),
    )


@blueprint.post("/<addon>/<slug>/<int:record_id>/move")
@login_required
def move_card(addon: str, slug: str, record_id: int):
    """Drag a card to another column: the view's ``move(session, id, stage)`` service."""
    view = find_view(addon, slug)
    if not has_kanban(view) or view.move is None:
        abort(404)
    access = current_access()
    access.require(f"{view.model.__resource__}.write")
    session = db.session()
    record = access.get(session, view.model, record_id, "write")
    stage = grouping.stage_field(view, access)
    value = request.form.get("to", "")
    labels = dict(stage.choices) if stage else {}
    if value not in labels:
        return jsonify(message=str(MSG_NO_SUCH_STAGE)), 422
    try:
        view.move(session, record_id, value)
        session.flush()
        access.check(session, record, "write")
        session.commit()
    except BusinessError as error:
        session.rollback()
        return jsonify(message=refusal_text(error)), 422
    return jsonify(message=str(MSG_MOVED) % {"stage": labels[value]})


# --------------------------------------------------------------------------- reports


@blueprint.post("/<addon>/<slug>/reports")
@login_required
def save_report(addon: str, slug: str):
    """Save the pivot or graph on screen under a name (own, or shared with everyone who
    may open the list: each reader still sees only the records their rules allow)."""
    from core.views import personal

    view = find_view(addon, slug)
    current_access().require(f"{view.model.__resource__}.read")
    kind = request.form.get("kind")
    if kind not in REPORT_KINDS:
        abort(400)
    params = personal.kept_params(request.form)
    params.pop("group", None)
    for key in ("rows", "cols"):
        values = [v[: personal.PARAM_LENGTH] for v in request.form.getlist(key)[:2] if v]
        if values:
            params[key] = values
    for key in ("measure", "type", "x", "series"):
        if request.form.get(key):
            params[key] = request.form[key][: personal.PARAM_LENGTH]
    session = db.session()
    try:
        saved = personal.store_filter(
            view, kind, request.form.get("name", ""), request.form.get("shared") == "1", params
        )
        session.commit()
    except BusinessError as error:
        session.rollback()
        flash(refusal_text(error), "danger")
        return redirect(page_url(view, kind, params))
    flash(str(MSG_REPORT_SAVED) % {"name": saved.name}, "success")
    return redirect(personal.filter_url(view, saved))
