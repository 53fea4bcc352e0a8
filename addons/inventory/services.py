"""Business operations of inventory: warehouses and locations, lots, receipts, deliveries
and internal transfers (confirm, reserve, validate with backorders, cancel), stock
corrections and reversals, and what other addons ask through hooks. The only callers of
inventory's hooks.

Every function takes the caller's session and never commits: one business action, with
whatever other addons do in reaction, is one transaction. Refused input or a broken rule
raises :class:`InventoryError` (a core BusinessError: messages per field) before anything
is written, or mid-way, and then the caller rolls the transaction back. The quantities
themselves change only in ledger.py.

Functions behind the screens and the API reach referenced records (products, partners,
locations) through the access layer; the linkage functions called through hooks
(``request_delivery``, ``cancel_origin``) act for a business action another addon has
already authorised, as automated stock control (clause 5.2.1.3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from addons.inventory import ledger, notifications, rules, tracking
from addons.inventory import messages as msg
from addons.inventory.hookspecs import DeliveryRequest, MovedLine, PickingRef
from addons.inventory.ledger import ZERO, InventoryError
from addons.inventory.models import (
    EDITABLE_STATES,
    LOCATION_PATH_LENGTH,
    OPEN_STATES,
    PATH_SEPARATOR,
    PICKING_CLASSES,
    VIRTUAL_KINDS,
    Delivery,
    Location,
    LocationKind,
    Lot,
    Move,
    Picking,
    PickingType,
    Priority,
    ProductTracking,
    Quant,
    Receipt,
    StockState,
    Tracking,
    Warehouse,
    WarehouseMember,
    partner_model,
    product_model,
)
from addons.inventory.schemas import (
    AdjustmentSchema,
    DoneLineSchema,
    LocationSchema,
    LotSchema,
    MoveLineSchema,
    PickingSchema,
    ReasonSchema,
    WarehouseMemberSchema,
    WarehouseSchema,
)
from core.db import default_company_id, utcnow
from core.models import next_code
from core.registry import get_registry
from core.schemas import BusinessError, Refusals, flush_unique, load, render
from core.security.access import current_access
from core.security.accounts import works_for

MAX_LINES = 500
SEQUENCES = {
    PickingType.RECEIPT: "inventory.receipt",
    PickingType.DELIVERY: "inventory.delivery",
    PickingType.INTERNAL: "inventory.internal",
}
# Where each kind of operation may take goods from and bring them to.
SOURCE_KINDS = {
    PickingType.RECEIPT: (*VIRTUAL_KINDS,),
    PickingType.DELIVERY: (LocationKind.INTERNAL,),
    PickingType.INTERNAL: (LocationKind.INTERNAL,),
}
DESTINATION_KINDS = {
    PickingType.RECEIPT: (LocationKind.INTERNAL,),
    PickingType.DELIVERY: (*VIRTUAL_KINDS, LocationKind.SCRAP),
    PickingType.INTERNAL: (LocationKind.INTERNAL,),
}
TYPE_LABELS = {
    PickingType.RECEIPT: msg._l("receipt"),
    PickingType.DELIVERY: msg._l("delivery"),
    PickingType.INTERNAL: msg._l("internal transfer"),
}
# The locations every company has, and those made with each warehouse.
VIRTUAL_LOCATIONS = (
    (LocationKind.SUPPLIER, msg.LOCATION_SUPPLIERS),
    (LocationKind.CUSTOMER, msg.LOCATION_CUSTOMERS),
    (LocationKind.PRODUCTION, msg.LOCATION_PRODUCTION),
    (LocationKind.INVENTORY_LOSS, msg.LOCATION_INVENTORY_LOSS),
)
WAREHOUSE_LOCATIONS = (
    ("receiving", LocationKind.INTERNAL, msg.LOCATION_RECEIVING),
    ("stock", LocationKind.INTERNAL, msg.LOCATION_STOCK),
    ("output", LocationKind.INTERNAL, msg.LOCATION_OUTPUT),
    ("scrap", LocationKind.SCRAP, msg.LOCATION_SCRAP),
)
DEFAULT_WAREHOUSE_CODE = "WH"


def today() -> date:
    return utcnow().date()


def state_label(state: Any) -> str:
    value = getattr(state, "value", state)
    return str(dict(msg.STATE_LABELS).get(value, value))


# --------------------------------------------------------------------------- warehouses


def system_key(purpose: str, warehouse_id: int | None = None) -> str:
    """The key of a location Tessera made: "customer", or "stock:3" for warehouse 3."""
    return purpose if warehouse_id is None else f"{purpose}:{warehouse_id}"


def system_location(
    session: Session, company_id: int, purpose: str, warehouse_id: int | None = None
) -> Location | None:
    return session.scalar(
        select(Location).where(
            Location.company_id == company_id,
            Location.system_key == system_key(purpose, warehouse_id),
        )
    )


def ensure_virtual_locations(session: Session, company_id: int) -> None:
    """Suppliers, customers, production and inventory loss for a company (idempotent)."""
    for kind, name in VIRTUAL_LOCATIONS:
        if system_location(session, company_id, kind.value) is None:
            location = Location(
                name=name,
                complete_name=name,
                kind=kind,
                company_id=company_id,
                system_key=system_key(kind.value),
            )
            session.add(location)
            session.flush()
            location.parent_path = f"{location.id}{PATH_SEPARATOR}"
    session.flush()


def create_warehouse(session: Session, data: Mapping[str, Any]) -> Warehouse:
    """A warehouse of the acting company, with its locations: a root named after its code,
    and receiving, stock, output and scrap under it."""
    data = _mapping(data)
    values = load(WarehouseSchema(), _without(data, "members"))
    notifications.check_role(session, values.get("alert_role"))
    company_id = default_company_id(session)
    values["code"] = values["code"].upper()
    _check_warehouse_code(session, company_id, values["code"], None)
    members = _checked_members(session, company_id, data.get("members"), None)
    warehouse = Warehouse(company_id=company_id, **_present(values))
    session.add(warehouse)
    flush_unique(session, "code", msg.WAREHOUSE_CODE_TAKEN, code=values["code"])
    _apply_members(warehouse, members)
    ensure_virtual_locations(session, company_id)
    root = _new_location(session, warehouse.code, LocationKind.VIEW, None, warehouse, "view")
    for purpose, kind, name in WAREHOUSE_LOCATIONS:
        _new_location(session, name, kind, root, warehouse, purpose)
    session.flush()
    return warehouse


def update_warehouse(session: Session, warehouse_id: int, data: Mapping[str, Any]) -> Warehouse:
    """Change a warehouse; a new code renames its locations' paths too."""
    data = _mapping(data)
    warehouse = _get(session, Warehouse, warehouse_id, msg.UNKNOWN_WAREHOUSE)
    values = load(WarehouseSchema(), _without(data, "members"), partial=True)
    notifications.check_role(session, values.get("alert_role"))
    members = None
    if "members" in data:
        members = _checked_members(session, warehouse.company_id, data["members"], warehouse)
    if "code" in values:
        values["code"] = values["code"].upper()
        _check_warehouse_code(session, warehouse.company_id, values["code"], warehouse.id)
    old_code = warehouse.code
    for key, value in _present(values).items():
        setattr(warehouse, key, value)
    if members is not None:
        _apply_members(warehouse, members)
    flush_unique(session, "code", msg.WAREHOUSE_CODE_TAKEN, code=warehouse.code)
    if warehouse.code != old_code:
        root = system_location(session, warehouse.company_id, "view", warehouse.id)
        if root is not None:
            root.name = warehouse.code
            _rename_subtree(session, root)
    return warehouse


def archive_warehouses(session: Session, warehouse_ids: Iterable[int]) -> int:
    """Archive warehouses that hold no stock and have no open operations."""
    warehouses = [_get(session, Warehouse, i, msg.UNKNOWN_WAREHOUSE) for i in set(warehouse_ids)]
    for warehouse in warehouses:
        busy = session.scalar(
            select(func.count())
            .select_from(Quant)
            .where(Quant.warehouse_id == warehouse.id, Quant.on_hand != ZERO)
        ) or session.scalar(
            select(func.count())
            .select_from(Picking)
            .where(Picking.warehouse_id == warehouse.id, Picking.state.in_(EDITABLE_STATES))
        )
        if busy:
            raise InventoryError.on(None, msg.WAREHOUSE_HAS_STOCK, name=warehouse.display_name)
    return _set_active(session, warehouses, False)


def unarchive_warehouses(session: Session, warehouse_ids: Iterable[int]) -> int:
    warehouses = [_get(session, Warehouse, i, msg.UNKNOWN_WAREHOUSE) for i in set(warehouse_ids)]
    return _set_active(session, warehouses, True)


def default_warehouse(session: Session, company_id: int) -> Warehouse:
    """The company's first active warehouse (by sequence, then age)."""
    warehouse = session.scalar(
        select(Warehouse)
        .where(Warehouse.company_id == company_id, Warehouse.active)
        .order_by(Warehouse.sequence, Warehouse.id)
        .limit(1)
    )
    if warehouse is None:
        raise InventoryError.on("warehouse_id", msg.NO_WAREHOUSE)
    return warehouse


def warehouse_location(session: Session, warehouse: Warehouse, purpose: str) -> Location:
    location = system_location(session, warehouse.company_id, purpose, warehouse.id)
    if location is None:  # only if someone deleted it by hand
        raise InventoryError.on(None, msg.UNKNOWN_LOCATION, id=system_key(purpose, warehouse.id))
    return location


def create_default_warehouses(session: Session) -> None:
    """At install: every company without a warehouse gets one, and its virtual locations."""
    from core.models import Company

    for company_id in session.scalars(select(Company.id).order_by(Company.id)):
        ensure_virtual_locations(session, company_id)
        has_one = session.scalar(select(Warehouse.id).where(Warehouse.company_id == company_id))
        if has_one is None:
            warehouse = Warehouse(
                company_id=company_id, code=DEFAULT_WAREHOUSE_CODE, name=msg.DEFAULT_WAREHOUSE
            )
            session.add(warehouse)
            session.flush()
            root = _new_location(
                session, warehouse.code, LocationKind.VIEW, None, warehouse, "view"
            )
            for purpose, kind, name in WAREHOUSE_LOCATIONS:
                _new_location(session, name, kind, root, warehouse, purpose)
    session.flush()


def _check_warehouse_code(
    session: Session, company_id: int, code: str, warehouse_id: int | None
) -> None:
    taken = session.scalar(
        select(Warehouse.id).where(
            Warehouse.company_id == company_id,
            func.upper(Warehouse.code) == code,
            Warehouse.id != (warehouse_id or 0),
        )
    )
    if taken is not None:
        raise InventoryError.on("code", msg.WAREHOUSE_CODE_TAKEN, code=code)


def _checked_members(
    session: Session, company_id: int, rows: Any, warehouse: Warehouse | None
) -> list[tuple[int | None, int]]:
    if rows is None:
        return []
    if not isinstance(rows, list | tuple):
        raise InventoryError.on("members", msg.LINES_NOT_A_LIST)
    refusals: dict[int, Refusals] = {}
    members: list[tuple[int | None, int]] = []
    seen: set[int] = set()
    existing = {member.id for member in warehouse.members} if warehouse else set()
    for index, row in enumerate(rows[:MAX_LINES]):
        problems = refusals.setdefault(index, Refusals())
        values = load_into(WarehouseMemberSchema(), row, problems)
        if problems:
            continue
        user_id = values["user_id"]
        if values.get("id") not in (None, *existing):
            problems.add("id", msg.UNKNOWN_LINE, id=values["id"])
        elif user_id in seen:
            problems.add("user_id", msg.MEMBER_TWICE, id=user_id)
        elif not works_for(session, user_id, company_id):
            problems.add("user_id", msg.UNKNOWN_USER, id=user_id)
        seen.add(user_id)
        if not problems:
            members.append((values.get("id"), user_id))
    raise_lines("members", refusals)
    return members


def _apply_members(warehouse: Warehouse, members: list[tuple[int | None, int]]) -> None:
    current = {member.id: member for member in warehouse.members}
    kept = []
    for member_id, user_id in members:
        member = current.get(member_id) if member_id else None
        if member is None:
            member = WarehouseMember(user_id=user_id)
        member.user_id = user_id
        kept.append(member)
    warehouse.members = kept


# --------------------------------------------------------------------------- locations


def create_location(session: Session, data: Mapping[str, Any]) -> Location:
    """A location under a warehouse's location (a bin under Stock), or a virtual one.

    An internal, scrap or view location goes under a location of a warehouse and
    belongs to that warehouse; suppliers, customers, production and inventory-loss
    locations may go under one of their own kind.
    """
    values = load(LocationSchema(), _mapping(data))
    kind = values.get("kind") or LocationKind.INTERNAL
    parent = None
    if values.get("parent_id") is not None:
        parent = _visible(session, Location, values["parent_id"], "parent_id", msg.UNKNOWN_LOCATION)
    _check_parent(kind, parent, None)
    company_id = parent.company_id if parent else default_company_id(session)
    warehouse = parent.warehouse if parent else None
    location = _new_location(session, values["name"], kind, parent, warehouse, None, company_id)
    return location


def update_location(session: Session, location_id: int, data: Mapping[str, Any]) -> Location:
    """Rename a location or move it under another location of its warehouse."""
    location = _get(session, Location, location_id, msg.UNKNOWN_LOCATION)
    values = load(LocationSchema(), _mapping(data), partial=True)
    kind = values.get("kind") or location.kind
    if kind is not location.kind and _has_moves(session, location.id):
        raise InventoryError.on("kind", msg.LOCATION_KIND_FIXED)
    parent = location.parent
    if "parent_id" in values and values["parent_id"] != location.parent_id:
        if location.system_key:
            raise InventoryError.on(
                "parent_id", msg.LOCATION_SYSTEM, location=location.display_name
            )
        parent = None
        if values["parent_id"] is not None:
            parent = _visible(
                session, Location, values["parent_id"], "parent_id", msg.UNKNOWN_LOCATION
            )
            if f"{PATH_SEPARATOR}{location.id}{PATH_SEPARATOR}" in f"/{parent.parent_path}":
                raise InventoryError.on(
                    "parent_id", msg.LOCATION_CYCLE, location=location.display_name
                )
        if (parent.warehouse_id if parent else None) != location.warehouse_id:
            raise InventoryError.on(
                "parent_id", msg.LOCATION_MOVE_WAREHOUSE, location=location.display_name
            )
    if location.system_key is None:
        _check_parent(kind, parent, location)
    location.kind = kind
    location.name = values.get("name") or location.name
    location.parent = parent
    _check_sibling(session, location.parent_id, location.name, location.id)
    _rename_subtree(session, location)
    flush_unique(session, "name", msg.LOCATION_NAME_TAKEN, name=location.name)
    ledger.forget_places(session)
    return location


def archive_locations(session: Session, location_ids: Iterable[int]) -> int:
    locations = [_get(session, Location, i, msg.UNKNOWN_LOCATION) for i in set(location_ids)]
    for location in locations:
        if location.system_key:
            raise InventoryError.on(None, msg.LOCATION_SYSTEM, location=location.display_name)
        held = session.scalar(
            select(func.count())
            .select_from(Quant)
            .join(Location, Location.id == Quant.location_id)
            .where(Location.parent_path.like(f"{location.parent_path}%"), Quant.on_hand != ZERO)
        )
        if held:
            raise InventoryError.on(None, msg.LOCATION_HAS_STOCK, location=location.display_name)
    ledger.forget_places(session)
    return _set_active(session, locations, False)


def unarchive_locations(session: Session, location_ids: Iterable[int]) -> int:
    locations = [_get(session, Location, i, msg.UNKNOWN_LOCATION) for i in set(location_ids)]
    ledger.forget_places(session)
    return _set_active(session, locations, True)


def _check_parent(kind: LocationKind, parent: Location | None, location: Location | None) -> None:
    if kind in VIRTUAL_KINDS:
        if parent is not None and parent.kind is not kind:
            raise InventoryError.on("parent_id", msg.LOCATION_VIRTUAL_PARENT)
        return
    if parent is None or parent.warehouse_id is None:
        raise InventoryError.on("parent_id", msg.LOCATION_KIND_NEEDS_PARENT)
    if parent.kind not in (LocationKind.VIEW, LocationKind.INTERNAL):
        raise InventoryError.on(
            "parent_id",
            msg.LOCATION_PARENT_KIND,
            parent=parent.display_name,
            kind=_kind_label(parent.kind),
        )


def _kind_label(kind: LocationKind) -> str:
    return str(dict(msg.KIND_LABELS).get(kind.value, kind.value))


def _new_location(
    session: Session,
    name: str,
    kind: LocationKind,
    parent: Location | None,
    warehouse: Warehouse | None,
    purpose: str | None,
    company_id: int | None = None,
) -> Location:
    company_id = company_id or (warehouse.company_id if warehouse else None)
    _check_sibling(session, parent.id if parent else None, name, None)
    complete = f"{parent.complete_name}{PATH_SEPARATOR}{name}" if parent else name
    if len(complete) > LOCATION_PATH_LENGTH:
        raise InventoryError.on("name", msg.LOCATION_PATH_TOO_LONG, path=complete)
    location = Location(
        name=name,
        complete_name=complete,
        kind=kind,
        parent=parent,
        warehouse_id=warehouse.id if warehouse else None,
        company_id=company_id,
        system_key=system_key(purpose, warehouse.id) if purpose and warehouse else None,
    )
    session.add(location)
    flush_unique(session, "name", msg.LOCATION_NAME_TAKEN, name=name)
    location.parent_path = f"{parent.parent_path if parent else ''}{location.id}{PATH_SEPARATOR}"
    session.flush()
    return location


def _check_sibling(
    session: Session, parent_id: int | None, name: str, location_id: int | None
) -> None:
    if parent_id is None:
        return
    taken = session.scalar(
        select(Location.id).where(
            Location.parent_id == parent_id,
            Location.name == name,
            Location.id != (location_id or 0),
        )
    )
    if taken is not None:
        raise InventoryError.on("name", msg.LOCATION_NAME_TAKEN, name=name)


def _rename_subtree(session: Session, location: Location) -> None:
    """Recompute the path and full name of ``location`` and of everything under it."""
    session.flush()
    old_path = location.parent_path
    parent = location.parent
    location.parent_path = f"{parent.parent_path if parent else ''}{location.id}{PATH_SEPARATOR}"
    location.complete_name = (
        f"{parent.complete_name}{PATH_SEPARATOR}{location.name}" if parent else location.name
    )
    if len(location.complete_name) > LOCATION_PATH_LENGTH:
        raise InventoryError.on("name", msg.LOCATION_PATH_TOO_LONG, path=location.complete_name)
    children = session.scalars(
        select(Location)
        .where(Location.parent_path.like(f"{old_path}%"), Location.id != location.id)
        .order_by(func.length(Location.parent_path))
    ).all()
    for child in children:
        above = child.parent
        child.parent_path = f"{above.parent_path}{child.id}{PATH_SEPARATOR}"
        child.complete_name = f"{above.complete_name}{PATH_SEPARATOR}{child.name}"
        if len(child.complete_name) > LOCATION_PATH_LENGTH:
            raise InventoryError.on("name", msg.LOCATION_PATH_TOO_LONG, path=child.complete_name)
    session.flush()
    ledger.forget_places(session)


def _has_moves(session: Session, location_id: int) -> bool:
    return (
        session.scalar(
            select(Move.id)
            .where(or_(Move.from_location_id == location_id, Move.to_location_id == location_id))
            .limit(1)
        )
        is not None
    )


# --------------------------------------------------------------------------- lots


def create_lot(session: Session, data: Mapping[str, Any]) -> Lot:
    values = load(LotSchema(), _mapping(data))
    product = _visible_product(session, values["product_id"], default_company_id(session))
    lot = Lot(company_id=product.company_id, **_present(values))
    session.add(lot)
    flush_unique(session, "name", msg.LOT_NAME_TAKEN, name=values["name"])
    return lot


def update_lot(session: Session, lot_id: int, data: Mapping[str, Any]) -> Lot:
    lot = _get(session, Lot, lot_id, msg.UNKNOWN_LOT)
    values = load(LotSchema(), _mapping(data), partial=True)
    if values.get("product_id") not in (None, lot.product_id):
        if _lot_used(session, lot.id):
            raise InventoryError.on("product_id", msg.LOT_PRODUCT_FIXED)
        # A product of the lot's own company the user may see, as when a lot is made.
        _visible_product(session, values["product_id"], lot.company_id)
    for key, value in values.items():
        if key != "product_id" or value is not None:
            setattr(lot, key, value)
    flush_unique(session, "name", msg.LOT_NAME_TAKEN, name=lot.name)
    return lot


def _lot_used(session: Session, lot_id: int) -> bool:
    return session.scalar(select(Move.id).where(Move.lot_id == lot_id).limit(1)) is not None


# --------------------------------------------------------------------------- operations


def create_receipt(session: Session, data: Mapping[str, Any]) -> Picking:
    return create_picking(session, PickingType.RECEIPT, data)


def create_delivery(session: Session, data: Mapping[str, Any]) -> Picking:
    return create_picking(session, PickingType.DELIVERY, data)


def create_transfer(session: Session, data: Mapping[str, Any]) -> Picking:
    return create_picking(session, PickingType.INTERNAL, data)


def create_picking(session: Session, kind: PickingType, data: Mapping[str, Any]) -> Picking:
    """A draft receipt, delivery or transfer numbered from its sequence.

    ``data`` holds the header (warehouse: default the company's first; locations:
    default by type, suppliers into stock, stock to customers; partner; scheduled date;
    priority; note) and ``moves``, its lines (product, quantity, unit, lot). Every
    problem is reported at once, per field and per line.
    """
    data = _mapping(data)
    refusals = Refusals()
    values = load_into(PickingSchema(), _without(data, "moves"), refusals)
    company_id = default_company_id(session)
    picking = PICKING_CLASSES[kind](company_id=company_id, state=StockState.DRAFT, moves=[])
    _fill_header(session, picking, values, refusals, checked=True)
    lines = _checked_lines(session, picking, data.get("moves", []), refusals, checked=True)
    refusals.raise_any()
    picking.name = next_code(session, SEQUENCES[kind])
    session.add(picking)
    session.flush()
    _made_here(session, picking)
    _apply_lines(session, picking, lines)
    return picking


def update_picking(session: Session, picking_id: int, data: Mapping[str, Any]) -> Picking:
    """Change an operation. A draft changes freely (``moves``: the lines to keep, in
    order); a confirmed one only its note, priority, date and its lines' quantities done
    and lots; a done or cancelled one only its note. A lone ``state`` (a kanban move)
    runs the matching action."""
    data = _mapping(data)
    picking = _get(session, Picking, picking_id, msg.UNKNOWN_PICKING)
    if set(data) == {"state"}:
        return move_picking(session, picking, data["state"])
    if picking.state is StockState.DRAFT:
        refusals = Refusals()
        values = load_into(PickingSchema(), _without(data, "moves"), refusals, partial=True)
        _fill_header(session, picking, values, refusals, checked=True)
        lines = None
        if "moves" in data:
            lines = _checked_lines(session, picking, data["moves"], refusals, checked=True)
        refusals.raise_any()
        if lines is not None:
            _apply_lines(session, picking, lines)
        _sync_moves_with_header(picking)
        session.flush()
        return picking
    _claim(session, picking, (picking.state,), msg.NOT_EDITABLE)
    values = load(PickingSchema(), _without(data, "moves"), partial=True)
    amendable = {"note"} if picking.state not in OPEN_STATES else {"note", "priority"}
    amendable |= {"scheduled_date"} if picking.state in OPEN_STATES else set()
    for key, value in values.items():
        if key in amendable and (value is not None or key == "note"):
            setattr(picking, key, value)
        elif value is not None and value != getattr(picking, key, None):
            raise InventoryError.on(
                key, msg.NOT_EDITABLE, name=picking.name, state=state_label(picking.state)
            )
    if "moves" in data:
        _amend_done_quantities(session, picking, data["moves"])
    session.flush()
    return picking


def delete_picking(session: Session, picking_id: int) -> None:
    picking = _get(session, Picking, picking_id, msg.UNKNOWN_PICKING)
    if picking.state is not StockState.DRAFT:
        raise InventoryError.on(
            None, msg.NOT_DELETABLE, name=picking.name, state=state_label(picking.state)
        )
    session.delete(picking)
    session.flush()


def move_picking(session: Session, picking: Picking, state: Any) -> Picking:
    """A kanban move: to waiting or ready confirms a draft, to done validates."""
    target = str(getattr(state, "value", state))
    if picking.state is StockState.DRAFT and target in (
        StockState.WAITING.value,
        StockState.READY.value,
    ):
        return confirm_picking(session, picking)
    if picking.state in OPEN_STATES and target == StockState.DONE.value:
        return validate_picking(session, picking)
    raise InventoryError.on("state", msg.STATE_BY_ACTION)


# --------------------------------------------------------------------------- header and lines


@dataclass
class CheckedLine:
    """A line that passed every check, with the values it will hold."""

    move_id: int | None
    values: dict[str, Any]


def _fill_header(
    session: Session, picking: Picking, values: dict[str, Any], refusals: Refusals, *, checked: bool
) -> None:
    """Set the header's fields on ``picking``, defaults included, refusing bad references."""
    kind = picking.picking_type
    warehouse = picking.warehouse if picking.warehouse_id else None
    if values.get("warehouse_id") is not None:
        warehouse = _lookup(session, Warehouse, values["warehouse_id"], checked)
        if warehouse is None or warehouse.company_id != picking.company_id:
            refusals.add("warehouse_id", msg.UNKNOWN_WAREHOUSE, id=values["warehouse_id"])
            return
        if not warehouse.active:
            refusals.add("warehouse_id", msg.WAREHOUSE_ARCHIVED, name=warehouse.display_name)
            return
    if warehouse is None:
        try:
            warehouse = default_warehouse(session, picking.company_id)
        except InventoryError as error:
            refusals.messages.update(error.messages)
            return
    moved_warehouse = warehouse.id != picking.warehouse_id
    picking.warehouse_id = warehouse.id
    picking.warehouse = warehouse
    for end, field in (("from", "from_location_id"), ("to", "to_location_id")):
        location_id = values.get(field)
        if location_id is None and (moved_warehouse or getattr(picking, field) is None):
            location = _default_location(session, kind, end, warehouse)
        elif location_id is None:
            continue
        else:
            location = _lookup(session, Location, location_id, checked)
        if location is None:
            refusals.add(field, msg.UNKNOWN_LOCATION, id=location_id)
            continue
        problem = _location_problem(kind, end, location, warehouse, picking.company_id)
        if problem is not None:
            refusals.add(field, problem[0], **problem[1])
            continue
        setattr(picking, field, location.id)
    if values.get("partner_id") is not None:
        partner = _lookup(session, partner_model(), values["partner_id"], checked)
        if partner is None:
            refusals.add("partner_id", msg.PARTNER_UNKNOWN, id=values["partner_id"])
        elif partner.company_id != picking.company_id:
            refusals.add("partner_id", msg.PARTNER_OTHER_COMPANY, name=partner.display_name)
        else:
            picking.partner_id = partner.id
    elif "partner_id" in values:
        picking.partner_id = None
    for key in ("scheduled_date", "priority", "origin_name", "note"):
        if key in values:
            setattr(picking, key, values[key])
    picking.scheduled_date = picking.scheduled_date or today()
    picking.priority = picking.priority or Priority.NORMAL


def _default_location(
    session: Session, kind: PickingType, end: str, warehouse: Warehouse
) -> Location | None:
    if (kind, end) == (PickingType.RECEIPT, "from"):
        return system_location(session, warehouse.company_id, LocationKind.SUPPLIER.value)
    if (kind, end) == (PickingType.DELIVERY, "to"):
        return system_location(session, warehouse.company_id, LocationKind.CUSTOMER.value)
    if (kind, end) == (PickingType.INTERNAL, "to"):
        return warehouse_location(session, warehouse, "output")
    return warehouse_location(session, warehouse, "stock")


def _location_problem(
    kind: PickingType, end: str, location: Location, warehouse: Warehouse, company_id: int
) -> tuple[Any, dict[str, Any]] | None:
    allowed = SOURCE_KINDS[kind] if end == "from" else DESTINATION_KINDS[kind]
    name = location.display_name
    if location.company_id != company_id:
        return msg.LOCATION_OTHER_COMPANY, {"location": name}
    if not location.active:
        return msg.LOCATION_ARCHIVED, {"location": name}
    if location.kind not in allowed:
        label = msg.END_SOURCE if end == "from" else msg.END_DESTINATION
        return msg.WRONG_LOCATION_KIND, {
            "location": name,
            "end": str(label),
            "type": str(TYPE_LABELS[kind]),
        }
    # The warehouse's own side: receipts arrive in it, deliveries and transfers leave it.
    own_side = (kind is PickingType.RECEIPT and end == "to") or (
        kind is not PickingType.RECEIPT and end == "from"
    )
    if own_side and location.warehouse_id != warehouse.id:
        return msg.LOCATION_OUTSIDE_WAREHOUSE, {"location": name, "warehouse": warehouse.name}
    return None


def _checked_lines(
    session: Session, picking: Picking, rows: Any, refusals: Refusals, *, checked: bool
) -> list[CheckedLine]:
    """Check ``rows`` (each a line's fields) against the operation; problems go to
    ``refusals`` as ``{"moves": {index: {field: [texts]}}}``."""
    if rows is None:
        return []
    if not isinstance(rows, list | tuple):
        refusals.add("moves", msg.LINES_NOT_A_LIST)
        return []
    if len(rows) > MAX_LINES:
        refusals.add("moves", msg.TOO_MANY_LINES, max=MAX_LINES)
        return []
    errors: dict[int, Refusals] = {}
    loaded: list[tuple[int, dict[str, Any]]] = []
    for index, row in enumerate(rows):
        problems = errors.setdefault(index, Refusals())
        values = load_into(MoveLineSchema(), row, problems)
        if not problems:
            loaded.append((index, values))
    products = products_by_id(session, {values["product_id"] for _, values in loaded}, checked)
    existing = {move.id for move in picking.moves}
    seen: set[int] = set()
    serials: set[int] = set()
    checked_lines = []
    for index, values in loaded:
        problems = errors[index]
        move_id = values.pop("id", None)
        if move_id is not None and move_id not in existing:
            problems.add("id", msg.UNKNOWN_LINE, id=move_id)
        elif move_id is not None and move_id in seen:
            problems.add("id", msg.LINE_TWICE, id=move_id)
        seen.add(move_id)
        product = usable_product(
            products.get(values["product_id"]), values["product_id"], picking.company_id, problems
        )
        if product is not None:
            _complete_line(session, picking, product, values, problems)
            _check_serials_once(session, product.id, values, serials, problems)
        if not problems:
            checked_lines.extend(_serial_lines(session, CheckedLine(move_id, values)))
    raise_lines("moves", errors, refusals)
    return checked_lines


def products_by_id(session: Session, product_ids: set[int], checked: bool) -> dict[int, Any]:
    """The products among ``product_ids`` (that the user may see, when ``checked``), read
    with their tracking in one query; posting them later needs no further read
    (``ledger.remember_product``)."""
    if not product_ids:
        return {}
    product_class = product_model()
    statement = (
        select(product_class, ProductTracking.tracking)
        .outerjoin(ProductTracking, ProductTracking.product_id == product_class.id)
        .where(product_class.id.in_(product_ids))
    )
    if checked:
        statement = current_access().restrict(statement, product_class)
    found = {}
    for product, how in session.execute(statement):
        found[product.id] = product
        ledger.remember_product(session, product, how)
    return found


def usable_product(product: Any, product_id: int, company_id: int, problems: Refusals) -> Any:
    """``product`` if a stock operation of ``company_id`` may move it; else None, and why."""
    if product is None:
        problems.add("product_id", msg.UNKNOWN_PRODUCT, id=product_id)
    elif product.company_id != company_id:
        problems.add("product_id", msg.PRODUCT_OTHER_COMPANY, name=product.display_name)
    elif not product.active:
        problems.add("product_id", msg.PRODUCT_ARCHIVED, name=product.display_name)
    elif getattr(product.type, "value", product.type) == "service":
        problems.add("product_id", msg.NOT_STOCKED, product=product.display_name)
    else:
        return product
    return None


def _complete_line(
    session: Session, picking: Picking, product: Any, values: dict[str, Any], problems: Refusals
):
    """The line's unit (default: the product's), its quantity in the product's unit, and
    its lot (or serial numbers) when named."""
    values["uom_id"] = values.get("uom_id") or product.uom_id
    try:
        values["product_qty"] = to_product_unit(
            session, values["quantity"], values["uom_id"], product.uom_id
        )
    except ValidationError:
        problems.add("uom_id", msg.UNIT_NOT_CONVERTIBLE, name=product.display_name)
        return
    if values["product_qty"] <= 0:
        problems.add("quantity", msg.NOT_POSITIVE)
    done = values.get("quantity_done")
    if done is not None and done > values["quantity"]:
        problems.add("quantity_done", msg.DONE_OVER_DEMAND, demand=_plain(values["quantity"]))
    if "lot_name" in values:
        if not problems:
            _lots_from_names(session, picking, product.id, values, values["product_qty"], problems)
        values.pop("lot_name", None)
    elif values.get("lot_id") is not None:
        lot = session.get(Lot, values["lot_id"])
        if lot is None or lot.product_id != product.id:
            problems.add("lot_id", msg.UNKNOWN_LOT, id=values["lot_id"])


def _lots_from_names(
    session: Session,
    picking: Picking,
    product_id: int,
    values: dict[str, Any],
    quantity: Decimal,
    problems: Refusals,
) -> None:
    """The line's lot from the name typed (goods arriving may bring a new one), or, for
    a product tracked by serial number, its serial numbers (``values["serials"]``: the
    line is split one unit per serial number)."""
    product = ledger.product_facts(session, product_id)
    names = tracking.names_of(product, values.get("lot_name"))
    if product.serial and names:
        tracking.check_serial_count(session, product, quantity, len(names), problems)
    if problems:
        return
    lots = tracking.lots_named(session, product, names, problems, create=_arrives(session, picking))
    values["lot_id"] = lots[0] if lots else None
    if product.serial and lots and (len(lots) > 1 or quantity != 1):
        values["serials"] = lots


def _check_serials_once(
    session: Session, product_id: int, values: dict[str, Any], seen: set[int], problems: Refusals
) -> None:
    """A serial number appears on one line of an operation only."""
    if problems or not ledger.product_facts(session, product_id).serial:
        return
    for lot_id in values.get("serials") or [values.get("lot_id")]:
        if lot_id is None:
            continue
        if lot_id in seen:
            problems.add("lot_name", msg.SERIAL_TWICE, serial=session.get(Lot, lot_id).name)
        seen.add(lot_id)


def _arrives(session: Session, picking: Picking) -> bool:
    """Whether the operation brings goods into stock from outside (new lots come so)."""
    if picking.from_location_id is None or picking.to_location_id is None:
        return False
    source = ledger.place(session, picking.from_location_id)
    return not source.holds_stock and ledger.place(session, picking.to_location_id).holds_stock


def _serial_lines(session: Session, line: CheckedLine) -> list[CheckedLine]:
    """A line given several serial numbers becomes one line of one unit per serial number
    (the first keeps the line), and a line of the units still without one."""
    lots = line.values.pop("serials", None)
    if not lots:
        return [line]
    product = ledger.product_facts(session, line.values["product_id"])
    one = {
        **line.values,
        "uom_id": product.uom_id,
        "quantity": Decimal(1),
        "product_qty": Decimal(1),
        "quantity_done": None,
    }
    lines = [
        CheckedLine(line.move_id if position == 0 else None, {**one, "lot_id": lot})
        for position, lot in enumerate(lots)
    ]
    rest = line.values["product_qty"] - len(lots)
    if rest > 0:
        lines.append(
            CheckedLine(None, {**one, "quantity": rest, "product_qty": rest, "lot_id": None})
        )
    return lines


def to_product_unit(
    session: Session, quantity: Decimal, uom_id: int, product_uom_id: int
) -> Decimal:
    """``quantity`` in ``uom_id`` as a quantity in the product's unit (through products)."""
    if uom_id == product_uom_id:
        return quantity
    converted = get_registry().hook.products_convert_quantity(
        quantity=quantity, from_uom_id=uom_id, to_uom_id=product_uom_id, session=session
    )
    if converted is None:
        raise ValidationError("not convertible")
    return converted


def _apply_lines(session: Session, picking: Picking, lines: list[CheckedLine]) -> None:
    """Make ``lines`` the draft's moves, in order."""
    current = {move.id: move for move in picking.moves}
    kept = []
    for position, line in enumerate(lines, start=1):
        move = current.get(line.move_id) if line.move_id else None
        if move is None:
            move = Move(company_id=picking.company_id, state=StockState.DRAFT, lot_id=None)
        for key, value in line.values.items():
            if key != "quantity_done" or value is not None:
                setattr(move, key, value)
        move.sequence = position * 10
        kept.append(move)
    picking.moves = kept
    _sync_moves_with_header(picking)
    session.flush()


def _sync_moves_with_header(picking: Picking) -> None:
    """A draft's lines go where the draft goes, under its number and origin."""
    for move in picking.moves:
        move.reference = picking.name
        move.from_location_id = picking.from_location_id
        move.to_location_id = picking.to_location_id
        move.warehouse_id = picking.warehouse_id
        move.planned_date = picking.scheduled_date
        move.origin_model = picking.origin_model
        move.origin_id = picking.origin_id
        move.origin_name = picking.origin_name
        move.company_id = picking.company_id


def _amend_done_quantities(session: Session, picking: Picking, rows: Any) -> None:
    """On a confirmed operation: the quantities done (and lots) of its existing lines."""
    if not isinstance(rows, list | tuple):
        raise InventoryError.on("moves", msg.LINES_NOT_A_LIST)
    moves = {move.id: move for move in picking.moves}
    errors: dict[int, Refusals] = {}
    serials: set[int] = set()
    changes = []
    for index, row in enumerate(rows[:MAX_LINES]):
        problems = errors.setdefault(index, Refusals())
        plain = (
            {k: v for k, v in row.items() if k in ("id", "quantity_done", "lot_id", "lot_name")}
            if isinstance(row, Mapping)
            else row
        )
        values = load_into(DoneLineSchema(), plain, problems)
        if problems:
            continue
        move = moves.get(values["id"])
        if move is None:
            problems.add("id", msg.UNKNOWN_LINE, id=values["id"])
            continue
        if isinstance(row, Mapping) and _changes_demand(move, row):
            problems.add(None, msg.ONLY_DONE_QUANTITIES, name=picking.name)
            continue
        done = values.get("quantity_done")
        if done is not None and done > move.quantity:
            problems.add("quantity_done", msg.DONE_OVER_DEMAND, demand=_plain(move.quantity))
        lot_id = values.get("lot_id", move.lot_id)
        if "lot_name" in values:
            if move.state in OPEN_STATES and not problems:
                _lots_from_names(
                    session, picking, move.product_id, values, move.product_qty, problems
                )
            lot_id = values.get("lot_id", move.lot_id)
        elif lot_id is not None and lot_id != move.lot_id:
            lot = session.get(Lot, lot_id)
            if lot is None or lot.product_id != move.product_id:
                problems.add("lot_id", msg.UNKNOWN_LOT, id=lot_id)
        _check_serials_once(
            session, move.product_id, {**values, "lot_id": lot_id}, serials, problems
        )
        if not problems:
            changes.append((move, done, lot_id, values.get("serials")))
    raise_lines("moves", errors)
    if len(rows) != len([m for m in picking.moves if m.state is not StockState.CANCELLED]):
        raise InventoryError.on("moves", msg.ONLY_DONE_QUANTITIES, name=picking.name)
    for move, done, lot_id, serials in changes:
        if move.state not in OPEN_STATES:
            continue
        if done is not None:
            move.quantity_done = done
        if serials:
            _split_serials(session, move, serials)
        elif lot_id != move.lot_id:
            ledger.unreserve(session, move)
            _set_lot(session, move, lot_id)
            _reserve(session, move)
            ledger.ensure_quants(session, [move])
    _sync_state(picking)


def _split_serials(session: Session, move: Move, lots: list[int]) -> None:
    """A confirmed line given several serial numbers: one line of one unit per serial
    number (done when the line had a quantity done), and the units still without one on
    a line of their own; each reserves again."""
    if move.reserved_qty:
        ledger.unreserve(session, move)
    product = ledger.product_facts(session, move.product_id)
    done = Decimal(1) if move.quantity_done > 0 else ZERO
    rest = move.product_qty - len(lots)
    one = {"uom_id": product.uom_id, "quantity": Decimal(1), "product_qty": Decimal(1)}
    parts = [move]
    for lot in lots[1:]:
        parts.append(_copy_move(session, move, **one, lot_id=lot, quantity_done=done))
    if rest > 0:
        parts.append(
            _copy_move(
                session,
                move,
                uom_id=product.uom_id,
                quantity=rest,
                product_qty=rest,
                lot_id=None,
                quantity_done=ZERO,
            )
        )
    for key, value in one.items():
        setattr(move, key, value)
    _set_lot(session, move, lots[0])
    move.quantity_done = done
    session.flush()
    for part in parts:
        part.state = StockState.WAITING
        _reserve(session, part)
    ledger.ensure_quants(session, move.picking.moves)


def _changes_demand(move: Move, row: Mapping[str, Any]) -> bool:
    """Whether a row sent back for a confirmed line changes its product or quantity."""
    for key, current in (("product_id", move.product_id), ("uom_id", move.uom_id)):
        value = row.get(key)
        if value not in (None, "") and str(value) != str(current):
            return True
    quantity = row.get("quantity")
    if quantity in (None, ""):
        return False
    try:
        return Decimal(str(quantity)) != move.quantity
    except ArithmeticError:
        return True


# --------------------------------------------------------------------------- actions


def confirm_picking(session: Session, picking: Picking, data: Any = None) -> Picking:
    """Confirm a draft: its lines wait for stock, and what is available is reserved now."""
    _claim(session, picking, (StockState.DRAFT,), msg.NOT_CONFIRMABLE)
    _confirm(session, picking)
    return picking


def _confirm(session: Session, picking: Picking) -> None:
    if not picking.moves:
        raise InventoryError.on("moves", msg.NO_LINES)
    _sync_moves_with_header(picking)
    for move in picking.moves:
        move.state = StockState.WAITING
    session.flush()
    _check_return(session, picking)
    for move in list(picking.moves):
        _reserve(session, move)
    ledger.ensure_quants(session, picking.moves)
    _sync_state(picking)
    rules.refresh(session, _places(session, picking.moves))


def check_availability(session: Session, picking: Picking, data: Any = None) -> Picking:
    """Reserve for a confirmed operation whatever has become available."""
    _claim(session, picking, OPEN_STATES, msg.NOT_VALIDATABLE)
    for move in list(picking.moves):
        if move.state in OPEN_STATES:
            _reserve(session, move)
    _sync_state(picking)
    return picking


def unreserve_picking(session: Session, picking: Picking, data: Any = None) -> Picking:
    """Give back everything a confirmed operation reserved (someone else needs it first)."""
    _claim(session, picking, OPEN_STATES, msg.NOT_VALIDATABLE)
    for move in picking.moves:
        if move.state in OPEN_STATES and move.reserved_qty:
            ledger.unreserve(session, move)
            move.state = StockState.WAITING
    _sync_state(picking)
    return picking


def _reserve(session: Session, move: Move) -> None:
    """Reserve what the move misses; a move of serial-numbered goods then shows which
    serial numbers it holds (see :func:`_spread_serials`)."""
    ledger.reserve(session, move)
    serial = move.lot_id is None and move.reserved_qty > 0
    if serial and ledger.product_facts(session, move.product_id).serial:
        _spread_serials(session, move)


def _spread_serials(session: Session, move: Move) -> None:
    """One line per serial number reserved, so that the people picking see which units
    to take (and may name others instead); what is not reserved yet stays on a line of
    its own, without a serial number."""
    held = ledger.reservations(session, move.id)
    lots = ledger.quant_places(session, [quant for _row, quant, _quantity in held])
    picked = [(held_row, lots[held_row[1]][1]) for held_row in held]
    picked = [(held_row, lot) for held_row, lot in picked if lot is not None]
    if not picked:
        return
    product = ledger.product_facts(session, move.product_id)
    rest = move.product_qty - sum(held_row[2] for held_row, _lot in picked)
    ((_row, _quant, first_quantity), first_lot), *others = picked
    for held_row, lot in others:
        quantity = held_row[2]
        copy = _copy_move(
            session,
            move,
            uom_id=product.uom_id,
            quantity=quantity,
            product_qty=quantity,
            lot_id=lot,
            quantity_done=ZERO,
            state=StockState.READY,
        )
        session.flush()
        ledger.hand_over_reservation(session, held_row, move, copy)
    if rest > 0:
        _copy_move(
            session,
            move,
            uom_id=product.uom_id,
            quantity=rest,
            product_qty=rest,
            lot_id=None,
            quantity_done=ZERO,
            state=StockState.WAITING,
        )
    move.uom_id = product.uom_id
    move.quantity = move.product_qty = first_quantity
    _set_lot(session, move, first_lot)
    move.quantity_done = min(move.quantity_done, first_quantity)
    move.state = StockState.READY
    session.flush()


def _set_lot(session: Session, move: Move, lot_id: int | None) -> None:
    """Give a line another lot; its ``lot`` is read again when next asked for."""
    if move.lot_id != lot_id:
        move.lot_id = lot_id
        if move in session and move.id is not None:
            session.expire(move, ["lot"])


def _copy_move(session: Session, move: Move, **changes: Any) -> Move:
    """A new line of the same operation like ``move`` (not posted, nothing reserved)."""
    values = {
        "picking": move.picking,
        "sequence": move.sequence,
        "reference": move.reference,
        "product_id": move.product_id,
        "quantity": move.quantity,
        "uom_id": move.uom_id,
        "product_qty": move.product_qty,
        "from_location_id": move.from_location_id,
        "to_location_id": move.to_location_id,
        "lot_id": move.lot_id,
        "warehouse_id": move.warehouse_id,
        "company_id": move.company_id,
        "state": move.state,
        "planned_date": move.planned_date,
        "origin_model": move.origin_model,
        "origin_id": move.origin_id,
        "origin_line_id": move.origin_line_id,
        "origin_name": move.origin_name,
        "price_unit": move.price_unit,
        "reserved_qty": ZERO,
    }
    copy = Move(**{**values, **changes})
    session.add(copy)
    return copy


def validate_picking(session: Session, picking: Picking, data: Any = None) -> Picking:
    """Post a confirmed operation to the ledger, in this one transaction.

    Without quantities done on its lines, everything is done. With some, each line is
    done for that quantity and the rest goes to a backorder (with the stock reserved for
    it), which waits like any confirmed operation. Stock leaves by the lines'
    reservations, then from free stock; a shortfall refuses the whole validation unless
    the warehouse allows negative stock.
    """
    _claim(session, picking, OPEN_STATES, msg.NOT_VALIDATABLE)
    lines = {move.id: position for position, move in enumerate(picking.moves)}
    open_moves = [move for move in picking.moves if move.state in OPEN_STATES]
    explicit = any(move.quantity_done > 0 for move in open_moves)
    post, rest = [], []
    for move in open_moves:
        done = move.quantity_done if explicit else move.quantity
        if done >= move.quantity:
            post.append(move)
        elif done <= 0:
            rest.append(move)
        else:
            remainder = _split_off(session, move, done)
            post.append(move)
            rest.append(remainder)
    if not post:
        raise InventoryError.on("moves", msg.NOTHING_DONE)
    tracking.check_before_posting(session, post, lines)
    done_moves = ledger.post(session, post)
    if rest:
        _backorder(session, picking, rest)
    picking.state = StockState.DONE
    picking.date_done = utcnow()
    session.flush()
    after_posting(session, done_moves)
    _announce_operation(session, picking, done_moves)
    return picking


def _split_off(session: Session, move: Move, done: Decimal) -> Move:
    """Cut ``move`` down to ``done`` (in its unit); a new move of the same line holds the
    rest, with the reserved stock the done part does not need."""
    product_uom = ledger.product_facts(session, move.product_id).uom_id
    done_qty = to_product_unit(session, done, move.uom_id, product_uom)
    rest_qty = move.product_qty - done_qty
    remainder = _copy_move(
        session,
        move,
        quantity=move.quantity - done,
        product_qty=rest_qty,
        quantity_done=ZERO,
        state=StockState.WAITING,
    )
    session.add(remainder)
    session.flush()
    ledger.transfer_reservations(session, move, remainder, keep=done_qty)
    move.quantity = done
    move.product_qty = done_qty
    return remainder


def _follow_up(session: Session, picking: Picking, kind: PickingType, **header: Any) -> Picking:
    """A new, numbered operation of ``kind`` made from ``picking`` (a backorder, a return):
    its company, priority, warehouse, partner and origin, plus ``header``; flushed."""
    made = PICKING_CLASSES[kind](
        name=next_code(session, SEQUENCES[kind]),
        company_id=picking.company_id,
        priority=picking.priority,
        warehouse_id=picking.warehouse_id,
        partner_id=picking.partner_id,
        origin_model=picking.origin_model,
        origin_id=picking.origin_id,
        origin_name=picking.origin_name,
        moves=[],
        **header,
    )
    session.add(made)
    session.flush()
    _made_here(session, made)
    return made


def _backorder(session: Session, picking: Picking, moves: list[Move]) -> Picking:
    """A new operation of the same kind holding the lines not done, confirmed."""
    backorder = _follow_up(
        session,
        picking,
        picking.picking_type,
        state=StockState.WAITING,
        from_location_id=picking.from_location_id,
        to_location_id=picking.to_location_id,
        scheduled_date=picking.scheduled_date,
        backorder_of_id=picking.id,
        note=render(msg.BACKORDER_NOTE, name=picking.name),
    )
    for move in moves:
        move.picking = backorder
        move.reference = backorder.name
        move.quantity_done = ZERO
    session.flush()
    for move in list(backorder.moves):
        if move.state is StockState.WAITING or move.reserved_qty < move.product_qty:
            _reserve(session, move)
    _sync_state(backorder)
    return backorder


def return_picking(session: Session, picking: Picking, data: Any = None) -> Picking:
    """A draft return of a done receipt or delivery: the goods go back where they came
    from (a delivery's to stock, a receipt's to the supplier), for what was done and not
    returned yet. Its lines keep the origin's lines, so a returned sales delivery is
    reported to sales when the return is validated. Returns the original; the return is
    found under its Returns link."""
    if picking.picking_type is PickingType.INTERNAL or picking.state is not StockState.DONE:
        raise InventoryError.on(
            None, msg.NOT_RETURNABLE, name=picking.name, state=state_label(picking.state)
        )
    left = returnable(session, picking)
    if not any(quantity > 0 for quantity in left.values()):
        raise InventoryError.on(None, msg.NOTHING_TO_RETURN, name=picking.name)
    kind = PickingType.RECEIPT if isinstance(picking, Delivery) else PickingType.DELIVERY
    back = _follow_up(
        session,
        picking,
        kind,
        state=StockState.DRAFT,
        from_location_id=picking.to_location_id,
        to_location_id=picking.from_location_id,
        scheduled_date=today(),
        return_of_id=picking.id,
        note=render(msg.RETURN_NOTE, name=picking.name),
    )
    costs = _unit_costs(picking) if kind is PickingType.RECEIPT else {}
    product_uoms = {}
    for position, ((product_id, lot_id, line_id), quantity) in enumerate(left.items(), 1):
        if quantity <= 0:
            continue
        uom_id = product_uoms.setdefault(
            product_id, ledger.product_facts(session, product_id).uom_id
        )
        back.moves.append(
            Move(
                company_id=picking.company_id,
                state=StockState.DRAFT,
                sequence=position * 10,
                product_id=product_id,
                lot_id=lot_id,
                quantity=quantity,
                uom_id=uom_id,
                product_qty=quantity,
                origin_line_id=line_id,
                price_unit=costs.get((product_id, lot_id, line_id)),
            )
        )
    _sync_moves_with_header(back)
    session.flush()
    return picking


def _unit_costs(picking: Picking) -> dict[tuple[int, int | None, int | None], Decimal]:
    """The cost per unit the done moves carried out, so that goods coming back from a
    customer come back at the cost they left at (not today's average)."""
    totals: dict[tuple[int, int | None, int | None], tuple[Decimal, Decimal]] = {}
    for move in picking.moves:
        if move.state is StockState.DONE and move.value is not None:
            key = (move.product_id, move.lot_id, move.origin_line_id)
            quantity, value = totals.get(key, (ZERO, ZERO))
            totals[key] = (quantity + move.product_qty, value + move.value)
    return {key: value / quantity for key, (quantity, value) in totals.items() if quantity}


def returnable(
    session: Session, picking: Picking
) -> dict[tuple[int, int | None, int | None], Decimal]:
    """What of a done operation may still be returned, per (product, lot, origin line), in
    the product's unit: done moves minus the lines of its returns not cancelled."""
    left: dict[tuple[int, int | None, int | None], Decimal] = {}
    for move in picking.moves:
        if move.state is StockState.DONE:
            key = (move.product_id, move.lot_id, move.origin_line_id)
            left[key] = left.get(key, ZERO) + move.product_qty
    returned = session.execute(
        select(Move.product_id, Move.lot_id, Move.origin_line_id, func.sum(Move.product_qty))
        .join(Picking, Picking.id == Move.picking_id)
        .where(Picking.return_of_id == picking.id, Move.state != StockState.CANCELLED)
        .group_by(Move.product_id, Move.lot_id, Move.origin_line_id)
    ).all()
    for product_id, lot_id, line_id, quantity in returned:
        key = (product_id, lot_id, line_id)
        left[key] = left.get(key, ZERO) - quantity
    return left


def _check_return(session: Session, picking: Picking) -> None:
    """A return confirmed sends back no more than its origin did, product by product."""
    if picking.return_of_id is None:
        return
    origin = session.get(Picking, picking.return_of_id)
    left: dict[int, Decimal] = {}
    for (product_id, _lot, _line), quantity in returnable(session, origin).items():
        left[product_id] = left.get(product_id, ZERO) + quantity
    for move in picking.moves:
        if left.get(move.product_id, ZERO) < 0:
            raise InventoryError.on(
                "moves", msg.RETURN_TOO_MUCH, name=origin.name, product=move.product.display_name
            )


def cancel_picking(session: Session, picking: Picking, data: Any = None) -> Picking:
    """Cancel an operation that is not done, with a reason; its reservations are freed."""
    reason = load(ReasonSchema(), _mapping(data or {}))["reason"]
    _claim(session, picking, EDITABLE_STATES, msg.NOT_CANCELLABLE)
    _cancel(session, picking, reason)
    return picking


def _cancel(session: Session, picking: Picking, reason: str) -> None:
    for move in picking.moves:
        if move.state is not StockState.DONE:
            if move.reserved_qty:
                ledger.unreserve(session, move)
            move.state = StockState.CANCELLED
    picking.cancel_reason = reason
    picking.state = StockState.CANCELLED
    session.flush()
    rules.refresh(session, _places(session, picking.moves))


def _sync_state(picking: Picking) -> None:
    """A confirmed operation is ready when all its lines are, else it waits."""
    states = {move.state for move in picking.moves if move.state is not StockState.CANCELLED}
    if not states:
        picking.state = StockState.CANCELLED
    elif states == {StockState.DONE}:
        picking.state = StockState.DONE
    elif states <= {StockState.READY, StockState.DONE}:
        picking.state = StockState.READY
    else:
        picking.state = StockState.WAITING


def _claim(session: Session, picking: Picking, states: Iterable[StockState], refusal) -> None:
    """Take the operation for this transaction if it is still in one of ``states``.

    A conditional UPDATE bumps its version: on PostgreSQL it waits for, then sees, a
    concurrent transaction's commit (row lock); SQLite transactions are serialised by
    ``BEGIN IMMEDIATE``. Either way a second claimer finds the state changed and is
    refused, and the lines are re-read as they now stand.
    """
    if not _claim_quietly(session, picking, states):
        raise InventoryError.on(None, refusal, name=picking.name, state=state_label(picking.state))


def _claim_quietly(session: Session, picking: Picking, states: Iterable[StockState]) -> bool:
    if _made_here(session, picking, check=True):
        # Made by this transaction: no other one can see it yet, let alone claim it.
        return picking.state in tuple(states)
    claimed = session.execute(
        update(Picking)
        .where(Picking.id == picking.id, Picking.state.in_(tuple(states)))
        .values(version=Picking.version + 1)
        .execution_options(synchronize_session=False)
    )
    # The operation and its lines as they now stand (another transaction may have
    # changed them before our claim): one query each.
    session.scalars(
        select(Picking)
        .where(Picking.id == picking.id)
        .options(selectinload(Picking.moves))
        .execution_options(populate_existing=True)
    ).one()
    return claimed.rowcount == 1


MADE_HERE = "inventory_made_pickings"


def _made_here(session: Session, picking: Picking, *, check: bool = False) -> bool:
    """Note (or, when ``check``, ask) that ``picking`` was made in the session's current
    transaction; the note dies with the transaction."""
    transaction = session.get_transaction()
    made = session.info.get(MADE_HERE)
    if made is None or made[0] is not transaction:
        made = (transaction, set())
        session.info[MADE_HERE] = made
    if check:
        return picking.id in made[1]
    made[1].add(picking.id)
    return True


# --------------------------------------------------------------------------- after posting


def after_posting(session: Session, done: list[Move]) -> None:
    """Tell other addons what was posted, then give arrived stock to waiting operations."""
    if not done:
        return
    lines = tuple(moved_line(session, move) for move in done)
    get_registry().hook.inventory_moves_done(moves=lines, session=session)
    arrivals = set()
    for move in done:
        destination = ledger.place(session, move.to_location_id)
        if destination.holds_stock:
            arrivals.add((move.product_id, destination.warehouse_id))
    serve_waiting(session, arrivals)
    rules.refresh(session, _places(session, done))


def _places(session: Session, moves: Iterable[Move]) -> set[tuple[int, int | None]]:
    """(product, warehouse) at both ends of each move: whose stock rules it may concern
    (a transfer between warehouses changes the forecast of both)."""
    found = set()
    for move in moves:
        for location_id in (move.from_location_id, move.to_location_id):
            found.add((move.product_id, ledger.place(session, location_id).warehouse_id))
    return found


def serve_waiting(session: Session, arrivals: set[tuple[int, int | None]]) -> None:
    """Reserve arrived stock for the operations waiting for it: urgent ones first, then
    by scheduled date, then the oldest."""
    arrivals = {(product, warehouse) for product, warehouse in arrivals if warehouse is not None}
    if not arrivals:
        return
    waiting = session.scalars(
        select(Move)
        .join(Picking, Picking.id == Move.picking_id)
        .where(
            Move.state == StockState.WAITING,
            Move.product_id.in_({product for product, _ in arrivals}),
            Move.warehouse_id.in_({warehouse for _, warehouse in arrivals}),
        )
        .order_by(
            case((Picking.priority == Priority.URGENT, 0), else_=1),
            Picking.scheduled_date,
            Picking.id,
            Move.sequence,
            Move.id,
        )
    ).all()
    claimed: dict[int, bool] = {}
    order: list[Picking] = []
    for move in waiting:
        if (move.product_id, move.warehouse_id) not in arrivals:
            continue
        picking = move.picking
        if picking.id not in claimed:
            claimed[picking.id] = _claim_quietly(session, picking, OPEN_STATES)
            order.append(picking)
        if claimed[picking.id] and move.state is StockState.WAITING:
            _reserve(session, move)
    for picking in order:
        if claimed[picking.id]:
            _sync_state(picking)
    session.flush()


def moved_line(session: Session, move: Move) -> MovedLine:
    return MovedLine(
        move_id=move.id,
        product_id=move.product_id,
        quantity=move.product_qty,
        uom_id=ledger.product_facts(session, move.product_id).uom_id,
        from_kind=ledger.place(session, move.from_location_id).kind.value,
        to_kind=ledger.place(session, move.to_location_id).kind.value,
        warehouse_id=move.warehouse_id,
        picking_id=move.picking_id,
        origin_model=move.origin_model,
        origin_id=move.origin_id,
        origin_line_id=move.origin_line_id,
        reverses_id=move.reverses_id,
    )


def picking_ref(picking: Picking) -> PickingRef:
    return PickingRef(
        id=picking.id,
        name=picking.name,
        type=picking.picking_type.value,
        state=picking.state.value,
        company_id=picking.company_id,
        warehouse_id=picking.warehouse_id,
        partner_id=picking.partner_id,
        origin_model=picking.origin_model,
        origin_id=picking.origin_id,
        backorder_of_id=picking.backorder_of_id,
    )


def _announce_operation(session: Session, picking: Picking, done: list[Move]) -> None:
    lines = tuple(moved_line(session, move) for move in done)
    hook = get_registry().hook
    if isinstance(picking, Delivery):
        hook.inventory_delivery_done(delivery=picking_ref(picking), lines=lines, session=session)
    elif isinstance(picking, Receipt):
        hook.inventory_receipt_done(receipt=picking_ref(picking), lines=lines, session=session)


# --------------------------------------------------------------------------- corrections


def adjust_stock(session: Session, data: Mapping[str, Any]) -> list[Move]:
    """Set what one internal location holds of a product (and lot) to the quantity
    counted: the difference is posted from or to the company's inventory-loss location.
    Returns the posted moves (none when nothing differs)."""
    values = load(AdjustmentSchema(), _mapping(data))
    location = _visible(
        session, Location, values["location_id"], "location_id", msg.UNKNOWN_LOCATION
    )
    if location.kind is not LocationKind.INTERNAL:
        raise InventoryError.on("location_id", msg.VIEW_LOCATION, location=location.display_name)
    product = _visible_product(session, values["product_id"], location.company_id)
    lot_id = values.get("lot_id")
    if lot_id is not None:
        lot = session.get(Lot, lot_id)
        if lot is None or lot.product_id != product.id:
            raise InventoryError.on("lot_id", msg.UNKNOWN_LOT, id=lot_id)
    check_tracked_place(session, product.id, lot_id, values["counted"])
    on_hand = (
        session.scalar(
            select(Quant.on_hand).where(
                Quant.product_id == product.id,
                Quant.location_id == location.id,
                Quant.lot_key == (lot_id or 0),
            )
        )
        or ZERO
    )
    difference = values["counted"] - on_hand
    if difference == 0:
        return []
    loss = system_location(session, location.company_id, LocationKind.INVENTORY_LOSS.value)
    if loss is None:
        ensure_virtual_locations(session, location.company_id)
        loss = system_location(session, location.company_id, LocationKind.INVENTORY_LOSS.value)
    gain = difference > 0
    move = Move(
        reference=render(msg.ADJUSTMENT_REFERENCE, location=location.display_name)[:128],
        product_id=product.id,
        quantity=abs(difference),
        uom_id=product.uom_id,
        product_qty=abs(difference),
        from_location_id=loss.id if gain else location.id,
        to_location_id=location.id if gain else loss.id,
        lot_id=lot_id,
        warehouse_id=location.warehouse_id,
        company_id=location.company_id,
        state=StockState.READY,
        planned_date=today(),
        price_unit=values.get("unit_cost") if gain else None,
    )
    session.add(move)
    session.flush()
    done = ledger.post(session, [move], exact_source=True)
    after_posting(session, done)
    return done


def check_tracked_place(
    session: Session, product_id: int, lot_id: int | None, counted: Decimal | None
) -> None:
    """Stock of a tracked product is held by lot; a serial number is counted 0 or 1."""
    product = ledger.product_facts(session, product_id)
    if product.tracking is Tracking.NONE:
        return
    if lot_id is None:
        message = msg.SERIAL_REQUIRED if product.serial else msg.LOT_REQUIRED
        raise InventoryError.on("lot_id", message, product=product.name)
    if product.serial and counted is not None and counted > 1:
        raise InventoryError.on("counted", msg.SERIAL_COUNTED_ONCE)


def create_stock(session: Session, data: Mapping[str, Any]) -> Quant:
    """The stock list's "new": record what a location holds of a product (and lot); the
    difference with what the ledger says is posted as an adjustment."""
    data = _mapping(data)
    counted = data.get("on_hand")
    adjust_stock(
        session,
        {
            "product_id": data.get("product_id"),
            "location_id": data.get("location_id"),
            "lot_id": data.get("lot_id"),
            "counted": counted,
        },
    )
    lot_id = int(data["lot_id"]) if data.get("lot_id") not in (None, "") else None
    location = ledger.place(session, int(data["location_id"]))
    quant = ledger.quant_id(session, int(data["product_id"]), location, lot_id)
    return session.get(Quant, quant, populate_existing=True)


def update_stock(session: Session, quant_id: int, data: Mapping[str, Any]) -> Quant:
    """Correct a quant's on-hand quantity: posts the difference as an adjustment (the
    quant itself is never written by hand)."""
    data = _mapping(data)
    quant = _get(session, Quant, quant_id, msg.UNKNOWN_LOCATION)
    fixed = {
        "product_id": quant.product_id,
        "location_id": quant.location_id,
        "lot_id": quant.lot_id,
    }
    for key, current in fixed.items():
        value = data.get(key)
        if value not in (None, "") and str(value) != str(current):
            raise InventoryError.on(key, msg.STOCK_PLACE_FIXED)
    if data.get("on_hand") in (None, ""):
        return quant
    adjust_stock(session, {**fixed, "counted": data["on_hand"]})
    session.refresh(quant)
    return quant


def reverse_move(session: Session, move: Move, data: Any = None) -> Move:
    """Undo a done move with a new move the other way, posted now; the original stays.

    Refused for a move reversed already (also when two people reverse it at once: the
    unique index on ``reverses_id`` lets one through) and when the stock it brought has
    gone meanwhile, unless the warehouse allows negative stock.
    """
    reference = render(msg.REVERSAL_REFERENCE, reference=move.reference)[:128]
    reversal = ledger.reversal_of(session, move, reference)
    session.add(reversal)
    flush_unique(session, None, msg.ALREADY_REVERSED, reference=move.reference)
    done = ledger.post(session, [reversal])
    after_posting(session, done)
    return move


# --------------------------------------------------------------------------- linkage


def request_delivery(session: Session, request: DeliveryRequest) -> Picking | None:
    """A confirmed delivery for another addon's document, with stock reserved.

    Called through ``inventory_request_delivery`` (sales, on confirming an order). The
    lines of services are left out; None when nothing is left.
    """
    product_class = product_model()
    products = {
        product.id: product
        for product in session.scalars(
            select(product_class).where(
                product_class.id.in_({line.product_id for line in request.lines})
            )
        )
    }
    rows = []
    for line in request.lines:
        product = products.get(line.product_id)
        kind = getattr(getattr(product, "type", None), "value", None)
        if product is not None and kind == "service":
            continue
        rows.append(
            {
                "product_id": line.product_id,
                "quantity": line.quantity,
                "uom_id": line.uom_id,
                "origin_line_id": line.origin_line_id,
            }
        )
    if not rows:
        return None
    delivery = Delivery(company_id=request.company_id, state=StockState.DRAFT, moves=[])
    refusals = Refusals()
    _fill_header(
        session,
        delivery,
        {
            "warehouse_id": request.warehouse_id,
            "partner_id": request.partner_id,
            "scheduled_date": request.scheduled_date,
            "priority": Priority(request.priority),
            "note": request.note,
        },
        refusals,
        checked=False,
    )
    origin_lines = [row.pop("origin_line_id") for row in rows]
    lines = _checked_lines(
        session,
        delivery,
        [{**row, "quantity": str(row["quantity"])} for row in rows],
        refusals,
        checked=False,
    )
    refusals.raise_any()
    delivery.name = next_code(session, SEQUENCES[PickingType.DELIVERY])
    delivery.origin_model = request.origin_model
    delivery.origin_id = request.origin_id
    delivery.origin_name = request.origin_name[:128]
    session.add(delivery)
    session.flush()
    _made_here(session, delivery)
    for line, origin_line in zip(lines, origin_lines, strict=True):
        line.values["origin_line_id"] = origin_line
    _apply_lines(session, delivery, lines)
    _confirm(session, delivery)
    return delivery


def cancel_origin(session: Session, origin_model: str, origin_id: int, reason: str) -> int:
    """Cancel the operations of a document that are not done; returns how many."""
    pickings = session.scalars(
        select(Picking)
        .where(
            Picking.origin_model == origin_model,
            Picking.origin_id == origin_id,
            Picking.state.in_(EDITABLE_STATES),
        )
        .order_by(Picking.id)
    ).all()
    cancelled = 0
    for picking in pickings:
        if _claim_quietly(session, picking, EDITABLE_STATES):
            _cancel(session, picking, reason[:1000])
            cancelled += 1
    return cancelled


def archive_blockers(session: Session, product_ids: Iterable[int]) -> list[str]:
    """Why products cannot be archived: stock on hand, or operations still open."""
    ids = tuple(product_ids)
    if not ids:
        return []
    product_class = product_model()
    names = dict(
        session.execute(
            select(product_class.id, product_class.name).where(product_class.id.in_(ids))
        ).all()
    )
    held = session.execute(
        select(Quant.product_id, func.sum(Quant.on_hand))
        .where(Quant.product_id.in_(ids))
        .group_by(Quant.product_id)
    ).all()
    reasons = [
        render(msg.STOCK_BLOCKS_ARCHIVE, product=names.get(product), quantity=_plain(total))
        for product, total in held
        if total
    ]
    open_moves = session.execute(
        select(Move.product_id, func.count())
        .where(Move.product_id.in_(ids), Move.state.in_(OPEN_STATES))
        .group_by(Move.product_id)
    ).all()
    reasons += [
        render(msg.OPEN_MOVES_BLOCK_ARCHIVE, product=names.get(product), count=count)
        for product, count in open_moves
    ]
    return reasons


# --------------------------------------------------------------------------- helpers


def _mapping(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InventoryError.on(None, msg.LINE_NOT_A_RECORD)
    return data


def _without(data: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in keys}


def _present(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values given, without the blanks of fields that have a default."""
    return {
        key: value
        for key, value in values.items()
        if value is not None or key in ("address", "note", "alert_role")
    }


def load_into(schema, data: Any, refusals: Refusals, *, partial: bool = False) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        refusals.add(None, msg.LINE_NOT_A_RECORD)
        return {}
    try:
        return load(schema, dict(data), partial=partial)
    except BusinessError as error:
        for field, texts in error.messages.items():
            for text in texts if isinstance(texts, list) else [texts]:
                refusals.add(field, text)
        return {}


def raise_lines(relation: str, errors: dict[int, Refusals], refusals: Refusals | None = None):
    line_errors = {index: problems.messages for index, problems in errors.items() if problems}
    if not line_errors:
        return
    if refusals is None:
        raise InventoryError({relation: line_errors})
    refusals.messages.setdefault(relation, {}).update(line_errors)  # type: ignore[union-attr]


def _get(session: Session, model: type, record_id: int, message: Any) -> Any:
    record = session.get(model, record_id)
    if record is None:
        raise InventoryError.on(None, message, id=record_id)
    return record


def _lookup(session: Session, model: type, record_id: int, checked: bool) -> Any:
    """The record if it exists (and, when ``checked``, the user may see it), else None."""
    if not checked:
        return session.get(model, record_id)
    statement = current_access().select(model).where(model.id == record_id)
    return session.scalar(statement)


def _visible(session: Session, model: type, record_id: int, field: str, message: Any) -> Any:
    record = _lookup(session, model, record_id, checked=True)
    if record is None:
        raise InventoryError.on(field, message, id=record_id)
    return record


def _visible_product(session: Session, product_id: int, company_id: int | None) -> Any:
    problems = Refusals()
    found = products_by_id(session, {product_id}, checked=True).get(product_id)
    product = usable_product(found, product_id, company_id, problems)
    problems.raise_any()
    return product


def _set_active(session: Session, records: list, active: bool) -> int:
    changed = 0
    for record in records:
        if record.active != active:
            record.active = active
            changed += 1
    session.flush()
    return changed


def _plain(quantity: Decimal) -> str:
    return format(quantity.normalize(), "f")
