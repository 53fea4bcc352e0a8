"""The audit log viewer: entries filtered by event, user, resource, record, dates and text,
newest first, each change shown old → new; and the chain verification on demand.

For holders of ``core.audit.read``. The log is read, never written, here: reading it is
not a change, so it leaves no entry. Dates are the reader's (their time zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_babel import get_timezone
from flask_login import login_required
from sqlalchemy import String, cast, func, or_, select

from core import db
from core.admin.blueprint import blueprint
from core.admin.history import EVENT_LABELS, describe, event_label, names_of, view_fields, who
from core.schemas import LIKE_ESCAPE, escape_like
from core.security.access import current_access
from core.security.audit import EVENTS, ChainReport, verify
from core.security.models import AuditEntry
from core.security.users import User

PAGE_SIZE = 50
MAX_PAGE = 100_000
PERMISSION = "core.audit.read"


@dataclass(frozen=True)
class AuditQuery:
    """What the auditor asked for, already bounded."""

    event: str = ""
    user: str = ""
    resource: str = ""
    record: int | None = None
    since: date | None = None
    until: date | None = None
    search: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> AuditQuery:
        event = args.get("event", "")
        record = args.get("record", "")
        try:
            page = min(max(int(args.get("page", 1)), 1), MAX_PAGE)
        except ValueError:
            page = 1
        return cls(
            event=event if event in EVENTS else "",
            user=(args.get("user") or "").strip()[:64],
            resource=(args.get("resource") or "").strip()[:80],
            record=int(record) if record.isdigit() and len(record) < 10 else None,
            since=_day(args.get("since")),
            until=_day(args.get("until")),
            search=(args.get("q") or "").strip()[:100],
            page=page,
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this view of the log (``changes`` applied), blanks left out."""
        params = {
            "event": self.event,
            "user": self.user,
            "resource": self.resource,
            "record": self.record,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "q": self.search,
            "page": self.page if self.page > 1 else None,
        }
        params.update(changes)
        return {key: value for key, value in params.items() if value not in (None, "")}

    def conditions(self) -> list:
        found = []
        if self.event:
            found.append(AuditEntry.event == self.event)
        if self.user:
            ids = select(User.id).where(func.lower(User.login) == self.user.lower())
            found.append(
                or_(func.lower(AuditEntry.login) == self.user.lower(), AuditEntry.user_id.in_(ids))
            )
        if self.resource:
            inside = escape_like(self.resource) + ".%"
            found.append(
                or_(
                    AuditEntry.resource == self.resource,
                    AuditEntry.resource.like(inside, escape=LIKE_ESCAPE),
                )
            )
        if self.record is not None:
            found.append(AuditEntry.record_id == self.record)
        zone = ZoneInfo(str(get_timezone()))  # Flask-Babel gives pytz zones: not for combine()
        if self.since:
            found.append(AuditEntry.at >= datetime.combine(self.since, time(), zone))
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time(), zone)
            found.append(AuditEntry.at < end)
        if self.search:
            pattern = f"%{escape_like(self.search)}%"
            found.append(
                or_(
                    *(
                        column.ilike(pattern, escape=LIKE_ESCAPE)
                        for column in (
                            AuditEntry.login,
                            AuditEntry.ip,
                            AuditEntry.resource,
                            cast(AuditEntry.changes, String),
                        )
                    )
                )
            )
        return found


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10]) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    who: str
    changes: tuple


def load_entries(session, wanted: AuditQuery) -> tuple[list[AuditRow], int]:
    """One page of entries and how many match: three queries whatever the page size."""
    where = wanted.conditions()
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
    entries = session.scalars(
        select(AuditEntry)
        .where(*where)
        .order_by(AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((wanted.page - 1) * PAGE_SIZE)
    ).all()
    names = names_of(session, (entry.user_id for entry in entries))
    labels = view_fields()
    rows = [
        AuditRow(
            entry,
            who(entry, names),
            describe(entry.event, entry.changes, labels.get(entry.resource or "")),
        )
        for entry in entries
    ]
    return rows, total


def _page(report: ChainReport | None = None):
    current_access().require(PERMISSION)
    wanted = AuditQuery.from_args(request.args)
    rows, total = load_entries(db.session(), wanted)
    return render_template(
        "core/admin/audit.html",
        rows=rows,
        total=total,
        pages=max(1, -(-total // PAGE_SIZE)),
        wanted=wanted,
        events=sorted(EVENTS, key=lambda e: str(EVENT_LABELS.get(e, e))),
        event_label=event_label,
        report=report,
    )


@blueprint.get("/admin/audit")
@login_required
def audit():
    return _page()


@blueprint.post("/admin/audit/verify")
@login_required
def audit_verify():
    """Walk the whole hash chain now and show whether it holds (reads only)."""
    current_access().require(PERMISSION)
    with db.get_database().read_session() as session:
        report = verify(session)
    return _page(report)
