"""Pivot, graph, kanban and the grouped list in a real browser, on the delta fixture addon:
ECharts draws under the strict CSP and a bar opens the narrowed list; a card dragged to
another column is moved by the service, a refused move puts it back with the reason.

Screenshots land in ``artifacts/screenshots/`` (``analysis-*``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under CI, and says why
    expect = None

from core.testing import build_app
from tests.browser.conftest import (
    CSP_LISTENER,
    TIMEOUT_MS,
    Console,
    LiveServer,
    log_in,
    screenshot,
)
from tests.conftest import DELTA_PASSWORD, FIXTURE_ADDONS

pytestmark = [pytest.mark.browser, pytest.mark.spec("5.1.4.1")]


def _seed(app) -> None:
    from delta.models import DeltaTask, TaskState

    from core.models import Company
    from core.security.models import UserRole
    from core.security.passwords import hash_password
    from core.security.users import User

    def build(session):
        company = session.scalar(select(Company.id).order_by(Company.id))
        carol = User(
            login="carol",
            name="Carol 陈",
            company_id=company,
            password_hash=hash_password(DELTA_PASSWORD),
        )
        session.add(carol)
        session.flush()
        session.add(UserRole(user_id=carol.id, role="delta.manager"))
        tasks = (
            ("Task t1", TaskState.DRAFT, "10.50", date(2026, 10, 3)),
            ("Task t2", TaskState.OPEN, "20.25", date(2026, 11, 5)),
            ("Task t3", TaskState.DONE, "5.00", None),
        )
        for name, state, amount, due in tasks:
            session.add(
                DeltaTask(
                    name=name,
                    state=state,
                    amount=Decimal(amount),
                    owner_id=carol.id,
                    company_id=company,
                    due_date=due,
                )
            )

    with app.app_context():
        app.extensions["tessera.db"].atomic(build)


@pytest.fixture(scope="module")
def delta_server(db_engine) -> Iterator[LiveServer]:
    """The real app with delta installed and a kanban whose service moves stages."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from core.registry import get_registry
    from tests.test_analysis import BoardViews

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args) -> None:
            pass

    app = build_app(
        db_engine.copy_url(frozenset()), SERVER_NAME=None, ADDONS_PATH=str(FIXTURE_ADDONS)
    )
    with app.app_context():
        registry = get_registry(app)
        registry.lifecycle.install(["delta"])
        registry.refresh()
        registry.pm.register(BoardViews(), name="delta+board-browser")
    _seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="delta-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["tessera.db"].dispose()


@pytest.fixture
def delta_page(browser, delta_server, console: Console):
    context = browser.new_context(
        base_url=delta_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    opened = context.new_page()
    opened.on(
        "console",
        lambda message: (
            message.type == "error"
            and console.entries.append((message.text, message.location.get("url", "")))
        ),
    )
    opened.on("pageerror", lambda error: console.entries.append((f"exception: {error}", "")))
    log_in(opened, "carol", DELTA_PASSWORD)
    yield opened
    context.close()


def state_of(server: LiveServer, name: str) -> str:
    from delta.models import DeltaTask

    database = server.app.extensions["tessera.db"]
    with server.app.app_context(), database.new_session() as session:
        return session.scalar(select(DeltaTask.state).where(DeltaTask.name == name)).value


def test_graph_draws_and_a_bar_opens_its_records(delta_page, console):
    page = delta_page
    page.goto("/delta/task/graph?type=bar&x=state&measure=amount")
    expect(page.locator("#graph canvas")).to_have_count(1)
    screenshot(page, "analysis-graph-zh")
    page.wait_for_timeout(1500)  # the bars grow in for a second
    # The middle of the first bar (Draft: 10.50), through the chart's own coordinates.
    point = page.evaluate(
        """() => {
            const element = document.getElementById("graph");
            const chart = window.echarts.getInstanceByDom(element);
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [0, 5]);
            const box = element.getBoundingClientRect();
            return [box.left + x, box.top + y];
        }"""
    )
    page.mouse.click(*point)
    page.wait_for_url(re.compile(r"/delta/task/\?.*eq\.state=draft"))
    names = page.locator("table.list tbody tr a").all_inner_texts()
    assert names == ["Task t1"]
    console.assert_clean()


def test_pivot_and_grouped_list_render_cleanly(delta_page, console):
    page = delta_page
    page.goto("/delta/task/pivot?rows=state&cols=owner&measure=amount")
    expect(page.locator("[data-grand-total]")).to_have_text("35.75")
    screenshot(page, "analysis-pivot-zh")
    page.locator(".view-switcher").get_by_role("link", name="列表").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="分组").click()
    page.locator(".group-menu").get_by_role("link", name="Stage", exact=True).click()
    page.wait_for_load_state()
    labels = page.locator("tr.group-row .group-label a").all_inner_texts()
    assert labels == ["Draft", "Open", "Done"]
    expect(page.locator('[data-total="amount"]')).to_have_text("35.75")
    screenshot(page, "analysis-grouped-list-zh")
    console.assert_clean()


def test_kanban_cards_move_or_come_back(delta_page, console, delta_server):
    page = delta_page
    page.goto("/delta/board/kanban")
    draft = page.locator('[data-stage="draft"]')
    opened = page.locator('[data-stage="open"]')
    expect(opened.locator("[data-stage-count]")).to_have_text("1")
    draft.locator("article").filter(has_text="Task t1").drag_to(opened.locator("header"))
    expect(opened.locator("[data-stage-count]")).to_have_text("2")
    expect(opened.locator("article").filter(has_text="Task t1")).to_have_count(1)
    assert state_of(delta_server, "Task t1") == "open"
    screenshot(page, "analysis-kanban-zh")

    done = page.locator('[data-stage="done"]')
    card = done.locator("article").filter(has_text="Task t3")
    card.get_by_role("button", name="移到").click()
    card.locator('[data-move-to="draft"]').click()
    expect(page.locator(".toast").filter(has_text="a finished task stays finished")).to_be_visible()
    expect(done.locator("article").filter(has_text="Task t3")).to_have_count(1)
    assert state_of(delta_server, "Task t3") == "done"
    # The refused POST is the one failed load chromium reports; nothing else may.
    assert console.csp_violations() == []
    assert [p for p in console.problems if "422" not in p] == []
