"""Screens go through the access layer; refusals are translated pages or JSON, never a 500."""

import pytest
from flask import jsonify

from core import db
from core.schemas import BusinessError
from core.security.access import RecordNotFound
from core.security.passwords import hash_password
from core.security.users import User
from core.testing import log_in

pytestmark = [pytest.mark.spec("6.2.5"), pytest.mark.addons()]
PASSWORD = "plum-blossom-in-winter-7"


@pytest.fixture
def clerk(app):
    """A user without any role."""
    with app.app_context():
        session = db.session()
        session.add(
            User(login="clerk", name="Clerk", password_hash=hash_password(PASSWORD), company_id=1)
        )
        session.commit()


@pytest.fixture
def probe_app(app):
    """The app with two routes that raise what views raise, added before any request."""

    def refuse():
        session = db.session()
        session.add(User(login="half-written", name="Half", company_id=1))
        session.flush()
        raise BusinessError.on("name", "Name %(n)s is taken.", n="X")

    def hidden():
        raise RecordNotFound(42)

    app.add_url_rule("/probe/refuse", "probe_refuse", refuse, methods=["GET"])
    app.add_url_rule("/probe/hidden", "probe_hidden", hidden)
    app.add_url_rule("/probe/ok", "probe_ok", lambda: jsonify(ok=True))
    return app


def test_apps_screen_needs_its_permission(app, clerk):
    client = app.test_client()
    log_in(client, "clerk", PASSWORD)
    response = client.get("/apps", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "core.module.read" in response.get_data(as_text=True)


def test_home_shows_only_reachable_apps(app, clerk):
    client = app.test_client()
    log_in(client, "clerk", PASSWORD)
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "/apps" not in page
    assert "/account/" in page


def test_admin_sees_the_apps_screen(admin_client):
    assert admin_client.get("/apps").status_code == 200


def test_refused_input_is_422_and_nothing_is_written(probe_app):
    client = probe_app.test_client()
    as_json = client.get("/probe/refuse", headers={"Accept": "application/json"})
    assert as_json.status_code == 422
    assert as_json.json == {"error": 422, "messages": {"name": ["Name X is taken."]}}
    page = client.get("/probe/refuse", headers={"Accept-Language": "en"})
    assert page.status_code == 422
    assert "Name X is taken." in page.get_data(as_text=True)
    with probe_app.app_context():
        assert db.session().query(User).filter_by(login="half-written").count() == 0


def test_hidden_records_are_plain_404s(probe_app):
    client = probe_app.test_client()
    response = client.get("/probe/hidden", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"] == 404
    assert "42" not in response.get_data(as_text=True)
