"""Web figures on 100,000 partners: list page latency, SQL queries per page, API throughput.

Run: `python benchmarks/web.py [--partners 100000] [--requests 40] [--postgres URL |
--no-postgres]` (PostgreSQL: the local server by default, skipped when unreachable). Loads
the partners in bulk, serves the real app with waitress (as `tessera run`) in a child
process, and times pages from 1 and 8 concurrent clients, each logged in with its own
session: the first page, a deep page, a filtered and sorted page, a grouped page (when lists
take ``?group=``). The floor is the same rows, and the count the page shows, read by a plain
SELECT on the bare table through the engine (no ORM objects, no access layer, no template).
Queries per page are counted in this process with the Flask test client. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from common import DEFAULT_POSTGRES, postgres_database
from sqlalchemy import Select, create_engine, event, func, insert, or_, select, text

from core.app import create_app
from core.db import utcnow
from core.models import Company
from core.registry import get_registry
from core.setup import initialise_database

PASSWORD = "benchmark-password-2026"  # noqa: S105 - throwaway databases
SECRET = "benchmark-secret-key-not-for-production"  # noqa: S105 - throwaway databases
KEYS = "bench:dGVzc2VyYS1iZW5jaG1hcmstdGhyb3dhd2F5LWtleSE="  # throwaway databases
CITIES = ("上海", "北京", "广州", "深圳", "杭州", "成都", "武汉", "南京", "重庆", "西安")
TRADES = ("贸易", "电子", "物流", "食品", "机械")
PAGE_SIZE = 80
DEEP_PAGE = 1000
THREADS = 8  # waitress threads, as `tessera run`
BATCH = 10_000


# --------------------------------------------------------------------------- data


def app_config(url: str) -> dict:
    return {"DATABASE_URL": url, "SECRET_KEY": SECRET, "ENCRYPTION_KEYS": KEYS, "BROKER_URL": None}


def build(url: str, instance: str, partners: int) -> float:
    """Initialise core, install partners, bulk-insert ``partners`` rows; seconds to load."""
    app = create_app(app_config(url), instance_path=instance)
    with app.app_context():
        initialise_database(app, login="admin", password=PASSWORD, name="Admin", company="A")
        get_registry(app).lifecycle.install(["partners"])
    from addons.partners.models import Partner

    database = app.extensions["tessera.db"]
    start = time.perf_counter()
    with database.engine.begin() as connection:
        company = connection.scalar(select(Company.id).order_by(Company.id))
        now = utcnow()
        for first in range(0, partners, BATCH):
            rows = [
                {
                    "code": f"P{i:07d}",
                    "name": f"{CITIES[i % 10]}{TRADES[i // 10 % 5]}有限公司 {i:06d}",
                    "kind": "company" if i % 4 else "person",
                    "is_customer": i % 3 != 0,
                    "is_supplier": i % 3 == 0,
                    "is_carrier": i % 50 == 0,
                    "phone": f"021-{i:08d}",
                    "email": f"contact{i}@example.cn",
                    "company_id": company,
                    "active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(first, min(first + BATCH, partners))
            ]
            connection.execute(insert(Partner), rows)
        if connection.dialect.name == "postgresql":
            connection.execute(text("ANALYZE partners_partner"))
        else:
            connection.execute(text("ANALYZE"))
    seconds = time.perf_counter() - start
    database.dispose()
    return seconds


# --------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    name: str
    params: dict
    floor: Select  # the same rows on the bare table: no ORM objects, no access layer
    floor_count: Select | None  # the count the page shows


def scenarios(grouped: bool) -> list[Scenario]:
    from addons.partners.models import Partner

    table = Partner.__table__
    c = table.c
    active = c.active.is_(True)
    by_name = (c.name, c.id)
    pattern = "%上海%"
    matching = (
        active,
        c.is_customer.is_(True),
        or_(*(column.ilike(pattern) for column in (c.name, c.code, c.phone, c.mobile, c.email))),
    )
    count_all = select(func.count()).select_from(table).where(active)
    found = [
        Scenario(
            "first page",
            {},
            select(table).where(active).order_by(*by_name).limit(PAGE_SIZE),
            count_all,
        ),
        Scenario(
            f"page {DEEP_PAGE}",
            {"page": DEEP_PAGE},
            select(table)
            .where(active)
            .order_by(*by_name)
            .limit(PAGE_SIZE)
            .offset((DEEP_PAGE - 1) * PAGE_SIZE),
            count_all,
        ),
        Scenario(
            "search + filter, sorted",
            {"q": "上海", "f": "customers", "sort": "code", "desc": "1"},
            select(table).where(*matching).order_by(c.code.desc(), c.id.desc()).limit(PAGE_SIZE),
            select(func.count()).select_from(table).where(*matching),
        ),
    ]
    if grouped:
        found.append(
            Scenario(
                "grouped by kind",
                {"group": "kind"},
                select(c.kind, func.count()).where(active).group_by(c.kind),
                None,
            )
        )
    return found


def group_by_landed() -> bool:
    """Whether lists take ``?group=kind`` yet (the group-by feature)."""
    from werkzeug.datastructures import MultiDict

    from addons.partners.views import PARTNERS
    from core.views.query import ListRequest

    grouped = ListRequest.from_args(MultiDict({"group": "kind"}), PARTNERS)
    return grouped != ListRequest.from_args(MultiDict(), PARTNERS)


# --------------------------------------------------------------------------- HTTP clients


class Client:
    """One person's browser: a keep-alive connection and its own session cookies."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, **headers) -> tuple:
        sent = {**self.headers, **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data

    def get(self, path: str) -> bytes:
        status, data = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {data[:200]!r}")
        return data

    def log_in(self) -> None:
        page = self.get("/login").decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urlencode({"login": "admin", "password": PASSWORD, "csrf_token": token})
        status, _ = self.request(
            "POST", "/login", body, **{"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302:
            raise RuntimeError(f"login refused: {status}")

    def use_token(self) -> None:
        body = json.dumps({"login": "admin", "password": PASSWORD, "name": uuid.uuid4().hex})
        status, data = self.request(
            "POST", "/api/v1/auth/tokens", body, **{"Content-Type": "application/json"}
        )
        if status != 201:
            raise RuntimeError(f"token refused: {status} {data[:200]!r}")
        self.headers["Authorization"] = f"Bearer {json.loads(data)['token']}"


def serve(url: str, instance: str) -> tuple[subprocess.Popen, int]:
    """waitress on a free port in a child process (the clients do not share its GIL)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - this interpreter, this file
        [sys.executable, __file__, "--serve", url, "--instance", instance, "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def serve_forever(url: str, instance: str, port: int) -> None:
    import logging

    import waitress

    logging.getLogger("waitress").setLevel(logging.ERROR)
    app = create_app(app_config(url), instance_path=instance)
    waitress.serve(app, host="127.0.0.1", port=port, threads=THREADS, ident="tessera")


# --------------------------------------------------------------------------- measuring


@dataclass
class Figures:
    p50: float
    p95: float
    per_second: float


def measure(workers: list[Callable[[], object]], requests: int) -> Figures:
    """``requests`` in all, shared by the workers (one per client) running at once."""
    rounds = max(2, requests // len(workers))
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(workers) + 1)

    def run(work: Callable[[], object]) -> None:
        mine = []
        barrier.wait()
        for _ in range(rounds):
            start = time.perf_counter()
            work()
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=20, method="inclusive")
    return Figures(statistics.median(latencies) * 1000, cuts[18] * 1000, len(latencies) / elapsed)


def queries_per_page(url: str, instance: str, paths: list[str]) -> list[int]:
    """SQL statements one request runs, counted on the engine (login and warm-up excluded)."""
    app = create_app(app_config(url), instance_path=instance)
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["csrf_token"] = token = uuid.uuid4().hex
    form = {"login": "admin", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=form).status_code == 302
    statements: list[str] = []
    engine = app.extensions["tessera.db"].engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    counts = []
    for path in paths:
        assert client.get(path).status_code == 200, path  # warm: caches, registry
        statements.clear()
        assert client.get(path).status_code == 200, path
        counts.append(len(statements))
    app.extensions["tessera.db"].dispose()
    return counts


def run_engine(label: str, url: str, instance: str, partners: int, requests: int) -> None:
    seconds = build(url, instance, partners)
    print(f"\n{label}: {partners:,} partners loaded in {seconds:.1f} s (bulk insert)")
    grouped = group_by_landed()
    cases = scenarios(grouped)
    paths = [f"/partners/partner/?{urlencode(case.params)}" for case in cases]
    counts = queries_per_page(url, instance, [*paths, "/api/v1/partners"])
    floor_engine = create_engine(url, pool_size=10)

    server, port = serve(url, instance)
    try:
        clients = [Client(port) for _ in range(8)]
        for client in clients:
            client.log_in()
        print(
            f"{'list page':<26}{'clients':>8}{'p50 ms':>9}{'p95 ms':>9}{'pages/s':>9}"
            f"{'queries':>9}   {'raw SQL floor p50 / p95 ms':>26}"
        )
        for case, path, count in zip(cases, paths, counts, strict=False):
            for concurrency in (1, 8):
                for client in clients[:concurrency]:
                    client.get(path)  # warm
                page = measure(
                    [lambda c=c, p=path: c.get(p) for c in clients[:concurrency]], requests
                )
                floor = measure([lambda s=case: run_floor(floor_engine, s)] * concurrency, requests)
                print(
                    f"{case.name:<26}{concurrency:>8}{page.p50:>9.1f}{page.p95:>9.1f}"
                    f"{page.per_second:>9.1f}{count:>9}   {floor.p50:>12.2f} / {floor.p95:.2f}"
                )
        if not grouped:
            print("grouped by kind: skipped, lists do not take ?group= yet")
        api = [Client(port) for _ in range(8)]
        for client in api:
            client.use_token()
        for concurrency in (1, 8):
            workers = [lambda c=c: c.get("/api/v1/partners") for c in api[:concurrency]]
            workers[0]()
            figures = measure(workers, requests)
            print(
                f"{'API GET /api/v1/partners':<26}{concurrency:>8}{figures.p50:>9.1f}"
                f"{figures.p95:>9.1f}{figures.per_second:>9.1f}{counts[-1]:>9}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        floor_engine.dispose()


def run_floor(engine, case: Scenario) -> None:
    with engine.connect() as connection:
        if case.floor_count is not None:
            connection.execute(case.floor_count).scalar()
        connection.execute(case.floor).all()


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="requests per figure")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_forever(args.serve, args.instance, args.port)
        return
    print(
        f"page size {PAGE_SIZE}; waitress with {THREADS} threads in a child process; "
        f"{args.requests} requests per figure; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} (other work on the machine inflates every figure)"
    )
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'web.sqlite'}"
        run_engine("SQLite", url, folder, args.partners, args.requests)
        if args.no_postgres:
            return
        with postgres_database(args.postgres) as url:
            if url is not None:
                run_engine("PostgreSQL", url, folder, args.partners, args.requests)


if __name__ == "__main__":
    main()
