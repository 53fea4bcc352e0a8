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

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from core.db import CompanyMixin
from core.hookspecs import Principal, RecordRule, Role
from core.i18n import lazy_gettext as _l
from core.models import Company
from core.security.models import CustomRole, UserCompany, UserRole
from core.security.users import User

ACTIONS = ("read", "create", "write", "delete", "export")
CUSTOM_PREFIX = "custom."
# Audit entries about role definitions (a user's roles are logged under core.user).
ROLE_RESOURCE = "core.role"

MSG_DENIED = _l("You are not allowed to do this (%(permission)s).")
MSG_NOT_FOUND = _l("This record does not exist, or you may not see it.")
MSG_UNKNOWN_ROLE = _l("There is no role named %(role)s.")
MSG_CUSTOM_NAME = _l(
    "A custom role is named custom. followed by 2 to 40 lower-case letters, digits or _."
)
MSG_ROLE_EXISTS = _l("A role named %(role)s exists already.")
MSG_ROLE_CYCLE = _l("A role cannot include itself, directly or through others.")
MSG_GRANTS_NOTHING = _l("A custom role must include at least one role or permission.")
MSG_UNKNOWN_PERMISSION = _l("There is no permission named %(permission)s.")
MSG_NOT_CUSTOM = _l("%(role)s is not a custom role.")
MSG_ROLE_HELD = _l("This role is held by %(count)d users; take it from them first.")
MSG_ROLE_INCLUDED = _l("This role is included in %(roles)s; remove it from them first.")

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
        custom = []
        for row in session.scalars(select(CustomRole)):
            roles, permissions = custom_role_grants(row)
            custom.append(
                Role(row.name, row.label, permissions, implies=roles, description=row.description)
            )
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
    session: Session,
    name: str,
    label: str,
    implies: Iterable[str],
    description: str | None = None,
    permissions: Iterable[str] = (),
) -> CustomRole:
    """A role combining others and single permissions (a new role, so it cannot close a
    cycle but on itself). Audited.

    Refused with every problem at once: a bad or taken name, unknown roles or
    permissions, nothing granted, no label.
    """
    import re

    from core.schemas import Refusals

    book = load_book(session)
    refusals = Refusals()
    if not re.fullmatch(r"custom\.[a-z0-9_]{2,40}", name or ""):
        refusals.add("name", MSG_CUSTOM_NAME)
    elif name in book:
        refusals.add("name", MSG_ROLE_EXISTS, role=name)
    implied, granted = _checked_grants(book, name, label, implies, permissions, refusals)
    refusals.raise_any()
    row = CustomRole(
        name=name,
        label=label.strip(),
        implies=list(implied),
        permissions=list(granted),
        description=(description or "").strip() or None,
    )
    session.add(row)
    session.flush()
    _audit_role(session, row, {"action": "create", **_role_state(row)})
    return row


def update_custom_role(
    session: Session,
    name: str,
    label: str,
    implies: Iterable[str],
    description: str | None = None,
    permissions: Iterable[str] = (),
) -> CustomRole:
    """Change what custom role ``name`` is called and grants (audited, old and new).

    A role may not come to include itself through the roles it includes.
    """
    from core.schemas import Refusals

    row = _custom_row(session, name)
    before = _role_state(row)
    refusals = Refusals()
    implied, granted = _checked_grants(
        load_book(session), name, label, implies, permissions, refusals
    )
    refusals.raise_any()
    row.label = label.strip()
    row.implies = list(implied)
    row.permissions = list(granted)
    row.description = (description or "").strip() or None
    session.flush()
    after = _role_state(row)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        _audit_role(session, row, {"action": "update", **changes})
    return row


def delete_custom_role(session: Session, name: str) -> None:
    """Delete custom role ``name``: refused while a user holds it or a role includes it."""
    from core.schemas import BusinessError

    row = _custom_row(session, name)
    holders = session.scalar(
        select(func.count()).select_from(UserRole).where(UserRole.role == name)
    )
    if holders:
        raise BusinessError.on(None, MSG_ROLE_HELD, count=holders)
    including = [
        other.name
        for other in session.scalars(select(CustomRole).where(CustomRole.name != name))
        if name in (other.implies or ())
    ]
    if including:
        raise BusinessError.on(None, MSG_ROLE_INCLUDED, roles=", ".join(sorted(including)))
    _audit_role(session, row, {"action": "delete", **_role_state(row)})
    session.delete(row)
    session.flush()


def custom_role_grants(row: CustomRole) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The roles and the permissions custom role ``row`` grants."""
    return tuple(str(v) for v in row.implies or ()), tuple(str(v) for v in row.permissions or ())


def _checked_grants(
    book: RoleBook,
    name: str,
    label: str,
    implies: Iterable[str],
    permissions: Iterable[str],
    refusals,
) -> tuple[list[str], list[str]]:
    """The roles and permissions a custom role may grant, problems added to ``refusals``."""
    from core.registry import get_registry
    from core.schemas import MSG_REQUIRED

    implied = list(dict.fromkeys(implies))
    granted = list(dict.fromkeys(permissions))
    if not implied and not granted:
        refusals.add("implies", MSG_GRANTS_NOTHING)
    for role in implied:
        if role == name or (role in book and name in book.expand([role])):
            refusals.add("implies", MSG_ROLE_CYCLE)
        elif role not in book:
            refusals.add("implies", MSG_UNKNOWN_ROLE, role=role)
    declared = {p.name for p in get_registry().collect("core_register_permissions")}
    for permission in granted:
        if permission not in declared:
            refusals.add("permissions", MSG_UNKNOWN_PERMISSION, permission=permission)
    if not (label or "").strip() or len(label) > 255:
        refusals.add("label", MSG_REQUIRED)
    return implied, granted


def _custom_row(session: Session, name: str) -> CustomRole:
    from core.schemas import BusinessError

    row = session.scalar(select(CustomRole).where(CustomRole.name == name))
    if row is None:
        raise BusinessError.on("name", MSG_NOT_CUSTOM, role=name)
    return row


def _role_state(row: CustomRole) -> dict:
    roles, permissions = custom_role_grants(row)
    return {
        "name": row.name,
        "label": row.label,
        "description": row.description,
        "implies": list(roles),
        "permissions": list(permissions),
    }


def _audit_role(session: Session, row: CustomRole, changes: dict) -> None:
    from core.security.audit import record

    record(session, "role_change", resource=ROLE_RESOURCE, record_id=row.id, changes=changes)


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

    def select_by_rules(self, model: type, action: str) -> Select:
        """``select(model)`` limited by the rules for ``action`` without requiring
        ``<resource>.<action>``: for a caller that required a permission of its own (a
        business action declaring one), whose records the rules still choose."""
        condition = self.condition(model, action)
        statement = select(model)
        return statement if condition is None else statement.where(condition)

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
