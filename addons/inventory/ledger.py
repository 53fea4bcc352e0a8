"""The stock ledger: posting moves, reserving stock, quants and moving-average costs.

The only code that changes quants, reservations and costs. Every change of a quant is
one conditional UPDATE checked by its row count, the form that holds under concurrency
on both engines (../shared/NOTES.md): a reservation is
``UPDATE ... SET reserved = reserved + :q WHERE id = :id AND on_hand - reserved >= :q``,
so of many clients reserving the last unit exactly one succeeds, and stock taken without
a reservation never eats into what others reserved. Quants, reservations and costs are
written with Core statements (no ORM objects, no change audit: the moves are the audit
trail); moves are ORM objects, frozen once done (models.py).

Nothing here checks permissions or commits: services.py does the first, its caller the
second. Errors are :class:`InventoryError` with a translated message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from addons.inventory import messages as msg
from addons.inventory.models import (
    Location,
    LocationKind,
    Lot,
    Move,
    ProductCost,
    ProductTracking,
    Quant,
    Reservation,
    StockState,
    Tracking,
    Warehouse,
    product_model,
)
from core.db import utcnow
from core.schemas import BusinessError, render

QUANTITY_STEP = Decimal("0.0001")  # core.db.Quantity
COST_STEP = Decimal("0.000001")  # models.UnitCost
VALUE_STEP = Decimal("0.0001")  # models.StockValue
ZERO = Decimal(0)


class InventoryError(BusinessError):
    """An inventory rule refused the operation; the message is translated when raised."""


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    """What posting needs to know of a location, detached from the session."""

    id: int
    name: str
    kind: LocationKind
    company_id: int
    warehouse_id: int | None
    parent_path: str
    active: bool

    @property
    def holds_stock(self) -> bool:
        return self.kind is LocationKind.INTERNAL


def place(session: Session, location_id: int) -> Place:
    """The location ``location_id`` (cached for the session: locations rarely change)."""
    cache: dict[int, Place] = session.info.setdefault("inventory_places", {})
    if location_id not in cache:
        location = session.get(Location, location_id)
        if location is None:
            raise InventoryError.on(None, msg.UNKNOWN_LOCATION, id=location_id)
        cache[location_id] = Place(
            location.id,
            location.display_name,
            location.kind,
            location.company_id,
            location.warehouse_id,
            location.parent_path,
            location.active,
        )
    return cache[location_id]


def forget_places(session: Session) -> None:
    """Drop the cache after locations changed (renamed, moved, archived)."""
    session.info.pop("inventory_places", None)


def subtree(statement, location: Place):
    """``statement`` limited to the internal locations at or under ``location``."""
    return statement.where(
        Location.parent_path.like(f"{location.parent_path}%"),
        Location.kind == LocationKind.INTERNAL,
    )


# --------------------------------------------------------------------------- quants


def quant_id(session: Session, product_id: int, location: Place, lot_id: int | None) -> int:
    """The quant of a product, location and lot, created empty if there is none.

    ``INSERT ... ON CONFLICT DO NOTHING`` then a read: two transactions creating the
    same quant at once both end up with the one row the unique index let through.
    """
    key = (Quant.product_id == product_id, Quant.location_id == location.id)
    lot_key = lot_id or 0
    found = session.scalar(select(Quant.id).where(*key, Quant.lot_key == lot_key))
    if found is not None:
        return found
    now = utcnow()
    values = {
        "product_id": product_id,
        "location_id": location.id,
        "lot_id": lot_id,
        "lot_key": lot_key,
        "warehouse_id": location.warehouse_id,
        "company_id": location.company_id,
        "on_hand": ZERO,
        "reserved": ZERO,
        "available": ZERO,
        "created_at": now,
        "updated_at": now,
    }
    dialect = session.get_bind().dialect.name
    maker = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = maker(Quant).values(**values).on_conflict_do_nothing()
    session.execute(statement)
    return session.scalar(select(Quant.id).where(*key, Quant.lot_key == lot_key))


def ensure_quants(session: Session, moves: Iterable[Move]) -> None:
    """Empty quants where confirmed moves are expected to bring goods, or to take goods
    they have not reserved yet, so that stock lists (StockPosition reads quants) show
    what is expected there. One INSERT ... ON CONFLICT DO NOTHING for all of them."""
    now = utcnow()
    rows: dict[tuple[int, int, int], dict[str, Any]] = {}
    for move in moves:
        ends = [move.to_location_id]
        if move.reserved_qty < move.product_qty:
            ends.append(move.from_location_id)
        for location_id in ends:
            location = place(session, location_id)
            key = (move.product_id, location.id, move.lot_id or 0)
            if location.holds_stock and key not in rows:
                rows[key] = {
                    "product_id": move.product_id,
                    "location_id": location.id,
                    "lot_id": move.lot_id,
                    "lot_key": move.lot_id or 0,
                    "warehouse_id": location.warehouse_id,
                    "company_id": location.company_id,
                    "on_hand": ZERO,
                    "reserved": ZERO,
                    "available": ZERO,
                    "created_at": now,
                    "updated_at": now,
                }
    if rows:
        dialect = session.get_bind().dialect.name
        maker = postgresql_insert if dialect == "postgresql" else sqlite_insert
        session.execute(maker(Quant).values(list(rows.values())).on_conflict_do_nothing())


def _forget_quant(session: Session, quant: int) -> None:
    """Expire a quant loaded as an object, so that reading it shows the UPDATE's result."""
    loaded = session.identity_map.get(session.identity_key(Quant, quant))
    if loaded is not None:
        session.expire(loaded)


def _available(session: Session, quant: int) -> Decimal:
    return session.scalar(select(Quant.available).where(Quant.id == quant)) or ZERO


def _try_reserve(session: Session, quant: int, quantity: Decimal) -> bool:
    """Reserve ``quantity`` of a quant if that much is still free; False if not."""
    result = session.execute(
        update(Quant)
        .where(Quant.id == quant, Quant.on_hand - Quant.reserved >= quantity)
        .values(reserved=Quant.reserved + quantity, available=Quant.available - quantity)
        .execution_options(synchronize_session=False)
    )
    _forget_quant(session, quant)
    return result.rowcount == 1


def _release(session: Session, quant: int, quantity: Decimal) -> None:
    session.execute(
        update(Quant)
        .where(Quant.id == quant)
        .values(reserved=Quant.reserved - quantity, available=Quant.available + quantity)
        .execution_options(synchronize_session=False)
    )
    _forget_quant(session, quant)


def _try_take_free(session: Session, quant: int, quantity: Decimal) -> bool:
    """Take ``quantity`` off a quant's free stock (not what others reserved)."""
    result = session.execute(
        update(Quant)
        .where(Quant.id == quant, Quant.on_hand - Quant.reserved >= quantity)
        .values(on_hand=Quant.on_hand - quantity, available=Quant.available - quantity)
        .execution_options(synchronize_session=False)
    )
    _forget_quant(session, quant)
    return result.rowcount == 1


def _take_reserved(session: Session, quant: int, quantity: Decimal) -> bool:
    """Take ``quantity`` that this move reserved: on hand and reserved both go down."""
    result = session.execute(
        update(Quant)
        .where(Quant.id == quant, Quant.reserved >= quantity)
        .values(on_hand=Quant.on_hand - quantity, reserved=Quant.reserved - quantity)
        .execution_options(synchronize_session=False)
    )
    _forget_quant(session, quant)
    return result.rowcount == 1


def _take_regardless(session: Session, quant: int, quantity: Decimal) -> None:
    """Take ``quantity`` even below zero (a warehouse allowing negative stock)."""
    session.execute(
        update(Quant)
        .where(Quant.id == quant)
        .values(on_hand=Quant.on_hand - quantity, available=Quant.available - quantity)
        .execution_options(synchronize_session=False)
    )
    _forget_quant(session, quant)


def _put(
    session: Session, product_id: int, location: Place, lot_id: int | None, quantity: Decimal
) -> None:
    """Add ``quantity`` to the quant of a product, location and lot: one UPDATE by its key
    (returning its id), the quant made first when there is none yet."""
    adding = (
        update(Quant)
        .where(
            Quant.product_id == product_id,
            Quant.location_id == location.id,
            Quant.lot_key == (lot_id or 0),
        )
        .values(on_hand=Quant.on_hand + quantity, available=Quant.available + quantity)
        .returning(Quant.id)
        .execution_options(synchronize_session=False)
    )
    quant = session.scalar(adding)
    if quant is None:
        quant_id(session, product_id, location, lot_id)
        quant = session.scalar(adding)
    _forget_quant(session, quant)


def _free_quants(
    session: Session, product_id: int, source: Place, lot_id: int | None, exact: bool = False
) -> list[tuple[int, int, int | None, Decimal]]:
    """Quants with free stock at or under ``source`` (only in it when ``exact``):
    (id, location, lot, available), the exact location first, then oldest quant first."""
    statement = subtree(
        select(Quant.id, Quant.location_id, Quant.lot_id, Quant.available)
        .join(Location, Location.id == Quant.location_id)
        .where(Quant.product_id == product_id, Quant.available > ZERO),
        source,
    )
    if lot_id is not None:
        statement = statement.where(Quant.lot_id == lot_id)
    if exact:
        statement = statement.where(Quant.location_id == source.id)
    statement = statement.order_by((Quant.location_id != source.id), Quant.id)
    return [tuple(row) for row in session.execute(statement)]


# --------------------------------------------------------------------------- products


@dataclass(frozen=True)
class ProductFacts:
    id: int
    name: str
    company_id: int
    uom_id: int
    stocked: bool  # goods: counted and reserved; consumables are always available
    cost: Decimal
    tracking: Tracking = Tracking.NONE
    kind: str = "goods"

    @property
    def serial(self) -> bool:
        return self.tracking is Tracking.SERIAL


def product_facts(session: Session, product_id: int) -> ProductFacts:
    """What posting needs to know of a product (cached for the session; changing a
    product's tracking forgets it, see :func:`forget_products`)."""
    cache: dict[int, ProductFacts] = session.info.setdefault("inventory_products", {})
    if product_id not in cache:
        product_class = product_model()
        row = session.execute(
            select(product_class, ProductTracking.tracking)
            .outerjoin(ProductTracking, ProductTracking.product_id == product_class.id)
            .where(product_class.id == product_id)
        ).one_or_none()
        if row is None:
            raise InventoryError.on("product_id", msg.UNKNOWN_PRODUCT, id=product_id)
        remember_product(session, *row)
    facts = cache[product_id]
    if facts.kind == "service":
        raise InventoryError.on("product_id", msg.NOT_STOCKED, product=facts.name)
    return facts


def remember_product(session: Session, product: Any, tracking: Tracking | None) -> None:
    """Keep what posting needs of a product already read (with its tracking), so that
    :func:`product_facts` reads nothing more for it in this session."""
    cache: dict[int, ProductFacts] = session.info.setdefault("inventory_products", {})
    kind = getattr(product.type, "value", product.type)
    cache[product.id] = ProductFacts(
        product.id,
        product.display_name,
        product.company_id,
        product.uom_id,
        kind == "goods",
        product.cost or ZERO,
        tracking or Tracking.NONE,
        kind,
    )


def forget_products(session: Session) -> None:
    """Drop the cache after a product's tracking changed."""
    session.info.pop("inventory_products", None)


# --------------------------------------------------------------------------- reservations


def reserve(session: Session, move: Move) -> Decimal:
    """Reserve what ``move`` still misses from free stock at or under its source;
    returns the quantity reserved now (perhaps nothing).

    The caller holds the move's document (services claim it), so one transaction at a
    time reserves for a move. Moves from locations that hold no stock, and consumables,
    need no reservation: they are ready at once.
    """
    source = place(session, move.from_location_id)
    product = product_facts(session, move.product_id)
    if not source.holds_stock or not product.stocked:
        move.state = StockState.READY
        return ZERO
    missing = move.product_qty - move.reserved_qty
    # A move holding nothing has no reservation row to add to: insert at once.
    fresh = move.reserved_qty == 0
    reserved = ZERO
    for quant, _location, _lot, seen in _free_quants(session, move.product_id, source, move.lot_id):
        if missing <= 0:
            break
        want = min(missing, seen)
        while want > 0:
            if _try_reserve(session, quant, want):
                _add_reservation(session, move.id, quant, want, fresh=fresh)
                missing -= want
                reserved += want
                break
            # Someone took part of it since we looked: try what is left of it.
            want = min(missing, _available(session, quant))
    move.reserved_qty += reserved
    move.state = StockState.READY if move.reserved_qty >= move.product_qty else StockState.WAITING
    return reserved


def _add_reservation(
    session: Session, move_id: int, quant: int, quantity: Decimal, *, fresh: bool = False
) -> None:
    """Add to the move's reservation on a quant, or make it (at once when ``fresh``: the
    move holds no reservation yet)."""
    if not fresh:
        changed = session.execute(
            update(Reservation)
            .where(Reservation.move_id == move_id, Reservation.quant_id == quant)
            .values(quantity=Reservation.quantity + quantity)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount:
            return
    session.execute(insert(Reservation).values(move_id=move_id, quant_id=quant, quantity=quantity))


def reservations(session: Session, move_id: int) -> list[tuple[int, int, Decimal]]:
    """The move's reservations: (reservation id, quant id, quantity), oldest first."""
    statement = (
        select(Reservation.id, Reservation.quant_id, Reservation.quantity)
        .where(Reservation.move_id == move_id)
        .order_by(Reservation.id)
    )
    return [tuple(row) for row in session.execute(statement)]


def unreserve(session: Session, move: Move) -> Decimal:
    """Give back everything ``move`` reserved; returns how much."""
    released = ZERO
    for _row, quant, quantity in reservations(session, move.id):
        _release(session, quant, quantity)
        released += quantity
    session.execute(delete(Reservation).where(Reservation.move_id == move.id))
    move.reserved_qty = ZERO
    return released


def hand_over_reservation(
    session: Session, reservation: tuple[int, int, Decimal], source: Move, target: Move
) -> None:
    """Give one of ``source``'s reservations (a row of :func:`reservations`), whole, to
    ``target``: a line split per serial number keeps the units it reserved."""
    row, _quant, quantity = reservation
    session.execute(
        update(Reservation)
        .where(Reservation.id == row, Reservation.move_id == source.id)
        .values(move_id=target.id)
        .execution_options(synchronize_session=False)
    )
    source.reserved_qty -= quantity
    target.reserved_qty += quantity


def transfer_reservations(session: Session, source: Move, target: Move, keep: Decimal) -> None:
    """Leave ``keep`` of ``source``'s reservations on it and hand the rest to ``target``
    (a line split for a backorder keeps its reserved stock)."""
    left = keep
    for row, quant, quantity in reservations(session, source.id):
        stays = min(left, quantity)
        left -= stays
        moving = quantity - stays
        if moving <= 0:
            continue
        if stays > 0:
            session.execute(update(Reservation).where(Reservation.id == row).values(quantity=stays))
        else:
            session.execute(delete(Reservation).where(Reservation.id == row))
        _add_reservation(session, target.id, quant, moving)
    moved = max(source.reserved_qty - keep, ZERO)
    source.reserved_qty -= moved
    target.reserved_qty += moved


# --------------------------------------------------------------------------- posting


@dataclass
class Portion:
    """Part of a move taken from (or put in) one exact location and lot."""

    location_id: int
    lot_id: int | None
    quantity: Decimal


def post(
    session: Session,
    moves: Iterable[Move],
    at: datetime | None = None,
    *,
    exact_source: bool = False,
) -> list[Move]:
    """Post ``moves`` to the ledger and return the done moves (a move taken from several
    bins or lots is split, one done move per exact place, so that every location's stock
    is the sum of the done moves in and out of it).

    Stock leaves by the move's reservations first, then from free stock at or under its
    source; what is still missing is refused (:class:`InventoryError`, nothing of the
    transaction should be committed) unless the warehouse allows negative stock.
    ``exact_source`` takes free stock only from the source itself, not its sub-locations
    (a correction of one bin). Moves in and out of internal locations update the
    product's moving-average cost.
    """
    at = at or utcnow()
    moves = list(moves)
    _lock_serials(session, moves)
    done: list[Move] = []
    held: list[int] = []  # moves whose reservations were used up
    for move in moves:
        done.extend(_post_one(session, move, at, exact_source, held))
    if held:
        session.execute(delete(Reservation).where(Reservation.move_id.in_(held)))
    session.flush()
    _check_serials(session, done)
    return done


def _post_one(
    session: Session, move: Move, at: datetime, exact: bool, held: list[int]
) -> list[Move]:
    source = place(session, move.from_location_id)
    destination = place(session, move.to_location_id)
    product = product_facts(session, move.product_id)
    _check_move(move, source, destination, product)
    if move.product_qty <= 0:
        raise InventoryError.on("quantity", msg.NOT_POSITIVE)
    if source.holds_stock:
        portions = _take(session, move, source, product, exact, held)
    else:
        if destination.holds_stock:
            _check_tracked_arrival(move, product)
        portions = [Portion(source.id, move.lot_id, move.product_qty)]
    if destination.holds_stock:
        for portion in portions:
            _put(session, move.product_id, destination, portion.lot_id, portion.quantity)
    parts = _split(session, move, portions, product)
    _value(session, parts, source, destination, product)
    for part in parts:
        part.state = StockState.DONE
        part.date_done = at
        part.reserved_qty = ZERO
        part.quantity_done = ZERO
        part.warehouse_id = part.warehouse_id or source.warehouse_id or destination.warehouse_id
    return parts


def _check_tracked_arrival(move: Move, product: ProductFacts) -> None:
    """Goods of a tracked product arrive with their lot; a serial number is one unit."""
    if product.tracking is Tracking.NONE or not product.stocked:
        return
    if move.lot_id is None:
        message = msg.SERIAL_REQUIRED if product.serial else msg.LOT_REQUIRED
        raise InventoryError.on(None, message, product=product.name)
    if product.serial and move.product_qty != 1:
        raise InventoryError.on(None, msg.SERIAL_ONE_UNIT, product=product.name)


def _serial_lots(session: Session, moves: Iterable[Move]) -> set[int]:
    return {
        move.lot_id
        for move in moves
        if move.lot_id is not None and product_facts(session, move.product_id).serial
    }


def _lock_serials(session: Session, moves: list[Move]) -> None:
    """Lock the serial numbers about to move (in id order), so that two transactions
    bringing one serial number into two places are checked one after the other
    (PostgreSQL; SQLite's write transactions are serialised already)."""
    lots = _serial_lots(session, moves)
    if lots:
        session.execute(
            select(Lot.id).where(Lot.id.in_(lots)).order_by(Lot.id).with_for_update()
        ).all()


def _check_serials(session: Session, done: list[Move]) -> None:
    """A serial number is on hand in one place at most, once."""
    lots = _serial_lots(session, done)
    if not lots:
        return
    rows = session.execute(
        select(Quant.lot_id, Quant.on_hand, Location.id, Lot.name)
        .join(Location, Location.id == Quant.location_id)
        .join(Lot, Lot.id == Quant.lot_id)
        .where(Quant.lot_id.in_(lots), Quant.on_hand != ZERO)
        .order_by(Quant.lot_id, Quant.id)
    ).all()
    seen: dict[int, int] = {}
    for lot_id, on_hand, location_id, name in rows:
        if on_hand < 0:
            continue  # taken below zero where negative stock is allowed: the ledger says so
        if on_hand > 1 or lot_id in seen:
            where = place(session, location_id).name
            raise InventoryError.on(None, msg.SERIAL_IN_STOCK, serial=name, location=where)
        seen[lot_id] = location_id


def _check_move(move: Move, source: Place, destination: Place, product: ProductFacts) -> None:
    if source.id == destination.id:
        raise InventoryError.on(None, msg.SAME_LOCATION)
    for end in (source, destination):
        if end.kind is LocationKind.VIEW:
            raise InventoryError.on(None, msg.VIEW_LOCATION, location=end.name)
        if end.company_id != move.company_id:
            raise InventoryError.on(None, msg.LOCATION_OTHER_COMPANY, location=end.name)
    if product.company_id != move.company_id:
        raise InventoryError.on("product_id", msg.PRODUCT_OTHER_COMPANY, name=product.name)


def _take(
    session: Session, move: Move, source: Place, product: ProductFacts, exact: bool, held: list
) -> list[Portion]:
    """Take the move's quantity out of the quants at or under ``source``: by its
    reservations first (their rows are deleted by :func:`post`, noted in ``held``)."""
    need = move.product_qty
    taken: dict[tuple[int, int | None], Decimal] = {}
    reserved = move.reserved_qty > 0 and _reservations_with_places(session, move.id)
    for quant, quantity, place_of_quant in reserved or ():
        use = min(quantity, need)
        if use > 0:
            if not _take_reserved(session, quant, use):
                raise InventoryError.on(None, msg.RESERVATION_LOST, reference=move.reference)
            need -= use
            _note(taken, place_of_quant, use)
        if quantity > use:
            _release(session, quant, quantity - use)
    if reserved:
        held.append(move.id)
    if need > 0 and product.stocked:
        for quant, location, lot, seen in _free_quants(
            session, move.product_id, source, move.lot_id, exact
        ):
            want = min(need, seen)
            while want > 0:
                if _try_take_free(session, quant, want):
                    need -= want
                    _note(taken, (location, lot), want)
                    break
                want = min(need, _available(session, quant))
            if need <= 0:
                break
    if need > 0:
        if product.stocked and not _allows_negative(session, source):
            available = move.product_qty - need
            raise InventoryError.on(
                None,
                msg.NOT_ENOUGH_STOCK,
                product=product.name,
                location=source.name,
                needed=_plain(move.product_qty),
                available=_plain(available),
            )
        _take_regardless(session, quant_id(session, move.product_id, source, move.lot_id), need)
        _note(taken, (source.id, move.lot_id), need)
    return [Portion(location, lot, quantity) for (location, lot), quantity in taken.items()]


def _reservations_with_places(
    session: Session, move_id: int
) -> list[tuple[int, Decimal, tuple[int, int | None]]]:
    """The move's reservations, oldest first: (quant, quantity, (location, lot))."""
    rows = session.execute(
        select(Reservation.quant_id, Reservation.quantity, Quant.location_id, Quant.lot_id)
        .join(Quant, Quant.id == Reservation.quant_id)
        .where(Reservation.move_id == move_id)
        .order_by(Reservation.id)
    )
    return [(quant, quantity, (location, lot)) for quant, quantity, location, lot in rows]


def quant_places(session: Session, quants: list[int]) -> dict[int, tuple[int, int | None]]:
    """(location, lot) of each quant."""
    if not quants:
        return {}
    rows = session.execute(
        select(Quant.id, Quant.location_id, Quant.lot_id).where(Quant.id.in_(quants))
    )
    return {quant: (location, lot) for quant, location, lot in rows}


def _note(taken: dict, key: tuple[int, int | None], quantity: Decimal) -> None:
    taken[key] = taken.get(key, ZERO) + quantity


def _allows_negative(session: Session, location: Place) -> bool:
    if location.warehouse_id is None:
        return False
    return bool(
        session.scalar(
            select(Warehouse.allow_negative).where(Warehouse.id == location.warehouse_id)
        )
    )


def _split(
    session: Session, move: Move, portions: list[Portion], product: ProductFacts
) -> list[Move]:
    """One done move per portion: the first is ``move`` itself, the others copies of it
    (in the product's unit, since a part of a quantity in another unit may not convert
    back exactly)."""
    first, *others = portions
    move.from_location_id = first.location_id
    if move.lot_id != first.lot_id:
        move.lot_id = first.lot_id
        if move.id is not None:
            session.expire(move, ["lot"])
    if not others:
        return [move]
    move.quantity = move.product_qty = first.quantity
    move.uom_id = product.uom_id
    parts = [move]
    for portion in others:
        copy = Move(
            picking=move.picking,
            sequence=move.sequence,
            reference=move.reference,
            product_id=move.product_id,
            quantity=portion.quantity,
            uom_id=product.uom_id,
            product_qty=portion.quantity,
            from_location_id=portion.location_id,
            to_location_id=move.to_location_id,
            lot_id=portion.lot_id,
            warehouse_id=move.warehouse_id,
            company_id=move.company_id,
            state=move.state,
            planned_date=move.planned_date,
            origin_model=move.origin_model,
            origin_id=move.origin_id,
            origin_line_id=move.origin_line_id,
            origin_name=move.origin_name,
            price_unit=move.price_unit,
        )
        session.add(copy)
        parts.append(copy)
    session.flush()
    return parts


# --------------------------------------------------------------------------- costs


def _value(
    session: Session, parts: list[Move], source: Place, destination: Place, product: ProductFacts
) -> None:
    """Each part's unit cost and value, and the product's moving average.

    In (from outside into stock): at the move's own price (a purchase price), else at
    the current average; the average becomes (value + in) / (quantity + in). Out: at the
    current average, which stays; a reversal goes out at the price it came in with, so
    that reversing a receipt restores the average it changed.
    """
    incoming = destination.holds_stock and not source.holds_stock
    outgoing = source.holds_stock and not destination.holds_stock
    cost = _cost_row(session, product)
    for part in parts:
        quantity = part.product_qty
        if incoming:
            unit = part.price_unit if part.price_unit is not None else cost.average
            value = _money(quantity * unit)
            cost = _cost_change(session, product.id, quantity, value, recompute=True)
        elif outgoing:
            explicit = part.reverses_id is not None and part.price_unit is not None
            unit = part.price_unit if explicit else cost.average
            value = _money(quantity * unit)
            cost = _cost_change(session, product.id, -quantity, -value, recompute=explicit)
        else:
            unit = cost.average
            value = _money(quantity * unit)
        part.price_unit = unit.quantize(COST_STEP, rounding=ROUND_HALF_UP)
        part.value = value


@dataclass(frozen=True)
class Cost:
    quantity: Decimal
    value: Decimal
    average: Decimal


def _cost_row(session: Session, product: ProductFacts) -> Cost:
    row = session.execute(
        select(ProductCost.quantity, ProductCost.value, ProductCost.average_cost).where(
            ProductCost.product_id == product.id
        )
    ).one_or_none()
    if row is not None:
        return Cost(*row)
    now = utcnow()
    dialect = session.get_bind().dialect.name
    maker = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        maker(ProductCost)
        .values(
            product_id=product.id,
            company_id=product.company_id,
            quantity=ZERO,
            value=ZERO,
            average_cost=product.cost.quantize(COST_STEP),
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing()
    )
    return Cost(
        *session.execute(
            select(ProductCost.quantity, ProductCost.value, ProductCost.average_cost).where(
                ProductCost.product_id == product.id
            )
        ).one()
    )


def _cost_change(
    session: Session, product_id: int, quantity: Decimal, value: Decimal, *, recompute: bool
) -> Cost:
    """Add to the valued quantity and value in one UPDATE (it locks the row, so the
    average computed after it sees no other writer), then set the new average."""
    held, worth, average = session.execute(
        update(ProductCost)
        .where(ProductCost.product_id == product_id)
        .values(quantity=ProductCost.quantity + quantity, value=ProductCost.value + value)
        .returning(ProductCost.quantity, ProductCost.value, ProductCost.average_cost)
        .execution_options(synchronize_session=False)
    ).one()
    changes: dict[str, Any] = {}
    if held == 0 and worth != 0:
        changes["value"] = worth = ZERO  # rounding left over once nothing is held
    if recompute and held > 0:
        new_average = (worth / held).quantize(COST_STEP, rounding=ROUND_HALF_UP)
        if new_average != average:  # goods arriving at the average leave it as it is
            changes["average_cost"] = average = new_average
    if changes:
        session.execute(
            update(ProductCost)
            .where(ProductCost.product_id == product_id)
            .values(**changes)
            .execution_options(synchronize_session=False)
        )
    return Cost(held, worth, average)


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(VALUE_STEP, rounding=ROUND_HALF_UP)


def _plain(quantity: Decimal) -> str:
    """A quantity as people write it: 12, 1.5 (not 12.0000)."""
    text = format(quantity.normalize(), "f")
    return text


# --------------------------------------------------------------------------- reversal


def reversal_of(session: Session, move: Move, reference: str) -> Move:
    """A new move undoing the done ``move`` (not posted yet): the same quantity back from
    where it went to where it came from, at the cost it carried."""
    if move.state is not StockState.DONE:
        raise InventoryError.on(
            None, msg.NOT_DONE, reference=move.reference, state=move.state.value
        )
    if move.reverses_id is not None:
        raise InventoryError.on(None, msg.REVERSAL_OF_REVERSAL, reference=move.reference)
    if session.scalar(select(exists().where(Move.reverses_id == move.id))):
        raise InventoryError.on(None, msg.ALREADY_REVERSED, reference=move.reference)
    product = product_facts(session, move.product_id)
    return Move(
        reference=reference,
        product_id=move.product_id,
        quantity=move.product_qty,
        uom_id=product.uom_id,
        product_qty=move.product_qty,
        from_location_id=move.to_location_id,
        to_location_id=move.from_location_id,
        lot_id=move.lot_id,
        warehouse_id=move.warehouse_id,
        company_id=move.company_id,
        state=StockState.READY,
        planned_date=utcnow().date(),
        origin_model=move.origin_model,
        origin_id=move.origin_id,
        origin_line_id=move.origin_line_id,
        origin_name=move.origin_name,
        price_unit=move.price_unit,
        reverses_id=move.id,
    )


# --------------------------------------------------------------------------- the check


@dataclass(frozen=True)
class Problem:
    product_id: int
    location_id: int
    message: Any
    params: dict[str, Any]

    def text(self) -> str:
        return render(self.message, **self.params)


def _named(session: Session, problems: list[Problem]) -> list[Problem]:
    """Problems with products and locations named as people know them."""
    product_class = product_model()
    product_ids = {p.product_id for p in problems}
    location_ids = {p.location_id for p in problems}
    products = {
        product.id: product.display_name
        for product in session.scalars(
            select(product_class).where(product_class.id.in_(product_ids))
        )
    }
    locations = {
        location.id: location.display_name
        for location in session.scalars(select(Location).where(Location.id.in_(location_ids)))
    }
    return [
        Problem(
            p.product_id,
            p.location_id,
            p.message,
            {
                **p.params,
                "product": products.get(p.product_id, p.product_id),
                "location": locations.get(p.location_id, p.location_id),
            },
        )
        for p in problems
    ]


def check(session: Session) -> tuple[list[Problem], int, int]:
    """Prove the ledger: for every product, internal location and lot, on hand equals
    the done moves in minus out, reserved equals the reservations, available equals on
    hand minus reserved, and (unless negative stock is allowed) reserved never exceeds
    on hand. Returns the problems, the number of quants and of done moves."""
    done = Move.state == StockState.DONE
    ledger: dict[tuple[int, int, int], Decimal] = {}
    incoming = (
        select(Move.product_id, Move.to_location_id, Move.lot_id, func.sum(Move.product_qty))
        .where(done)
        .group_by(Move.product_id, Move.to_location_id, Move.lot_id)
    )
    outgoing = (
        select(Move.product_id, Move.from_location_id, Move.lot_id, func.sum(Move.product_qty))
        .where(done)
        .group_by(Move.product_id, Move.from_location_id, Move.lot_id)
    )
    for sign, statement in ((1, incoming), (-1, outgoing)):
        for product_id, location_id, lot_id, total in session.execute(statement):
            key = (product_id, location_id, lot_id or 0)
            ledger[key] = ledger.get(key, ZERO) + sign * total
    internal = set(
        session.scalars(select(Location.id).where(Location.kind == LocationKind.INTERNAL))
    )
    reserved_sums = dict(
        session.execute(
            select(Reservation.quant_id, func.sum(Reservation.quantity)).group_by(
                Reservation.quant_id
            )
        ).all()
    )
    negative_ok = set(session.scalars(select(Warehouse.id).where(Warehouse.allow_negative)))
    problems: list[Problem] = []
    quants = session.execute(
        select(
            Quant.id,
            Quant.product_id,
            Quant.location_id,
            Quant.lot_key,
            Quant.warehouse_id,
            Quant.on_hand,
            Quant.reserved,
            Quant.available,
        ).order_by(Quant.id)
    ).all()
    for quant, product_id, location_id, lot_key, warehouse_id, on_hand, reserved, free in quants:
        key = (product_id, location_id, lot_key)
        expected = ledger.pop(key, ZERO)
        where = {"product": product_id, "location": location_id}
        if on_hand != expected:
            problems.append(
                Problem(
                    product_id,
                    location_id,
                    msg.CHECK_ON_HAND,
                    {**where, "on_hand": _plain(on_hand), "ledger": _plain(expected)},
                )
            )
        reserved_sum = reserved_sums.get(quant, ZERO)
        if reserved != reserved_sum:
            problems.append(
                Problem(
                    product_id,
                    location_id,
                    msg.CHECK_RESERVED,
                    {**where, "reserved": _plain(reserved), "sum": _plain(reserved_sum)},
                )
            )
        if free != on_hand - reserved:
            problems.append(
                Problem(
                    product_id,
                    location_id,
                    msg.CHECK_AVAILABLE,
                    {**where, "available": _plain(free)},
                )
            )
        if reserved > on_hand and warehouse_id not in negative_ok:
            problems.append(
                Problem(
                    product_id,
                    location_id,
                    msg.CHECK_OVER_RESERVED,
                    {**where, "reserved": _plain(reserved), "on_hand": _plain(on_hand)},
                )
            )
    for (product_id, location_id, _lot), total in sorted(ledger.items()):
        if location_id in internal and total != 0:
            problems.append(
                Problem(
                    product_id,
                    location_id,
                    msg.CHECK_ON_HAND,
                    {
                        "product": product_id,
                        "location": location_id,
                        "on_hand": "0",
                        "ledger": _plain(total),
                    },
                )
            )
    moves = session.scalar(select(func.count()).select_from(Move).where(done)) or 0
    return _named(session, problems), len(quants), moves
