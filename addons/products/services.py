"""Business operations on products, categories and units of measure; the only hook callers.

Each takes the session first and never commits; input goes through schemas.py, and a
refused rule raises ProductsError before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from sqlalchemy import case, exists, or_, select
from sqlalchemy.orm import Session

from addons.products import messages, schemas
from addons.products.hookspecs import ProductInfo
from addons.products.models import (
    CATEGORY_PATH_LENGTH,
    CATEGORY_SEPARATOR,
    Product,
    ProductCategory,
    Uom,
    UomCategory,
    UomKind,
)
from core.db import acting_company_id
from core.models import Company, next_code
from core.registry import get_registry
from core.schemas import LIKE_ESCAPE, MSG_REQUIRED, BusinessError, escape_like

PRODUCT_SEQUENCE = "products.product"
# The standard "Units" (hooks.STANDARD_UNITS): a product without a unit is counted in it.
DEFAULT_UOM_CODE = "unit"
# Enough digits that no factor or quantity of the stored scales loses one mid-way.
CONVERSION_PRECISION = 60


class ProductsError(BusinessError):
    """A products rule refused the operation; the message is translated when raised.

    ``ProductsError.on(field, MSG, **params)``. A core BusinessError, hence a marshmallow
    ValidationError, so callers (and other addons, which cannot import this module)
    handle input errors and rule errors alike: ``messages`` maps the field at fault
    (or ``_schema``) to its texts.
    """


# --------------------------------------------------------------------------- units of measure


@dataclass(frozen=True)
class StandardUnit:
    """A unit created at install; ``name`` is English (``N_``), stored as is, shown translated."""

    code: str
    name: str
    kind: UomKind
    factor: str
    rounding: str


@dataclass(frozen=True)
class StandardCategory:
    code: str
    name: str
    units: tuple[StandardUnit, ...]


def load_standard_units(session: Session, categories: Iterable[StandardCategory]) -> None:
    """Create the standard unit categories and units that do not exist yet."""
    for definition in categories:
        category = session.scalar(select(UomCategory).where(UomCategory.code == definition.code))
        if category is None:
            category = UomCategory(code=definition.code, name=definition.name)
            session.add(category)
        for unit in definition.units:
            if session.scalar(select(Uom.id).where(Uom.code == unit.code)) is not None:
                continue
            session.add(
                Uom(
                    category=category,
                    code=unit.code,
                    name=unit.name,
                    kind=unit.kind,
                    factor=Decimal(unit.factor),
                    rounding=Decimal(unit.rounding),
                )
            )
    session.flush()


def uom_by_code(session: Session, code: str) -> Uom | None:
    return session.scalar(select(Uom).where(Uom.code == code))


def reference_uom(session: Session, category_id: int) -> Uom | None:
    return session.scalar(
        select(Uom).where(Uom.category_id == category_id, Uom.kind == UomKind.REFERENCE)
    )


def create_uom_category(session: Session, data: Mapping[str, Any]) -> UomCategory:
    """A new kind of measure with its reference unit: a category never lacks one."""
    values = schemas.UomCategorySchema().load(data)
    if session.scalar(select(UomCategory.id).where(UomCategory.name == values["name"])):
        raise ProductsError.on("name", messages.MSG_UOM_CATEGORY_NAME_TAKEN, name=values["name"])
    reference = values["reference_uom"]
    category = UomCategory(name=values["name"])
    session.add(category)
    session.add(
        Uom(
            category=category,
            name=reference["name"],
            kind=UomKind.REFERENCE,
            factor=Decimal(1),
            rounding=reference["rounding"],
        )
    )
    session.flush()
    return category


def create_uom(session: Session, data: Mapping[str, Any]) -> Uom:
    """A bigger or smaller unit in an existing category (its reference unit exists already)."""
    values = schemas.UomSchema().load(data)
    category = _uom_category(session, values["category_id"])
    kind = values["kind"]
    if kind is UomKind.REFERENCE:
        current = reference_uom(session, category.id)
        raise ProductsError.on(
            "kind",
            messages.MSG_UOM_SECOND_REFERENCE,
            category=category.label,
            uom=current.label if current else "-",
        )
    _check_factor(kind, values["factor"])
    _check_uom_name(session, category, values["name"])
    uom = Uom(category=category, **values)
    session.add(uom)
    session.flush()
    return uom


def update_uom(session: Session, uom_id: int, data: Mapping[str, Any]) -> Uom:
    """Rename a unit or change its factor or rounding; its category and kind stay."""
    uom = _uom(session, uom_id)
    values = schemas.UomUpdateSchema().load(data, partial=True)
    if "factor" in values:
        _check_factor(uom.kind, values["factor"])
    if "name" in values and values["name"] != uom.name:
        _check_uom_name(session, uom.category, values["name"])
    for key, value in values.items():
        setattr(uom, key, value)
    session.flush()
    return uom


def archive_uoms(session: Session, uom_ids: Iterable[int]) -> int:
    """Hide units from pickers; a reference unit, or one active products use, stays."""
    units = [_uom(session, uom_id) for uom_id in dict.fromkeys(uom_ids)]
    for uom in units:
        if uom.kind is UomKind.REFERENCE:
            raise ProductsError.on(None, messages.MSG_UOM_REFERENCE_ARCHIVE, uom=uom.label)
        user = session.scalar(
            select(Product)
            .where(Product.active, or_(Product.uom_id == uom.id, Product.purchase_uom_id == uom.id))
            .order_by(Product.id)
            .limit(1)
        )
        if user is not None:
            raise ProductsError.on(
                None, messages.MSG_UOM_IN_USE, uom=uom.label, product=user.display_name
            )
    return _set_active(session, units, False)


def unarchive_uoms(session: Session, uom_ids: Iterable[int]) -> int:
    units = [_uom(session, uom_id) for uom_id in dict.fromkeys(uom_ids)]
    return _set_active(session, units, True)


def convert_quantity(
    session: Session,
    quantity: Decimal | int,
    from_uom_id: int,
    to_uom_id: int,
    *,
    rounded: bool = True,
) -> Decimal:
    """``quantity`` in ``from_uom_id`` expressed in ``to_uom_id`` (1.5 kg -> 1500 g).

    Exact in Decimal, then rounded half-up to the target unit's rounding unless
    ``rounded`` is False. Units of different categories are refused; archived units
    still convert, since old documents use them.
    """
    source, target = _convertible(session, from_uom_id, to_uom_id)
    with localcontext() as context:
        context.prec = CONVERSION_PRECISION
        result = _decimal(quantity) * source.factor / target.factor
        return round_to_unit(result, target.rounding) if rounded else result


def convert_price(
    session: Session,
    price: Decimal | int,
    from_uom_id: int,
    to_uom_id: int,
    *,
    quantum: Decimal | None = None,
) -> Decimal:
    """A price per ``from_uom_id`` as a price per ``to_uom_id`` (24 per dozen -> 2 per unit).

    The inverse of quantity conversion. Not rounded unless ``quantum`` is given (a price
    per gram would lose its value at cents): the caller rounds to its own precision.
    """
    source, target = _convertible(session, from_uom_id, to_uom_id)
    with localcontext() as context:
        context.prec = CONVERSION_PRECISION
        result = _decimal(price) * target.factor / source.factor
        return result if quantum is None else result.quantize(quantum, rounding=ROUND_HALF_UP)


def round_to_unit(value: Decimal, rounding: Decimal) -> Decimal:
    """Round half-up to a multiple of ``rounding`` (0.01, 1, 0.5...), at its decimal places."""
    with localcontext() as context:
        context.prec = CONVERSION_PRECISION
        steps = (value / rounding).to_integral_value(rounding=ROUND_HALF_UP)
        exponent = min(rounding.normalize().as_tuple().exponent, 0)
        return (steps * rounding).quantize(Decimal(1).scaleb(exponent))


def _decimal(value: Decimal | int) -> Decimal:
    if isinstance(value, float):
        raise TypeError("quantities and prices are Decimal, not float")
    return Decimal(value)


def _convertible(session: Session, from_uom_id: int, to_uom_id: int) -> tuple[Uom, Uom]:
    source, target = _uom(session, from_uom_id), _uom(session, to_uom_id)
    if source.category_id != target.category_id:
        raise ProductsError.on(
            None,
            messages.MSG_UOM_INCOMPATIBLE,
            from_uom=source.label,
            to_uom=target.label,
            from_category=source.category.label,
            to_category=target.category.label,
        )
    return source, target


def _check_factor(kind: UomKind, factor: Decimal) -> None:
    if kind is UomKind.REFERENCE and factor != 1:
        raise ProductsError.on("factor", messages.MSG_UOM_REFERENCE_FACTOR)
    if kind is UomKind.BIGGER and factor <= 1:
        raise ProductsError.on("factor", messages.MSG_UOM_BIGGER_FACTOR)
    if kind is UomKind.SMALLER and not 0 < factor < 1:
        raise ProductsError.on("factor", messages.MSG_UOM_SMALLER_FACTOR)


def _check_uom_name(session: Session, category: UomCategory, name: str) -> None:
    taken = session.scalar(select(Uom.id).where(Uom.category_id == category.id, Uom.name == name))
    if taken is not None:
        raise ProductsError.on(
            "name", messages.MSG_UOM_NAME_TAKEN, category=category.label, name=name
        )


def _uom(session: Session, uom_id: int, field: str | None = None) -> Uom:
    uom = session.get(Uom, uom_id)
    if uom is None:
        raise ProductsError.on(field, messages.MSG_UOM_NOT_FOUND, id=uom_id)
    return uom


def _uom_category(session: Session, category_id: int) -> UomCategory:
    category = session.get(UomCategory, category_id)
    if category is None:
        raise ProductsError.on("category_id", messages.MSG_UOM_CATEGORY_NOT_FOUND, id=category_id)
    return category


# --------------------------------------------------------------------------- product categories


def create_category(session: Session, data: Mapping[str, Any]) -> ProductCategory:
    values = schemas.ProductCategorySchema().load(data)
    parent = (
        _category(session, values["parent_id"], "parent_id") if values.get("parent_id") else None
    )
    _check_sibling_name(session, values["name"], parent, None)
    path = _path(values["name"], parent)
    category = ProductCategory(name=values["name"], parent=parent, complete_name=path)
    session.add(category)
    session.flush()
    return category


def update_category(session: Session, category_id: int, data: Mapping[str, Any]) -> ProductCategory:
    """Rename or move a category; its sub-categories' full names follow."""
    category = _category(session, category_id)
    values = schemas.ProductCategorySchema().load(data, partial=True)
    parent = category.parent
    if "parent_id" in values:
        parent = (
            _category(session, values["parent_id"], "parent_id") if values["parent_id"] else None
        )
        if parent is not None and category.id in _ancestry(parent):
            raise ProductsError.on(
                "parent_id",
                messages.MSG_CATEGORY_CYCLE,
                category=category.complete_name,
                parent=parent.complete_name,
            )
    name = values.get("name", category.name)
    _check_sibling_name(session, name, parent, category.id)
    renamed = _subtree_paths(session, category, _path(name, parent))
    category.name, category.parent = name, parent
    for node, path in renamed:
        node.complete_name = path
    session.flush()
    return category


def delete_category(session: Session, category_id: int) -> None:
    """Delete an empty category; one with sub-categories or products (even archived) stays."""
    category = _category(session, category_id)
    used = session.scalar(
        select(
            exists().where(ProductCategory.parent_id == category.id)
            | exists().where(Product.category_id == category.id)
        )
    )
    if used:
        raise ProductsError.on(None, messages.MSG_CATEGORY_IN_USE, category=category.complete_name)
    session.delete(category)
    session.flush()


def _category(session: Session, category_id: int, field: str | None = None) -> ProductCategory:
    category = session.get(ProductCategory, category_id)
    if category is None:
        raise ProductsError.on(field, messages.MSG_CATEGORY_NOT_FOUND, id=category_id)
    return category


def _ancestry(category: ProductCategory) -> set[int]:
    """Ids of ``category`` and all its parents (a seen id ends the walk on bad data)."""
    seen: set[int] = set()
    node: ProductCategory | None = category
    while node is not None and node.id not in seen:
        seen.add(node.id)
        node = node.parent
    return seen


def _path(name: str, parent: ProductCategory | None) -> str:
    path = f"{parent.complete_name}{CATEGORY_SEPARATOR}{name}" if parent else name
    if len(path) > CATEGORY_PATH_LENGTH:
        raise ProductsError.on("name", messages.MSG_CATEGORY_PATH_TOO_LONG, path=path)
    return path


def _subtree_paths(
    session: Session, category: ProductCategory, path: str
) -> list[tuple[ProductCategory, str]]:
    """New full names of ``category`` and its descendants, all checked before any is set."""
    result = [(category, path)]
    for child in session.scalars(
        select(ProductCategory).where(ProductCategory.parent_id == category.id)
    ):
        child_path = f"{path}{CATEGORY_SEPARATOR}{child.name}"
        if len(child_path) > CATEGORY_PATH_LENGTH:
            raise ProductsError.on("name", messages.MSG_CATEGORY_PATH_TOO_LONG, path=child_path)
        result.extend(_subtree_paths(session, child, child_path))
    return result


def _check_sibling_name(
    session: Session, name: str, parent: ProductCategory | None, own_id: int | None
) -> None:
    query = select(ProductCategory.id).where(
        ProductCategory.name == name,
        ProductCategory.parent_id == parent.id if parent else ProductCategory.parent_id.is_(None),
    )
    if own_id is not None:
        query = query.where(ProductCategory.id != own_id)
    if session.scalar(query) is not None:
        raise ProductsError.on("name", messages.MSG_CATEGORY_NAME_TAKEN, name=name)


# --------------------------------------------------------------------------- products


def create_product(session: Session, data: Mapping[str, Any]) -> Product:
    """Add a product; without a code it gets the next SKU, without a unit it counts in Units."""
    values = schemas.ProductSchema().load(data)
    company_id = _company_id(session)
    uom = (
        _usable_uom(session, values["uom_id"], "uom_id")
        if "uom_id" in values
        else (_default_uom(session))
    )
    purchase_uom = uom
    if values.get("purchase_uom_id") is not None:
        purchase_uom = _usable_uom(session, values["purchase_uom_id"], "purchase_uom_id")
    _check_purchase_uom(uom, purchase_uom)
    if values.get("category_id") is not None:
        _category(session, values["category_id"], "category_id")
    values["code"] = values.get("code") or _free_code(session, company_id)
    _check_unique(session, company_id, values["code"], values.get("barcode"), None)
    values.update(uom_id=uom.id, purchase_uom_id=purchase_uom.id)
    product = Product(company_id=company_id, **values)
    session.add(product)
    session.flush()
    return product


def update_product(session: Session, product_id: int, data: Mapping[str, Any]) -> Product:
    """Change a product's fields; the same checks as on creation apply to what changes."""
    product = _product(session, product_id)
    values = schemas.ProductSchema().load(data, partial=True)
    if "code" in values and not values["code"]:
        raise ProductsError.on("code", MSG_REQUIRED)
    uom = product.uom
    if "uom_id" in values and values["uom_id"] != product.uom_id:
        uom = _usable_uom(session, values["uom_id"], "uom_id")
    purchase_uom = product.purchase_uom
    if values.get("purchase_uom_id") not in (None, product.purchase_uom_id):
        purchase_uom = _usable_uom(session, values["purchase_uom_id"], "purchase_uom_id")
    elif "purchase_uom_id" in values and values["purchase_uom_id"] is None:
        purchase_uom = uom
    elif "purchase_uom_id" not in values and purchase_uom.category_id != uom.category_id:
        purchase_uom = uom  # the stock unit moved to another category: buy in it too
    _check_purchase_uom(uom, purchase_uom)
    if values.get("category_id") is not None:
        _category(session, values["category_id"], "category_id")
    _check_unique(
        session, product.company_id, values.get("code"), values.get("barcode"), product.id
    )
    values.update(uom_id=uom.id, purchase_uom_id=purchase_uom.id)
    for key, value in values.items():
        setattr(product, key, value)
    session.flush()
    return product


def archive_products(session: Session, product_ids: Iterable[int]) -> int:
    """Archive products unless an installed addon objects; returns how many changed.

    Every addon is asked through ``products_archive_blockers`` (needs an app context);
    one reason refuses the whole archive and nothing changes.
    """
    products = [_product(session, product_id) for product_id in dict.fromkeys(product_ids)]
    active = tuple(sorted(p.id for p in products if p.active))
    if not active:
        return 0
    answers = get_registry().hook.products_archive_blockers(product_ids=active, session=session)
    reasons = [str(reason) for answer in answers for reason in answer or ()]
    if reasons:
        raise ProductsError.on(None, messages.MSG_ARCHIVE_BLOCKED, reasons="; ".join(reasons))
    return _set_active(session, products, False)


def unarchive_products(session: Session, product_ids: Iterable[int]) -> int:
    products = [_product(session, product_id) for product_id in dict.fromkeys(product_ids)]
    return _set_active(session, products, True)


def search_products(
    session: Session, text: str, *, include_archived: bool = False, limit: int | None = 80
) -> list[Product]:
    """Products whose name, code or barcode contains ``text``; exact code or barcode first.

    ``%`` and ``_`` in ``text`` match themselves, not any characters.
    """
    text = (text or "").strip()
    query = select(Product)
    if text:
        pattern = "%" + escape_like(text) + "%"
        query = query.where(
            or_(
                Product.name.ilike(pattern, escape=LIKE_ESCAPE),
                Product.code.ilike(pattern, escape=LIKE_ESCAPE),
                Product.barcode.ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    if not include_archived:
        query = query.where(Product.active)
    exact = case((or_(Product.code == text, Product.barcode == text), 0), else_=1)
    query = query.order_by(exact, Product.name, Product.id).limit(limit)
    return list(session.scalars(query))


def product_info(session: Session, product_id: int) -> ProductInfo | None:
    """What other addons may know of a product, or None when it does not exist."""
    product = session.get(Product, product_id)
    if product is None:
        return None
    return ProductInfo(
        id=product.id,
        code=product.code,
        name=product.name,
        uom_id=product.uom_id,
        type=product.type.value,
        sale_price=product.sale_price,
        cost=product.cost,
        tax_rate=product.tax_rate,
        purchase_uom_id=product.purchase_uom_id,
        barcode=product.barcode,
        category_id=product.category_id,
        weight=product.weight,
        volume=product.volume,
        active=product.active,
    )


def _product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise ProductsError.on(None, messages.MSG_PRODUCT_NOT_FOUND, id=product_id)
    return product


def _company_id(session: Session) -> int | None:
    """The company a new product belongs to: the acting one, else the main company.

    The same choice core makes on flush, made earlier because unique codes are per company.
    """
    return acting_company_id() or session.scalar(select(Company.id).order_by(Company.id))


def _default_uom(session: Session) -> Uom:
    uom = uom_by_code(session, DEFAULT_UOM_CODE)
    if uom is None or not uom.active:
        raise ProductsError.on("uom_id", messages.MSG_NO_DEFAULT_UOM)
    return uom


def _usable_uom(session: Session, uom_id: int, field: str) -> Uom:
    uom = _uom(session, uom_id, field)
    if not uom.active:
        raise ProductsError.on(field, messages.MSG_UOM_ARCHIVED, uom=uom.label)
    return uom


def _check_purchase_uom(uom: Uom, purchase_uom: Uom) -> None:
    if purchase_uom.category_id != uom.category_id:
        raise ProductsError.on(
            "purchase_uom_id",
            messages.MSG_PURCHASE_UOM_CATEGORY,
            purchase_uom=purchase_uom.label,
            uom=uom.label,
            category=uom.category.label,
        )


def _check_unique(
    session: Session,
    company_id: int | None,
    code: str | None,
    barcode: str | None,
    own_id: int | None,
) -> None:
    """Codes and barcodes are unique per company, archived products included."""
    checks = (
        ("code", Product.code, code, messages.MSG_CODE_TAKEN),
        ("barcode", Product.barcode, barcode, messages.MSG_BARCODE_TAKEN),
    )
    for field, column, value, message in checks:
        if value is None:
            continue
        query = select(Product).where(Product.company_id == company_id, column == value)
        if own_id is not None:
            query = query.where(Product.id != own_id)
        other = session.scalar(query.limit(1))
        if other is not None:
            raise ProductsError.on(field, message, product=other.display_name, **{field: value})


def _free_code(session: Session, company_id: int | None) -> str:
    """The next SKU of the sequence, skipping numbers someone typed in by hand."""
    while True:
        code = next_code(session, PRODUCT_SEQUENCE)
        taken = select(Product.id).where(Product.company_id == company_id, Product.code == code)
        if session.scalar(taken) is None:
            return code


def _set_active(session: Session, records: list, active: bool) -> int:
    changed = [record for record in records if record.active != active]
    for record in changed:
        record.active = active
    session.flush()
    return len(changed)
