"""Anomalies found in the audit log: rules, thresholds, the report command and the job."""

import dataclasses
import itertools
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from flask.cli import ScriptInfo

from core.cli import cli
from core.jobs import all_jobs, run_now
from core.security.anomaly import (
    FAILED_LOGINS_PER_ADDRESS,
    FAILED_LOGINS_PER_LOGIN,
    MASS_EXPORT,
    NEW_ADDRESS,
    PRIVILEGE_CHANGE,
    UNUSUAL_HOUR,
    AnomalyRules,
    find_anomalies,
    parse_hours,
)
from core.security.models import AuditEntry

pytestmark = [pytest.mark.spec("6.3.6"), pytest.mark.addons()]

# 10:00 in Shanghai, inside business hours.
NOON = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
RULES = AnomalyRules()
_serial = itertools.count()


def add(session, event, at, **fields):
    """An audit entry at a chosen time (the chain does not matter to the analysis).

    Explicit ids: these tests roll back on the shared template database, and PostgreSQL
    would not give back sequence values, shifting the ids of databases copied later.
    """
    number = next(_serial)
    session.add(
        AuditEntry(
            id=1_000_000 + number,
            at=at,
            event=event,
            prev_hash="0" * 64,
            hash=f"{number:064d}",
            algorithm="sha256",
            **fields,
        )
    )
    session.flush()


def findings(session, since=NOON - timedelta(days=1), until=NOON + timedelta(days=1), **rules):
    return find_anomalies(
        session, since=since, until=until, rules=dataclasses.replace(RULES, **rules)
    )


def kinds(found):
    return [f.kind for f in found]


def test_a_burst_of_failed_logins_for_one_login_is_found(db_session):
    for minute in range(0, 10, 2):  # five failures in eight minutes, from five addresses
        add(
            db_session,
            "login_failed",
            NOON + timedelta(minutes=minute),
            login="bob",
            ip=f"10.0.0.{minute}",
        )
    (burst,) = findings(db_session)
    assert burst.kind == FAILED_LOGINS_PER_LOGIN
    assert (burst.login, burst.count) == ("bob", 5)
    assert (burst.at, burst.until) == (NOON, NOON + timedelta(minutes=8))
    assert len(burst.entry_ids) == 5


def test_failures_below_the_threshold_or_spread_out_are_not_a_burst(db_session):
    for minute in range(4):
        add(
            db_session, "login_failed", NOON + timedelta(minutes=minute), login="bob", ip="10.0.0.1"
        )
    for hour in range(6):
        add(
            db_session,
            "login_failed",
            NOON + timedelta(hours=hour),
            login="carol",
            ip=f"10.0.1.{hour}",
        )
    assert findings(db_session) == []


def test_a_burst_from_one_address_across_logins_is_found(db_session):
    for n in range(6):
        add(
            db_session,
            "login_failed",
            NOON + timedelta(seconds=30 * n),
            login=f"user{n}",
            ip="203.0.113.9",
        )
    (burst,) = findings(db_session)
    assert (burst.kind, burst.ip, burst.count) == (FAILED_LOGINS_PER_ADDRESS, "203.0.113.9", 6)


def test_thresholds_come_from_the_rules(db_session):
    for minute in range(3):
        add(
            db_session, "login_failed", NOON + timedelta(minutes=minute), login="bob", ip="10.0.0.1"
        )
    assert set(kinds(findings(db_session, failed_logins=3))) == {
        FAILED_LOGINS_PER_LOGIN,
        FAILED_LOGINS_PER_ADDRESS,
    }


def test_logins_at_unusual_local_hours_are_found(db_session):
    night = datetime(2026, 3, 2, 19, 30, tzinfo=UTC)  # 03:30 in Shanghai
    add(db_session, "login", night, user_id=1, login="admin", ip="10.0.0.1")
    add(db_session, "login", NOON, user_id=1, login="admin", ip="10.0.0.1")
    (odd,) = findings(db_session)
    assert (odd.kind, odd.login, odd.at) == (UNUSUAL_HOUR, "admin", night)
    assert "03:30" in odd.describe(RULES.zone)
    # The same moment is mid-afternoon in Los Angeles.
    assert findings(db_session, timezone="America/Los_Angeles") == []


def test_business_hours_may_cross_midnight():
    starts, ends = parse_hours("20:00-04:00")
    rules = dataclasses.replace(RULES, day_starts=starts, day_ends=ends, timezone="UTC")
    assert rules.is_business_hour(datetime(2026, 3, 2, 23, tzinfo=UTC))
    assert not rules.is_business_hour(datetime(2026, 3, 2, 12, tzinfo=UTC))
    with pytest.raises(ValueError, match="06:00-22:00"):
        parse_hours("office hours")


def test_a_login_from_an_address_new_for_the_user_is_found(db_session):
    add(db_session, "login", NOON - timedelta(days=10), user_id=1, login="admin", ip="10.0.0.1")
    add(db_session, "login", NOON - timedelta(days=40), user_id=1, login="admin", ip="198.51.100.7")
    add(db_session, "login", NOON, user_id=1, login="admin", ip="10.0.0.1")
    add(db_session, "login", NOON + timedelta(hours=1), user_id=1, login="admin", ip="198.51.100.7")
    (new,) = findings(db_session)
    assert (new.kind, new.ip, new.at) == (NEW_ADDRESS, "198.51.100.7", NOON + timedelta(hours=1))


def test_a_first_login_ever_is_not_an_anomaly(db_session):
    add(db_session, "login", NOON, user_id=1, login="admin", ip="10.0.0.1")
    assert findings(db_session) == []


def test_mass_exports_by_count_and_by_rows_are_found(db_session):
    for n in range(21):
        add(db_session, "export", NOON + timedelta(minutes=2 * n), user_id=1, changes={"rows": 10})
    for n in range(20):
        add(db_session, "export", NOON + timedelta(minutes=2 * n), user_id=2, changes={"rows": 10})
    add(db_session, "export", NOON, user_id=3, changes={"rows": 6000})
    add(db_session, "export", NOON + timedelta(minutes=50), user_id=3, changes={"rows": 6000})
    add(db_session, "export", NOON + timedelta(hours=5), user_id=4, changes={"rows": 6000})
    add(db_session, "export", NOON + timedelta(hours=7), user_id=4, changes={"rows": 6000})
    found = findings(db_session)
    assert kinds(found) == [MASS_EXPORT, MASS_EXPORT]
    by_count, by_rows = sorted(found, key=lambda f: f.user_id)
    assert (by_count.user_id, by_count.count, by_count.rows) == (1, 21, 210)
    assert by_count.login == "admin"  # filled in from the user table
    assert (by_rows.user_id, by_rows.count, by_rows.rows) == (3, 2, 12000)


def test_privilege_changes_are_reported(db_session):
    add(
        db_session,
        "role_change",
        NOON,
        user_id=1,
        login="admin",
        record_id=7,
        changes={"roles": [["sales.user"], ["sales.user", "core.admin"]]},
    )
    (change,) = findings(db_session)
    assert (change.kind, change.login, change.record_id) == (PRIVILEGE_CHANGE, "admin", 7)


def test_only_the_asked_period_is_reported(db_session):
    add(db_session, "role_change", NOON - timedelta(days=3), user_id=1, record_id=7)
    assert findings(db_session) == []


def test_findings_are_frozen_and_serialise(db_session):
    add(db_session, "role_change", NOON, user_id=1, login="admin", record_id=7)
    (change,) = findings(db_session)
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.count = 2
    data = change.as_dict(RULES.zone)
    assert data["kind"] == PRIVILEGE_CHANGE and data["at"] == NOON.isoformat()
    assert "changed the roles of user 7" in data["description"]


# --------------------------------------------------------------------------- command and job


def recent_burst(app, login="mallory"):
    from core.db import utcnow

    with app.app_context():

        def write(session):
            for n in range(5):
                add(
                    session,
                    "login_failed",
                    utcnow() - timedelta(minutes=10 - n),
                    login=login,
                    ip="10.9.9.9",
                )

        app.extensions["tessera.db"].atomic(write)


def test_the_anomalies_command_reports_in_text_and_json(make_app, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    app = make_app(())
    runner = app.test_cli_runner()

    def run(*args):
        return runner.invoke(
            cli, ["audit", "anomalies", *args], obj=ScriptInfo(create_app=lambda: app)
        )

    assert "No anomalies found." in run().output
    recent_burst(app)
    result = run("--days", "1")
    assert result.exit_code == 0, result.output
    assert "5 failed logins for mallory" in result.output
    assert "5 failed logins from 10.9.9.9" in result.output
    data = json.loads(run("--json").output)
    assert {d["kind"] for d in data} == {FAILED_LOGINS_PER_LOGIN, FAILED_LOGINS_PER_ADDRESS}


def test_the_hourly_job_logs_findings_as_warnings(make_app, caplog):
    app = make_app(())
    job = all_jobs(app)["core.audit_anomalies"]
    assert job.schedule == "0 * * * *"
    recent_burst(app)
    with app.app_context(), caplog.at_level(logging.WARNING, logger="core.security.anomaly"):
        assert run_now("core.audit_anomalies") == 2
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "mallory" in warnings[0].getMessage() or "mallory" in warnings[1].getMessage()
