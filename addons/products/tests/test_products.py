"""Products as a business uses them: units convert exactly, codes stay unique, trees stay trees.

Every test runs on SQLite and PostgreSQL with only core and products installed, inside a
transaction rolled back afterwards.
"""

from decimal import Decimal

import pytest
from flask import g
from flask_babel import refresh
from marshmallow import ValidationError
from sqlalchemy import func, select

from addons.products import schemas, services
from addons.products.hookspecs import ProductInfo
from addons.products.models import Product, ProductCategory, Uom, UomCategory, UomKind
from addons.products.services import ProductsError
from core.plugins import hookimpl
from core.registry import get_registry

pytestmark = pytest.mark.addons("products")


@pytest.fixture
def registry(db_session):
    """The app's plugin manager with the installed addons, as a request would see it."""
    registry = get_registry()
    registry.refresh(db_session)
    return registry


def uom(session, code: str) -> Uom:
    found = services.uom_by_code(session, code)
    assert found is not None, code
    return found


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def product(session, **fields) -> Product:
    return services.create_product(session, {"name": "Office chair", **fields})


def errors_of(raised: pytest.ExceptionInfo) -> dict:
    return raised.value.normalized_messages()


def speak_chinese() -> None:
    g.language = "zh_Hans_CN"
    refresh()  # Flask-Babel keeps the locale it chose for the context; choose again


# --------------------------------------------------------------------------- units of measure


@pytest.mark.spec("4.1.1")
def test_standard_units_exist_after_install(db_session):
    expected = {
        "unit": {"unit": UomKind.REFERENCE, "dozen": UomKind.BIGGER},
        "weight": {"kg": UomKind.REFERENCE, "g": UomKind.SMALLER, "t": UomKind.BIGGER},
        "volume": {"l": UomKind.REFERENCE, "ml": UomKind.SMALLER},
        "length": {"m": UomKind.REFERENCE, "cm": UomKind.SMALLER},
        "working_time": {"hour": UomKind.REFERENCE, "day": UomKind.BIGGER},
    }
    categories = {c.code: c for c in db_session.scalars(select(UomCategory))}
    assert set(categories) == set(expected)
    for code, units in expected.items():
        found = {u.code: u.kind for u in categories[code].units}
        assert found == units
    assert uom(db_session, "dozen").factor == Decimal(12)
    assert uom(db_session, "g").factor == Decimal("0.001")
    assert uom(db_session, "kg").name == "kg"  # stored in English, shown translated
    assert uom(db_session, "day").factor == Decimal(8)  # a working day


def test_standard_units_read_in_the_users_language(db_session):
    speak_chinese()
    assert uom(db_session, "unit").label == "件"
    assert uom(db_session, "dozen").label == "打"
    assert uom(db_session, "kg").label == "千克"
    assert uom(db_session, "kg").category.label == "重量"


def test_weight_converts_exactly_both_ways(db_session):
    kg, g_, t = uom(db_session, "kg"), uom(db_session, "g"), uom(db_session, "t")
    grams = services.convert_quantity(db_session, Decimal("1.5"), kg.id, g_.id)
    assert isinstance(grams, Decimal)
    assert grams == Decimal("1500")
    assert services.convert_quantity(db_session, Decimal("1500"), g_.id, kg.id) == Decimal("1.5")
    assert services.convert_quantity(db_session, Decimal("2"), t.id, g_.id) == Decimal("2000000")
    assert services.convert_quantity(db_session, Decimal("0.5"), g_.id, t.id) == Decimal("0")
    unrounded = services.convert_quantity(db_session, Decimal("0.5"), g_.id, t.id, rounded=False)
    assert unrounded == Decimal("0.0000005")


def test_dozens_and_units_convert_exactly(db_session):
    unit, dozen = uom(db_session, "unit"), uom(db_session, "dozen")
    assert services.convert_quantity(db_session, Decimal(30), unit.id, dozen.id) == Decimal("2.5")
    assert services.convert_quantity(db_session, Decimal("2.5"), dozen.id, unit.id) == 30
    # one unit is 0.0833... dozen: rounded half-up to the dozen's 0.01
    assert services.convert_quantity(db_session, Decimal(1), unit.id, dozen.id) == Decimal("0.08")
    assert services.convert_quantity(db_session, Decimal(-30), unit.id, dozen.id) == Decimal("-2.5")


def test_price_per_unit_converts_inversely(db_session):
    unit, dozen = uom(db_session, "unit"), uom(db_session, "dozen")
    kg, g_ = uom(db_session, "kg"), uom(db_session, "g")
    assert services.convert_price(db_session, Decimal(24), dozen.id, unit.id) == Decimal(2)
    assert services.convert_price(db_session, Decimal(2), unit.id, dozen.id) == Decimal(24)
    assert services.convert_price(db_session, Decimal(10), kg.id, g_.id) == Decimal("0.01")
    per_unit = services.convert_price(
        db_session, Decimal(10), dozen.id, unit.id, quantum=Decimal("0.0001")
    )
    assert per_unit == Decimal("0.8333")


def test_units_of_different_categories_do_not_convert(db_session):
    kg, unit = uom(db_session, "kg"), uom(db_session, "unit")
    with pytest.raises(ProductsError) as raised:
        services.convert_quantity(db_session, Decimal(1), kg.id, unit.id)
    assert "measure different things" in str(raised.value)
    with pytest.raises(ProductsError):
        services.convert_price(db_session, Decimal(1), unit.id, kg.id)
    with pytest.raises(TypeError):
        services.convert_quantity(db_session, 1.5, kg.id, kg.id)


def test_conversion_hook_answers_through_the_plugin_manager(db_session, registry):
    kg, g_, unit = uom(db_session, "kg"), uom(db_session, "g"), uom(db_session, "unit")
    answer = registry.hook.products_convert_quantity(
        quantity=Decimal("1.5"), from_uom_id=kg.id, to_uom_id=g_.id, session=db_session
    )
    assert answer == Decimal("1500")
    # other addons cannot import ProductsError; a marshmallow ValidationError is enough
    with pytest.raises(ValidationError):
        registry.hook.products_convert_quantity(
            quantity=Decimal(1), from_uom_id=kg.id, to_uom_id=unit.id, session=db_session
        )


def test_a_box_of_twelve_is_a_bigger_unit_of_count(db_session):
    units = uom(db_session, "unit").category
    box = services.create_uom(
        db_session,
        {
            "category_id": units.id,
            "name": "Box of 12",
            "kind": "bigger",
            "factor": "12",
            "rounding": "1",
        },
    )
    unit = uom(db_session, "unit")
    assert services.convert_quantity(db_session, Decimal(3), box.id, unit.id) == 36
    # 30 units fill 2.5 boxes, and a box is counted whole
    assert services.convert_quantity(db_session, Decimal(30), unit.id, box.id) == 3


def test_a_category_keeps_exactly_one_reference_unit(db_session):
    packaging = services.create_uom_category(
        db_session, {"name": "Packaging", "reference_uom": {"name": "Piece", "rounding": "1"}}
    )
    assert [(u.name, u.kind, u.factor) for u in packaging.units] == [
        ("Piece", UomKind.REFERENCE, Decimal(1))
    ]
    with pytest.raises(ProductsError) as raised:
        services.create_uom(
            db_session,
            {"category_id": packaging.id, "name": "Crate", "kind": "reference", "factor": "1"},
        )
    assert list(errors_of(raised)) == ["kind"]
    with pytest.raises(ProductsError) as raised:
        services.create_uom(
            db_session,
            {"category_id": packaging.id, "name": "Half", "kind": "bigger", "factor": "0.5"},
        )
    assert list(errors_of(raised)) == ["factor"]
    with pytest.raises(ValidationError) as raised:
        services.create_uom_category(db_session, {"name": "No reference"})
    assert list(errors_of(raised)) == ["reference_uom"]
    reference = services.reference_uom(db_session, packaging.id)
    with pytest.raises(ProductsError):
        services.archive_uoms(db_session, [reference.id])


def test_a_unit_keeps_its_category_and_kind_when_changed(db_session):
    units = uom(db_session, "unit").category
    box = services.create_uom(
        db_session, {"category_id": units.id, "name": "Box", "kind": "bigger", "factor": "10"}
    )
    services.update_uom(db_session, box.id, {"name": "Box of 12", "factor": "12"})
    assert (box.name, box.factor) == ("Box of 12", Decimal(12))
    with pytest.raises(ProductsError) as raised:
        services.update_uom(db_session, box.id, {"factor": "0.5"})
    assert list(errors_of(raised)) == ["factor"]
    with pytest.raises(ProductsError) as raised:
        services.update_uom(db_session, box.id, {"name": "Dozens"})
    assert list(errors_of(raised)) == ["name"]
    with pytest.raises(ValidationError) as raised:
        services.update_uom(db_session, box.id, {"category_id": uom(db_session, "kg").category_id})
    assert list(errors_of(raised)) == ["category_id"]
    assert services.archive_uoms(db_session, [box.id]) == 1
    assert services.unarchive_uoms(db_session, [box.id]) == 1 and box.active


def test_a_unit_used_by_active_products_stays_active(db_session):
    g_ = uom(db_session, "g")
    chair = product(db_session, uom_id=uom(db_session, "kg").id, purchase_uom_id=g_.id)
    with pytest.raises(ProductsError):
        services.archive_uoms(db_session, [g_.id])
    services.archive_products(db_session, [chair.id])
    assert services.archive_uoms(db_session, [g_.id]) == 1
    with pytest.raises(ProductsError) as raised:
        product(db_session, uom_id=g_.id)
    assert list(errors_of(raised)) == ["uom_id"]


# --------------------------------------------------------------------------- products


def test_a_product_without_code_gets_the_next_sku_and_counts_in_units(db_session):
    first = product(db_session)
    second = product(db_session, name="Desk")
    assert first.code.startswith("SKU") and len(first.code) == 8
    assert int(second.code[3:]) == int(first.code[3:]) + 1
    assert first.uom_id == first.purchase_uom_id == uom(db_session, "unit").id
    assert first.active and first.company_id is not None


def test_a_hand_typed_sku_is_skipped_by_the_sequence(db_session):
    first = product(db_session)
    number = int(first.code[3:])
    product(db_session, name="Typed", code=f"SKU{number + 1:05d}")
    assert product(db_session, name="Next").code == f"SKU{number + 2:05d}"


def test_duplicate_code_or_barcode_is_refused_and_nothing_written(db_session):
    chair = product(db_session, code="CHAIR-01", barcode="4006381333931")
    services.archive_products(db_session, [chair.id])  # archived codes stay taken
    before = count(db_session, Product)
    with pytest.raises(ProductsError) as raised:
        product(db_session, code="CHAIR-01")
    assert errors_of(raised) == {
        "code": ["The code CHAIR-01 is already used by product [CHAIR-01] Office chair."]
    }
    with pytest.raises(ProductsError) as raised:
        product(db_session, code="CHAIR-02", barcode="4006381333931")
    assert list(errors_of(raised)) == ["barcode"]
    assert count(db_session, Product) == before
    desk = product(db_session, name="Desk", code="DESK-01")
    with pytest.raises(ProductsError):
        services.update_product(db_session, desk.id, {"code": "CHAIR-01"})
    db_session.expire_all()
    assert db_session.get(Product, desk.id).code == "DESK-01"


@pytest.mark.parametrize(
    ("barcode", "valid"),
    [
        ("4006381333931", True),  # EAN-13
        ("4006381333932", False),
        ("036000291452", True),  # UPC-A
        ("036000291453", False),
        ("96385074", True),  # EAN-8
        ("96385075", False),
        ("ABC-12345", True),  # not a GTIN: any printable code
        ("12345", True),
        ("4006 381333931", False),
    ],
)
def test_barcodes_are_checked(db_session, barcode, valid):
    if valid:
        assert product(db_session, barcode=barcode).barcode == barcode
        return
    with pytest.raises(ValidationError) as raised:
        product(db_session, barcode=barcode)
    assert list(errors_of(raised)) == ["barcode"]
    assert count(db_session, Product) == 0


def test_a_purchase_unit_must_measure_the_same_thing(db_session):
    kg, g_, unit = uom(db_session, "kg"), uom(db_session, "g"), uom(db_session, "unit")
    with pytest.raises(ProductsError) as raised:
        product(db_session, uom_id=unit.id, purchase_uom_id=kg.id)
    assert list(errors_of(raised)) == ["purchase_uom_id"]
    assert count(db_session, Product) == 0
    flour = product(db_session, name="Flour", uom_id=kg.id, purchase_uom_id=g_.id)
    with pytest.raises(ProductsError):
        services.update_product(db_session, flour.id, {"purchase_uom_id": unit.id})
    # moving the stock unit to another category takes the purchase unit along
    services.update_product(db_session, flour.id, {"uom_id": unit.id})
    assert flour.purchase_uom_id == unit.id


def test_money_and_measures_stay_exact_decimals(db_session):
    price = Decimal("0.1") + Decimal("0.2")
    chair = product(
        db_session,
        sale_price=price,
        cost="19.99",
        tax_rate="0.13",
        weight="12.3456",
        volume="0.00033",
    )
    chair_id = chair.id
    db_session.expire_all()
    stored = db_session.get(Product, chair_id)
    for value in (stored.sale_price, stored.cost, stored.tax_rate, stored.weight, stored.volume):
        assert isinstance(value, Decimal)
    assert stored.sale_price == Decimal("0.3")
    assert stored.cost == Decimal("19.99")
    assert stored.tax_rate == Decimal("0.13")
    assert stored.volume == Decimal("0.00033")
    dumped = schemas.ProductSchema().dump(stored)
    assert dumped["sale_price"] == "0.30" and dumped["tax_rate"] == "0.130000"
    # a float's binary error is refused rather than rounded away
    with pytest.raises(ValidationError) as raised:
        product(db_session, sale_price=0.1 + 0.2)
    assert list(errors_of(raised)) == ["sale_price"]


def test_input_is_limited_in_length_range_and_shape(db_session):
    bad = {
        "name": "x" * 256,
        "sale_price": "-1",
        "tax_rate": "1.5",
        "weight": "abc",
        "type": "robot",
        "colour": "red",
    }
    with pytest.raises(ValidationError) as raised:
        services.create_product(db_session, bad)
    assert set(errors_of(raised)) == {"name", "sale_price", "tax_rate", "weight", "type", "colour"}
    with pytest.raises(ValidationError) as raised:
        services.create_product(db_session, {"name": "   "})
    assert errors_of(raised) == {"name": ["This field is required."]}
    with pytest.raises(ValidationError) as raised:
        services.create_product(db_session, {"sale_price": "1e30"})
    assert set(errors_of(raised)) == {"name", "sale_price"}
    assert count(db_session, Product) == 0


def test_update_changes_only_what_is_given(db_session):
    chair = product(db_session, code="CHAIR-01", sale_price="10")
    services.update_product(db_session, chair.id, {"name": "Swivel chair", "barcode": ""})
    assert (chair.name, chair.code, chair.sale_price, chair.barcode) == (
        "Swivel chair",
        "CHAIR-01",
        Decimal("10"),
        None,
    )
    with pytest.raises(ProductsError) as raised:
        services.update_product(db_session, chair.id, {"code": ""})
    assert list(errors_of(raised)) == ["code"]


def test_product_info_is_a_detached_summary(db_session):
    chair = product(db_session, code="CHAIR-01", sale_price="12.50", tax_rate="0.13")
    info = services.product_info(db_session, chair.id)
    assert info == ProductInfo(
        id=chair.id,
        code="CHAIR-01",
        name="Office chair",
        uom_id=chair.uom_id,
        type="goods",
        sale_price=Decimal("12.50"),
        cost=Decimal(0),
        tax_rate=Decimal("0.13"),
        purchase_uom_id=chair.purchase_uom_id,
        barcode=None,
        category_id=None,
        weight=Decimal(0),
        volume=Decimal(0),
        active=True,
    )
    assert services.product_info(db_session, 999_999) is None


# --------------------------------------------------------------------------- categories


def test_categories_form_a_tree_with_full_names(db_session):
    all_ = services.create_category(db_session, {"name": "All"})
    saleable = services.create_category(db_session, {"name": "Saleable", "parent_id": all_.id})
    office = services.create_category(db_session, {"name": "Office", "parent_id": saleable.id})
    assert office.complete_name == "All / Saleable / Office"
    services.update_category(db_session, saleable.id, {"name": "For sale"})
    assert office.complete_name == "All / For sale / Office"
    services.update_category(db_session, office.id, {"parent_id": None})
    assert office.complete_name == "Office"
    with pytest.raises(ProductsError) as raised:
        services.create_category(db_session, {"name": "For sale", "parent_id": all_.id})
    assert list(errors_of(raised)) == ["name"]


def test_a_category_cannot_become_its_own_ancestor(db_session):
    all_ = services.create_category(db_session, {"name": "All"})
    saleable = services.create_category(db_session, {"name": "Saleable", "parent_id": all_.id})
    office = services.create_category(db_session, {"name": "Office", "parent_id": saleable.id})
    for parent in (office, all_):
        with pytest.raises(ProductsError) as raised:
            services.update_category(db_session, all_.id, {"parent_id": parent.id})
        assert list(errors_of(raised)) == ["parent_id"]
    db_session.expire_all()
    assert db_session.get(ProductCategory, all_.id).parent_id is None
    assert db_session.get(ProductCategory, office.id).complete_name == "All / Saleable / Office"


def test_a_category_in_use_is_not_deleted(db_session):
    office = services.create_category(db_session, {"name": "Office"})
    chairs = services.create_category(db_session, {"name": "Chairs", "parent_id": office.id})
    product(db_session, category_id=chairs.id)
    for category in (office, chairs):
        with pytest.raises(ProductsError):
            services.delete_category(db_session, category.id)
    empty = services.create_category(db_session, {"name": "Empty"})
    services.delete_category(db_session, empty.id)
    assert db_session.get(ProductCategory, empty.id) is None


# --------------------------------------------------------------------------- search and archive


def test_search_finds_by_name_code_and_barcode(db_session):
    chair = product(db_session, code="CH-100", barcode="4006381333931")
    desk = product(db_session, name="Desk 100% oak", code="DK_1")
    lamp = product(db_session, name="Lamp", code="CH-1001")

    def found(text, **options):
        return [p.id for p in services.search_products(db_session, text, **options)]

    assert found("office") == [chair.id]
    assert found("4006381333931") == [chair.id]
    assert found("CH-100") == [chair.id, lamp.id]  # the exact code comes first
    assert found("100%") == [desk.id]  # % is a character, not a wildcard
    assert found("K_") == [desk.id]
    assert found("K%") == []
    services.archive_products(db_session, [desk.id])
    assert found("oak") == []
    assert found("oak", include_archived=True) == [desk.id]


def test_archive_and_unarchive(db_session, registry):
    chair, desk = product(db_session), product(db_session, name="Desk")
    assert services.archive_products(db_session, [chair.id, desk.id]) == 2
    assert not chair.active and not desk.active
    assert services.archive_products(db_session, [chair.id]) == 0
    assert services.unarchive_products(db_session, [chair.id]) == 1
    assert chair.active and not desk.active
    with pytest.raises(ProductsError):
        services.archive_products(db_session, [999_999])


def test_another_addon_can_block_archiving(db_session, registry):
    chair, desk = product(db_session), product(db_session, name="Desk")

    class StockOnHand:
        """What inventory will answer: products with stock cannot be archived."""

        @hookimpl
        def products_archive_blockers(self, product_ids, session):
            return [f"{chair.display_name}: 12 units in stock"] if chair.id in product_ids else []

    plugin = StockOnHand()
    registry.pm.register(plugin, name="test-stock-on-hand")
    try:
        with pytest.raises(ProductsError) as raised:
            services.archive_products(db_session, [desk.id, chair.id])
        assert "12 units in stock" in str(raised.value)
        assert chair.active and desk.active
        assert services.archive_products(db_session, [desk.id]) == 1
    finally:
        registry.pm.unregister(plugin)


# --------------------------------------------------------------------------- language


def test_errors_read_in_chinese_for_a_chinese_user(db_session):
    speak_chinese()
    product(db_session, code="CHAIR-01")
    with pytest.raises(ProductsError) as raised:
        product(db_session, code="CHAIR-01")
    assert errors_of(raised) == {"code": ["编码 CHAIR-01 已被产品 [CHAIR-01] Office chair 使用。"]}
    with pytest.raises(ValidationError) as raised:
        services.create_product(db_session, {"tax_rate": "2"})
    assert errors_of(raised) == {
        "name": ["此字段为必填项。"],
        "tax_rate": ["税率是 0 到 1 之间的小数：0.13 表示 13%。"],
    }
    kg, unit = uom(db_session, "kg"), uom(db_session, "unit")
    with pytest.raises(ProductsError) as raised:
        services.convert_quantity(db_session, Decimal(1), kg.id, unit.id)
    assert str(raised.value) == "千克 无法换算为 件：两者计量的不是同一种量（重量 与 计数）。"
