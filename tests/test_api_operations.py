"""The REST API beyond reads and edits: delete, business actions, sub-resources, XML both
ways (and XML attacks), Idempotency-Key (also under concurrency), the browsable docs."""

import threading

import pytest
from sqlalchemy import func, select

from core import db
from core.models import IdempotencyKey
from core.security.models import UserRole
from core.security.passwords import hash_password
from core.security.users import User
from tests.conftest import DELTA_PASSWORD
from tests.test_api import bearer

XML = {"Accept": "application/xml"}
XML_BODY = {"Content-Type": "application/xml"}


def task_state(app, task_id):
    from delta.models import DeltaTask

    with app.app_context():
        task = db.session().get(DeltaTask, task_id)
        return None if task is None else task.state.value


def tokens(app, *logins):
    client = app.test_client()
    return client, {login: bearer(client, login, DELTA_PASSWORD) for login in logins}


# --------------------------------------------------------------------------- delete


@pytest.mark.spec("4.4.1", "5.3.3.1")
def test_delete_goes_through_access_and_the_service(delta_app):
    app, ids = delta_app
    client, auth = tokens(app, "alice", "carol", "dave")
    t1, t2 = f"/api/v1/delta/tasks/{ids['t1']}", f"/api/v1/delta/tasks/{ids['t2']}"
    assert client.delete(t1, headers=auth["alice"]).status_code == 403  # no delete right
    assert client.delete(t1, headers=auth["dave"]).status_code == 404  # other company
    refused = client.delete(t2, headers=auth["carol"])  # the service: only drafts go
    assert refused.status_code == 422
    assert refused.json["messages"]["_schema"] == ["only draft tasks may be deleted"]
    assert task_state(app, ids["t2"]) == "open"
    tag = client.get(t1, headers=auth["carol"]).headers["ETag"]
    stale = client.delete(t1, headers={**auth["carol"], "If-Match": '"stale"'})
    assert stale.status_code == 412 and task_state(app, ids["t1"]) == "draft"
    gone = client.delete(t1, headers={**auth["carol"], "If-Match": tag})
    assert gone.status_code == 204 and gone.get_data() == b""
    assert task_state(app, ids["t1"]) is None
    assert client.get(t1, headers=auth["carol"]).status_code == 404


@pytest.mark.addons("partners", "products")
def test_delete_of_partners_and_a_resource_without_delete(client):
    auth = bearer(client)
    partner = client.post("/api/v1/partners", headers=auth, json={"name": "Short-lived"}).json
    assert client.delete(f"/api/v1/partners/{partner['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/partners/{partner['id']}", headers=auth).status_code == 404
    product = client.post("/api/v1/products", headers=auth, json={"name": "Kept"}).json
    # Products are archived, never deleted: their view declares no delete service.
    assert client.delete(f"/api/v1/products/{product['id']}", headers=auth).status_code == 405
    assert client.delete("/api/v1/partners", headers=auth).status_code == 405


# --------------------------------------------------------------------------- actions


@pytest.mark.spec("4.4.1", "5.3.3.2")
def test_business_actions_check_rights_state_and_input(delta_app):
    app, ids = delta_app
    client, auth = tokens(app, "alice", "carol", "dave")
    alice = auth["alice"]
    start = f"/api/v1/delta/tasks/{ids['t1']}/start"
    started = client.post(start, headers=alice)
    assert started.status_code == 200, started.get_data(as_text=True)
    assert started.json["state"] == "open" and started.headers["ETag"]
    again = client.post(start, headers=alice)
    assert again.status_code == 409
    assert again.json["message"] == "“Start” does not apply to Task t1 in its current state."
    chinese = client.post(start, headers={**alice, "Accept-Language": "zh-CN"})
    assert chinese.status_code == 409 and "不适用" in chinese.json["message"]
    # Bob's task is not Alice's to change; Dave works in another company.
    assert client.post(f"/api/v1/delta/tasks/{ids['t3']}/finish", headers=alice).status_code == 404
    assert (
        client.post(start.replace(str(ids["t1"]), str(ids["t2"])), headers=auth["dave"]).status_code
        == 404
    )
    cancel = f"/api/v1/delta/tasks/{ids['t2']}/cancel"
    no_reason = client.post(cancel, headers=alice, json={})
    assert no_reason.status_code == 422 and "reason" in no_reason.json["messages"]
    unknown = client.post(cancel, headers=alice, json={"reason": "x", "state": "done"})
    assert unknown.status_code == 422 and "state" in unknown.json["messages"]
    assert task_state(app, ids["t2"]) == "open"
    stale = client.post(cancel, headers={**alice, "If-Match": '"old"'}, json={"reason": "late"})
    assert stale.status_code == 412
    tag = client.get(f"/api/v1/delta/tasks/{ids['t2']}", headers=alice).headers["ETag"]
    done = client.post(cancel, headers={**alice, "If-Match": tag}, json={"reason": "No budget"})
    assert done.status_code == 200 and done.json["state"] == "cancelled"
    assert done.json["reason"] == "No budget" and done.headers["ETag"] != tag
    assert client.post(f"/api/v1/delta/tasks/{ids['t1']}/fly", headers=alice).status_code == 404
    assert client.get(start, headers=alice).status_code == 405


@pytest.mark.spec("5.3.3.2")
def test_an_action_needs_its_permission(delta_app):
    app, ids = delta_app
    with app.app_context():
        session = db.session()
        session.add(
            User(login="eve", name="Eve", company_id=1, password_hash=hash_password(DELTA_PASSWORD))
        )
        session.commit()
    client, auth = tokens(app, "eve")
    refused = client.post(f"/api/v1/delta/tasks/{ids['t1']}/start", headers=auth["eve"])
    assert refused.status_code == 403
    assert task_state(app, ids["t1"]) == "draft"


def test_an_action_that_makes_a_record_answers_with_it(delta_app):
    app, ids = delta_app
    client, auth = tokens(app, "alice")
    made = client.post(f"/api/v1/delta/tasks/{ids['t1']}/copy", headers=auth["alice"])
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert body["name"] == "Task t1 (copy)" and body["id"] != ids["t1"]
    assert made.headers["Location"].endswith(f"/api/v1/delta/tasks/{body['id']}")


# --------------------------------------------------------------------------- sub-resources


@pytest.mark.addons("partners", "products")
@pytest.mark.spec("4.4.1")
def test_groups_tags_categories_and_units_are_resources_of_their_own(client):
    auth = bearer(client)
    partner = client.post("/api/v1/partners", headers=auth, json={"name": "Hangzhou Tea"}).json
    group = client.post("/api/v1/partners/groups", headers=auth, json={"name": "Retail"})
    assert group.status_code == 201, group.get_data(as_text=True)
    assert group.headers["Location"].endswith(f"/api/v1/partners/groups/{group.json['id']}")
    east = client.post(
        "/api/v1/partners/groups",
        headers=auth,
        json={"name": "East", "parent_id": group.json["id"]},
    ).json
    assert east["full_name"] == "Retail / East"
    listed = client.get("/api/v1/partners/groups?q=east", headers=auth).json
    assert [item["id"] for item in listed["items"]] == [east["id"]]
    # /partners/<id> is still a partner, /partners/groups/<id> a group.
    assert (
        client.get(f"/api/v1/partners/{partner['id']}", headers=auth).json["name"] == "Hangzhou Tea"
    )
    renamed = client.patch(
        f"/api/v1/partners/groups/{group.json['id']}", headers=auth, json={"name": "Shops"}
    )
    assert renamed.status_code == 200 and renamed.json["full_name"] == "Shops"
    in_use = client.delete(f"/api/v1/partners/groups/{group.json['id']}", headers=auth)
    assert in_use.status_code == 422 and "subgroups" in in_use.json["messages"]["_schema"][0]
    assert client.delete(f"/api/v1/partners/groups/{east['id']}", headers=auth).status_code == 204
    tag = client.post("/api/v1/partners/tags", headers=auth, json={"name": "VIP", "color": 3})
    assert tag.status_code == 201 and tag.json["color"] == 3
    twice = client.post("/api/v1/partners/tags", headers=auth, json={"name": "vip"})
    assert twice.status_code == 422 and "name" in twice.json["messages"]
    category = client.post("/api/v1/products/categories", headers=auth, json={"name": "Tea"})
    assert category.status_code == 201 and category.json["complete_name"] == "Tea"
    assert client.delete(category.headers["Location"], headers=auth).status_code == 204
    units = client.get("/api/v1/products/uoms?q=kg", headers=auth).json
    kg = next(item for item in units["items"] if item["code"] == "kg")
    gram = client.post(
        "/api/v1/products/uoms",
        headers=auth,
        json={"name": "Jin", "category_id": kg["category_id"], "kind": "bigger", "factor": "0.5"},
    )
    assert gram.status_code == 422 and "factor" in gram.json["messages"]
    jin = client.post(
        "/api/v1/products/uoms",
        headers=auth,
        json={"name": "Dan", "category_id": kg["category_id"], "kind": "bigger", "factor": "50"},
    )
    assert jin.status_code == 201, jin.get_data(as_text=True)
    # A form sends the unit's fixed fields back unchanged: that is not a change.
    same = client.patch(
        f"/api/v1/products/uoms/{jin.json['id']}",
        headers=auth,
        json={"name": "Dan (50 kg)", "kind": "bigger", "category_id": kg["category_id"]},
    )
    assert same.status_code == 200 and same.json["name"] == "Dan (50 kg)"
    moved = client.patch(
        f"/api/v1/products/uoms/{jin.json['id']}", headers=auth, json={"kind": "smaller"}
    )
    assert moved.status_code == 422 and "kind" in moved.json["messages"]
    assert client.delete(f"/api/v1/products/uoms/{jin.json['id']}", headers=auth).status_code == 405


@pytest.mark.addons("partners", "products")
def test_configuration_screens_and_menus(admin_client):
    home = admin_client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for url in ("/partners/group/", "/partners/tag/", "/products/category/", "/products/uom/"):
        assert url in home
        assert admin_client.get(url).status_code == 200
    page = admin_client.get("/products/uom/", headers={"Accept-Language": "zh-CN"})
    assert "计量单位" in page.get_data(as_text=True)


# --------------------------------------------------------------------------- XML


@pytest.mark.addons("partners", "products")
@pytest.mark.spec("4.4.1", "6.3.2")
def test_xml_both_ways(client):
    auth = bearer(client)
    body = (
        "<record><name>Ningbo Ceramics &amp; Co</name><kind>company</kind>"
        "<is_customer>true</is_customer><credit_limit>1200.50</credit_limit>"
        '<email nil="true"/></record>'
    )
    created = client.post(
        "/api/v1/partners", headers={**auth, **XML, **XML_BODY}, data=body.encode()
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.mimetype == "application/xml"
    from xml.etree.ElementTree import fromstring

    record = fromstring(created.get_data())
    assert record.tag == "record"
    assert record.findtext("name") == "Ningbo Ceramics & Co"
    assert record.findtext("credit_limit") == "1200.50"
    assert record.findtext("is_customer") == "true"
    assert record.find("email").get("nil") == "true"
    partner_id = record.findtext("id")
    as_json = client.get(f"/api/v1/partners/{partner_id}", headers=auth).json
    assert as_json["is_customer"] is True and as_json["email"] is None
    listed = fromstring(client.get("/api/v1/partners?q=ningbo", headers={**auth, **XML}).get_data())
    assert listed.tag == "records" and listed.get("total") == "1"
    assert [r.findtext("id") for r in listed.findall("record")] == [partner_id]
    changed = client.patch(
        f"/api/v1/partners/{partner_id}",
        headers={**auth, **XML_BODY},
        data=b"<record><phone>0574-1234</phone></record>",
    )
    assert changed.status_code == 200 and changed.json["phone"] == "0574-1234"
    # JSON stays the default, and wins when the client likes both as much.
    both = client.get(
        f"/api/v1/partners/{partner_id}",
        headers={**auth, "Accept": "application/json, application/xml"},
    )
    assert both.mimetype == "application/json"


@pytest.mark.addons("partners", "products")
@pytest.mark.spec("6.3.2")
def test_xml_errors_per_field_and_status(client):
    auth = {**bearer(client), **XML}
    from xml.etree.ElementTree import fromstring

    refused = client.post(
        "/api/v1/partners",
        headers={**auth, **XML_BODY, "Accept-Language": "zh-CN"},
        data=b"<record><name></name><email>nope</email></record>",
    )
    assert refused.status_code == 422 and refused.mimetype == "application/xml"
    errors = fromstring(refused.get_data())
    assert errors.tag == "errors" and errors.get("code") == "422"
    by_field = {e.get("field"): e.text for e in errors.findall("error")}
    assert by_field["name"] == "此字段为必填项。"
    missing = fromstring(client.get("/api/v1/partners/999999", headers=auth).get_data())
    assert missing.get("code") == "404" and missing.findtext("error")
    no_token = client.get("/api/v1/partners", headers=XML)
    assert no_token.status_code == 401 and fromstring(no_token.get_data()).get("code") == "401"
    assert no_token.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.spec("5.3.3.2")
def test_xml_errors_for_refusals_and_conflicts(delta_app):
    from xml.etree.ElementTree import fromstring

    app, ids = delta_app
    client, auth = tokens(app, "alice", "carol")
    alice = {**auth["alice"], **XML}
    task = f"/api/v1/delta/tasks/{ids['t1']}"
    assert fromstring(client.delete(task, headers=alice).get_data()).get("code") == "403"
    client.post(f"{task}/start", headers=alice)
    conflict = client.post(f"{task}/start", headers=alice)
    assert conflict.status_code == 409 and "does not apply" in fromstring(
        conflict.get_data()
    ).findtext("error")
    stale = client.patch(task, headers={**alice, **XML_BODY, "If-Match": '"x"'}, data=b"<record/>")
    assert stale.status_code == 412 and fromstring(stale.get_data()).get("code") == "412"
    reason = client.post(
        f"/api/v1/delta/tasks/{ids['t2']}/cancel",
        headers={**alice, **XML_BODY},
        data=b"<record><reason>Client left</reason></record>",
    )
    assert (
        reason.status_code == 200 and fromstring(reason.get_data()).findtext("state") == "cancelled"
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<record><name>&lol4;</name></record>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE record [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<record><name>&secret;</name></record>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE record SYSTEM "http://127.0.0.1:9/evil.dtd">
<record><name>x</name></record>"""


@pytest.mark.addons("partners")
@pytest.mark.spec("6.3.2")
@pytest.mark.parametrize(
    "body", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["billion-laughs", "xxe", "dtd"]
)
def test_xml_attacks_are_refused_and_nothing_is_written(app, client, body):
    from addons.partners.models import Partner

    auth = bearer(client)
    with app.app_context():
        before = db.session().scalar(select(func.count()).select_from(Partner))
    refused = client.post("/api/v1/partners", headers={**auth, **XML_BODY}, data=body)
    assert refused.status_code == 422
    assert refused.json["messages"]["_schema"] == [
        "XML with a document type, entities or external references is not accepted."
    ]
    chinese = client.post(
        "/api/v1/partners", headers={**auth, **XML_BODY, "Accept-Language": "zh-CN"}, data=body
    )
    assert "不接受" in chinese.json["messages"]["_schema"][0]
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Partner)) == before


@pytest.mark.addons("partners")
def test_bad_bodies_are_refused(app, client):
    auth = bearer(client)
    post = lambda data, kind="application/xml": client.post(  # noqa: E731
        "/api/v1/partners", headers={**auth, "Content-Type": kind}, data=data
    )
    assert post(b"<record><name>x</name>").status_code == 422  # not well-formed
    assert post(b"<partner><name>x</name></partner>").status_code == 422  # not a record
    deep = b"<record><a>" + b"<b>" * 20 + b"x" + b"</b>" * 20 + b"</a></record>"
    assert post(deep).status_code == 422
    assert post(b"{not json", "application/json").status_code == 422
    assert post(b"name=x", "application/x-www-form-urlencoded").status_code == 415
    app.config["API_MAX_BODY_BYTES"] = 100
    too_big = post(b"<record><notes>" + b"x" * 200 + b"</notes></record>")
    assert too_big.status_code == 413
    assert too_big.json["message"] == "The request body is larger than 100 bytes."


# --------------------------------------------------------------------------- Idempotency-Key


def partner_count(app):
    from addons.partners.models import Partner

    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Partner))


@pytest.mark.addons("partners")
@pytest.mark.spec("4.4.1", "6.3.2")
def test_the_same_key_and_body_write_once(app, client):
    auth = {**bearer(client), "Idempotency-Key": "order-2026-0001"}
    before = partner_count(app)
    first = client.post("/api/v1/partners", headers=auth, json={"name": "Once Only"})
    second = client.post("/api/v1/partners", headers=auth, json={"name": "Once Only"})
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json == first.json and second.headers["Location"] == first.headers["Location"]
    assert second.headers["ETag"] == first.headers["ETag"]
    assert partner_count(app) == before + 1
    other = client.post(
        "/api/v1/partners", headers={**auth, "Accept-Language": "zh-CN"}, json={"name": "Twice"}
    )
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json["messages"]
    assert "不同的请求" in other.json["messages"]["Idempotency-Key"][0]
    assert partner_count(app) == before + 1
    # Another path with the same key is another request too.
    tag = client.post("/api/v1/partners/tags", headers=auth, json={"name": "Once Only"})
    assert tag.status_code == 422


@pytest.mark.addons("partners")
def test_keys_are_per_user_and_checked(app, client):
    with app.app_context():
        session = db.session()
        clerk = User(
            login="clerk", name="Clerk", company_id=1, password_hash=hash_password(DELTA_PASSWORD)
        )
        session.add(clerk)
        session.flush()
        session.add(UserRole(user_id=clerk.id, role="partners.user"))
        session.commit()
    key = {"Idempotency-Key": "shared-key"}
    admin = client.post("/api/v1/partners", headers={**bearer(client), **key}, json={"name": "A"})
    mine = client.post(
        "/api/v1/partners",
        headers={**bearer(client, "clerk", DELTA_PASSWORD), **key},
        json={"name": "B"},
    )
    assert admin.status_code == mine.status_code == 201 and admin.json["id"] != mine.json["id"]
    for bad in ("", "x" * 129, "spaces are not allowed", "键"):
        refused = client.post(
            "/api/v1/partners",
            headers={**bearer(client), "Idempotency-Key": bad},
            json={"name": "C"},
        )
        assert refused.status_code == 422, bad
    failed = client.post(
        "/api/v1/partners", headers={**bearer(client), "Idempotency-Key": "k2"}, json={}
    )
    assert failed.status_code == 422  # a refusal is not kept: the key may be used again
    retried = client.post(
        "/api/v1/partners", headers={**bearer(client), "Idempotency-Key": "k2"}, json={"name": "D"}
    )
    assert retried.status_code == 201


@pytest.mark.spec("5.3.3.2")
def test_an_action_retried_with_its_key_is_not_run_twice(delta_app):
    app, ids = delta_app
    client, auth = tokens(app, "alice")
    headers = {**auth["alice"], "Idempotency-Key": "start-t1"}
    start = f"/api/v1/delta/tasks/{ids['t1']}/start"
    first = client.post(start, headers=headers)
    again = client.post(start, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    assert client.post(start, headers=auth["alice"]).status_code == 409


@pytest.mark.addons("partners")
def test_a_key_stored_meanwhile_rolls_the_write_back(app, client, monkeypatch):
    """The race's loser: it checked before the winner committed, then clashes on the key."""
    from core.api import idempotency

    auth = {**bearer(client), "Idempotency-Key": "race"}
    first = client.post("/api/v1/partners", headers=auth, json={"name": "Raced"})
    before = partner_count(app)
    original = idempotency.Key.stored_answer
    calls = []

    def not_yet_on_first_look(self, session):
        calls.append(1)
        return None if len(calls) == 1 else original(self, session)

    monkeypatch.setattr(idempotency.Key, "stored_answer", not_yet_on_first_look)
    loser = client.post("/api/v1/partners", headers=auth, json={"name": "Raced"})
    assert len(calls) == 2
    assert loser.status_code == 201 and loser.headers["Idempotent-Replayed"] == "true"
    assert loser.json == first.json
    assert partner_count(app) == before
    refused = client.post("/api/v1/partners", headers=auth, json={"name": "Other"})
    assert refused.status_code == 422 and partner_count(app) == before


@pytest.mark.spec("4.4.1")
def test_concurrent_requests_with_one_key_write_once(make_app):
    app = make_app(("partners",))
    client = app.test_client()
    auth = {**bearer(client), "Idempotency-Key": "concurrent-1"}
    before = partner_count(app)
    barrier = threading.Barrier(6)
    answers = []

    def send():
        own = app.test_client()
        barrier.wait()
        answers.append(own.post("/api/v1/partners", headers=auth, json={"name": "Racing"}))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 6
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.get_data() for answer in answers}) == 1
    assert sum("Idempotent-Replayed" not in answer.headers for answer in answers) == 1
    assert partner_count(app) == before + 1
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(IdempotencyKey)) == 1


# --------------------------------------------------------------------------- docs


@pytest.mark.addons("partners")
@pytest.mark.spec("4.4.1")
def test_browsable_docs_are_served_locally_to_logged_in_users(admin_client):
    anonymous = admin_client.application.test_client().get("/api/v1/docs")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    page = admin_client.get("/api/v1/docs", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "vendor/swagger-ui-bundle.js" in html and "api-docs.js" in html
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert admin_client.get("/static/core/api-docs.js").status_code == 200
    spec = admin_client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.json["openapi"].startswith("3.")


# --------------------------------------------------------------------------- OpenAPI


@pytest.mark.spec("4.4.1")
def test_openapi_describes_delete_actions_xml_and_headers(delta_app):
    from openapi_spec_validator import validate

    app, _ids = delta_app
    client, auth = tokens(app, "carol")
    spec = client.get("/api/v1/openapi.json", headers=auth["carol"]).json
    validate(spec)
    task = spec["paths"]["/api/v1/delta/tasks/{id}"]
    assert set(task) >= {"get", "patch", "delete"}
    assert "204" in task["delete"]["responses"] and "412" in task["delete"]["responses"]
    assert [p["name"] for p in task["delete"]["parameters"]] == ["If-Match"]
    actions = {path.rsplit("/", 1)[1] for path in spec["paths"] if "{id}/" in path}
    assert actions == {"start", "finish", "cancel", "copy"}
    cancel = spec["paths"]["/api/v1/delta/tasks/{id}/cancel"]["post"]
    assert {"200", "409", "412", "422"} <= set(cancel["responses"])
    assert {p["name"] for p in cancel["parameters"]} == {"If-Match", "Idempotency-Key"}
    body = cancel["requestBody"]["content"]["application/xml"]["schema"]
    assert body["required"] == ["reason"] and body["xml"] == {"name": "record"}
    create = spec["paths"]["/api/v1/delta/tasks"]["post"]
    assert [p["name"] for p in create["parameters"]] == ["Idempotency-Key"]
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]
    listed = spec["paths"]["/api/v1/delta/tasks"]["get"]["responses"]["200"]["content"]
    assert listed["application/xml"]["schema"]["xml"] == {"name": "records"}
    refused = create["responses"]["422"]["content"]["application/xml"]["schema"]
    assert refused == {"$ref": "#/components/schemas/Errors"}


@pytest.mark.addons("partners", "products")
def test_openapi_lists_sub_resources_and_omits_what_is_not_offered(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json", headers=bearer(client)).json
    validate(spec)
    for path in ("partners/groups", "partners/tags", "products/categories", "products/uoms"):
        assert f"/api/v1/{path}" in spec["paths"] and f"/api/v1/{path}/{{id}}" in spec["paths"]
    assert "delete" in spec["paths"]["/api/v1/partners/{id}"]
    assert "delete" not in spec["paths"]["/api/v1/products/{id}"]
    assert "delete" not in spec["paths"]["/api/v1/products/uoms/{id}"]
    assert set(spec["components"]["schemas"]["PartnerGroupInput"]["properties"]) == {
        "name",
        "parent_id",
    }
