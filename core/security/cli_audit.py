"""``tessera audit verify|show|anomalies``, ``tessera keys rotate|generate``, ``tessera check``.

The commands only parse options and print; the work is done in ``core.security.audit``,
``anomaly``, ``keys`` and ``core.check``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import or_, select

from core.i18n import gettext as _
from core.security.audit import EVENTS

RELATIVE = re.compile(r"(\d+)([dhm])")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def _database():
    return current_app.extensions["tessera.db"]


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE") or "UTC")


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# --------------------------------------------------------------------------- audit


@click.group("audit", cls=AppGroup)
def audit_group():
    """Verify, read and analyse the audit log."""


@audit_group.command("verify")
def audit_verify():
    """Check the hash chain of the whole audit log; exit 1 where it breaks."""
    from core.security.audit import verify

    with _database().new_session() as session:
        report = verify(session)
    if report.ok:
        click.echo(_("The audit log is intact: %(count)d entries.", count=report.entries))
        return
    reasons = {
        "link": _("it does not follow the entry before it (an entry was removed or moved)"),
        "hash": _("its contents do not match its hash (the entry was edited)"),
    }
    click.echo(
        _(
            "The audit log is broken at entry %(id)d: %(reason)s. "
            "The %(count)d entries before it are intact.",
            id=report.broken_at,
            reason=reasons.get(report.reason, report.reason),
            count=report.entries,
        )
    )
    raise SystemExit(1)


def parse_since(value: str, zone: ZoneInfo, now: datetime) -> datetime:
    """``7d``, ``12h``, ``30m`` before ``now``, or an ISO date or time (local when naive)."""
    relative = RELATIVE.fullmatch(value.strip())
    if relative:
        return now - timedelta(**{UNITS[relative[2]]: int(relative[1])})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            _("give a date (2026-01-31), a time (2026-01-31T08:00) or 7d, 12h, 30m")
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _entry_dict(entry) -> dict:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "event": entry.event,
        "user_id": entry.user_id,
        "login": entry.login,
        "ip": entry.ip,
        "resource": entry.resource,
        "record_id": entry.record_id,
        "changes": entry.changes,
    }


def _entry_line(entry, zone: ZoneInfo) -> str:
    who = entry.login or (f"#{entry.user_id}" if entry.user_id is not None else "-")
    what = entry.resource or "-"
    if entry.record_id is not None:
        what += f"#{entry.record_id}"
    changes = json.dumps(entry.changes, ensure_ascii=False) if entry.changes else ""
    at = entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"{entry.id:>6}  {at}  {entry.event:<15} {who:<16} {entry.ip or '-':<15} {what} {changes}"
    )


@audit_group.command("show")
@click.option("--since", default=None, help="7d, 12h, 30m, or a date or time (local).")
@click.option("--user", "user", default=None, help="A login or a user id.")
@click.option("--event", type=click.Choice(sorted(EVENTS)), default=None)
@click.option("--limit", default=100, show_default=True, help="The latest N entries; 0: all.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def audit_show(since, user, event, limit, as_json):
    """The audit log's entries, oldest first, filtered."""
    from core.db import utcnow
    from core.security.models import AuditEntry
    from core.security.users import User

    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    zone = _zone()
    if since:
        query = query.where(AuditEntry.at >= parse_since(since, zone, utcnow()))
    if event:
        query = query.where(AuditEntry.event == event)
    if limit:
        query = query.limit(limit)
    with _database().new_session() as session:
        if user:
            ids = [int(user)] if user.isdigit() else []
            ids += session.scalars(select(User.id).where(User.login == user)).all()
            query = query.where(or_(AuditEntry.login == user, AuditEntry.user_id.in_(ids)))
        entries = list(reversed(session.scalars(query).all()))
    if as_json:
        _echo_json([_entry_dict(e) for e in entries])
        return
    for entry in entries:
        click.echo(_entry_line(entry, zone))


@audit_group.command("anomalies")
@click.option("--days", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def audit_anomalies(days, as_json):
    """Failed-login bursts, unusual hours, new addresses, mass exports, role changes."""
    from core.db import utcnow
    from core.security.anomaly import AnomalyRules, find_anomalies

    rules = AnomalyRules.from_config(current_app.config)
    with _database().new_session() as session:
        findings = find_anomalies(session, since=utcnow() - timedelta(days=days), rules=rules)
    if as_json:
        _echo_json([f.as_dict(rules.zone) for f in findings])
        return
    if not findings:
        click.echo(_("No anomalies found."))
    for finding in findings:
        click.echo(finding.describe(rules.zone))


# --------------------------------------------------------------------------- keys


@click.group("keys", cls=AppGroup)
def keys_group():
    """Encryption keys of sensitive columns."""


@keys_group.command("rotate")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(min=1))
def keys_rotate(batch_size):
    """Re-encrypt every encrypted value with the current key (safe to run again)."""
    from core.security.keys import rotate

    provider = current_app.extensions["tessera.crypto"]
    click.echo(
        _(
            "Current key: %(key_id)s (%(profile)s)",
            key_id=provider.keyring.current,
            profile=provider.profile.cipher_name,
        )
    )
    reports = rotate(_database(), provider, batch_size=batch_size)
    for report in reports:
        click.echo(
            _(
                "%(column)s: %(scanned)d values, %(rotated)d re-encrypted, "
                "%(current)d already current, %(failed)d unreadable",
                column=report.column,
                scanned=report.scanned,
                rotated=report.rotated,
                current=report.current,
                failed=len(report.failed),
            )
        )
    click.echo(
        _(
            "Re-encrypted %(rotated)d of %(scanned)d values.",
            rotated=sum(r.rotated for r in reports),
            scanned=sum(r.scanned for r in reports),
        )
    )
    unreadable = [(r.column, row_id) for r in reports for row_id in r.failed]
    if unreadable:
        for column, row_id in unreadable:
            click.echo(_("cannot decrypt %(column)s of record %(id)s", column=column, id=row_id))
        raise SystemExit(1)


@keys_group.command("generate", with_appcontext=False)
@click.option("--id", "key_id", default="k1", show_default=True)
def keys_generate(key_id):
    """Print a new key line: put it first in TESSERA_ENCRYPTION_KEYS or the key file."""
    from core.security.keys import KEY_ID, new_key_line

    if not KEY_ID.fullmatch(key_id):
        raise click.BadParameter(_("letters, digits, _ or -, at most 32"), param_hint="--id")
    click.echo(new_key_line(key_id))


# --------------------------------------------------------------------------- check


@click.command("check")
@click.option("--deploy", is_flag=True, help="Also the rules for a production deployment.")
@with_appcontext
def check_command(deploy):
    """Check the configuration; exit 1 when something must be fixed first."""
    from core.check import ERROR, check

    problems = check(current_app._get_current_object(), deploy=deploy)
    for found in problems:
        if found.level == ERROR:
            click.echo(found.text)
        else:
            click.echo(_("warning: %(message)s", message=found.text))
    if any(p.level == ERROR for p in problems):
        raise SystemExit(1)
    click.echo(_("OK"))
