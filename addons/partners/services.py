"""Business operations on partners, their addresses and bank accounts, groups and tags.

Each takes the caller's session first and never commits: the caller commits once. Bad
input raises :class:`core.schemas.BusinessError` (``PartnerError`` here) and leaves the
database as it was. Permission checks happen before these are called; this module is the
only caller of partners' hooks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from addons.partners import messages as msg
from addons.partners.hookspecs import PartnerRef
from addons.partners.models import (
    GROUP_PATH_LENGTH,
    GROUP_PATH_SEPARATOR,
    PARTNER_SEQUENCE,
    AddressKind,
    Partner,
    PartnerAddress,
    PartnerBankAccount,
    PartnerGroup,
    PartnerKind,
    PartnerRole,
    PartnerTag,
)
from addons.partners.schemas import (
    AddressSchema,
    BankAccountSchema,
    GroupSchema,
    PartnerSchema,
    TagSchema,
)
from core.db import default_company_id
from core.models import next_code
from core.registry import get_registry
from core.schemas import (
    GENERAL,
    LIKE_ESCAPE,
    MSG_NOT_A_CHOICE,
    MSG_REQUIRED,
    BusinessError,
    Refusals,
    escape_like,
    flush_unique,
    load,
    render,
)
from core.security.accounts import works_for
from core.security.users import User

SEARCH_LIMIT = 80

# Partner attributes copied as they are from validated input.
PLAIN_FIELDS = (
    "name",
    "kind",
    "is_customer",
    "is_supplier",
    "is_carrier",
    "email",
    "phone",
    "mobile",
    "website",
    "tax_id",
    "salesperson_id",
    "credit_limit",
    "notes",
)


# The name callers of partners know. An alias, not a subclass: core's load, Refusals and
# flush_unique raise BusinessError itself, and callers must catch every refusal.
PartnerError = BusinessError


def _get(session: Session, model: type, record_id: Any, message: Any, field: str = GENERAL):
    record = session.get(model, record_id) if isinstance(record_id, int) else None
    if record is None:
        raise BusinessError.on(field, message, id=record_id)
    return record


# --------------------------------------------------------------------------- partners


def get_partner(session: Session, partner_id: int) -> Partner:
    return _get(session, Partner, partner_id, msg.UNKNOWN_PARTNER)


def partner_ref(partner: Partner) -> PartnerRef:
    """What other addons may know of a partner."""
    return PartnerRef(partner.id, partner.code, partner.display_name)


def create_partner(session: Session, data: Mapping[str, Any]) -> Partner:
    """Create a partner, with the addresses given; a blank code takes the next number."""
    values = load(PartnerSchema(), data)
    addresses = values.pop("addresses", None) or []
    partner = Partner()
    refusals = Refusals()
    links = _check_partner(session, partner, values, refusals)
    _check_new_addresses(addresses, refusals)
    refusals.raise_any()

    code = values.get("code")
    try:
        with session.begin_nested():
            code = code or _free_code(session)
            partner.code = code
            _assign(partner, values, links)
            for address_values in _with_first_defaults(addresses):
                partner.addresses.append(PartnerAddress(**address_values))
            session.add(partner)
            session.flush()
    except IntegrityError:
        if code and _code_taken(session, code):
            raise BusinessError.on("code", msg.CODE_TAKEN, code=code) from None
        raise
    return partner


def update_partner(session: Session, partner_id: int, data: Mapping[str, Any]) -> Partner:
    """Change the fields given in ``data``; the others keep their values."""
    partner = get_partner(session, partner_id)
    values = load(PartnerSchema(exclude=("addresses",)), data, partial=True)
    refusals = Refusals()
    links = _check_partner(session, partner, values, refusals)
    refusals.raise_any()
    try:
        with session.begin_nested():
            _assign(partner, values, links)
            session.flush()
    except IntegrityError:
        code = values.get("code")
        if code and _code_taken(session, code, partner_id):
            raise BusinessError.on("code", msg.CODE_TAKEN, code=code) from None
        raise
    return partner


def _check_partner(
    session: Session, partner: Partner, values: dict[str, Any], refusals: Refusals
) -> dict[str, Any]:
    """Check what ``values`` refer to; return the records to link (parent, group, tags)."""
    links: dict[str, Any] = {}
    if "code" in values:
        code = values["code"]
        if code is None and partner.id is not None:
            refusals.add("code", MSG_REQUIRED)
        elif code is not None and _code_taken(session, code, partner.id):
            refusals.add("code", msg.CODE_TAKEN, code=code)
    _check_parent(session, partner, values, refusals, links)
    if values.get("group_id") is not None:
        links["group"] = session.get(PartnerGroup, values["group_id"])
        if links["group"] is None:
            refusals.add("group_id", msg.UNKNOWN_GROUP, id=values["group_id"])
    elif "group_id" in values:
        links["group"] = None
    salesperson = values.get("salesperson_id")
    company_id = partner.company_id or default_company_id(session)
    if salesperson is not None and not works_for(session, salesperson, company_id):
        known = session.scalar(select(User.id).where(User.id == salesperson, User.active.is_(True)))
        if known is None:
            refusals.add("salesperson_id", msg.UNKNOWN_USER, id=salesperson)
        else:
            refusals.add("salesperson_id", msg.OTHER_COMPANY_USER)
    if "tag_ids" in values:
        wanted = list(dict.fromkeys(values["tag_ids"] or []))
        tags = {
            t.id: t for t in session.scalars(select(PartnerTag).where(PartnerTag.id.in_(wanted)))
        }
        for missing in (tag_id for tag_id in wanted if tag_id not in tags):
            refusals.add("tag_ids", msg.UNKNOWN_TAG, id=missing)
        links["tags"] = [tags[tag_id] for tag_id in wanted if tag_id in tags]
    return links


def _check_parent(
    session: Session,
    partner: Partner,
    values: dict[str, Any],
    refusals: Refusals,
    links: dict[str, Any],
) -> None:
    """A contact is a person whose parent is an active company."""
    kind = values.get("kind") or partner.kind or PartnerKind.COMPANY
    parent_id = values.get("parent_id", partner.parent_id)
    if kind == PartnerKind.COMPANY and parent_id is not None:
        refusals.add("parent_id", msg.COMPANY_WITH_PARENT)
    if kind == PartnerKind.PERSON and partner.kind == PartnerKind.COMPANY and partner.id:
        has_contacts = session.scalar(select(Partner.id).where(Partner.parent_id == partner.id))
        if has_contacts:
            refusals.add("kind", msg.COMPANY_HAS_CONTACTS, name=partner.name)
    if "parent_id" not in values:
        return
    links["parent"] = None
    if parent_id is None or kind == PartnerKind.COMPANY:
        return
    parent = session.get(Partner, parent_id)
    if parent is None:
        refusals.add("parent_id", msg.UNKNOWN_PARTNER, id=parent_id)
    elif parent.kind != PartnerKind.COMPANY or parent is partner:
        refusals.add("parent_id", msg.PARENT_NOT_COMPANY)
    elif not parent.active and parent_id != partner.parent_id:
        refusals.add("parent_id", msg.PARENT_ARCHIVED, name=parent.name)
    else:
        links["parent"] = parent


def _assign(partner: Partner, values: dict[str, Any], links: dict[str, Any]) -> None:
    for field in PLAIN_FIELDS:
        if field in values:
            setattr(partner, field, values[field])
    if values.get("code"):
        partner.code = values["code"]
    if "parent" in links:
        partner.parent = links["parent"]
    if "group" in links:
        partner.group = links["group"]
    if "tags" in links:
        partner.tags = links["tags"]


def _code_taken(session: Session, code: str, partner_id: int | None = None) -> bool:
    query = select(Partner.id).where(func.lower(Partner.code) == code.lower())
    if partner_id is not None:
        query = query.where(Partner.id != partner_id)
    return session.scalar(query.limit(1)) is not None


def _free_code(session: Session) -> str:
    """The next number of the sequence, skipping codes someone typed in by hand."""
    while True:
        code = next_code(session, PARTNER_SEQUENCE)
        if not _code_taken(session, code):
            return code


# --------------------------------------------------------------------------- search


def search_partners(
    session: Session,
    text: str | None = None,
    *,
    limit: int | None = SEARCH_LIMIT,
    roles: Iterable[str] = (),
    group_id: int | None = None,
    tag_ids: Iterable[int] = (),
    include_archived: bool = False,
) -> list[Partner]:
    """Partners whose name, code, phone or mobile contains ``text`` (any case).

    ``roles`` keeps partners having any of them (customer, supplier, carrier);
    ``group_id`` keeps the group and its subgroups; ``tag_ids`` keeps partners with
    any of the tags. An exact code comes first, then by name. Archived partners only
    with ``include_archived``.
    """
    query = select(Partner)
    if not include_archived:
        query = query.where(Partner.active.is_(True))
    text = (text or "").strip()
    if text:
        pattern = f"%{escape_like(text)}%"
        columns = (Partner.name, Partner.code, Partner.phone, Partner.mobile)
        query = query.where(or_(*(c.ilike(pattern, escape=LIKE_ESCAPE) for c in columns)))
    wanted_roles = _roles(roles)
    if wanted_roles:
        query = query.where(
            or_(*(getattr(Partner, f"is_{role.value}").is_(True) for role in wanted_roles))
        )
    if group_id is not None:
        query = query.where(Partner.group_id.in_(group_descendant_ids(session, group_id)))
    tag_ids = list(tag_ids)
    if tag_ids:
        query = query.where(Partner.tags.any(PartnerTag.id.in_(tag_ids)))
    exact_code = case((func.lower(Partner.code) == text.lower(), 0), else_=1)
    query = query.order_by(exact_code, Partner.name, Partner.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def _roles(roles: Iterable[str]) -> list[PartnerRole]:
    if isinstance(roles, str):
        roles = [roles]
    result = []
    for role in roles:
        try:
            result.append(PartnerRole(role))
        except ValueError:
            choices = ", ".join(r.value for r in PartnerRole)
            raise BusinessError.on("roles", MSG_NOT_A_CHOICE, choices=choices) from None
    return result


# --------------------------------------------------------------------------- archive, delete


def archive_partners(session: Session, partner_ids: Iterable[int]) -> list[Partner]:
    """Archive partners and the contacts of archived companies, unless an addon objects.

    Every addon may give reasons through ``partners_archive_blockers``; with any
    reason nothing is archived and the reasons are the error.
    """
    partners = _get_many(session, partner_ids)
    company_ids = [p.id for p in partners if p.kind == PartnerKind.COMPANY]
    contacts = session.scalars(
        select(Partner).where(Partner.parent_id.in_(company_ids), Partner.active.is_(True))
    )
    going = list(dict.fromkeys([*partners, *contacts]))
    _refuse_if_blocked(session, going)
    for partner in going:
        partner.active = False
    session.flush()
    return going


def unarchive_partners(session: Session, partner_ids: Iterable[int]) -> list[Partner]:
    """Bring partners back; a contact only with (or after) its company."""
    partners = _get_many(session, partner_ids)
    refusals = Refusals()
    for partner in partners:
        parent = partner.parent
        if parent is not None and not parent.active and parent not in partners:
            refusals.add(GENERAL, msg.RESTORE_COMPANY_FIRST, name=parent.name)
    refusals.raise_any()
    for partner in partners:
        partner.active = True
    session.flush()
    return partners


def delete_partners(session: Session, partner_ids: Iterable[int]) -> None:
    """Delete partners nothing refers to any more; otherwise refuse and delete none.

    Records of other addons point at partners with restricting foreign keys, so a
    partner with history cannot go: archiving is the answer then.
    """
    partners = _get_many(session, partner_ids)
    _refuse_if_blocked(session, partners)
    # Contacts first, so a company deleted together with its contacts goes last.
    ordered = sorted(partners, key=lambda p: p.parent_id is None)
    name = ""
    try:
        with session.begin_nested():
            for partner in ordered:
                name = partner.display_name
                with session.begin_nested():
                    session.delete(partner)
                    session.flush()
    except IntegrityError:
        raise BusinessError.on(GENERAL, msg.PARTNER_IN_USE, name=name) from None


def _get_many(session: Session, partner_ids: Iterable[int]) -> list[Partner]:
    ids = list(dict.fromkeys(partner_ids))
    found = {p.id: p for p in session.scalars(select(Partner).where(Partner.id.in_(ids)))}
    refusals = Refusals()
    for missing in (i for i in ids if i not in found):
        refusals.add(GENERAL, msg.UNKNOWN_PARTNER, id=missing)
    refusals.raise_any()
    return [found[i] for i in ids]


def _refuse_if_blocked(session: Session, partners: list[Partner]) -> None:
    refs = tuple(partner_ref(p) for p in partners)
    results = get_registry().hook.partners_archive_blockers(partners=refs, session=session)
    reasons = [reason for result in results if result for reason in result]
    if reasons:
        raise BusinessError({GENERAL: reasons})


# --------------------------------------------------------------------------- addresses


def add_address(session: Session, partner_id: int, data: Mapping[str, Any]) -> PartnerAddress:
    """Add an address; the first of its kind, or one marked default, becomes the default."""
    values = load(AddressSchema(), data)
    partner = _lock_partner(session, partner_id)
    address = PartnerAddress(**values)
    first_of_kind = not any(a.kind == address.kind for a in partner.addresses)
    partner.addresses.append(address)
    if address.is_default or first_of_kind:
        _make_default(partner, address)
    session.flush()
    return address


def update_address(session: Session, address_id: int, data: Mapping[str, Any]) -> PartnerAddress:
    """Change an address; leaving its kind hands the old kind's default to another one."""
    address = _get(session, PartnerAddress, address_id, msg.UNKNOWN_ADDRESS)
    values = load(AddressSchema(), data, partial=True)
    partner = _lock_partner(session, address.partner_id)
    was_default, old_kind = address.is_default, address.kind
    for field, value in values.items():
        setattr(address, field, value)
    if address.kind != old_kind and "is_default" not in values:
        address.is_default = not any(
            a.is_default for a in partner.addresses if a.kind == address.kind and a is not address
        )
    if address.is_default:
        _make_default(partner, address)
    if was_default and address.kind != old_kind:
        _promote_default(partner, old_kind)
    session.flush()
    return address


def remove_address(session: Session, address_id: int) -> None:
    """Remove an address; if it was the default, the oldest of its kind takes over."""
    address = _get(session, PartnerAddress, address_id, msg.UNKNOWN_ADDRESS)
    partner = _lock_partner(session, address.partner_id)
    partner.addresses.remove(address)
    if address.is_default:
        _promote_default(partner, address.kind)
    session.flush()


def set_default_address(session: Session, address_id: int) -> PartnerAddress:
    """Make this the partner's default address of its kind (invoice, delivery, other)."""
    address = _get(session, PartnerAddress, address_id, msg.UNKNOWN_ADDRESS)
    partner = _lock_partner(session, address.partner_id)
    _make_default(partner, address)
    session.flush()
    return address


def _lock_partner(session: Session, partner_id: int) -> Partner:
    """The partner, locked: address defaults are read and changed as one step."""
    query = select(Partner).where(Partner.id == partner_id).with_for_update()
    partner = session.scalar(query) if isinstance(partner_id, int) else None
    if partner is None:
        raise BusinessError.on(GENERAL, msg.UNKNOWN_PARTNER, id=partner_id)
    return partner


def _make_default(partner: Partner, address: PartnerAddress) -> None:
    for other in partner.addresses:
        if other.kind == address.kind:
            other.is_default = other is address


def _promote_default(partner: Partner, kind: AddressKind) -> None:
    same_kind = [a for a in partner.addresses if a.kind == kind]
    if same_kind and not any(a.is_default for a in same_kind):
        same_kind[0].is_default = True


def _check_new_addresses(addresses: list[dict[str, Any]], refusals: Refusals) -> None:
    seen: set[AddressKind] = set()
    problems = {}
    for index, address in enumerate(addresses):
        if address.get("is_default"):
            if address["kind"] in seen:
                problems[index] = {"is_default": [render(msg.DEFAULT_ADDRESS_TWICE)]}
            seen.add(address["kind"])
    if problems:
        refusals.messages["addresses"] = problems


def _with_first_defaults(addresses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first address of a kind with no default marked becomes the default."""
    defaulted = {a["kind"] for a in addresses if a.get("is_default")}
    result = []
    for address in addresses:
        if address["kind"] not in defaulted:
            address = {**address, "is_default": True}
            defaulted.add(address["kind"])
        result.append(address)
    return result


# --------------------------------------------------------------------------- bank accounts


def add_bank_account(
    session: Session, partner_id: int, data: Mapping[str, Any]
) -> PartnerBankAccount:
    values = load(BankAccountSchema(), data)
    partner = get_partner(session, partner_id)
    account = PartnerBankAccount(**values)
    partner.bank_accounts.append(account)
    session.flush()
    return account


def update_bank_account(
    session: Session, account_id: int, data: Mapping[str, Any]
) -> PartnerBankAccount:
    account = _get(session, PartnerBankAccount, account_id, msg.UNKNOWN_BANK_ACCOUNT)
    values = load(BankAccountSchema(), data, partial=True)
    for field, value in values.items():
        setattr(account, field, value)
    session.flush()
    return account


def remove_bank_account(session: Session, account_id: int) -> None:
    account = _get(session, PartnerBankAccount, account_id, msg.UNKNOWN_BANK_ACCOUNT)
    account.partner.bank_accounts.remove(account)
    session.flush()


# --------------------------------------------------------------------------- groups


def create_group(session: Session, data: Mapping[str, Any]) -> PartnerGroup:
    """Create a group under ``parent_id`` (or at the top); names are unique among siblings."""
    values = load(GroupSchema(), data)
    group = PartnerGroup()
    parent = _check_group(session, group, values)
    group.name = values["name"]
    group.parent = parent
    group.full_name = _join_path(parent, group.name)
    session.add(group)
    session.flush()
    return group


def update_group(session: Session, group_id: int, data: Mapping[str, Any]) -> PartnerGroup:
    """Rename or move a group; the paths of all its subgroups follow."""
    group = _get(session, PartnerGroup, group_id, msg.UNKNOWN_GROUP)
    values = load(GroupSchema(), data, partial=True)
    parent = _check_group(session, group, values)
    paths = _subtree_paths(group, values.get("name", group.name), parent)
    longest = max(len(path) for path in paths.values())
    if longest > GROUP_PATH_LENGTH:
        raise BusinessError.on("name", msg.GROUP_PATH_TOO_LONG, max=GROUP_PATH_LENGTH)
    group.name = values.get("name", group.name)
    group.parent = parent
    for node, path in paths.items():
        node.full_name = path
    session.flush()
    return group


def move_group(session: Session, group_id: int, parent_id: int | None) -> PartnerGroup:
    """Put a group under another one (None: at the top); a cycle is refused."""
    return update_group(session, group_id, {"parent_id": parent_id})


def delete_group(session: Session, group_id: int) -> None:
    """Delete an empty group: no subgroups and no partners in it."""
    group = _get(session, PartnerGroup, group_id, msg.UNKNOWN_GROUP)
    if session.scalar(select(PartnerGroup.id).where(PartnerGroup.parent_id == group.id).limit(1)):
        raise BusinessError.on(GENERAL, msg.GROUP_HAS_SUBGROUPS, name=group.full_name)
    if session.scalar(select(Partner.id).where(Partner.group_id == group.id).limit(1)):
        raise BusinessError.on(GENERAL, msg.GROUP_HAS_PARTNERS, name=group.full_name)
    session.delete(group)
    session.flush()


def group_descendant_ids(session: Session, group_id: int) -> set[int]:
    """The group and every group below it."""
    found = {group_id}
    frontier = [group_id]
    while frontier:
        children = session.scalars(
            select(PartnerGroup.id).where(PartnerGroup.parent_id.in_(frontier))
        )
        frontier = [child for child in children if child not in found]
        found.update(frontier)
    return found


def _check_group(
    session: Session, group: PartnerGroup, values: dict[str, Any]
) -> PartnerGroup | None:
    """Check the new parent and name of ``group``; return the parent to use."""
    refusals = Refusals()
    parent = group.parent
    if values.get("parent_id") is not None:
        parent = session.get(PartnerGroup, values["parent_id"])
        if parent is None:
            refusals.add("parent_id", msg.UNKNOWN_GROUP, id=values["parent_id"])
        elif group.id is not None and group.id in _ancestor_ids(session, parent.id):
            refusals.add("parent_id", msg.GROUP_CYCLE)
    elif "parent_id" in values:
        parent = None
    name = values.get("name", group.name)
    if not refusals and _sibling_named(session, name, parent, group):
        refusals.add("name", msg.GROUP_NAME_TAKEN, name=name)
    if not refusals and len(_join_path(parent, name)) > GROUP_PATH_LENGTH:
        refusals.add("name", msg.GROUP_PATH_TOO_LONG, max=GROUP_PATH_LENGTH)
    refusals.raise_any()
    return parent


def _ancestor_ids(session: Session, group_id: int) -> list[int]:
    """``group_id`` and its ancestors, each row locked while it is read.

    Two concurrent moves (A under B, B under A) each see the other's committed
    parent, or deadlock and are retried; either way no cycle is written.
    """
    chain: list[int] = []
    current: int | None = group_id
    while current is not None and current not in chain:
        chain.append(current)
        current = session.scalar(
            select(PartnerGroup.parent_id).where(PartnerGroup.id == current).with_for_update()
        )
    return chain


def _sibling_named(
    session: Session, name: str, parent: PartnerGroup | None, group: PartnerGroup
) -> bool:
    query = select(PartnerGroup.id).where(func.lower(PartnerGroup.name) == name.lower())
    if parent is None:
        query = query.where(PartnerGroup.parent_id.is_(None))
    else:
        query = query.where(PartnerGroup.parent_id == parent.id)
    if group.id is not None:
        query = query.where(PartnerGroup.id != group.id)
    return session.scalar(query.limit(1)) is not None


def _join_path(parent: PartnerGroup | None, name: str) -> str:
    return name if parent is None else f"{parent.full_name}{GROUP_PATH_SEPARATOR}{name}"


def _subtree_paths(
    group: PartnerGroup, name: str, parent: PartnerGroup | None
) -> dict[PartnerGroup, str]:
    paths = {group: _join_path(parent, name)}
    stack = [group]
    while stack:
        node = stack.pop()
        for child in node.children:
            paths[child] = f"{paths[node]}{GROUP_PATH_SEPARATOR}{child.name}"
            stack.append(child)
    return paths


# --------------------------------------------------------------------------- tags


def create_tag(session: Session, data: Mapping[str, Any]) -> PartnerTag:
    values = load(TagSchema(), data)
    _refuse_tag_name(session, values["name"])
    tag = PartnerTag(**values)
    session.add(tag)
    flush_unique(session, "name", msg.TAG_NAME_TAKEN, name=values["name"])
    return tag


def update_tag(session: Session, tag_id: int, data: Mapping[str, Any]) -> PartnerTag:
    tag = _get(session, PartnerTag, tag_id, msg.UNKNOWN_TAG)
    values = load(TagSchema(), data, partial=True)
    if "name" in values:
        _refuse_tag_name(session, values["name"], tag.id)
    for field, value in values.items():
        setattr(tag, field, value)
    flush_unique(session, "name", msg.TAG_NAME_TAKEN, name=tag.name)
    return tag


def delete_tag(session: Session, tag_id: int) -> None:
    """Delete a tag; partners simply lose it."""
    tag = _get(session, PartnerTag, tag_id, msg.UNKNOWN_TAG)
    session.delete(tag)
    session.flush()
    # The database removed the links; partners loaded here must not keep the tag.
    for record in list(session.identity_map.values()):
        if isinstance(record, Partner):
            session.expire(record, ["tags"])


def _refuse_tag_name(session: Session, name: str, tag_id: int | None = None) -> None:
    query = select(PartnerTag.id).where(func.lower(PartnerTag.name) == name.lower())
    if tag_id is not None:
        query = query.where(PartnerTag.id != tag_id)
    if session.scalar(query.limit(1)) is not None:
        raise BusinessError.on("name", msg.TAG_NAME_TAKEN, name=name)
