"""Dashboards: pages of key figures and charts that addons declare (``core_register_dashboards``).

Every widget is a graph of one generic list: the same GROUP BY through the access layer
as the list's own graph (:func:`core.views.grouping.aggregate`), so record rules and
protected measures hold, and every figure, bar and slice opens the list narrowed to
its records. The page's period (this month, last quarter, all time...) narrows each
widget on its ``date_field`` with the list's ``month.<field>`` parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, render_template, request
from flask_babel import get_locale, get_timezone
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from core import db
from core.hookspecs import Dashboard, DashboardChart, DashboardFigure, ModelView
from core.i18n import lazy_gettext as _l
from core.registry import get_registry
from core.security.access import Access, current_access
from core.views import grouping
from core.views.analysis import chart_series, list_link, narrowing
from core.views.grouping import COUNT, number
from core.views.query import ListRequest, measure_names, period_bounds
from core.views.screens import blueprint, registered_views

LABEL_OTHERS = _l("Others")
LABEL_SHARE = _l("Cumulative share %")
PERIOD_LABELS = {
    "this_month": _l("This month"),
    "last_month": _l("Last month"),
    "this_quarter": _l("This quarter"),
    "last_quarter": _l("Last quarter"),
    "this_year": _l("This year"),
    "last_year": _l("Last year"),
    "all": _l("All time"),
}
DEFAULT_PERIODS = {"month": "this_month", "quarter": "this_quarter", "year": "this_year"}
CHART_TYPES = ("bar", "line", "pie")


def registered_dashboards() -> dict[str, Dashboard]:
    return {d.name: d for d in get_registry().collect("core_register_dashboards")}


def today() -> date:
    """Today where the reader is (their time zone, else the system's)."""
    return datetime.now(ZoneInfo(str(get_timezone()))).date()


def period_value(choice: str, on: date) -> str | None:
    """The list period (``2026``, ``2026-Q4``, ``2026-11``) of a picker choice; None: all."""
    quarter = (on.month - 1) // 3 + 1
    if choice == "this_month":
        return f"{on.year}-{on.month:02d}"
    if choice == "last_month":
        year, month = (on.year, on.month - 1) if on.month > 1 else (on.year - 1, 12)
        return f"{year}-{month:02d}"
    if choice == "this_quarter":
        return f"{on.year}-Q{quarter}"
    if choice == "last_quarter":
        return f"{on.year}-Q{quarter - 1}" if quarter > 1 else f"{on.year - 1}-Q4"
    if choice == "this_year":
        return str(on.year)
    if choice == "last_year":
        return str(on.year - 1)
    return None


@dataclass
class Figure:
    label: str
    value: str
    url: str
    tone: str | None


def _base(widget, view: ModelView, period: str | None) -> tuple[ListRequest, dict[str, Any]]:
    """The list request a widget stands for, and its URL parameters."""
    args = MultiDict(list(widget.params))
    if period is not None and widget.date_field:
        args.add(f"month.{widget.date_field}", period)
    wanted = ListRequest.from_args(args, view)
    return wanted, narrowing(wanted)


def _usable(widget, views: dict[str, ModelView], access: Access) -> ModelView | None:
    """The widget's view, when the reader may read it and its measure."""
    view = views.get(widget.view)
    if view is None or not access.can(f"{view.model.__resource__}.read"):
        return None
    if widget.measure != COUNT and widget.measure not in measure_names(view, access):
        return None
    return view


def build_figure(session, view: ModelView, access: Access, widget: DashboardFigure, period):
    wanted, params = _base(widget, view, period)
    measures = [] if widget.measure == COUNT else [widget.measure]
    result = grouping.aggregate(session, view, access, wanted, [], measures)
    return Figure(
        label=str(widget.label),
        value=number(result.total(widget.measure)),
        url=list_link(view, params),
        tone=widget.tone,
    )


def build_chart(session, view: ModelView, access: Access, widget: DashboardChart, period):
    """ECharts data (the shape ``analysis.js`` draws) of one chart widget."""
    wanted, params = _base(widget, view, period)
    x_by = grouping.resolve(view, access, [widget.x])[:1]
    if not x_by:
        return None
    measure = widget.measure
    measures = [] if measure == COUNT else [measure]
    result = grouping.aggregate(session, view, access, wanted, [x_by[0].name], measures)
    rows = list(result.rows)
    if widget.top:
        rows.sort(key=lambda r: r.value(measure), reverse=True)
    shown, rest = (rows[: widget.top], rows[widget.top :]) if widget.top else (rows, [])
    categories = [row.keys[0].label for row in shown]
    values = [row.value(measure) for row in shown]
    links = [list_link(view, grouping.drill_params(params, row.keys[0])) for row in shown]
    if rest:
        categories.append(str(LABEL_OTHERS))
        values.append(sum((row.value(measure) for row in rest), grouping.zero(view, measure)))
        links.append(list_link(view, params))
    label = grouping.measure_label(view, measure)
    series = [chart_series(label, values, links)]
    share = None
    total = result.total(measure)
    if widget.pareto and total:
        running, points = 0, []
        for value in values:
            running += value
            points.append((Decimal(running) * 100 / Decimal(total)).quantize(Decimal("0.1")))
        share = chart_series(str(LABEL_SHARE), points, links)
    chart = widget.chart if widget.chart in CHART_TYPES else "bar"
    return {
        "type": chart,
        "locale": "ZH" if str(get_locale()).startswith("zh") else "EN",
        "language": str(get_locale()).replace("_", "-"),
        "measure": label,
        "x": x_by[0].title,
        "categories": categories,
        "series": series,
        "share": share,
        "decimals": _decimals(grouping.zero(view, measure)),
        "truncated": result.truncated,
        "empty": not shown,
        "url": list_link(view, params),
    }


def _decimals(zero: Any) -> int:
    return -zero.as_tuple().exponent if isinstance(zero, Decimal) else 0


@blueprint.get("/dashboards/<name>")
@login_required
def dashboard(name: str):
    board = registered_dashboards().get(name)
    if board is None:
        abort(404)
    access = current_access()
    if board.permission:
        access.require(board.permission)
    choice = request.args.get("period")
    if choice not in PERIOD_LABELS:
        choice = DEFAULT_PERIODS.get(board.default_period, "all")
    period = period_value(choice, today())
    if period is not None and period_bounds(period) is None:  # pragma: no cover - defensive
        period = None
    views = registered_views()
    session = db.session()
    figures, charts = [], []
    for widget in board.widgets:
        view = _usable(widget, views, access)
        if view is None:
            continue
        if isinstance(widget, DashboardFigure):
            figures.append(build_figure(session, view, access, widget, period))
        else:
            data = build_chart(session, view, access, widget, period)
            if data is not None:
                charts.append((widget, data))
    return render_template(
        "core/views/dashboard.html",
        board=board,
        figures=figures,
        charts=charts,
        periods=list(PERIOD_LABELS.items()),
        period=choice,
        period_value=period,
    )
