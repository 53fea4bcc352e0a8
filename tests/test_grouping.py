"""Counts and sums by groups (core.views.grouping) on the delta fixture addon: exact sums
through the record rules and companies, labels, periods on both engines, drill-down."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from core import db
from core.registry import get_registry
from core.security.access import AccessDenied, access_for
from core.security.users import User
from core.views.grouping import aggregate, group_options, resolve
from core.views.query import ListRequest, load_page, period_bounds

pytestmark = pytest.mark.spec("5.1.4.1")
EN = {"Accept-Language": "en"}


def tasks_view(app):
    with app.app_context():
        views = get_registry(app).collect("core_register_views")
    return next(v for v in views if v.name == "delta.task")


def grouped(app, login_id, groups, args=None, measures=None, headers=EN):
    """Rows of (labels, count, sums) as ``login_id`` sees them, and the aggregate."""
    view = tasks_view(app)
    with app.test_request_context(headers=headers):
        session = db.session()
        access = access_for(session, login_id)
        wanted = ListRequest.from_args(MultiDict(args or {}), view)
        result = aggregate(session, view, access, wanted, groups, measures)
        rows = [(tuple(k.label for k in r.keys), r.count, r.sums) for r in result.rows]
        return rows, result


def add_tasks(app, *tasks):
    from delta.models import DeltaTask

    with app.app_context():
        session = db.session()
        for values in tasks:
            session.add(DeltaTask(**values))
        session.commit()


def test_sums_are_exact_and_follow_the_rules_and_companies(delta_app):
    app, ids = delta_app
    with pytest.raises(AccessDenied):
        grouped(app, None, ["state"])
    with app.app_context():
        admin = db.session().scalar(select(User.id).where(User.login == "admin"))
    rows, result = grouped(app, admin, ["state"])
    assert rows == [
        (("Draft",), 2, {"amount": Decimal("109.50"), "hours": Decimal("3.0000")}),
        (("Open",), 1, {"amount": Decimal("20.25"), "hours": Decimal("1.5000")}),
        (("Done",), 1, {"amount": Decimal("5.00"), "hours": Decimal("1.5000")}),
    ]
    assert (result.count, result.sums["amount"]) == (4, Decimal("134.75"))
    # alice (delta.user) sees her own tasks only, carol her company's, dave company B's.
    _rows, alice = grouped(app, ids["alice"], [])
    assert (alice.count, alice.sums) == (
        2,
        {"amount": Decimal("30.75"), "hours": Decimal("3.0000")},
    )
    rows, _ = grouped(app, ids["alice"], ["state"])
    assert [(labels, count) for labels, count, _sums in rows] == [(("Draft",), 1), (("Open",), 1)]
    _rows, carol = grouped(app, ids["carol"], [])
    assert (carol.count, carol.sums["amount"]) == (3, Decimal("35.75"))
    _rows, dave = grouped(app, ids["dave"], [])
    assert (dave.count, dave.sums["amount"]) == (1, Decimal("99.00"))


def test_many_small_amounts_add_up_exactly(delta_app):
    app, ids = delta_app
    add_tasks(
        app,
        *(
            {
                "name": f"Cent {n}",
                "owner_id": ids["alice"],
                "amount": Decimal("0.10"),
                "hours": Decimal("0.0001"),
                "company_id": 1,
                "priority": "low",
            }
            for n in range(30)
        ),
    )
    rows, result = grouped(app, ids["alice"], ["priority"])
    low = next(r for r in rows if r[0] == ("Low",))
    assert low[1:] == (30, {"amount": Decimal("3.00"), "hours": Decimal("0.0030")})
    assert result.sums["amount"] == Decimal("33.75")
    assert isinstance(result.sums["amount"], Decimal)


def test_labels_of_enums_booleans_references_and_the_unset_group(delta_app):
    app, ids = delta_app
    add_tasks(app, {"name": "Nobody's", "company_id": 1, "amount": Decimal("1.00")})
    rows, _ = grouped(app, ids["carol"], ["owner"])
    assert [(labels, count) for labels, count, _s in rows] == [
        (("Alice",), 2),
        (("Bob",), 1),
        (("Not set",), 1),
    ]
    rows, _ = grouped(app, ids["carol"], ["owner"], headers={"Accept-Language": "zh-CN"})
    assert rows[-1][0] == ("未设置",)
    rows, _ = grouped(app, ids["carol"], ["priority", "state"])
    assert [labels for labels, _c, _s in rows] == [
        ("Low", "Done"),
        ("Normal", "Draft"),
        ("High", "Open"),
    ]


def test_dates_group_by_month_quarter_year_and_day(delta_app):
    app, ids = delta_app
    rows, _ = grouped(app, ids["carol"], ["due_date"])
    assert [(labels, count) for labels, count, _s in rows] == [
        (("Oct 2026",), 1),
        (("Nov 2026",), 1),
        (("Not set",), 1),
    ]
    rows, _ = grouped(app, ids["carol"], ["due_date:quarter"])
    assert [(labels, count) for labels, count, _s in rows] == [(("Q4 2026",), 2), (("Not set",), 1)]
    rows, _ = grouped(app, ids["carol"], ["due_date:year"])
    assert rows[0][:2] == (("2026",), 2)
    rows, _ = grouped(app, ids["carol"], ["due_date:day"])
    assert [labels for labels, _c, _s in rows][:2] == [("Oct 3, 2026",), ("Nov 5, 2026",)]
    rows, _ = grouped(app, ids["carol"], ["due_date"], headers={"Accept-Language": "zh-CN"})
    assert rows[0][0] == ("2026年10月",)


def test_timestamps_group_by_their_utc_month(delta_app):
    from delta.models import DeltaTask

    app, ids = delta_app
    with app.app_context():
        session = db.session()
        session.get(DeltaTask, ids["t1"]).created_at = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
        session.get(DeltaTask, ids["t2"]).created_at = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
        session.get(DeltaTask, ids["t3"]).created_at = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
        session.commit()
    rows, _ = grouped(app, ids["carol"], ["created_at"])
    assert [(labels, count) for labels, count, _s in rows] == [
        (("Dec 2025",), 1),
        (("Jan 2026",), 1),
        (("Mar 2026",), 1),
    ]
    rows, _ = grouped(app, ids["carol"], ["created_at:quarter"])
    assert [(labels, count) for labels, count, _s in rows] == [(("Q4 2025",), 1), (("Q1 2026",), 2)]


def test_every_group_drills_down_to_exactly_its_records(delta_app):
    app, ids = delta_app
    view = tasks_view(app)
    for groups in (
        ["state"],
        ["owner", "priority"],
        ["due_date"],
        ["due_date:quarter"],
        ["due_date:year", "state"],
        ["created_at:day"],
    ):
        _rows, result = grouped(app, ids["carol"], groups, args={"q": "Task"})
        assert sum(r.count for r in result.rows) == 3
        for row in result.rows:
            params = MultiDict({"q": "Task"})
            for key in row.keys:
                for name, value in key.params:
                    params[name] = value
            with app.test_request_context(headers=EN):
                session = db.session()
                access = access_for(session, ids["carol"])
                page = load_page(session, view, access, ListRequest.from_args(params, view))
                assert page.total == row.count, (groups, params)
                assert page.totals["amount"] == row.sums["amount"]


def test_only_readable_fields_are_grouped_or_summed(delta_app):
    from delta.models import DeltaTask

    app, ids = delta_app
    view = tasks_view(app)
    column = DeltaTask.__table__.c.amount
    owner = DeltaTask.__table__.c.owner_id
    column.info["permission"] = "delta.task.secret"
    owner.info["permission"] = "delta.task.secret"
    try:
        _rows, result = grouped(app, ids["carol"], ["owner", "state"])
        assert result.measures == ["hours"] and "amount" not in result.sums
        assert [f.name for f in result.fields] == ["state"]
        with app.app_context():
            access = access_for(db.session(), ids["carol"])
            assert "owner" not in {g.field for g in group_options(view, access)}
    finally:
        del column.info["permission"], owner.info["permission"]


def test_group_names_are_checked(delta_app):
    app, ids = delta_app
    view = tasks_view(app)
    with app.app_context():
        access = access_for(db.session(), ids["carol"])
        names = [
            g.name
            for g in resolve(
                view,
                access,
                [
                    "name",
                    "lines",
                    "state:month",
                    "x",
                    "due_date:week",
                    "due_date",
                    "state",
                    "state",
                ],
            )
        ]
    assert names == ["due_date:month", "state"]


def test_periods_of_drill_down_parameters():
    assert period_bounds("2026") == (date(2026, 1, 1), date(2027, 1, 1))
    assert period_bounds("2026-Q4") == (date(2026, 10, 1), date(2027, 1, 1))
    assert period_bounds("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))
    assert period_bounds("2024-02-29") == (date(2024, 2, 29), date(2024, 3, 1))
    for bad in ("2026-13", "2026-Q5", "2025-02-29", "9999-12-31", "26-1", "", "2026-1"):
        assert period_bounds(bad) is None, bad
