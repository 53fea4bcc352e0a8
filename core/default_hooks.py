"""Core is its own first plugin: its permissions, roles and menus come through hooks."""

from __future__ import annotations

from core.hookspecs import Job, MenuItem, ModelView, Permission, Role
from core.i18n import lazy_gettext as _l
from core.plugins import hookimpl
from core.security.anomaly import report_anomalies


@hookimpl
def core_register_permissions() -> list[Permission]:
    return [
        Permission("core.module", "read", _l("See installed apps")),
        Permission("core.module", "manage", _l("Install, upgrade and uninstall apps")),
        Permission("core.user", "read", _l("See users and roles")),
        Permission("core.user", "create", _l("Create users")),
        Permission("core.user", "write", _l("Change users' details")),
        Permission(
            "core.user",
            "manage",
            _l("Assign roles, deactivate users, reset passwords, edit custom roles"),
        ),
        Permission("core.company", "read", _l("See companies")),
        Permission("core.company", "create", _l("Create companies")),
        Permission("core.company", "write", _l("Change company details")),
        Permission("core.settings", "read", _l("See system settings")),
        Permission("core.settings", "manage", _l("Change system settings")),
        Permission("core.audit", "read", _l("Read the audit log")),
    ]


@hookimpl
def core_register_roles() -> list[Role]:
    return [
        Role(
            "core.admin",
            _l("Administration / Settings"),
            permissions=(
                "core.module.read",
                "core.module.manage",
                "core.user.read",
                "core.user.create",
                "core.user.write",
                "core.user.manage",
                "core.company.read",
                "core.company.create",
                "core.company.write",
                "core.settings.read",
                "core.settings.manage",
            ),
        ),
        Role(
            "core.auditor",
            _l("Administration / Auditor"),
            permissions=("core.audit.read", "core.user.read"),
        ),
    ]


@hookimpl
def core_register_menus() -> list[MenuItem]:
    return [
        MenuItem("core.settings", _l("Settings"), sequence=1000, icon="gear"),
        MenuItem(
            "core.settings.apps",
            _l("Apps"),
            parent="core.settings",
            endpoint="core.apps",
            permission="core.module.read",
            sequence=10,
        ),
        MenuItem(
            "core.settings.users",
            _l("Users"),
            parent="core.settings",
            view="core.user",
            permission="core.user.read",
            sequence=20,
        ),
        MenuItem(
            "core.settings.roles",
            _l("Roles"),
            parent="core.settings",
            endpoint="core.admin.roles",
            permission="core.user.read",
            sequence=30,
        ),
        MenuItem(
            "core.settings.companies",
            _l("Companies"),
            parent="core.settings",
            view="core.company",
            permission="core.company.read",
            sequence=40,
        ),
        MenuItem(
            "core.settings.system",
            _l("System settings"),
            parent="core.settings",
            endpoint="core.admin.settings",
            permission="core.settings.read",
            sequence=50,
        ),
        MenuItem(
            "core.settings.audit",
            _l("Audit log"),
            parent="core.settings",
            endpoint="core.admin.audit",
            permission="core.audit.read",
            sequence=60,
        ),
    ]


@hookimpl
def core_register_views() -> list[ModelView]:
    from core.admin.views import VIEWS

    return list(VIEWS)


@hookimpl
def core_register_jobs() -> list[Job]:
    return [
        Job(
            "core.audit_anomalies",
            report_anomalies,
            schedule="0 * * * *",
            description=_l("Report anomalies of the last hour in the audit log"),
        ),
        Job(
            "core.prune_security_tables",
            prune_security_tables,
            schedule="17 * * * *",
            description=_l(
                "Delete dead sessions, expired failed-login records and old idempotency keys"
            ),
        ),
    ]


def prune_security_tables(*, session) -> dict[str, int]:
    """Housekeeping: sessions and login records that can no longer matter."""
    from core.db import utcnow
    from core.security import sessions, throttle

    return {
        "sessions": sessions.purge_dead(session, utcnow()),
        "login_attempts": throttle.sweep(session),
        "idempotency_keys": _purge_idempotency_keys(session, utcnow()),
    }


def _purge_idempotency_keys(session, now) -> int:
    from datetime import timedelta

    from sqlalchemy import delete

    from core.models import IdempotencyKey

    result = session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < now - timedelta(days=1))
    )
    return result.rowcount or 0
