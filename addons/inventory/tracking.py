"""Lots and serial numbers (clause 5.2.1.1): how each product is tracked, the names people
type on an operation's lines, and the checks a validation makes before posting.

A product tracked by lot arrives with the lot of its goods; one tracked by serial number
moves one unit per line, each with its own serial number, and a serial number is on hand
in one place at most (``ledger.post`` proves that last rule for every posting). The
setting lives in inventory's own table keyed by the product: the products addon never
knows about it. Splitting lines per serial number is services.py's work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from addons.inventory import ledger
from addons.inventory import messages as msg
from addons.inventory.ledger import ZERO, InventoryError, ProductFacts
from addons.inventory.models import (
    OPEN_STATES,
    Location,
    Lot,
    Move,
    ProductTracking,
    Quant,
    Tracking,
    product_model,
    uom_model,
)
from addons.inventory.schemas import TrackingSchema
from core.db import default_company_id
from core.schemas import Refusals, flush_unique, load
from core.security.access import current_access

# Serial numbers typed on one line: separated by spaces, commas or semicolons (also the
# full-width ones of Chinese input methods).
SEPARATORS = re.compile(r"[\s,;，；、]+")
LOT_NAME_LIMIT = Lot.__table__.c.name.type.length


# --------------------------------------------------------------------------- the setting


def create_tracking(session: Session, data: Mapping[str, Any]) -> ProductTracking:
    values = load(TrackingSchema(), _mapping(data))
    setting = ProductTracking(company_id=default_company_id(session), tracking=Tracking.NONE)
    _apply(session, setting, values)
    session.add(setting)
    flush_unique(session, "product_id", msg.TRACKING_TAKEN)
    return setting


def update_tracking(session: Session, setting_id: int, data: Mapping[str, Any]) -> ProductTracking:
    setting = _get(session, setting_id)
    values = load(TrackingSchema(), _mapping(data), partial=True)
    _apply(session, setting, values)
    flush_unique(session, "product_id", msg.TRACKING_TAKEN)
    return setting


def delete_tracking(session: Session, setting_id: int) -> None:
    setting = _get(session, setting_id)
    _check_changeable(session, setting.product_id)
    session.delete(setting)
    session.flush()
    ledger.forget_products(session)


def _apply(session: Session, setting: ProductTracking, values: dict[str, Any]) -> None:
    product_id = values.get("product_id") or setting.product_id
    tracking = values.get("tracking") or setting.tracking
    if product_id != setting.product_id:
        product_class = product_model()
        product = session.scalar(
            current_access().select(product_class).where(product_class.id == product_id)
        )
        kind = getattr(getattr(product, "type", None), "value", None)
        if product is None or product.company_id != setting.company_id or kind != "goods":
            raise InventoryError.on("product_id", msg.TRACKING_PRODUCT, id=product_id)
    changed = (product_id, tracking) != (setting.product_id, setting.tracking)
    if changed and setting.product_id is not None:
        _check_changeable(session, setting.product_id)
    if changed and tracking is not Tracking.NONE:
        _check_changeable(session, product_id)
    setting.product_id = product_id
    setting.tracking = tracking
    ledger.forget_products(session)


def _check_changeable(session: Session, product_id: int) -> None:
    """Stock held, or operations under way, were counted under the old setting: the
    tracking changes only once there are none (so that every unit of a tracked product
    in stock has its lot or serial number)."""
    held = session.scalar(
        select(func.count())
        .select_from(Quant)
        .where(Quant.product_id == product_id, Quant.on_hand != ZERO)
    )
    busy = session.scalar(
        select(func.count())
        .select_from(Move)
        .where(Move.product_id == product_id, Move.state.in_(OPEN_STATES))
    )
    if held or busy:
        name = ledger.product_facts(session, product_id).name
        raise InventoryError.on("tracking", msg.TRACKING_FIXED, product=name)


def _get(session: Session, setting_id: int) -> ProductTracking:
    setting = session.get(ProductTracking, setting_id)
    if setting is None:
        raise InventoryError.on(None, msg.UNKNOWN_TRACKING, id=setting_id)
    return setting


def _mapping(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InventoryError.on(None, msg.LINE_NOT_A_RECORD)
    return data


# --------------------------------------------------------------------------- names on lines


def names_of(product: ProductFacts, text: str | None) -> list[str]:
    """The lot or serial numbers typed for a line: one lot, or several serial numbers."""
    if text is None or not text.strip():
        return []
    if product.serial:
        return [name for name in SEPARATORS.split(text.strip()) if name]
    return [text.strip()]


def lots_named(
    session: Session,
    product: ProductFacts,
    names: list[str],
    problems: Refusals,
    *,
    create: bool,
    field: str = "lot_name",
) -> list[int]:
    """The ids of the product's lots named ``names``, in order; lots not found are made
    when ``create`` (goods arriving with a new number), else refused. A name longer than
    a lot's name, or a serial number given twice, is refused."""
    seen: set[str] = set()
    for name in names:
        if len(name) > LOT_NAME_LIMIT:
            problems.add(field, msg.UNKNOWN_LOT_NAME, product=product.name, name=name[:80])
        elif name in seen:
            problems.add(field, msg.SERIAL_TWICE, serial=name)
        seen.add(name)
    if problems:
        return []
    found = dict(
        session.execute(
            select(Lot.name, Lot.id).where(
                Lot.company_id == product.company_id,
                Lot.product_id == product.id,
                Lot.name.in_(seen),
            )
        ).all()
    )
    missing = [name for name in names if name not in found]
    if missing and not create:
        for name in missing:
            problems.add(field, msg.UNKNOWN_LOT_NAME, product=product.name, name=name)
        return []
    for name in missing:
        lot = Lot(name=name, product_id=product.id, company_id=product.company_id)
        session.add(lot)
        session.flush()
        found[name] = lot.id
    return [found[name] for name in names]


def check_serial_count(
    session: Session, product: ProductFacts, quantity: Decimal, count: int, problems: Refusals
) -> None:
    """Serial numbers are given for whole units of the product, one per unit at most."""
    if quantity != quantity.to_integral_value():
        unit = session.get(uom_model(), product.uom_id)
        problems.add("quantity", msg.SERIAL_WHOLE_UNITS, product=product.name, unit=unit.label)
    elif count > quantity:
        problems.add("lot_name", msg.SERIALS_OVER_QUANTITY, count=count, quantity=_plain(quantity))


# --------------------------------------------------------------------------- before posting


def check_before_posting(
    session: Session, moves: Iterable[Move], positions: dict[int, int]
) -> None:
    """Refuse, line by line, what posting ``moves`` would break: tracked goods arriving
    without their lot or serial number, a serial number on a line of more than one unit
    or given twice, or arriving while it is already in stock. ``positions`` gives each
    move's line number on the form; refusals are ``{"moves": {line: {field: [...]}}}``."""
    errors: dict[int, Refusals] = {}
    serials: dict[int, tuple[int, Move]] = {}
    arriving: list[int] = []
    for move in moves:
        product = ledger.product_facts(session, move.product_id)
        if product.tracking is Tracking.NONE or not product.stocked:
            continue
        problems = errors.setdefault(positions.get(move.id, 0), Refusals())
        source = ledger.place(session, move.from_location_id)
        destination = ledger.place(session, move.to_location_id)
        arrives = destination.holds_stock and not source.holds_stock
        if arrives and move.lot_id is None:
            message = msg.SERIAL_REQUIRED if product.serial else msg.LOT_REQUIRED
            problems.add("lot_name", message, product=product.name)
        if not product.serial or move.lot_id is None:
            continue
        if move.product_qty != 1:
            problems.add("quantity", msg.SERIAL_ONE_UNIT, product=product.name)
        if move.lot_id in serials:
            problems.add("lot_name", msg.SERIAL_TWICE, serial=move.lot.name)
        serials[move.lot_id] = (positions.get(move.id, 0), move)
        if arrives:
            arriving.append(move.lot_id)
    for lot_id, serial, location in _in_stock(session, arriving):
        line, _move = serials[lot_id]
        errors.setdefault(line, Refusals()).add(
            "lot_name", msg.SERIAL_IN_STOCK, serial=serial, location=location
        )
    found = {line: problems.messages for line, problems in errors.items() if problems}
    if found:
        raise InventoryError({"moves": found})


def _in_stock(session: Session, lot_ids: list[int]) -> list[tuple[int, str, str]]:
    """(lot, its name, where) for the serial numbers among ``lot_ids`` on hand somewhere."""
    if not lot_ids:
        return []
    rows = session.execute(
        select(Quant.lot_id, Lot.name, Quant.location_id)
        .join(Lot, Lot.id == Quant.lot_id)
        .join(Location, Location.id == Quant.location_id)
        .where(Quant.lot_id.in_(lot_ids), Quant.on_hand > ZERO)
        .order_by(Quant.lot_id)
    ).all()
    return [
        (lot_id, name, ledger.place(session, location_id).name)
        for lot_id, name, location_id in rows
    ]


def _plain(quantity: Decimal) -> str:
    return format(quantity.normalize(), "f")
