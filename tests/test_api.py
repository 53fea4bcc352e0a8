"""The REST API from the same declarations as the screens, with bearer tokens (4.4.1)."""

import pytest

from core import db
from core.models import Company
from core.security.models import UserRole
from core.security.passwords import hash_password
from core.security.users import User
from core.testing import ADMIN_LOGIN, ADMIN_PASSWORD

pytestmark = [pytest.mark.addons("partners", "products"), pytest.mark.spec("4.4.1")]
PASSWORD = "lotus-pond-at-dawn-31"


def bearer(client, login=ADMIN_LOGIN, password=ADMIN_PASSWORD) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/tokens", json={"login": login, "password": password, "name": "test"}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.json['token']}", "Accept-Language": "en"}


def test_create_read_list_and_update_a_partner(client):
    auth = bearer(client)
    created = client.post(
        "/api/v1/partners",
        headers=auth,
        json={
            "name": "Suzhou Silk",
            "kind": "company",
            "is_customer": True,
            "credit_limit": "50000.00",
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    partner = created.json
    assert partner["credit_limit"] == "50000.00"
    assert created.headers["Location"].endswith(f"/api/v1/partners/{partner['id']}")
    read = client.get(f"/api/v1/partners/{partner['id']}", headers=auth)
    assert read.json["name"] == "Suzhou Silk"
    listed = client.get("/api/v1/partners?q=suzhou&f=customers", headers=auth).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == partner["id"]
    tag = read.headers["ETag"]
    changed = client.patch(
        f"/api/v1/partners/{partner['id']}",
        headers={**auth, "If-Match": tag},
        json={"name": "Suzhou Silk Co."},
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.json["name"] == "Suzhou Silk Co."
    assert changed.headers["ETag"] != tag


def test_a_stale_if_match_is_refused_and_nothing_changes(client):
    auth = bearer(client)
    partner = client.post(
        "/api/v1/partners", headers=auth, json={"name": "Xiamen Port", "kind": "company"}
    ).json
    stale = client.get(f"/api/v1/partners/{partner['id']}", headers=auth).headers["ETag"]
    client.patch(f"/api/v1/partners/{partner['id']}", headers=auth, json={"name": "Xiamen Port 2"})
    refused = client.patch(
        f"/api/v1/partners/{partner['id']}",
        headers={**auth, "If-Match": stale},
        json={"name": "Overwritten"},
    )
    assert refused.status_code == 412
    assert client.get(f"/api/v1/partners/{partner['id']}", headers=auth).json["name"] == (
        "Xiamen Port 2"
    )


@pytest.mark.spec("6.3.2")
def test_bad_input_is_422_per_field_in_the_callers_language(client):
    auth = bearer(client)
    english = client.post(
        "/api/v1/partners", headers=auth, json={"name": "", "kind": "robot", "email": "nope"}
    )
    assert english.status_code == 422
    messages = english.json["messages"]
    assert messages["name"] == ["This field is required."]
    assert messages["email"] == ["This is not a valid e-mail address."]
    chinese = client.post(
        "/api/v1/partners",
        headers={**auth, "Accept-Language": "zh-CN"},
        json={"name": "", "kind": "company"},
    )
    assert chinese.json["messages"]["name"] == ["此字段为必填项。"]
    not_object = client.post("/api/v1/partners", headers=auth, json=["a", "list"])
    assert not_object.status_code == 422


def test_no_token_is_401_and_unknown_resources_are_404(client):
    assert client.get("/api/v1/partners").status_code == 401
    auth = bearer(client)
    assert client.get("/api/v1/nothing", headers=auth).status_code == 404
    assert client.get("/api/v1/partners/999999", headers=auth).status_code == 404


@pytest.mark.spec("6.2.6")
def test_rules_protected_fields_and_companies_apply(app, client):
    from addons.partners.models import Partner

    with app.app_context():
        session = db.session()
        other = Company(name="Other", code="OTHER")
        session.add(other)
        session.flush()
        session.add(Partner(name="Far Away", code="FAR1", kind="company", company_id=other.id))
        for login, roles in (
            ("clerk", ("products.user", "partners.user")),
            ("reader", ("products.user",)),
        ):
            user = User(
                login=login, name=login.title(), password_hash=hash_password(PASSWORD), company_id=1
            )
            session.add(user)
            session.flush()
            session.add_all(UserRole(user_id=user.id, role=role) for role in roles)
        session.commit()
        foreign_id = session.query(Partner.id).filter_by(code="FAR1").scalar()
    admin = bearer(client)
    product = client.post(
        "/api/v1/products",
        headers=admin,
        json={"name": "Oolong 250 g", "sale_price": "68.00", "cost": "30.10"},
    )
    assert product.status_code == 201, product.get_data(as_text=True)
    assert product.json["cost"] == "30.10"
    clerk = bearer(client, "clerk", PASSWORD)
    seen = client.get(f"/api/v1/products/{product.json['id']}", headers=clerk).json
    assert "cost" not in seen and seen["name"] == "Oolong 250 g"
    assert client.get(f"/api/v1/partners/{foreign_id}", headers=clerk).status_code == 404
    listed = client.get("/api/v1/partners", headers=clerk).json
    assert foreign_id not in [item["id"] for item in listed["items"]]
    reader = bearer(client, "reader", PASSWORD)
    refused = client.post("/api/v1/partners", headers=reader, json={"name": "x", "kind": "company"})
    assert refused.status_code == 403
    assert client.get("/api/v1/partners", headers=reader).status_code == 403


def test_openapi_describes_the_installed_resources_and_is_valid(client):
    from openapi_spec_validator import validate

    auth = bearer(client)
    spec = client.get("/api/v1/openapi.json", headers=auth).json
    validate(spec)
    assert {"/api/v1/partners", "/api/v1/partners/{id}", "/api/v1/products"} <= set(spec["paths"])
    partner = spec["components"]["schemas"]["Partner"]["properties"]
    assert partner["name"] == {"type": "string", "maxLength": 255}
    assert partner["credit_limit"]["type"] == "string"
    assert "patch" in spec["paths"]["/api/v1/partners/{id}"]


@pytest.mark.addons("partners")
def test_openapi_follows_what_is_installed(client):
    spec = client.get("/api/v1/openapi.json", headers=bearer(client)).json
    assert "/api/v1/partners" in spec["paths"] and "/api/v1/products" not in spec["paths"]


def test_openapi_descriptions_follow_the_callers_language(client):
    auth = {**bearer(client), "Accept-Language": "zh-CN"}
    spec = client.get("/api/v1/openapi.json", headers=auth).json
    assert spec["paths"]["/api/v1/partners"]["get"]["summary"] == "列出 Partner"
