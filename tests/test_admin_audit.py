"""The audit log viewer, its chain verification, and the history panel of every form
(clauses 6.3.5 and 6.3.6)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from core import db
from core.security.models import AuditEntry, UserRole
from core.security.passwords import hash_password
from core.security.users import User
from core.testing import log_in

pytestmark = [pytest.mark.spec("6.3.5")]
PASSWORD = "plum-blossom-in-winter-7"
EN = {"Accept-Language": "en"}


def csrf(client) -> str:
    with client.session_transaction() as flask_session:
        return flask_session["csrf_token"]


def add_user(app, login, *roles) -> int:
    with app.app_context():
        session = db.session()
        user = User(login=login, name=login.title(), password_hash=hash_password(PASSWORD))
        user.company_id = 1
        session.add(user)
        session.flush()
        session.add_all(UserRole(user_id=user.id, role=role) for role in roles)
        session.commit()
        return user.id


def client_of(app, login):
    client = app.test_client()
    log_in(client, login, PASSWORD)
    return client


def rename_company(client, name):
    response = client.post(
        "/core/company/1",
        data={"csrf_token": csrf(client), "name": name, "code": "MAIN", "currency": "CNY"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def log_count(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(AuditEntry))


# --------------------------------------------------------------------------- viewer


@pytest.mark.addons()
@pytest.mark.spec("6.3.6")
def test_the_audit_log_is_filtered_by_event_user_resource_dates_and_text(app, admin_client):
    anonymous = app.test_client()
    with anonymous.session_transaction() as flask_session:
        flask_session["csrf_token"] = "t"
    anonymous.post("/login", data={"login": "mallory", "password": "guess", "csrf_token": "t"})
    rename_company(admin_client, "Shanghai Trading Ltd")
    add_user(app, "auditor", "core.auditor")
    auditor = client_of(app, "auditor")

    failed = auditor.get("/admin/audit?event=login_failed", headers=EN).get_data(as_text=True)
    assert "mallory" in failed and "Failed login" in failed and "Shanghai Trading" not in failed
    changed = auditor.get("/admin/audit?resource=core.company&record=1", headers=EN).text
    assert "Shanghai Trading Ltd" in changed and "mallory" not in changed
    assert "Test Company" in changed and "→" in changed  # old → new
    assert "Name:</span>" in changed  # a field by the label its screen gives it
    by_user = auditor.get("/admin/audit?user=admin", headers=EN).get_data(as_text=True)
    assert "Shanghai Trading Ltd" in by_user and "mallory" not in by_user
    found = auditor.get("/admin/audit?q=shanghai", headers=EN).get_data(as_text=True)
    assert "Shanghai Trading Ltd" in found and "mallory" not in found
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    future = auditor.get(f"/admin/audit?since={tomorrow}", headers=EN).get_data(as_text=True)
    assert "Nothing matches." in future
    today = auditor.get(
        f"/admin/audit?since={date.today() - timedelta(days=1)}&until={tomorrow}", headers=EN
    ).get_data(as_text=True)
    assert "mallory" in today
    # Nonsense in the query is ignored, never an error.
    odd = auditor.get("/admin/audit?event=robot&record=x&since=yesterday&page=-3&q=%25_")
    assert odd.status_code == 200


@pytest.mark.addons()
def test_reading_the_log_leaves_no_entry_and_needs_its_permission(app, admin_client):
    before = log_count(app)
    assert admin_client.get("/admin/audit").status_code == 200
    assert admin_client.get("/admin/audit?page=2").status_code == 200
    assert log_count(app) == before
    add_user(app, "manager", "core.admin")  # may administer, may not read the log
    assert client_of(app, "manager").get("/admin/audit").status_code == 403


@pytest.mark.addons()
@pytest.mark.spec("6.3.6")
def test_verify_button_reports_an_intact_and_a_tampered_chain(app, admin_client):
    rename_company(admin_client, "First name")
    intact = admin_client.post(
        "/admin/audit/verify", data={"csrf_token": csrf(admin_client)}, headers=EN
    )
    assert intact.status_code == 200 and "The audit log is intact" in intact.text
    with app.app_context():
        session = db.session()
        victim = session.scalar(select(AuditEntry.id).where(AuditEntry.event == "update"))
        session.execute(
            update(AuditEntry).where(AuditEntry.id == victim).values(login="someone-else")
        )
        session.commit()
    broken = admin_client.post(
        "/admin/audit/verify", data={"csrf_token": csrf(admin_client)}, headers=EN
    )
    assert f"The audit log is broken at entry {victim}" in broken.text
    assert "its contents do not match its hash" in broken.text
    assert admin_client.post("/admin/audit/verify").status_code == 400  # CSRF


@pytest.mark.addons()
def test_the_viewer_costs_the_same_queries_whatever_it_shows(app, admin_client):
    from sqlalchemy import event

    for n in range(30):
        rename_company(admin_client, f"Name {n}")
    engine = app.extensions["tessera.db"].engine
    counts = []
    for query in ("?event=login", ""):
        statements = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert admin_client.get(f"/admin/audit{query}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
    assert counts[0] == counts[1], counts


# --------------------------------------------------------------------------- history


@pytest.mark.addons()
def test_the_form_shows_the_record_history_newest_first(app, admin_client):
    rename_company(admin_client, "Hangzhou Tea")
    rename_company(admin_client, "Hangzhou Tea Co")
    page = admin_client.get("/core/company/1", headers=EN).get_data(as_text=True)
    history = page[page.index('id="history-heading"') :]
    assert "Administrator (admin)" in history and "Record changed" in history
    newest, older = history.index("Hangzhou Tea Co</ins>"), history.index("Hangzhou Tea</ins>")
    assert newest < older
    assert "Test Company</del>" in history


@pytest.mark.addons()
def test_a_user_form_history_tells_role_changes_and_no_secrets(app, admin_client):
    user_id = add_user(app, "bob")
    admin_client.post(
        f"/admin/users/{user_id}/access",
        data={"csrf_token": csrf(admin_client), "roles": ["core.auditor"]},
    )
    admin_client.post(f"/admin/users/{user_id}/password", data={"csrf_token": csrf(admin_client)})
    page = admin_client.get(f"/core/user/{user_id}", headers=EN).get_data(as_text=True)
    history = page[page.index('id="history-heading"') :]
    assert "Roles changed" in history and "core.auditor</ins>" in history
    assert "Password reset" in history
    assert "password_hash" not in history and "***" not in history


@pytest.mark.addons("products")
def test_history_hides_values_of_fields_the_reader_may_not_see(app, admin_client):
    from addons.products.models import Product

    token = csrf(admin_client)
    admin_client.post(
        "/products/product/new",
        data={"csrf_token": token, "name": "Green Tea", "type": "goods", "cost": "41.37"},
    )
    with app.app_context():
        product_id = db.session().scalar(select(Product.id).where(Product.name == "Green Tea"))
    saved = admin_client.post(
        f"/products/product/{product_id}",
        data={
            "csrf_token": token,
            "name": "Green Tea 500 g",
            "type": "goods",
            "sale_price": "88.00",
            "cost": "42.00",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    add_user(app, "clerk", "products.user")
    page = client_of(app, "clerk").get(f"/products/product/{product_id}", headers=EN).text
    history = page[page.index('id="history-heading"') :]
    assert "Green Tea 500 g</ins>" in history
    assert "Cost:</span>" in history and "(hidden)" in history
    assert "42.00" not in page and "41.37" not in page
