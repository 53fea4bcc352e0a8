"""Cost of record rules: a list page of partners with and without the access layer.

Run: `python benchmarks/auth.py [--partners 20000] [--postgres URL]`. Builds partners in
two companies and four salespeople, registers a rule like the sales addon's ("a
salesperson sees the customers they look after"), and times the same 80-row page as a
plain query and through core.security.access. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import DEFAULT_POSTGRES, postgres_database
from sqlalchemy import insert, select

from core.app import create_app
from core.db import utcnow
from core.hookspecs import RecordRule, Role
from core.models import Company
from core.plugins import hookimpl
from core.registry import get_registry
from core.security.access import access_for
from core.security.models import UserRole
from core.security.users import User
from core.setup import initialise_database

PASSWORD = "benchmark-password-2026"  # noqa: S105 - throwaway databases
PAGE = 80


class SalesLikeRules:
    """What the sales addon will declare: salespeople see the customers they look after."""

    @hookimpl
    def core_register_roles(self):
        return [Role("bench.salesperson", "Salesperson", permissions=("partners.partner.read",))]

    @hookimpl
    def core_register_record_rules(self):
        from addons.partners.models import Partner

        return [
            RecordRule(
                "partners.partner",
                "own customers",
                lambda p: Partner.salesperson_id == p.user_id,
                roles=("bench.salesperson",),
            )
        ]


def build(url: str, partners: int):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        initialise_database(app, login="admin", password=PASSWORD, name="Admin", company="A")
        registry = get_registry(app)
        registry.lifecycle.install(["partners"])
        registry.refresh()
        registry.pm.register(SalesLikeRules(), "bench-rules")
        database = app.extensions["tessera.db"]
        from addons.partners.models import Partner

        def seed(session):
            company_b = Company(name="B", code="B")
            session.add(company_b)
            session.flush()
            companies = [session.scalar(select(Company.id).order_by(Company.id)), company_b.id]
            sellers = []
            for n in range(4):
                user = User(login=f"seller{n}", name=f"Seller {n}", company_id=companies[n % 2])
                session.add(user)
                session.flush()
                session.add(UserRole(user_id=user.id, role="bench.salesperson"))
                sellers.append(user.id)
            now = utcnow()
            rows = [
                {
                    "code": f"P{i:07d}",
                    "name": f"Customer {i}",
                    "kind": "company",
                    "is_customer": True,
                    "is_supplier": False,
                    "is_carrier": False,
                    "company_id": companies[i % 2],
                    "salesperson_id": sellers[i % 4],
                    "active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(partners)
            ]
            session.execute(insert(Partner), rows)
            return sellers[0]

        seller = database.atomic(seed)
    return app, seller


def page_times(app, seller: int, repeat: int) -> dict[str, list[float]]:
    """Times of: the plain page, the page through the access layer, building the access."""
    from addons.partners.models import Partner

    times: dict[str, list[float]] = {"plain": [], "by_hand": [], "ruled": [], "principal": []}
    with app.app_context(), app.extensions["tessera.db"].new_session() as session:
        for _ in range(repeat):
            start = time.perf_counter()
            access = access_for(session, seller)  # once per request in the app
            times["principal"].append(time.perf_counter() - start)
            start = time.perf_counter()
            session.scalars(select(Partner).order_by(Partner.name).limit(PAGE)).all()
            times["plain"].append(time.perf_counter() - start)
            start = time.perf_counter()
            by_hand = select(Partner).where(
                Partner.company_id.in_(access.principal.company_ids),
                Partner.salesperson_id == seller,
            )
            session.scalars(by_hand.order_by(Partner.name).limit(PAGE)).all()
            times["by_hand"].append(time.perf_counter() - start)
            start = time.perf_counter()
            statement = access.select(Partner).order_by(Partner.name).limit(PAGE)
            session.scalars(statement).all()
            times["ruled"].append(time.perf_counter() - start)
    return times


def report(engine: str, times: dict[str, list[float]]) -> None:
    plain, by_hand, ruled, principal = (
        statistics.median(times[k]) * 1000 for k in ("plain", "by_hand", "ruled", "principal")
    )
    print(
        f"{engine}: page of {PAGE} partners: {plain:.2f} ms unfiltered; {by_hand:.2f} ms with "
        f"the rules' conditions written by hand; {ruled:.2f} ms through the access layer "
        f"({100 * (ruled - by_hand) / by_hand:+.0f}% over by hand); building the user's "
        f"access once per request: {principal:.2f} ms"
    )


def login_throughput(app, count: int) -> None:
    """Sequential logins through the login form (argon2id verification dominates)."""
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["csrf_token"] = token = "bench"  # noqa: S105 - benchmark only
    app.config["THROTTLE_ACCOUNT_FAILURES"] = count + 1
    start = time.perf_counter()
    for _ in range(count):
        response = client.post(
            "/login", data={"login": "admin", "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, response.status_code
        with client.session_transaction() as flask_session:
            flask_session["csrf_token"] = token
    seconds = time.perf_counter() - start
    print(
        f"logins: {count} in {seconds:.2f} s = {count / seconds:.1f} per second on one "
        f"process (argon2id t=3, m=64 MiB, p=4); add processes for more"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, seller = build(f"sqlite:///{Path(folder) / 'auth.sqlite'}", args.partners)
        report("SQLite", page_times(app, seller, args.repeat))
        login_throughput(app, args.logins)
        app.extensions["tessera.db"].dispose()
    with postgres_database(args.postgres) as url:
        if url is not None:
            app, seller = build(url, args.partners)
            report("PostgreSQL", page_times(app, seller, args.repeat))
            app.extensions["tessera.db"].dispose()


if __name__ == "__main__":
    main()
