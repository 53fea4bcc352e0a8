"""Hostile input in every text field: stored as typed or refused, never executed (6.3.1).

SQL fragments must reach the database as plain values (bound parameters), script must
come back escaped in pages, and the tables must be intact afterwards.
"""

import pytest
from marshmallow import fields
from sqlalchemy import func, inspect, select

from addons.partners import services as partners
from addons.partners.models import Partner
from addons.partners.schemas import PartnerSchema
from addons.products import services as products
from addons.products.models import Product
from addons.products.schemas import ProductSchema
from core import db
from core.schemas import BusinessError
from core.security.passwords import hash_password
from core.security.users import User
from core.testing import log_in

pytestmark = [pytest.mark.spec("6.3.1", "6.3.2"), pytest.mark.addons("partners", "products")]

PAYLOADS = [
    "'; DROP TABLE partners_partner; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM products_product WHERE ('1'='1",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "%_\\",
    "{{ 7*7 }}",
]


def text_fields(schema) -> list[str]:
    return [
        name
        for name, field in schema().fields.items()
        if isinstance(field, fields.String) and not field.dump_only
    ]


def try_create(create, session, data):
    """Create through the service; the only acceptable failure is a BusinessError."""
    try:
        with session.begin_nested():
            return create(session, data)
    except BusinessError:
        return None


@pytest.mark.parametrize("payload", PAYLOADS)
def test_partner_text_fields(db_session, payload):
    before = db_session.scalar(select(func.count()).select_from(Partner))
    stored = 0
    for name in text_fields(PartnerSchema):
        data = {"name": "Safe name", "kind": "company", name: payload}
        partner = try_create(partners.create_partner, db_session, data)
        if partner is not None:
            stored += 1
            db_session.expire(partner)
            assert getattr(partner, name) == payload, name
    assert stored, "at least the free-text fields take the payload as it is"
    assert "partners_partner" in inspect(db_session.connection()).get_table_names()
    after = db_session.scalar(select(func.count()).select_from(Partner))
    assert after == before + stored
    assert partners.search_partners(db_session, payload) is not None


@pytest.mark.parametrize("payload", PAYLOADS)
def test_product_text_fields(db_session, payload):
    before = db_session.scalar(select(func.count()).select_from(Product))
    stored = 0
    for name in text_fields(ProductSchema):
        data = {"name": "Safe name", name: payload}
        product = try_create(products.create_product, db_session, data)
        if product is not None:
            stored += 1
            db_session.expire(product)
            assert getattr(product, name) == payload, name
    assert stored
    after = db_session.scalar(select(func.count()).select_from(Product))
    assert after == before + stored
    products.search_products(db_session, payload)


def test_script_in_stored_text_is_escaped_in_pages(app):
    password = "quiet-river-stone-42"
    with app.app_context():
        session = db.session()
        session.add(
            User(
                login="mallory",
                name="<script>alert('x')</script>",
                password_hash=hash_password(password),
                company_id=1,
            )
        )
        session.commit()
    client = app.test_client()
    log_in(client, "mallory", password)
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
