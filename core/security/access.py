"""Permissions and record rules: the one layer every path to data goes through.

A model names the resource it belongs to (``__resource__ = "partners.partner"``; a child
such as an address adds ``__rule_parent__ = "partner"``, the relationship whose rules it
follows). :class:`Access` answers "may this user do ACTION on RESOURCE" from roles
(declared by addons, combined in custom roles) and turns record rules into SQL:
global rules AND, role rules OR, and the company rule for every company-owned model.
Access is denied by default: a permission no role grants is held by the superuser only.
A record a user may not see is reported as missing (404), never as forbidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from core.db import CompanyMixin
from core.hookspecs import Principal, RecordRule, Role
from core.i18n import lazy_gettext as _l
from core.models import Company
from core.security.models import CustomRole, UserCompany, UserRole
from core.security.users import User

ACTIONS = ("read", "create", "write", "delete", "export")
CUSTOM_PREFIX = "custom."

MSG_DENIED = _l("You are not allowed to do this (%(permission)s).")
MSG_NOT_FOUND = _l("This record does not exist, or you may not see it.")
MSG_UNKNOWN_ROLE = _l("There is no role named %(role)s.")
MSG_CUSTOM_NAME = _l(
    "A custom role is named custom. followed by 2 to 40 lower-case letters, digits or _."
)
MSG_ROLE_EXISTS = _l("A role named %(role)s exists already.")
MSG_ROLE_CYCLE = _l("A role cannot include itself, directly or through others.")
MSG_IMPLIES_NOTHING = _l("A custom role must include at least one role.")

ANONYMOUS = Principal(user_id=None)


class AccessDenied(Exception):
    """The user lacks a permission (HTTP 403)."""

    code = 403

    def __init__(self, permission: str) -> None:
        self.permission = permission
        super().__init__(permission)

    def __str__(self) -> str:
        return str(MSG_DENIED) % {"permission": self.permission}


class RecordNotFound(LookupError):
    """No such record for this user: missing or hidden by a rule (HTTP 404)."""

    code = 404

    def __str__(self) -> str:
        return str(MSG_NOT_FOUND)


# --------------------------------------------------------------------------- roles


class RoleBook:
    """Every role (addons' and custom ones) and what each grants, implied roles included."""

    def __init__(self, roles: Iterable[Role]) -> None:
        self.roles: dict[str, Role] = {role.name: role for role in roles}

    @classmethod
    def load(cls, session: Session, declared: Iterable[Role]) -> RoleBook:
        custom = [
            Role(row.name, row.label, implies=tuple(row.implies or ()), description=row.description)
            for row in session.scalars(select(CustomRole))
        ]
        return cls([*declared, *custom])

    def __contains__(self, name: str) -> bool:
        return name in self.roles

    def expand(self, names: Iterable[str]) -> frozenset[str]:
        """``names`` and every role they imply, directly or not; unknown names dropped."""
        found: set[str] = set()
        stack = [n for n in names if n in self.roles]
        while stack:
            name = stack.pop()
            if name in found:
                continue
            found.add(name)
            stack.extend(n for n in self.roles[name].implies if n in self.roles)
        return frozenset(found)

    def permissions(self, names: Iterable[str]) -> frozenset[str]:
        return frozenset(p for name in self.expand(names) for p in self.roles[name].permissions)


def principal_for(
    session: Session, user_id: int, book: RoleBook, company_id: int | None = None
) -> Principal:
    """The principal of an active user: expanded roles, permissions and companies."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return ANONYMOUS
    assigned = session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)).all()
    roles = book.expand(assigned)
    companies = set(
        session.scalars(select(UserCompany.company_id).where(UserCompany.user_id == user_id))
    )
    if user.company_id is not None:
        companies.add(user.company_id)
    if user.is_superuser:
        companies.update(session.scalars(select(Company.id)))
    current = company_id if company_id in companies else user.company_id
    return Principal(
        user_id=user.id,
        is_superuser=user.is_superuser,
        roles=roles,
        permissions=book.permissions(roles),
        company_id=current,
        company_ids=frozenset(companies),
    )


def assign_roles(session: Session, user_id: int, roles: Iterable[str], book: RoleBook) -> None:
    """Make ``roles`` exactly the roles held by the user (unknown names are refused)."""
    from core.schemas import BusinessError
    from core.security.audit import record

    wanted = set(roles)
    unknown = sorted(r for r in wanted if r not in book)
    if unknown:
        raise BusinessError.on("roles", MSG_UNKNOWN_ROLE, role=unknown[0])
    current = set(session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)))
    for name in current - wanted:
        session.delete(session.get(UserRole, (user_id, name)))
    for name in wanted - current:
        session.add(UserRole(user_id=user_id, role=name))
    if current != wanted:
        session.flush()
        record(
            session,
            "role_change",
            resource="core.user",
            record_id=user_id,
            changes={"roles": [sorted(current), sorted(wanted)]},
        )


def load_book(session: Session) -> RoleBook:
    """Every role of the installed addons and the custom ones (inside an app context)."""
    from core.registry import get_registry

    return RoleBook.load(session, get_registry().collect("core_register_roles"))


def create_custom_role(
    session: Session, name: str, label: str, implies: Iterable[str], description: str | None = None
) -> CustomRole:
    """A role combining others (a new role, so it cannot close a cycle but on itself).

    Refused with every problem at once: a bad or taken name, unknown roles, no label.
    """
    import re

    from core.schemas import MSG_REQUIRED, Refusals

    book = load_book(session)
    implied = list(dict.fromkeys(implies))
    refusals = Refusals()
    if not re.fullmatch(r"custom\.[a-z0-9_]{2,40}", name or ""):
        refusals.add("name", MSG_CUSTOM_NAME)
    elif name in book:
        refusals.add("name", MSG_ROLE_EXISTS, role=name)
    if not implied:
        refusals.add("implies", MSG_IMPLIES_NOTHING)
    for role in implied:
        if role == name:
            refusals.add("implies", MSG_ROLE_CYCLE)
        elif role not in book:
            refusals.add("implies", MSG_UNKNOWN_ROLE, role=role)
    if not (label or "").strip() or len(label) > 255:
        refusals.add("label", MSG_REQUIRED)
    refusals.raise_any()
    row = CustomRole(name=name, label=label.strip(), implies=implied, description=description)
    session.add(row)
    session.flush()
    return row


# --------------------------------------------------------------------------- rules


def resource_of(model: type) -> str | None:
    return getattr(model, "__resource__", None)


class Access:
    """What one principal may do, and the SQL that limits what they reach."""

    def __init__(self, principal: Principal, rules: Iterable[RecordRule] = ()) -> None:
        self.principal = principal
        self.rules: dict[str, list[RecordRule]] = {}
        for rule in rules:
            self.rules.setdefault(rule.resource, []).append(rule)

    # ----------------------------------------------------------------- permissions

    def can(self, permission: str) -> bool:
        return self.principal.is_superuser or permission in self.principal.permissions

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise AccessDenied(permission)

    def can_do(self, model: type, action: str) -> bool:
        return self.can(f"{_resource(model)}.{action}")

    # ----------------------------------------------------------------- records

    def condition(self, model: type, action: str = "read"):
        """The WHERE condition limiting ``model`` for ``action`` (None: no limit)."""
        if self.principal.is_superuser:
            return None
        parent = getattr(model, "__rule_parent__", None)
        if parent is not None:
            relationship = getattr(model, parent)
            inner = self.condition(relationship.property.mapper.class_, action)
            return None if inner is None else relationship.has(inner)
        conditions = []
        if issubclass(model, CompanyMixin):
            conditions.append(model.company_id.in_(self.principal.company_ids or {-1}))
        applicable = [r for r in self.rules.get(_resource(model), ()) if action in r.actions]
        conditions += [r.domain(self.principal) for r in applicable if not r.roles]
        role_rules = [r for r in applicable if self.principal.roles.intersection(r.roles)]
        if role_rules:
            conditions.append(or_(*(r.domain(self.principal) for r in role_rules)))
        return and_(*conditions) if conditions else None

    def restrict(self, statement: Select, model: type, action: str = "read") -> Select:
        """``statement`` limited to the records of ``model`` the user may ``action``."""
        self.require(f"{_resource(model)}.{action}")
        condition = self.condition(model, action)
        return statement if condition is None else statement.where(condition)

    def select(self, model: type, action: str = "read") -> Select:
        return self.restrict(select(model), model, action)

    def get(self, session: Session, model: type, record_id: Any, action: str = "read"):
        """The record, or :class:`RecordNotFound` when it is missing or hidden by a rule."""
        statement = self.select(model, action)
        record = session.scalar(statement.where(model.id == _as_id(record_id)))
        if record is None:
            raise RecordNotFound(record_id)
        return record

    def check(self, session: Session, record: Any, action: str) -> None:
        """Refuse (404) when the flushed ``record`` falls outside the rules for ``action``.

        For ``create``, call it after flushing the new record, inside the transaction:
        a record created outside the user's companies or rules is refused with it.
        """
        model = type(record)
        self.require(f"{_resource(model)}.{action}")
        condition = self.condition(model, action)
        if condition is None:
            return
        found = session.scalar(select(exists().where(model.id == record.id, condition)))
        if not found:
            raise RecordNotFound(record.id)

    def readable_fields(self, model: type) -> set[str]:
        """Column names the user may read: a column with ``info["permission"]`` needs it."""
        return {
            column.key
            for column in model.__table__.columns
            if "permission" not in column.info or self.can(column.info["permission"])
        }


# --------------------------------------------------------------------------- per request

SYSTEM = Principal(user_id=None, is_superuser=True)


def access_for(
    session: Session, user_id: int | None, *, company_id: int | None = None, system: bool = False
) -> Access:
    """The access of ``user_id`` (anonymous when None, all-powerful for ``system`` work)."""
    from core.registry import get_registry

    registry = get_registry()
    rules = registry.collect("core_register_record_rules")
    if system:
        return Access(SYSTEM, rules)
    if user_id is None:
        return Access(ANONYMOUS, rules)
    return Access(principal_for(session, user_id, load_book(session), company_id), rules)


def current_access() -> Access:
    """The access of this request or job, built once (``g.access``).

    A job started by a user runs with that user's access; periodic system jobs (no
    user, no request) run as the system.
    """
    from flask import g, has_request_context

    from core import db

    if "access" not in g:
        uid = g.get("uid")
        system = uid is None and not has_request_context() and g.get("system", True)
        g.access = access_for(db.session(), uid, company_id=g.get("company_id"), system=system)
    return g.access


def _resource(model: type) -> str:
    resource = resource_of(model)
    if resource is None:
        raise TypeError(f"{model.__name__} declares no __resource__")
    return resource


def _as_id(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if 0 < number < 2**31 else -1
