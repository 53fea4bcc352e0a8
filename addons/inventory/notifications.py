"""Stock alert notifications (clause 5.2.1.1: "optionally a notification"): when a stock
rule falls under its minimum, the holders of the warehouse's ``alert_role`` each get a
notification to read in Inventory → Stock notifications, whose menu entry shows how many
are unread; they mark them read there.

Core has no notification or mail service yet, so the list is inventory's own, kept small:
one row per user and alert, written in the transaction that raised the alert (so a
rolled-back alert notifies nobody), read and marked only by its user (a global record
rule). Nobody is notified in a warehouse without an ``alert_role``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from addons.inventory import messages as msg
from addons.inventory.hookspecs import StockAlert
from addons.inventory.ledger import InventoryError
from addons.inventory.models import StockNotification, Warehouse
from core import db
from core.db import utcnow
from core.schemas import render
from core.security.access import current_access, load_book
from core.security.models import UserCompany, UserRole
from core.security.users import User

READ = "inventory.notification.read"


def notify(session: Session, alerts: Iterable[StockAlert]) -> int:
    """One notification per alert to every active user of the alert's company holding
    the warehouse's ``alert_role`` (or a role implying it); returns how many were made."""
    alerts = list(alerts)
    roles = dict(
        session.execute(
            select(Warehouse.id, Warehouse.alert_role).where(
                Warehouse.id.in_({alert.warehouse_id for alert in alerts}),
                Warehouse.alert_role.is_not(None),
            )
        ).all()
    )
    if not roles:
        return 0
    book = load_book(session)
    now = utcnow()
    rows = []
    for alert in alerts:
        role = roles.get(alert.warehouse_id)
        if role is None:
            continue
        for user_id in _holders(session, book, role, alert.company_id):
            rows.append(
                {
                    "user_id": user_id,
                    "company_id": alert.company_id,
                    "rule_id": alert.rule_id,
                    "product_id": alert.product_id,
                    "warehouse_id": alert.warehouse_id,
                    "forecast": alert.forecast,
                    "minimum": alert.minimum,
                    "proposed": alert.proposed,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    if rows:
        session.execute(insert(StockNotification), rows)
    return len(rows)


def _holders(session: Session, book, role: str, company_id: int) -> list[int]:
    """Active users of the company holding ``role``, or a role that implies it."""
    holding = [name for name in book.roles if role in book.expand([name])]
    if not holding:
        return []
    in_company = or_(
        User.company_id == company_id,
        User.id.in_(select(UserCompany.user_id).where(UserCompany.company_id == company_id)),
    )
    statement = (
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(holding), User.active.is_(True), in_company)
        .distinct()
        .order_by(User.id)
    )
    return list(session.scalars(statement))


def mark_read(session: Session, notification: StockNotification, data: Any = None):
    """The action "Mark read" (one or a selection of the list)."""
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.flush()
    return notification


# --------------------------------------------------------------------------- the setting


def check_role(session: Session, role: str | None) -> None:
    """A warehouse notifies a role whose holders may read notifications, or nobody."""
    if role is None:
        return
    book = load_book(session)
    if role not in book or READ not in book.permissions([role]):
        raise InventoryError.on("alert_role", msg.ALERT_ROLE, role=role)


class RoleChoices:
    """The roles a warehouse may notify (those granting ``inventory.notification.read``),
    read when a form is drawn: roles come from the installed addons and the custom roles
    an administrator made, so they cannot be listed once and for all. Iterates like the
    ``(value, label)`` pairs of :attr:`core.hookspecs.ViewField.choices`."""

    def __iter__(self) -> Iterator[tuple[str, str]]:
        cached = g.get("inventory_alert_roles") if has_request_context() else None
        if cached is None:
            book = load_book(db.session())
            cached = sorted(
                (
                    (role.name, str(role.label))
                    for role in book.roles.values()
                    if READ in book.permissions([role.name])
                ),
                key=lambda pair: pair[1],
            )
            if has_request_context():
                g.inventory_alert_roles = cached
        return iter(cached)

    def __bool__(self) -> bool:
        return True


# --------------------------------------------------------------------------- unread


def unread_count() -> int:
    """The current user's unread notifications (one indexed count, kept for the request)."""
    if not has_request_context() or not current_user.is_authenticated:
        return 0
    if "inventory_unread" not in g:
        access = current_access()
        count = 0
        if access.can(READ):
            statement = access.restrict(
                select(func.count())
                .select_from(StockNotification)
                .where(
                    StockNotification.user_id == current_user.id,
                    StockNotification.read_at.is_(None),
                ),
                StockNotification,
            )
            count = db.session().scalar(statement) or 0
        g.inventory_unread = count
    return g.inventory_unread


class MenuLabel:
    """The menu entry's label, with the unread count when there is one ("Stock
    notifications (2)"), made when the menu is drawn."""

    def __str__(self) -> str:
        count = unread_count()
        if count:
            return render(msg.NOTIFICATIONS_UNREAD, count=count)
        return str(msg.NOTIFICATIONS)
