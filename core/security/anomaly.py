"""Anomalies in the audit log: what a security officer should look at, found by rules.

Bursts of failed logins (per login and per address), logins at unusual hours, logins
from an address new for the user, mass exports, and privilege changes. It reads the
audit log only; it blocks nothing (throttling lives in the login code). Export entries
count as many rows as their ``changes["rows"]`` says (one entry = 0 rows when absent).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.i18n import lazy_gettext as _l
from core.security.models import AuditEntry
from core.security.users import User

log = logging.getLogger(__name__)

FAILED_LOGINS_PER_LOGIN = "failed_logins_per_login"
FAILED_LOGINS_PER_ADDRESS = "failed_logins_per_address"
UNUSUAL_HOUR = "unusual_hour"
NEW_ADDRESS = "new_address"
MASS_EXPORT = "mass_export"
PRIVILEGE_CHANGE = "privilege_change"

DESCRIPTIONS = {
    FAILED_LOGINS_PER_LOGIN: _l("%(count)d failed logins for %(login)s from %(start)s to %(end)s"),
    FAILED_LOGINS_PER_ADDRESS: _l("%(count)d failed logins from %(ip)s from %(start)s to %(end)s"),
    UNUSUAL_HOUR: _l("%(login)s logged in at %(start)s, outside business hours"),
    NEW_ADDRESS: _l("%(login)s logged in from %(ip)s at %(start)s, an address new for this user"),
    MASS_EXPORT: _l(
        "%(login)s exported %(count)d times (%(rows)d rows) within an hour, %(start)s to %(end)s"
    ),
    PRIVILEGE_CHANGE: _l("%(login)s changed the roles of user %(record_id)s at %(start)s"),
}
MSG_BAD_HOURS = _l("ANOMALY_BUSINESS_HOURS must look like 06:00-22:00, not %(value)s")


@dataclass(frozen=True)
class Finding:
    """One anomaly: its kind, when (first and last event, UTC), who, from where, how much."""

    kind: str
    at: datetime
    until: datetime
    count: int = 1
    user_id: int | None = None
    login: str | None = None
    ip: str | None = None
    rows: int = 0
    record_id: int | None = None
    entry_ids: tuple[int, ...] = ()

    def describe(self, zone: ZoneInfo) -> str:
        """One translated sentence, times in ``zone``."""
        return str(DESCRIPTIONS[self.kind]) % {
            "count": self.count,
            "login": self.login or (f"#{self.user_id}" if self.user_id else "?"),
            "ip": self.ip or "?",
            "rows": self.rows,
            "record_id": self.record_id if self.record_id is not None else "?",
            "start": _local(self.at, zone),
            "end": _local(self.until, zone),
        }

    def as_dict(self, zone: ZoneInfo) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            at=self.at.isoformat(),
            until=self.until.isoformat(),
            entry_ids=list(self.entry_ids),
            description=self.describe(zone),
        )
        return data


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class AnomalyRules:
    """The thresholds, from the ``ANOMALY_*`` settings."""

    timezone: str = "Asia/Shanghai"
    day_starts: time = time(6)
    day_ends: time = time(22)
    failed_logins: int = 5
    failed_login_window: timedelta = timedelta(minutes=15)
    new_address_days: int = 30
    exports_per_hour: int = 20
    export_rows_per_hour: int = 10000

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AnomalyRules:
        starts, ends = parse_hours(config.get("ANOMALY_BUSINESS_HOURS") or "06:00-22:00")
        return cls(
            timezone=config.get("ANOMALY_TIMEZONE")
            or config.get("DEFAULT_TIMEZONE")
            or "Asia/Shanghai",
            day_starts=starts,
            day_ends=ends,
            failed_logins=int(config.get("ANOMALY_FAILED_LOGINS", 5)),
            failed_login_window=timedelta(
                minutes=int(config.get("ANOMALY_FAILED_LOGIN_MINUTES", 15))
            ),
            new_address_days=int(config.get("ANOMALY_NEW_ADDRESS_DAYS", 30)),
            exports_per_hour=int(config.get("ANOMALY_EXPORTS_PER_HOUR", 20)),
            export_rows_per_hour=int(config.get("ANOMALY_EXPORT_ROWS_PER_HOUR", 10000)),
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_business_hour(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone).time()
        if self.day_starts <= self.day_ends:
            return self.day_starts <= local < self.day_ends
        return local >= self.day_starts or local < self.day_ends  # hours across midnight


def parse_hours(value: str) -> tuple[time, time]:
    try:
        starts, ends = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ValueError(str(MSG_BAD_HOURS) % {"value": value}) from None
    return starts, ends


# --------------------------------------------------------------------------- the report


def find_anomalies(
    session: Session, *, since: datetime, until: datetime | None = None, rules: AnomalyRules
) -> list[Finding]:
    """Every finding whose last event lies between ``since`` and ``until`` (now), in time order."""
    until = until or utcnow()
    findings = [
        *_failed_login_bursts(session, since, until, rules),
        *_unusual_hours(session, since, until, rules),
        *_new_addresses(session, since, until, rules),
        *_mass_exports(session, since, until, rules),
        *_privilege_changes(session, since, until),
    ]
    findings = _with_logins(session, findings)
    return sorted(findings, key=lambda f: (f.at, f.kind, f.entry_ids))


def _entries(session: Session, event: str, since: datetime, until: datetime) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.event == event, AuditEntry.at >= since, AuditEntry.at <= until)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


def _bursts(
    entries: list[AuditEntry], window: timedelta, flagged: Callable[[list[AuditEntry]], bool]
) -> list[list[AuditEntry]]:
    """Maximal runs of time-ordered entries covering every flagged span of ``window``."""
    runs: list[list[int]] = []
    start = 0
    for end, entry in enumerate(entries):
        while entry.at - entries[start].at > window:
            start += 1
        if not flagged(entries[start : end + 1]):
            continue
        if runs and start <= runs[-1][1]:
            runs[-1][1] = end
        else:
            runs.append([start, end])
    return [entries[first : last + 1] for first, last in runs]


def _grouped(entries: Iterable[AuditEntry], key: Callable[[AuditEntry], Any]) -> dict:
    groups: dict[Any, list[AuditEntry]] = defaultdict(list)
    for entry in entries:
        if key(entry) is not None:
            groups[key(entry)].append(entry)
    return groups


def _run_finding(kind: str, run: list[AuditEntry], **fields: Any) -> Finding:
    return Finding(
        kind=kind,
        at=run[0].at,
        until=run[-1].at,
        count=len(run),
        entry_ids=tuple(e.id for e in run),
        **fields,
    )


def _failed_login_bursts(session, since, until, rules: AnomalyRules) -> list[Finding]:
    failures = _entries(session, "login_failed", since - rules.failed_login_window, until)

    def enough(window: list[AuditEntry]) -> bool:
        return len(window) >= rules.failed_logins

    findings = []
    for kind, key in (
        (FAILED_LOGINS_PER_LOGIN, lambda e: e.login),
        (FAILED_LOGINS_PER_ADDRESS, lambda e: e.ip),
    ):
        for value, group in _grouped(failures, key).items():
            for run in _bursts(group, rules.failed_login_window, enough):
                if run[-1].at < since:
                    continue
                if kind == FAILED_LOGINS_PER_LOGIN:
                    findings.append(_run_finding(kind, run, login=value))
                else:
                    findings.append(_run_finding(kind, run, ip=value))
    return findings


def _login_finding(kind: str, entry: AuditEntry) -> Finding:
    return Finding(
        kind=kind,
        at=entry.at,
        until=entry.at,
        user_id=entry.user_id,
        login=entry.login,
        ip=entry.ip,
        entry_ids=(entry.id,),
    )


def _unusual_hours(session, since, until, rules: AnomalyRules) -> list[Finding]:
    return [
        _login_finding(UNUSUAL_HOUR, entry)
        for entry in _entries(session, "login", since, until)
        if not rules.is_business_hour(entry.at)
    ]


def _new_addresses(session, since, until, rules: AnomalyRules) -> list[Finding]:
    """A login from an address the user did not log in from in the days before.

    A user with no earlier login in that period has nothing to compare with and is
    left out (a new user's first login is not an anomaly).
    """
    memory = timedelta(days=rules.new_address_days)
    recent = [e for e in _entries(session, "login", since, until) if e.user_id and e.ip]
    if not recent:
        return []
    users = {e.user_id for e in recent}
    history = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.event == "login",
            AuditEntry.user_id.in_(users),
            AuditEntry.at >= since - memory,
            AuditEntry.at <= until,
        )
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    by_user = _grouped(history, lambda e: e.user_id)
    findings = []
    for entry in recent:
        before = [
            e.ip
            for e in by_user[entry.user_id]
            if entry.at - memory <= e.at and (e.at, e.id) < (entry.at, entry.id)
        ]
        if before and entry.ip not in before:
            findings.append(_login_finding(NEW_ADDRESS, entry))
    return findings


def _rows(entry: AuditEntry) -> int:
    rows = (entry.changes or {}).get("rows") if isinstance(entry.changes, dict) else None
    return rows if isinstance(rows, int) and not isinstance(rows, bool) else 0


def _mass_exports(session, since, until, rules: AnomalyRules) -> list[Finding]:
    hour = timedelta(hours=1)
    exports = _entries(session, "export", since - hour, until)

    def too_much(window: list[AuditEntry]) -> bool:
        return (
            len(window) > rules.exports_per_hour
            or sum(map(_rows, window)) > rules.export_rows_per_hour
        )

    findings = []
    for user_id, group in _grouped(exports, lambda e: e.user_id).items():
        for run in _bursts(group, hour, too_much):
            if run[-1].at >= since:
                rows = sum(map(_rows, run))
                findings.append(_run_finding(MASS_EXPORT, run, user_id=user_id, rows=rows))
    return findings


def _privilege_changes(session, since, until) -> list[Finding]:
    return [
        Finding(
            kind=PRIVILEGE_CHANGE,
            at=entry.at,
            until=entry.at,
            user_id=entry.user_id,
            login=entry.login,
            ip=entry.ip,
            record_id=entry.record_id,
            entry_ids=(entry.id,),
        )
        for entry in _entries(session, "role_change", since, until)
    ]


def _with_logins(session: Session, findings: list[Finding]) -> list[Finding]:
    """Fill in the login of findings that only know the user's id."""
    missing = {f.user_id for f in findings if f.login is None and f.user_id is not None}
    if not missing:
        return findings
    logins = dict(session.execute(select(User.id, User.login).where(User.id.in_(missing))).all())
    return [
        f if f.login is not None or f.user_id is None else replace(f, login=logins.get(f.user_id))
        for f in findings
    ]


# --------------------------------------------------------------------------- the job


def report_anomalies(*, session: Session, hours: int = 1) -> int:
    """The ``core.audit_anomalies`` job: log the last hours' findings at WARNING."""
    from flask import current_app

    rules = AnomalyRules.from_config(current_app.config)
    findings = find_anomalies(session, since=utcnow() - timedelta(hours=hours), rules=rules)
    for finding in findings:
        log.warning("audit anomaly (%s): %s", finding.kind, finding.describe(rules.zone))
    return len(findings)
