"""Dashboards and form panels that addons declare, through HTTP on the delta fixture addon:
figures follow the record rules and companies, the period narrows on the widget's date
field, every chart point opens exactly its records, and panels honour their permission."""

import re
from datetime import date

import pytest

from core.testing import dashboard_figures as figures
from core.testing import log_in
from core.testing import page_charts as charts
from core.views import dashboards
from tests.conftest import DELTA_PASSWORD

pytestmark = pytest.mark.spec("5.1.4.1")
EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
BOARD = "/dashboards/delta.overview"


def client_for(app, login):
    client = app.test_client()
    client.csrf_token = log_in(client, login, DELTA_PASSWORD)
    return client


def page(client, url, headers=EN, status=200):
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:600]
    return response.get_data(as_text=True)


def task_names(html: str) -> list[str]:
    return sorted(set(re.findall(r">(Task t\d)<", html)))


def test_figures_and_charts_follow_record_rules_and_open_their_records(delta_app):
    app, _ids = delta_app
    carol = client_for(app, "carol")
    html = page(carol, BOARD + "?period=all")
    assert "<script>" not in html and "analysis.js" in html
    found = figures(html)
    assert found["Tasks"][0] == "3"  # company A only: t4 is company B's
    assert found["Urgent amount"][0] == "20.25"
    assert task_names(page(carol, found["Urgent amount"][1])) == ["Task t2"]
    by_state, top_owners, by_month = charts(html)
    assert by_state["categories"] == ["Draft", "Open", "Done"]
    assert by_state["series"][0]["data"] == [1, 1, 1]
    assert task_names(page(carol, by_state["series"][0]["links"][1])) == ["Task t2"]
    # Top one owner by amount, the rest as "Others", and the cumulative share.
    assert top_owners["categories"] == ["Alice", "Others"]
    assert top_owners["series"][0]["text"] == ["30.75", "5.00"]
    assert top_owners["share"]["data"] == [86.0, 100.0]
    assert task_names(page(carol, top_owners["series"][0]["links"][0])) == ["Task t1", "Task t2"]
    assert by_month["type"] == "line"
    assert by_month["categories"] == ["Oct 2026", "Nov 2026", "Not set"]
    # alice reaches her own tasks only, on the dashboard as in the list.
    alice = figures(page(client_for(app, "alice"), BOARD + "?period=all"))
    assert alice["Tasks"][0] == "2"
    # dave is company B's manager.
    assert figures(page(client_for(app, "dave"), BOARD + "?period=all"))["Tasks"][0] == "1"


def test_period_narrows_on_the_widgets_date_field(delta_app, monkeypatch):
    app, _ids = delta_app
    monkeypatch.setattr(dashboards, "today", lambda: date(2026, 11, 20))
    carol = client_for(app, "carol")
    this_month = figures(page(carol, BOARD + "?period=this_month"))
    assert this_month["Tasks"][0] == "1"
    assert "month.due_date=2026-11" in this_month["Tasks"][1]
    assert task_names(page(carol, this_month["Tasks"][1])) == ["Task t2"]
    assert figures(page(carol, BOARD + "?period=last_month"))["Tasks"][0] == "1"
    assert figures(page(carol, BOARD + "?period=last_year"))["Tasks"][0] == "0"
    # A widget without a date field ignores the period.
    assert figures(page(carol, BOARD + "?period=last_year"))["Urgent amount"][0] == "20.25"
    html = page(carol, BOARD + "?period=last_year")
    assert "No records in this period." in html
    # An unknown period falls back to the dashboard's default (this year).
    assert figures(page(carol, BOARD + "?period=<script>"))["Tasks"][0] == "2"


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("this_month", "2026-01"),
        ("last_month", "2025-12"),
        ("this_quarter", "2026-Q1"),
        ("last_quarter", "2025-Q4"),
        ("this_year", "2026"),
        ("last_year", "2025"),
        ("all", None),
    ],
)
def test_period_choices_cross_year_ends(choice, expected):
    assert dashboards.period_value(choice, date(2026, 1, 15)) == expected


def test_dashboard_in_the_menu_in_chinese_and_unknown_ones_are_404(delta_app):
    app, _ids = delta_app
    carol = client_for(app, "carol")
    assert 'href="/dashboards/delta.overview"' in page(carol, "/")
    html = page(carol, BOARD, headers=ZH)
    assert "本年" in html and "期间" in html
    page(carol, "/dashboards/delta.nothing", status=404)


def test_widgets_on_views_the_user_cannot_read_are_left_out(delta_app):
    from core import db
    from core.security.models import UserRole

    app, ids = delta_app
    with app.app_context():
        session = db.session()
        session.query(UserRole).filter(UserRole.user_id == ids["bob"]).delete()
        session.commit()
    html = page(client_for(app, "bob"), BOARD)
    assert figures(html) == {} and charts(html) == []
    assert "There is nothing on this dashboard you may see." in html


def test_form_panels_from_addons_honour_their_permission(delta_app):
    app, ids = delta_app
    carol = client_for(app, "carol")
    html = page(carol, f"/delta/task/{ids['t1']}")
    assert "Task lines" in html and "Lines of the task" in html and "t1 line" in html
    assert "Managers only" in html
    (chart,) = charts(html)
    assert chart["categories"] == ["t1 line"] and chart["series"][0]["text"] == ["2.0000"]
    alice = page(client_for(app, "alice"), f"/delta/task/{ids['t1']}")
    assert "Task lines" in alice and "Managers only" not in alice
    # No panel on a new record's form.
    assert "Task lines" not in page(carol, "/delta/task/new")
