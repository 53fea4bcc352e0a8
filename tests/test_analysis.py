"""Grouped lists, pivot, graph, kanban and saved reports, through HTTP on the delta fixture
addon: figures follow the record rules and companies, drill-down links give exactly the
records counted, a kanban move goes through the service, and the query count is fixed."""

import csv
import io
import json
import re
from dataclasses import replace
from decimal import Decimal
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, select

from core import db
from core.models import SavedFilter
from core.plugins import hookimpl
from core.registry import get_registry
from core.schemas import BusinessError
from core.security.models import AuditEntry
from core.testing import log_in
from tests.conftest import DELTA_PASSWORD

pytestmark = pytest.mark.spec("5.1.4.1")
EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def client_for(app, login):
    client = app.test_client()
    client.csrf_token = log_in(client, login, DELTA_PASSWORD)
    return client


def page(client, url, headers=EN, status=200):
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:600]
    return response.get_data(as_text=True)


def task_names(html: str) -> list[str]:
    return sorted(set(re.findall(r">(Task t\d|Cent \d+|Extra \d+)<", html)))


def group_rows(html: str) -> list[tuple[str, str, str]]:
    """(label, count, url) of each group row of a grouped list."""
    found = re.findall(
        r'<th scope="row" class="group-label"><a href="([^"]+)">([^<]+)</a>\s*'
        r'<span class="badge[^"]*"[^>]*>([^<]+)</span>',
        html,
    )
    return [(label, count, unescape(url)) for url, label, count in found]


def add_tasks(app, count, **values):
    from delta.models import DeltaTask

    with app.app_context():
        session = db.session()
        for n in range(count):
            session.add(DeltaTask(name=f"Extra {n}", company_id=1, **values))
        session.commit()


# --------------------------------------------------------------------------- list


def test_grouped_list_counts_sums_and_drills_down(delta_app):
    app, _ids = delta_app
    carol = client_for(app, "carol")
    html = page(carol, "/delta/task/?group=state")
    rows = group_rows(html)
    assert [(label, count) for label, count, _url in rows] == [
        ("Draft", "1"),
        ("Open", "1"),
        ("Done", "1"),
    ]
    assert 'data-total="amount">35.75<' in html and 'data-total="hours">4.5000<' in html
    expected = {"Draft": ["Task t1"], "Open": ["Task t2"], "Done": ["Task t3"]}
    for label, _count, url in rows:
        assert "group=" not in url
        assert task_names(page(carol, url)) == expected[label]


def test_grouped_list_follows_the_rules(delta_app):
    app, _ids = delta_app
    alice = client_for(app, "alice")
    html = page(alice, "/delta/task/?group=owner")
    assert [(label, count) for label, count, _url in group_rows(html)] == [("Alice", "2")]
    assert 'data-total="amount">30.75<' in html
    dave = client_for(app, "dave")
    html = page(dave, "/delta/task/?group=priority")
    assert [(label, count) for label, count, _url in group_rows(html)] == [("High", "1")]
    assert 'data-total="amount">99.00<' in html


def test_two_group_levels_subtotal_and_narrow_step_by_step(delta_app):
    app, ids = delta_app
    add_tasks(app, 2, owner_id=ids["bob"], amount=Decimal("1.10"), priority="low")
    carol = client_for(app, "carol")
    html = page(carol, "/delta/task/?group=owner&group=state")
    rows = group_rows(html)
    assert [(label, count) for label, count, _url in rows] == [
        ("Alice", "2"),
        ("Draft", "1"),
        ("Open", "1"),
        ("Bob", "3"),
        ("Draft", "2"),
        ("Done", "1"),
    ]
    bob_url = rows[3][2]
    assert "group=state" in bob_url and "eq.owner_id=" in bob_url
    narrowed = group_rows(page(carol, bob_url))
    assert [(label, count) for label, count, _url in narrowed] == [("Draft", "2"), ("Done", "1")]
    assert task_names(page(carol, rows[4][2])) == ["Extra 0", "Extra 1"]


def test_footer_totals_cover_every_page(delta_app):
    app, _ids = delta_app
    carol = client_for(app, "carol")
    html = page(carol, "/delta/task/?size=1&sort=name")
    assert len(task_names(html)) == 1
    assert 'data-total="amount">35.75<' in html
    searched = page(carol, "/delta/task/?q=t2")
    assert 'data-total="amount">20.25<' in searched


def test_month_groups_drill_down_to_their_month(delta_app):
    app, _ids = delta_app
    carol = client_for(app, "carol")
    rows = group_rows(page(carol, "/delta/task/?group=due_date:month"))
    assert [(label, count) for label, count, _url in rows] == [
        ("Oct 2026", "1"),
        ("Nov 2026", "1"),
        ("Not set", "1"),
    ]
    assert [task_names(page(carol, url)) for _l, _c, url in rows] == [
        ["Task t1"],
        ["Task t2"],
        ["Task t3"],
    ]
    quarter = group_rows(page(carol, "/delta/task/?group=due_date:quarter", headers=ZH))
    assert quarter[0][:2] == ("2026年第4季度", "2")
    assert task_names(page(carol, quarter[0][2])) == ["Task t1", "Task t2"]


def test_a_grouped_list_page_costs_a_fixed_number_of_queries(delta_app):
    app, ids = delta_app
    carol = client_for(app, "carol")
    engine = app.extensions["tessera.db"].engine
    counts = []
    for extra in (0, 30):
        add_tasks(app, extra, owner_id=ids["bob"], amount=Decimal("2.00"))
        statements = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            page(carol, "/delta/task/?group=owner&group=due_date:month")
            page(carol, "/delta/task/")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len([s for s in statements if re.match(r"\s*SELECT", s, re.I)]))
    assert counts[0] == counts[1], counts


def test_switcher_keeps_the_search(delta_app):
    app, _ids = delta_app
    carol = client_for(app, "carol")
    html = page(carol, "/delta/task/?q=Task&f=urgent")
    tabs = dict(re.findall(r'href="([^"]+)"[^>]*data-view-kind="(\w+)"', html))
    tabs = {kind: unescape(url) for url, kind in tabs.items()}
    assert set(tabs) == {"list", "pivot", "graph", "kanban"}
    assert all("q=Task" in url and "f=urgent" in url for url in tabs.values())
    assert "Task t2" in page(carol, tabs["kanban"])


# --------------------------------------------------------------------------- pivot


def pivot_cells(html: str) -> list[list[str]]:
    body = html.split('<table class="table table-sm table-bordered', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


def test_pivot_rows_columns_and_totals(delta_app):
    app, ids = delta_app
    add_tasks(app, 1, owner_id=ids["bob"], amount=Decimal("1234.50"), priority="high")
    carol = client_for(app, "carol")
    html = page(carol, "/delta/task/pivot?rows=owner&cols=priority&measure=amount")
    assert pivot_cells(html) == [
        ["", "Priority"],
        ["Owner", "Low", "Normal", "High", "Total"],
        ["Alice", "", "10.50", "20.25", "30.75"],
        ["Bob", "5.00", "", "1,234.50", "1,239.50"],
        ["Total", "5.00", "10.50", "1,254.75", "1,270.25"],
    ]
    counted = page(carol, "/delta/task/pivot?rows=owner&cols=priority&measure=count")
    assert pivot_cells(counted)[-1] == ["Total", "1", "1", "2", "4"]
    # Cells drill down to exactly their records.
    links = re.findall(r'<td class="text-end"><a href="([^"]+)">1,234.50</a>', html)
    assert task_names(page(carol, unescape(links[0]))) == ["Extra 0"]
    # Rules and companies: alice's pivot holds her tasks only, dave's company B's.
    alice = client_for(app, "alice")
    mine = pivot_cells(page(alice, "/delta/task/pivot?rows=state&measure=amount"))
    assert mine[-1] == ["Total", "30.75"]
    dave = client_for(app, "dave")
    assert pivot_cells(page(dave, "/delta/task/pivot?rows=state&measure=amount"))[-1] == [
        "Total",
        "99.00",
    ]


def test_pivot_expands_swaps_and_keeps_filters(delta_app):
    app, _ids = delta_app
    carol = client_for(app, "carol")
    html = page(carol, "/delta/task/pivot?rows=owner&rows=state&measure=count&f=urgent")
    assert pivot_cells(html) == [
        ["Owner › Stage", "Total"],
        ["Alice", "1"],
        ["Open", "1"],
        ["Total", "1"],
    ]
    swap = unescape(re.search(r'href="([^"]+)"[^>]*>⇄', html).group(1))
    assert "cols=owner" in swap and "rows=state" in swap and "f=urgent" in swap
    swapped = pivot_cells(page(carol, swap))
    assert swapped[1] == ["Stage", "Alice", "Total"]
    # Default layout: rows by the stage, the first measure.
    default = pivot_cells(page(carol, "/delta/task/pivot"))
    assert [row[0] for row in default] == ["Stage", "Draft", "Open", "Done", "Total"]
    assert default[-1][-1] == "35.75"
    # Fields that cannot be grouped, or may not be read, are ignored; so is a column field
    # already on the rows.
    assert page(carol, "/delta/task/pivot?rows=name&cols=reason&measure=code")
    same = pivot_cells(page(carol, "/delta/task/pivot?rows=state&cols=state&measure=count"))
    assert same[0] == ["Stage", "Total"] and same[-1] == ["Total", "3"]


def test_pivot_exports_need_the_export_permission_and_are_audited(delta_app):
    app, _ids = delta_app
    carol = client_for(app, "carol")
    query = "rows=state&cols=priority&measure=amount"
    response = carol.get(f"/delta/task/pivot/export.csv?{query}", headers=EN)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["Stage", "Low", "Normal", "High", "Total"]
    assert rows[-1] == ["Total", "5.00", "10.50", "20.25", "35.75"]
    response = carol.get(f"/delta/task/pivot/export.xlsx?{query}", headers=ZH)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "阶段" or values[0][0] == "Stage"
    assert values[-1][0] == "合计" and values[-1][-1] == 35.75
    assert sheet.cell(row=len(values), column=5).number_format == "#,##0.00"
    with app.app_context():
        exports = db.session().scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.event == "export")
        )
    assert exports == 2
    alice = client_for(app, "alice")
    assert alice.get(f"/delta/task/pivot/export.csv?{query}").status_code == 403


def test_exported_text_cannot_run_as_a_formula(delta_app):
    app, ids = delta_app
    with app.app_context():
        from core.security.users import User

        db.session().get(User, ids["bob"]).name = "=HYPERLINK(1)"
        db.session().commit()
    carol = client_for(app, "carol")
    response = carol.get("/delta/task/pivot/export.csv?rows=owner&measure=count")
    text = response.get_data().decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text


# --------------------------------------------------------------------------- graph


def graph_data(html: str) -> dict:
    found = re.search(r"id=\"graph\" data-chart='([^']*)'", html)
    return json.loads(unescape(found.group(1)))


def test_graph_data_for_echarts(delta_app):
    app, ids = delta_app
    add_tasks(app, 1, owner_id=ids["bob"], amount=Decimal("4.00"), priority="low")
    carol = client_for(app, "carol")
    html = page(carol, "/delta/task/graph?type=bar&x=state&series=priority&measure=amount")
    assert "vendor/echarts.min.js" in html and "analysis.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    data = graph_data(html)
    assert data["type"] == "bar" and data["locale"] == "EN"
    assert data["categories"] == ["Draft", "Open", "Done"]
    assert [s["name"] for s in data["series"]] == ["Low", "Normal", "High"]
    low = data["series"][0]
    assert low["data"] == [4.0, None, 5.0] and low["text"] == ["4.00", None, "5.00"]
    assert task_names(page(carol, low["links"][0])) == ["Extra 0"]
    pie = graph_data(
        page(carol, "/delta/task/graph?type=pie&x=owner&series=state&measure=count", headers=ZH)
    )
    assert pie["locale"] == "ZH" and len(pie["series"]) == 1
    assert pie["categories"] == ["Alice", "Bob"] and pie["series"][0]["data"] == [2, 2]
    assert pie["series"][0]["name"] == "计数"
    alice = client_for(app, "alice")
    mine = graph_data(page(alice, "/delta/task/graph?type=line&x=due_date&measure=amount"))
    assert mine["categories"] == ["Oct 2026", "Nov 2026"]
    assert mine["series"][0]["text"] == ["10.50", "20.25"]


# --------------------------------------------------------------------------- kanban


class BoardViews:
    """A second screen of delta's tasks whose update service moves stages (and refuses
    to reopen a finished task), and one without a kanban."""

    @hookimpl
    def core_register_views(self):
        from delta.hooks import TASKS

        return [
            # The stage is not among the fields offered for grouping: the kanban still has it.
            replace(TASKS, name="delta.board", move=move_task, group_by=("owner",)),
            replace(TASKS, name="delta.plain", kanban=False),
            replace(TASKS, name="delta.still", move=None),
        ]


def move_task(session, task_id, stage):
    from delta.models import DeltaTask, TaskState

    task = session.get(DeltaTask, task_id)
    if task.state is TaskState.DONE:
        raise BusinessError.on("state", "a finished task stays finished")
    task.state = TaskState(stage)
    session.flush()
    return task


@pytest.fixture
def board_app(delta_app):
    app, ids = delta_app
    with app.app_context():
        registry = get_registry(app)
        registry.refresh()
        registry.pm.register(BoardViews(), name="delta+board-test")
    return app, ids


def columns(html: str) -> list[tuple[str, str, list[str]]]:
    found = []
    for block in html.split('<section class="kanban-column')[1:]:
        label = re.search(r'<h2 class="h6[^"]*"[^>]*>([^<]+)</h2>', block).group(1)
        count = re.search(r"data-stage-count>([^<]+)<", block).group(1)
        found.append((label, count, task_names(block)))
    return found


def state_of(app, task_id):
    from delta.models import DeltaTask

    with app.app_context():
        return db.session().get(DeltaTask, task_id).state.value


def test_kanban_columns_follow_the_stages_and_the_rules(board_app):
    app, _ids = board_app
    carol = client_for(app, "carol")
    html = page(carol, "/delta/task/kanban")
    assert columns(html) == [
        ("Draft", "1", ["Task t1"]),
        ("Open", "1", ["Task t2"]),
        ("Done", "1", ["Task t3"]),
        ("Cancelled", "0", []),
    ]
    assert 'data-stage-sum="amount">Amount: 10.50<' in html
    alice = client_for(app, "alice")
    assert [c[2] for c in columns(page(alice, "/delta/task/kanban"))] == [
        ["Task t1"],
        ["Task t2"],
        [],
        [],
    ]
    assert 'src="/static/core/kanban.js"' in html or "kanban.js" in html
    page(carol, "/delta/plain/kanban", status=404)
    assert 'data-view-kind="kanban"' not in page(carol, "/delta/plain/")


def test_kanban_move_goes_through_the_service(board_app):
    app, ids = board_app
    alice = client_for(app, "alice")
    url = f"/delta/board/{ids['t1']}/move"
    headers = {"X-CSRF-Token": alice.csrf_token, **EN}
    moved = alice.post(url, data={"to": "open"}, headers=headers)
    assert moved.status_code == 200, moved.get_data(as_text=True)
    assert moved.get_json()["message"] == "Moved to Open."
    assert state_of(app, ids["t1"]) == "open"
    # The board comes back as a fragment for the page to swap in.
    fragment = page(alice, "/delta/board/kanban", headers={"HX-Request": "true", **EN})
    assert fragment.lstrip().startswith("<div") and "<html" not in fragment
    assert columns(fragment)[1][1] == "2"


def test_kanban_moves_refused(board_app):
    app, ids = board_app
    alice = client_for(app, "alice")
    headers = {"X-CSRF-Token": alice.csrf_token, **EN}
    # Bob's task is hidden from alice by the record rules: as good as missing.
    hidden = alice.post(f"/delta/board/{ids['t3']}/move", data={"to": "open"}, headers=headers)
    assert hidden.status_code == 404
    # No CSRF token: refused before anything runs.
    assert alice.post(f"/delta/board/{ids['t1']}/move", data={"to": "open"}).status_code == 400
    # No such stage.
    bad = alice.post(f"/delta/board/{ids['t1']}/move", data={"to": "lost"}, headers=headers)
    assert bad.status_code == 422
    # The service refuses: the message comes back, nothing is written.
    carol = client_for(app, "carol")
    refused = carol.post(
        f"/delta/board/{ids['t3']}/move",
        data={"to": "draft"},
        headers={"X-CSRF-Token": carol.csrf_token, **EN},
    )
    assert refused.status_code == 422
    assert refused.get_json()["message"] == "a finished task stays finished"
    assert state_of(app, ids["t3"]) == "done"
    # delta's own move service refuses the same way.
    own = carol.post(
        f"/delta/task/{ids['t3']}/move",
        data={"to": "open"},
        headers={"X-CSRF-Token": carol.csrf_token, **EN},
    )
    assert own.status_code == 422 and own.get_json()["message"] == "a finished task stays finished"
    assert state_of(app, ids["t3"]) == "done"
    # A company-B task for a company-A manager: hidden.
    other = carol.post(
        f"/delta/board/{ids['t4']}/move",
        data={"to": "open"},
        headers={"X-CSRF-Token": carol.csrf_token},
    )
    assert other.status_code == 404 and state_of(app, ids["t4"]) == "draft"


# --------------------------------------------------------------------------- reports


def test_pivots_and_graphs_are_saved_as_reports(delta_app):
    app, ids = delta_app
    carol = client_for(app, "carol")
    saved = carol.post(
        "/delta/task/reports",
        data={
            "csrf_token": carol.csrf_token,
            "kind": "pivot",
            "name": "Amounts by owner and stage",
            "shared": "1",
            "rows": ["owner", "state"],
            "cols": "priority",
            "measure": "amount",
            "q": "Task",
            "page": "7",
        },
    )
    assert saved.status_code == 302
    target = saved.headers["Location"]
    assert target.startswith("/delta/task/pivot?") and "rows=owner&rows=state" in target
    with app.app_context():
        report = db.session().scalar(select(SavedFilter))
        assert (report.kind, report.user_id, report.shared) == ("pivot", ids["carol"], True)
        assert report.params == {
            "q": "Task",
            "rows": ["owner", "state"],
            "cols": ["priority"],
            "measure": "amount",
        }
    # Shared: alice finds it among the pivot's reports, and it shows only her tasks.
    alice = client_for(app, "alice")
    html = page(alice, "/delta/task/pivot")
    assert "Amounts by owner and stage" in html
    mine = pivot_cells(page(alice, target))
    assert mine[1] == ["Owner › Stage", "Normal", "High", "Total"]
    assert mine[-1] == ["Total", "10.50", "20.25", "30.75"]
    # A graph saved privately is not offered to others.
    carol.post(
        "/delta/task/reports",
        data={"csrf_token": carol.csrf_token, "kind": "graph", "name": "Mine", "x": "state"},
    )
    assert "Mine" in page(carol, "/delta/task/graph")
    assert ">Mine<" not in page(alice, "/delta/task/graph")
    # Refusals: no name, an unknown kind, no token.
    unnamed = carol.post(
        "/delta/task/reports", data={"csrf_token": carol.csrf_token, "kind": "pivot", "name": ""}
    )
    assert unnamed.status_code == 302
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(SavedFilter)) == 2
    odd = {"csrf_token": carol.csrf_token, "kind": "list; drop", "name": "x"}
    assert carol.post("/delta/task/reports", data=odd).status_code == 400
    assert carol.post("/delta/task/reports", data={"kind": "pivot", "name": "x"}).status_code == 400


def test_screens_in_chinese(board_app):
    app, _ids = board_app
    carol = client_for(app, "carol")
    for url in (
        "/delta/task/?group=state",
        "/delta/task/pivot?rows=state&cols=owner",
        "/delta/task/graph?type=bar&x=due_date:quarter",
        "/delta/task/kanban",
    ):
        html = page(carol, url, headers=ZH)
        assert "透视" in html and "图表" in html and "看板" in html


def test_names_in_the_chart_data_stay_data(delta_app):
    app, ids = delta_app
    hostile = "Bob' onmouseover='alert(1)'><script>alert(2)</script>"
    with app.app_context():
        from core.security.users import User

        db.session().get(User, ids["bob"]).name = hostile
        db.session().commit()
    carol = client_for(app, "carol")
    html = page(carol, "/delta/task/graph?x=owner&measure=count")
    assert "<script>alert" not in html and "' onmouseover" not in html
    assert graph_data(html)["categories"] == ["Alice", hostile]


def test_a_board_without_a_move_service_is_read_only(board_app):
    app, ids = board_app
    carol = client_for(app, "carol")
    board = page(carol, "/delta/still/kanban")
    assert "Task t1" in board and f"/delta/still/{ids['t1']}/move" not in board
    response = carol.post(
        f"/delta/still/{ids['t1']}/move",
        data={"to": "open"},
        headers={"X-CSRF-Token": carol.csrf_token},
    )
    assert response.status_code == 404
