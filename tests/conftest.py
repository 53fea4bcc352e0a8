"""Shared helpers for the cross-addon and core tests."""

from pathlib import Path

import pytest

FIXTURE_ADDONS = Path(__file__).resolve().parent / "fixture_addons"


@pytest.fixture
def fixture_app(make_app):
    """``fixture_app(*installed)``: core plus the test addons of tests/fixture_addons."""

    def factory(*installed, initialised=True):
        app = make_app((), initialised=initialised, ADDONS_PATH=str(FIXTURE_ADDONS))
        if installed:
            from core.registry import get_registry

            with app.app_context():
                get_registry(app).lifecycle.install(installed)
        return app

    return factory


@pytest.fixture
def delta_app(fixture_app):
    """core + the delta fixture addon with a few tasks in two companies and an admin
    logged-in client factory: returns (app, ids). Tasks: t1 draft (alice), t2 open (alice),
    t3 done (bob), t4 draft high (company B)."""
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import select

    from core.models import Company
    from core.security.models import UserRole
    from core.security.passwords import hash_password
    from core.security.users import User

    app = fixture_app("delta")
    from delta.models import DeltaLine, DeltaTask, TaskState

    ids = {}

    def build(session):
        company_a = session.scalar(select(Company).order_by(Company.id))
        company_b = Company(name="Company B", code="B")
        session.add(company_b)
        session.flush()
        people = {
            "alice": ("delta.user", company_a),
            "bob": ("delta.user", company_a),
            "carol": ("delta.manager", company_a),
            "dave": ("delta.manager", company_b),
        }
        for login, (role, company) in people.items():
            user = User(
                login=login,
                name=login.title(),
                company_id=company.id,
                password_hash=hash_password(DELTA_PASSWORD),
            )
            session.add(user)
            session.flush()
            ids[login] = user.id
            session.add(UserRole(user_id=user.id, role=role))
        tasks = {
            "t1": ("alice", TaskState.DRAFT, "normal", "10.50", company_a, date(2026, 10, 3)),
            "t2": ("alice", TaskState.OPEN, "high", "20.25", company_a, date(2026, 11, 5)),
            "t3": ("bob", TaskState.DONE, "low", "5.00", company_a, None),
            "t4": ("dave", TaskState.DRAFT, "high", "99.00", company_b, None),
        }
        for name, (owner, state, priority, amount, company, due) in tasks.items():
            task = DeltaTask(
                name=f"Task {name}",
                code=name.upper(),
                state=state,
                priority=priority,
                owner_id=ids[owner],
                amount=Decimal(amount),
                hours=Decimal("1.5"),
                company_id=company.id,
                due_date=due,
            )
            task.lines.append(DeltaLine(text=f"{name} line", quantity=Decimal(2), price=Decimal(3)))
            session.add(task)
            session.flush()
            ids[name] = task.id
        ids["company_b"] = company_b.id

    with app.app_context():
        app.extensions["tessera.db"].atomic(build)
    return app, ids


DELTA_PASSWORD = "green-tea-and-mooncakes-9"
