"""Stocktaking (clause 5.2.1.2): count a warehouse, a location and what is under it, or one
product category there, and post the discrepancies.

Starting a count freezes what each place held (the expected quantities, and the average
cost); counters enter what they find, and may add places and products the ledger did not
expect; applying posts, per line, ``counted - expected`` as an adjustment against the
company's inventory-loss location, with the count's reason. Posting the difference, not
``counted - on hand now``, keeps every move done between the freeze and the apply: a
delivery shipped during the count is not undone by it. When a warehouse sets an approval
value, a count with a discrepancy worth more waits for a manager (``inventory.count.approve``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from addons.inventory import ledger, services
from addons.inventory import messages as msg
from addons.inventory.ledger import VALUE_STEP, ZERO, InventoryError
from addons.inventory.models import (
    CountState,
    Location,
    LocationKind,
    Lot,
    Move,
    ProductCost,
    Quant,
    StockCount,
    StockCountLine,
    StockState,
    Warehouse,
    product_model,
)
from addons.inventory.schemas import CountLineSchema, CountRowSchema, CountSchema, ScanSchema
from core.db import acting_user_id, default_company_id, utcnow
from core.models import next_code
from core.schemas import Refusals, load, render
from core.security.access import current_access

COUNT_SEQUENCE = "inventory.count"
APPROVE = "inventory.count.approve"
MAX_LINES = 5000
OPEN = (CountState.DRAFT, CountState.COUNTING, CountState.TO_APPROVE)


def state_label(state: Any) -> str:
    value = getattr(state, "value", state)
    return str(dict(msg.COUNT_STATE_LABELS).get(value, value))


# --------------------------------------------------------------------------- the document


def create_count(session: Session, data: Mapping[str, Any]) -> StockCount:
    """A draft count of a warehouse (default: the company's first), a location of it, and
    optionally a product category (with its sub-categories)."""
    values = load(CountSchema(), _without_lines(data))
    count = StockCount(company_id=default_company_id(session), state=CountState.DRAFT)
    _fill(session, count, values)
    count.name = next_code(session, COUNT_SEQUENCE)
    session.add(count)
    session.flush()
    return count


def update_count(session: Session, count_id: int, data: Mapping[str, Any]) -> StockCount:
    """A draft changes its scope and reason; a count in progress takes counted quantities
    (``lines``: existing lines with ``counted``, new lines with product, location, lot and
    ``counted``); otherwise only the note changes."""
    data = _mapping(data)
    count = _get(session, count_id)
    values = load(CountSchema(), _without_lines(data), partial=True)
    if count.state is CountState.DRAFT:
        _fill(session, count, values)
    else:
        _claim(session, count, (count.state,), msg.COUNT_NOT_EDITABLE)
        for key, value in values.items():
            if key == "note":
                count.note = value
            elif value is not None and value != getattr(count, key):
                raise InventoryError.on(
                    key, msg.COUNT_NOT_EDITABLE, name=count.name, state=state_label(count.state)
                )
    if "lines" in data:
        if count.state is not CountState.COUNTING:
            raise InventoryError.on(
                "lines", msg.COUNT_NOT_EDITABLE, name=count.name, state=state_label(count.state)
            )
        _enter_counts(session, count, data["lines"])
    session.flush()
    return count


def delete_count(session: Session, count_id: int) -> None:
    count = _get(session, count_id)
    if count.state is not CountState.DRAFT:
        raise InventoryError.on(
            None, msg.COUNT_NOT_DELETABLE, name=count.name, state=state_label(count.state)
        )
    session.delete(count)
    session.flush()


def _fill(session: Session, count: StockCount, values: dict[str, Any]) -> None:
    access = current_access()
    refusals = Refusals()
    warehouse = count.warehouse if count.warehouse_id else None
    if values.get("warehouse_id") is not None:
        warehouse = session.scalar(
            access.select(Warehouse).where(Warehouse.id == values["warehouse_id"])
        )
        if warehouse is None or warehouse.company_id != count.company_id or not warehouse.active:
            refusals.add("warehouse_id", msg.UNKNOWN_WAREHOUSE, id=values["warehouse_id"])
            refusals.raise_any()
    warehouse = warehouse or services.default_warehouse(session, count.company_id)
    location = None
    if values.get("location_id") is not None:
        location = session.scalar(
            access.select(Location).where(Location.id == values["location_id"])
        )
        if (
            location is None
            or location.warehouse_id != warehouse.id
            or location.kind
            not in (
                LocationKind.VIEW,
                LocationKind.INTERNAL,
            )
        ):
            name = location.display_name if location is not None else values["location_id"]
            refusals.add("location_id", msg.COUNT_LOCATION, location=name, warehouse=warehouse.name)
    elif count.location_id is None or count.warehouse_id != warehouse.id:
        location = services.warehouse_location(session, warehouse, "view")
    if values.get("category_id") is not None:
        category_class = _category_model()
        found = session.scalar(
            access.select(category_class).where(category_class.id == values["category_id"])
        )
        if found is None:
            refusals.add("category_id", msg.COUNT_CATEGORY, id=values["category_id"])
    refusals.raise_any()
    count.warehouse_id = warehouse.id
    count.warehouse = warehouse
    if location is not None:
        count.location_id = location.id
    for key in ("category_id", "reason", "note"):
        if key in values and (values[key] is not None or key != "reason"):
            setattr(count, key, values[key])


# --------------------------------------------------------------------------- actions


def start_count(session: Session, count: StockCount, data: Any = None) -> StockCount:
    """Freeze what every place in the count's scope holds: a line per product, location
    and lot with stock, its expected quantity and average cost."""
    _claim(session, count, (CountState.DRAFT,), msg.COUNT_NOT_STARTABLE)
    count.frozen_at = utcnow()
    root = ledger.place(session, count.location_id)
    statement = (
        select(Quant.product_id, Quant.location_id, Quant.lot_id, Quant.on_hand)
        .join(Location, Location.id == Quant.location_id)
        .where(
            Location.parent_path.like(f"{root.parent_path}%"),
            Location.kind == LocationKind.INTERNAL,
            Quant.on_hand != ZERO,
        )
        .order_by(Location.complete_name, Quant.product_id, Quant.lot_key)
    )
    if count.category_id is not None:
        statement = statement.where(Quant.product_id.in_(_products_of_category(count)))
    rows = session.execute(statement).all()
    costs = _costs(session, {product_id for product_id, *_ in rows})
    for product_id, location_id, lot_id, on_hand in rows:
        count.lines.append(
            StockCountLine(
                product_id=product_id,
                location_id=location_id,
                lot_id=lot_id,
                lot_key=lot_id or 0,
                expected=on_hand,
                unit_cost=costs.get(product_id, ZERO),
            )
        )
    count.state = CountState.COUNTING
    session.flush()
    return count


def apply_count(session: Session, count: StockCount, data: Any = None) -> StockCount:
    """Post what was counted. A discrepancy worth more than the warehouse's approval value
    sends the count to a manager instead (unless the one applying may approve)."""
    _claim(session, count, (CountState.COUNTING,), msg.COUNT_NOT_APPLICABLE)
    counted = [line for line in count.lines if line.counted is not None]
    if not counted:
        raise InventoryError.on("lines", msg.COUNT_NOTHING)
    for line in counted:
        line.difference = line.counted - line.expected
        line.difference_value = (line.difference * line.unit_cost).quantize(
            VALUE_STEP, rounding=ROUND_HALF_UP
        )
    threshold = count.warehouse.count_approval_value
    large = threshold is not None and any(
        abs(line.difference_value) > threshold for line in counted
    )
    if large and not current_access().can(APPROVE):
        count.state = CountState.TO_APPROVE
        session.flush()
        return count
    _post(session, count, counted)
    return count


def approve_count(session: Session, count: StockCount, data: Any = None) -> StockCount:
    """A manager accepts the discrepancies and the count is applied."""
    current_access().require(APPROVE)
    _claim(session, count, (CountState.TO_APPROVE,), msg.COUNT_NOT_APPROVABLE)
    count.approved_by_id = acting_user_id()
    count.approved_at = utcnow()
    _post(session, count, [line for line in count.lines if line.counted is not None])
    return count


def cancel_count(session: Session, count: StockCount, data: Any = None) -> StockCount:
    _claim(session, count, OPEN, msg.COUNT_NOT_CANCELLABLE)
    count.state = CountState.CANCELLED
    session.flush()
    return count


def _post(session: Session, count: StockCount, lines: list[StockCountLine]) -> None:
    """One adjustment per line that differs, posted together; then the count is done."""
    loss = services.system_location(session, count.company_id, LocationKind.INVENTORY_LOSS.value)
    if loss is None:
        services.ensure_virtual_locations(session, count.company_id)
        loss = services.system_location(
            session, count.company_id, LocationKind.INVENTORY_LOSS.value
        )
    origin = render(msg.COUNT_REFERENCE, name=count.name, reason=count.reason)[:128]
    moves = []
    for line in lines:
        if line.difference == 0:
            continue
        gain = line.difference > 0
        uom_id = ledger.product_facts(session, line.product_id).uom_id
        moves.append(
            Move(
                reference=count.name,
                product_id=line.product_id,
                quantity=abs(line.difference),
                uom_id=uom_id,
                product_qty=abs(line.difference),
                from_location_id=loss.id if gain else line.location_id,
                to_location_id=line.location_id if gain else loss.id,
                lot_id=line.lot_id,
                warehouse_id=count.warehouse_id,
                company_id=count.company_id,
                state=StockState.READY,
                planned_date=utcnow().date(),
                origin_model="inventory.count",
                origin_id=count.id,
                origin_name=origin,
                price_unit=line.unit_cost if gain else None,
            )
        )
    session.add_all(moves)
    session.flush()
    done = ledger.post(session, moves, exact_source=True)
    services.after_posting(session, done)
    count.state = CountState.DONE
    count.applied_at = utcnow()
    session.flush()


# --------------------------------------------------------------------------- counting


def _enter_counts(session: Session, count: StockCount, rows: Any) -> None:
    """Counted quantities of existing lines, and new lines for what the freeze missed."""
    if not isinstance(rows, list | tuple):
        raise InventoryError.on("lines", msg.LINES_NOT_A_LIST)
    if len(rows) > MAX_LINES:
        raise InventoryError.on("lines", msg.TOO_MANY_LINES, max=MAX_LINES)
    existing = {line.id: line for line in count.lines}
    keys = {(line.product_id, line.location_id, line.lot_key): line.id for line in count.lines}
    errors: dict[int, Refusals] = {}
    changes: list[tuple[StockCountLine | None, dict[str, Any]]] = []
    root = ledger.place(session, count.location_id)
    for index, row in enumerate(rows):
        problems = errors.setdefault(index, Refusals())
        values = services.load_into(CountLineSchema(), row, problems)
        if problems:
            continue
        line = existing.get(values.get("id")) if values.get("id") else None
        if values.get("id") and line is None:
            problems.add("id", msg.UNKNOWN_LINE, id=values["id"])
            continue
        if line is not None:
            if (values["product_id"], values["location_id"], values.get("lot_id")) != (
                line.product_id,
                line.location_id,
                line.lot_id,
            ):
                problems.add(None, msg.COUNT_LINES_FROZEN, name=count.name)
            _check_tracked(session, values, problems)
            changes.append((line, values))
            continue
        _check_new_line(session, count, root, values, keys, problems)
        if not problems:
            changes.append((None, values))
    services.raise_lines("lines", errors)
    kept_ids = {line.id for line, _ in changes if line is not None}
    if set(existing) - kept_ids:
        raise InventoryError.on("lines", msg.COUNT_LINES_FROZEN, name=count.name)
    costs = _costs(session, {v["product_id"] for line, v in changes if line is None})
    for line, values in changes:
        if line is None:
            lot_id = values.get("lot_id")
            line = StockCountLine(
                product_id=values["product_id"],
                location_id=values["location_id"],
                lot_id=lot_id,
                lot_key=lot_id or 0,
                expected=_held_at(
                    session, count, values["product_id"], values["location_id"], lot_id
                ),
                unit_cost=costs.get(values["product_id"], ZERO),
            )
            count.lines.append(line)
        line.counted = values.get("counted")


def _check_new_line(
    session: Session,
    count: StockCount,
    root: ledger.Place,
    values: dict[str, Any],
    keys: dict[tuple[int, int, int], int | None],
    problems: Refusals,
) -> None:
    product = services.products_by_id(session, {values["product_id"]}, checked=True).get(
        values["product_id"]
    )
    product = services.usable_product(product, values["product_id"], count.company_id, problems)
    location = session.get(Location, values["location_id"])
    if location is None:
        problems.add("location_id", msg.UNKNOWN_LOCATION, id=values["location_id"])
    elif location.kind is not LocationKind.INTERNAL or not location.parent_path.startswith(
        root.parent_path
    ):
        problems.add("location_id", msg.COUNT_OUTSIDE, location=location.display_name)
    lot_id = values.get("lot_id")
    if lot_id is not None:
        lot = session.get(Lot, lot_id)
        if lot is None or lot.product_id != values["product_id"]:
            problems.add("lot_id", msg.UNKNOWN_LOT, id=lot_id)
    if product is not None:
        _check_tracked(session, values, problems)
    key = (values["product_id"], values["location_id"], lot_id or 0)
    if not problems and key in keys:
        name = product.display_name if product is not None else values["product_id"]
        problems.add(None, msg.COUNT_LINE_TWICE, product=name, location=location.display_name)
    keys[key] = None


def _check_tracked(session: Session, values: dict[str, Any], problems: Refusals) -> None:
    """A tracked product is counted per lot; a serial number is there (1) or not (0)."""
    try:
        services.check_tracked_place(
            session, values["product_id"], values.get("lot_id"), values.get("counted")
        )
    except InventoryError as error:
        for field, texts in error.messages.items():
            for text in texts:
                problems.add(field, text)


def _held_at(
    session: Session, count: StockCount, product_id: int, location_id: int, lot_id: int | None
) -> Decimal:
    """What the ledger says a place held of a product (and lot) when the count froze."""
    total = ZERO
    lot_condition = Move.lot_id == lot_id if lot_id is not None else Move.lot_id.is_(None)
    for column, sign in ((Move.to_location_id, 1), (Move.from_location_id, -1)):
        total += sign * (
            session.scalar(
                select(func.sum(Move.product_qty)).where(
                    column == location_id,
                    Move.product_id == product_id,
                    lot_condition,
                    Move.state == StockState.DONE,
                    Move.date_done <= count.frozen_at,
                )
            )
            or ZERO
        )
    return total


# --------------------------------------------------------------------------- scans and files


def scan(session: Session, count: StockCount, data: Mapping[str, Any]) -> StockCountLine:
    """One scan in a count in progress: a product's barcode or code (and its lot or
    serial number) adds one, or the quantity typed, to what was counted of it in the
    location given (default: the one place the count expects it, or the count's own
    location when that holds stock). Returns the line counted."""
    values = load(ScanSchema(), _mapping(data))
    _claim(session, count, (CountState.COUNTING,), msg.COUNT_NOT_EDITABLE)
    problems = Refusals()
    places = Places(session, count, [values["code"]])
    found = places.find(values["code"], values.get("lot_name"), values.get("location_id"), problems)
    problems.raise_any()
    line = _line_at(session, count, *found)
    line.counted = (line.counted or ZERO) + values["quantity"]
    services.check_tracked_place(session, found[0], found[2], line.counted)
    session.flush()
    return line


def import_counts(
    session: Session, count: StockCount, rows: list[tuple[int, Mapping[str, Any]]]
) -> int:
    """Counted quantities from a file's rows (``(row number, {code, location, lot_name,
    counted})``), all or nothing: every row's problems are reported under
    ``{"rows": {number: {field: [...]}}}`` and nothing changes unless every row is right.
    A row's quantity replaces what was counted there. Returns the number of rows."""
    _claim(session, count, (CountState.COUNTING,), msg.COUNT_NOT_EDITABLE)
    if len(rows) > MAX_LINES:
        raise InventoryError.on("file", msg.TOO_MANY_LINES, max=MAX_LINES)
    errors: dict[int, Refusals] = {}
    loaded = []
    for number, row in rows:
        problems = errors.setdefault(number, Refusals())
        values = services.load_into(CountRowSchema(), row, problems)
        if not problems:
            loaded.append((number, values))
    places = Places(session, count, [values["code"] for _number, values in loaded])
    seen: dict[tuple[int, int, int | None], int] = {}
    counted = []
    for number, values in loaded:
        problems = errors[number]
        found = places.find(
            values["code"], values.get("lot_name"), values.get("location"), problems, "location"
        )
        if problems:
            continue
        if found in seen:
            problems.add(None, msg.COUNT_ROW_TWICE, row=seen[found])
        seen.setdefault(found, number)
        _check_tracked(
            session,
            {"product_id": found[0], "lot_id": found[2], "counted": values["counted"]},
            problems,
        )
        counted.append((found, values["counted"]))
    services.raise_lines("rows", errors)
    for found, quantity in counted:
        _line_at(session, count, *found).counted = quantity
    session.flush()
    return len(counted)


class Places:
    """Finds what a scan or a file's row names in a count: the product by its barcode,
    code or "[code] name", its lot or serial number by name, and the location by id or
    by its full name (as stored or as shown in the reader's language), within the
    count's places. Products, lots and locations are each read in one query."""

    def __init__(self, session: Session, count: StockCount, codes: list[str]) -> None:
        self.session = session
        self.count = count
        self.root = ledger.place(session, count.location_id)
        wanted = {_code_of(code) for code in codes}
        product_class = product_model()
        statement = current_access().restrict(
            select(product_class).where(
                product_class.company_id == count.company_id,
                or_(product_class.code.in_(wanted), product_class.barcode.in_(wanted)),
            ),
            product_class,
        )
        self.products: dict[str, Any] = {}
        for product in session.scalars(statement):
            self.products[product.code] = product
            if product.barcode:
                self.products.setdefault(product.barcode, product)
        self.lots: dict[tuple[int, str], int] | None = None
        locations = session.scalars(
            select(Location).where(
                Location.parent_path.like(f"{self.root.parent_path}%"),
                Location.kind == LocationKind.INTERNAL,
                Location.company_id == count.company_id,
            )
        ).all()
        self.location_ids = {location.id for location in locations}
        self.location_names: dict[str, int] = {}
        for location in locations:
            self.location_names.setdefault(location.complete_name.casefold(), location.id)
            self.location_names.setdefault(location.display_name.casefold(), location.id)

    def find(
        self,
        code: str,
        lot_name: str | None,
        where: int | str | None,
        problems: Refusals,
        field: str = "location_id",
    ) -> tuple[int, int, int | None]:
        """(product, location, lot) named by a scan or row (``where``: a location's id, or
        its full name in ``field``); ``problems`` say what is wrong."""
        product = self.products.get(_code_of(code))
        if product is None:
            problems.add("code", msg.SCAN_UNKNOWN, code=code)
            return (0, 0, None)
        product = services.usable_product(product, product.id, self.count.company_id, problems)
        if product is None:
            return (0, 0, None)
        lot_id = None
        if lot_name:
            lot_id = self._lot(product.id, lot_name)
            if lot_id is None:
                problems.add(
                    "lot_name", msg.UNKNOWN_LOT_NAME, product=product.display_name, name=lot_name
                )
        location_id = self._location(product, lot_id, where, problems, field)
        return (product.id, location_id, lot_id)

    def _lot(self, product_id: int, name: str) -> int | None:
        if self.lots is None:
            rows = self.session.execute(
                select(Lot.product_id, Lot.name, Lot.id).where(
                    Lot.company_id == self.count.company_id,
                    Lot.product_id.in_({p.id for p in self.products.values()}),
                )
            )
            self.lots = {(product, lot_name): lot for product, lot_name, lot in rows}
        return self.lots.get((product_id, name.strip()))

    def _location(
        self, product: Any, lot_id: int | None, where: Any, problems: Refusals, field: str
    ) -> int:
        if isinstance(where, int):
            if where not in self.location_ids:
                location = self.session.get(Location, where)
                name = location.display_name if location is not None else where
                problems.add(field, msg.COUNT_OUTSIDE, location=name)
            return where
        if isinstance(where, str) and where.strip():
            found = self.location_names.get(where.strip().casefold())
            if found is None:
                problems.add(field, msg.COUNT_NO_LOCATION, location=where.strip())
                return 0
            return found
        expected = {
            line.location_id
            for line in self.count.lines
            if line.product_id == product.id and line.lot_id == lot_id
        }
        if len(expected) == 1:
            return expected.pop()
        if self.root.id in self.location_ids:
            return self.root.id
        problems.add(field, msg.SCAN_WHERE, product=product.display_name)
        return 0


def _code_of(text: str) -> str:
    """A product's code from what was typed or scanned: the code, the barcode, or the
    name as lists show it ("[SKU00001] Office chair")."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        return text[1 : text.index("]")].strip()
    return text


def _line_at(
    session: Session, count: StockCount, product_id: int, location_id: int, lot_id: int | None
) -> StockCountLine:
    """The count's line of a product, location and lot; a new one (expected: what the
    ledger held there at the freeze) when the freeze did not expect it."""
    for line in count.lines:
        if (line.product_id, line.location_id, line.lot_id) == (product_id, location_id, lot_id):
            return line
    line = StockCountLine(
        product_id=product_id,
        location_id=location_id,
        lot_id=lot_id,
        lot_key=lot_id or 0,
        expected=_held_at(session, count, product_id, location_id, lot_id),
        unit_cost=_costs(session, {product_id}).get(product_id, ZERO),
    )
    count.lines.append(line)
    return line


# --------------------------------------------------------------------------- helpers


def _costs(session: Session, product_ids: set[int]) -> dict[int, Decimal]:
    """Average cost per product now (the product's own cost when nothing was valued)."""
    if not product_ids:
        return {}
    costs = {pid: ledger.product_facts(session, pid).cost for pid in product_ids}
    rows = session.execute(
        select(ProductCost.product_id, ProductCost.average_cost).where(
            ProductCost.product_id.in_(product_ids)
        )
    )
    costs.update(dict(rows.all()))
    return costs


def _category_model() -> type:
    return StockCount.category.property.mapper.class_


def _products_of_category(count: StockCount):
    """Ids of the products in the count's category or under it."""
    category_class = _category_model()
    product_class = product_model()
    path = count.category.complete_name
    categories = select(category_class.id).where(
        or_(
            category_class.complete_name == path,
            category_class.complete_name.like(f"{path} / %"),
        )
    )
    return select(product_class.id).where(product_class.category_id.in_(categories))


def _claim(session: Session, count: StockCount, states, refusal) -> None:
    """Take the count for this transaction if it is still in one of ``states`` (the
    conditional version UPDATE of services._claim)."""
    claimed = session.execute(
        update(StockCount)
        .where(StockCount.id == count.id, StockCount.state.in_(tuple(states)))
        .values(version=StockCount.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(count)
    session.scalars(
        select(StockCountLine)
        .where(StockCountLine.count_id == count.id)
        .execution_options(populate_existing=True)
    ).all()
    if claimed.rowcount != 1:
        raise InventoryError.on(None, refusal, name=count.name, state=state_label(count.state))


def _get(session: Session, count_id: int) -> StockCount:
    count = session.get(StockCount, count_id)
    if count is None:
        raise InventoryError.on(None, msg.UNKNOWN_COUNT, id=count_id)
    return count


def _mapping(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InventoryError.on(None, msg.LINE_NOT_A_RECORD)
    return data


def _without_lines(data: Any) -> dict[str, Any]:
    return {key: value for key, value in _mapping(data).items() if key != "lines"}
