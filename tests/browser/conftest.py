"""Fixtures of the browser tests: a live Tessera server, Debian's chromium through Playwright.

The server is the real app (core.testing's ``build_app`` on a copy of the prepared
database, partners and products installed) behind werkzeug's threaded server on a free
port, once per module and engine. Chromium is the system one (``playwright install``
cannot download browsers here); without it the tests skip, or fail under CI
(``TESSERA_REQUIRE_SERVICES=1``). Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from core.testing import ADMIN_LOGIN, ADMIN_PASSWORD, build_app, services_required

CHROMIUM = os.environ.get("TESSERA_CHROMIUM", "/usr/bin/chromium")
# What NOTES.md found to work for Debian's chromium under Playwright.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ADDONS = frozenset({"partners", "products"})
# Generous: CI machines run the suite on two cores with other work. Assertions
# (``expect``) wait as long as actions do.
TIMEOUT_MS = 20_000

# Partners already there when a test starts: two customers, one supplier only.
SEED_PARTNERS = (
    ("SEED-1", "Alpha Trading 甲贸易", True, False),
    ("SEED-2", "Beta Components 乙元件", False, True),
    ("SEED-3", "Gamma Retail 丙零售", True, False),
)


def unavailable(reason: str) -> None:
    """Skip locally, fail under CI: a missing browser must not pass a CI run silently."""
    if services_required():
        pytest.fail(reason)
    pytest.skip(reason)


# --------------------------------------------------------------------------- server


@dataclass
class LiveServer:
    app: object
    url: str

    def partner_count(self, **where) -> int:
        from addons.partners.models import Partner

        database = self.app.extensions["tessera.db"]
        with self.app.app_context(), database.new_session() as session:
            statement = select(func.count()).select_from(Partner).filter_by(**where)
            return session.scalar(statement)


def _seed(app) -> None:
    from addons.partners.models import Partner
    from core.db import utcnow
    from core.models import Company

    def add(session):
        company = session.scalar(select(Company.id).order_by(Company.id))
        now = utcnow()
        session.execute(
            insert(Partner),
            [
                {
                    "code": code,
                    "name": name,
                    "kind": "company",
                    "is_customer": customer,
                    "is_supplier": supplier,
                    "is_carrier": False,
                    "company_id": company,
                    "active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for code, name, customer, supplier in SEED_PARTNERS
            ],
        )

    with app.app_context():
        app.extensions["tessera.db"].atomic(add)


@pytest.fixture(scope="module")
def live_server(db_engine) -> Iterator[LiveServer]:
    """The real app on its own database, served over HTTP on 127.0.0.1 and a free port."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args) -> None:  # a failing test shows its own story
            pass

    # No SERVER_NAME: links and redirects follow the host the browser used.
    app = build_app(db_engine.copy_url(ADDONS), SERVER_NAME=None)
    _seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["tessera.db"].dispose()


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        unavailable(
            f"browser tests need Debian's chromium at {CHROMIUM} "
            "(apt-get install chromium fonts-wqy-microhei; .ci/run does it as root)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("browser tests need the playwright package: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@dataclass
class Console:
    """What the page reported: console errors (CSP refusals are among them), uncaught
    exceptions, and CSP violation events seen by a listener the page cannot refuse.

    A page the server answered with a refusal the test expects (401 for a wrong password,
    422 for a refused form) is logged by chromium as "Failed to load resource"; those are
    left out, any other failed load counts.
    """

    entries: list[tuple[str, str]] = field(default_factory=list)  # (text, url)
    refused_pages: set[str] = field(default_factory=set)

    @property
    def problems(self) -> list[str]:
        return [
            f"{text} ({url})"
            for text, url in self.entries
            if not (text.startswith("Failed to load resource") and url in self.refused_pages)
        ]

    def csp_violations(self) -> list[str]:
        return [p for p in self.problems if re.search("Content Security Policy|^csp:", p)]

    def assert_clean(self) -> None:
        assert not self.problems, "the browser reported:\n" + "\n".join(self.problems)


EXPECTED_REFUSALS = {401, 422}


# Injected through the DevTools protocol before any page script, so the CSP does not apply
# to it; it turns each violation event into a console error the Console collects.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`csp: ${event.effectiveDirective} refused ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser, live_server, console):
    """A fresh browser context (English browser, no cookies) on the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 1280, "height": 860},
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
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
    opened.on(
        "response",
        lambda response: (
            response.request.resource_type == "document"
            and response.status in EXPECTED_REFUSALS
            and console.refused_pages.add(response.url)
        ),
    )
    yield opened
    context.close()


def screenshot(page, name: str) -> Path:
    """A full-page screenshot kept as a CI artifact (``artifacts/screenshots/NAME.png``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, login: str = ADMIN_LOGIN, password: str = ADMIN_PASSWORD) -> None:
    page.goto("/login")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
