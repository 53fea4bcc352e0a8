"""Business actions, archive, delete and bulk operations on the generic screens, with the
list's column chooser and saved filters: driven through HTTP with the delta fixture addon."""

import pytest
from sqlalchemy import select

from core import db
from core.models import SavedFilter, ViewPreference
from core.security.models import AuditEntry
from core.testing import log_in
from tests.conftest import DELTA_PASSWORD

pytestmark = [pytest.mark.spec("4.4.1", "4.4.2", "5.3.1.1")]
EN = {"Accept-Language": "en"}


def client_for(app, login):
    client = app.test_client()
    log_in(client, login, DELTA_PASSWORD)
    return client


def csrf(client) -> str:
    with client.session_transaction() as flask_session:
        return flask_session["csrf_token"]


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf(client), **data}, headers=EN)


def task(app, task_id):
    from delta.models import DeltaTask

    with app.app_context():
        session = db.session()
        found = session.get(DeltaTask, task_id)
        if found is None:
            return None
        session.expunge(found)
        return found


def test_the_form_shows_stages_and_the_actions_that_apply(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    page = alice.get(f"/delta/task/{ids['t1']}", headers=EN).get_data(as_text=True)
    assert 'aria-current="step">Draft' in page
    assert f"/delta/task/{ids['t1']}/action/start" in page
    assert "/action/finish" not in page  # only an open task finishes
    assert "Cancel this task?" in page  # the confirmation travels with the button
    open_page = alice.get(f"/delta/task/{ids['t2']}", headers=EN).get_data(as_text=True)
    assert "/action/finish" in open_page and "/action/start" not in open_page
    # A delta.user may not delete: no button.
    assert f"/delta/task/{ids['t1']}/delete" not in page


def test_an_action_runs_in_one_transaction_and_is_audited(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    response = post(alice, f"/delta/task/{ids['t1']}/action/start")
    assert response.status_code == 302
    assert task(app, ids["t1"]).state.value == "open"
    with app.app_context():
        entry = db.session().scalar(
            select(AuditEntry)
            .where(AuditEntry.resource == "delta.task", AuditEntry.record_id == ids["t1"])
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
        assert entry is not None and entry.changes["state"] == ["draft", "open"]


def test_an_action_that_makes_a_record_opens_it(delta_app):
    from delta.models import DeltaTask

    app, ids = delta_app
    alice = client_for(app, "alice")
    response = post(alice, f"/delta/task/{ids['t1']}/action/copy", next="/delta/task/")
    with app.app_context():
        copy = db.session().scalar(select(DeltaTask).where(DeltaTask.name == "Task t1 (copy)"))
    assert response.status_code == 302 and response.location.endswith(f"/delta/task/{copy.id}")
    # A record the user no longer reaches cannot be copied.
    with app.app_context():
        session = db.session()
        session.get(DeltaTask, ids["t2"]).owner_id = ids["bob"]
        session.commit()
    assert post(alice, f"/delta/task/{ids['t2']}/action/copy").status_code == 404
    with app.app_context():
        names = db.session().scalars(select(DeltaTask.name)).all()
    assert "Task t2 (copy)" not in names


def test_an_action_that_does_not_apply_changes_nothing(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    response = post(alice, f"/delta/task/{ids['t1']}/action/finish")
    assert response.status_code == 302
    assert task(app, ids["t1"]).state.value == "draft"
    page = alice.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "does not apply to Task t1" in page


def test_an_action_input_reaches_the_service_and_a_refusal_writes_nothing(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    post(alice, f"/delta/task/{ids['t2']}/action/cancel", reason="  ")
    assert task(app, ids["t2"]).state.value == "open"
    post(alice, f"/delta/task/{ids['t2']}/action/cancel", reason="customer withdrew")
    cancelled = task(app, ids["t2"])
    assert cancelled.state.value == "cancelled" and cancelled.reason == "customer withdrew"


def test_actions_follow_rules_permissions_and_csrf(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    # Bob's task is hidden from Alice: 404, and nothing changes.
    assert post(alice, f"/delta/task/{ids['t3']}/action/finish").status_code == 404
    # Another company's task, even for a manager.
    carol = client_for(app, "carol")
    assert post(carol, f"/delta/task/{ids['t4']}/action/start").status_code == 404
    assert task(app, ids["t4"]).state.value == "draft"
    # Unknown action, and a missing CSRF token.
    assert post(alice, f"/delta/task/{ids['t1']}/action/explode").status_code == 404
    refused = alice.post(f"/delta/task/{ids['t1']}/action/start", data={})
    assert refused.status_code == 400
    assert task(app, ids["t1"]).state.value == "draft"


def test_delete_needs_the_right_and_the_service_may_refuse(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    assert post(alice, f"/delta/task/{ids['t1']}/delete").status_code == 403
    carol = client_for(app, "carol")
    page = carol.get(f"/delta/task/{ids['t1']}", headers=EN).get_data(as_text=True)
    assert f"/delta/task/{ids['t1']}/delete" in page
    post(carol, f"/delta/task/{ids['t3']}/delete")  # done: the service refuses
    assert task(app, ids["t3"]) is not None
    response = post(carol, f"/delta/task/{ids['t1']}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/delta/task/")
    assert task(app, ids["t1"]) is None


def test_archive_and_restore(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    post(alice, f"/delta/task/{ids['t1']}/archive", active="0")
    assert task(app, ids["t1"]).active is False
    listed = alice.get("/delta/task/", headers=EN).get_data(as_text=True)
    assert "Task t1" not in listed
    assert "Task t1" in alice.get("/delta/task/?archived=1").get_data(as_text=True)
    post(alice, f"/delta/task/{ids['t1']}/archive", active="1")
    assert task(app, ids["t1"]).active is True


def test_bulk_actions_are_all_or_nothing(delta_app):
    app, ids = delta_app
    carol = client_for(app, "carol")
    page = carol.get("/delta/task/", headers=EN).get_data(as_text=True)
    assert 'value="action:start"' in page and 'value="delete"' in page
    # t3 is done: starting it is refused, so t1 is not started either.
    post(carol, "/delta/task/bulk", operation="action:start", ids=[ids["t1"], ids["t3"]])
    assert task(app, ids["t1"]).state.value == "draft"
    post(carol, "/delta/task/bulk", operation="action:start", ids=[ids["t1"]])
    assert task(app, ids["t1"]).state.value == "open"
    # A record of another company in the selection: 404, nothing archived.
    response = post(carol, "/delta/task/bulk", operation="archive", ids=[ids["t2"], ids["t4"]])
    assert response.status_code == 404
    assert task(app, ids["t2"]).active is True
    post(carol, "/delta/task/bulk", operation="archive", ids=[ids["t2"], ids["t3"]])
    assert task(app, ids["t2"]).active is False and task(app, ids["t3"]).active is False
    # Actions not offered in bulk, and unknown operations, are refused.
    assert (
        post(carol, "/delta/task/bulk", operation="action:finish", ids=[ids["t1"]]).status_code
        == 404
    )
    assert post(carol, "/delta/task/bulk", operation="melt", ids=[ids["t1"]]).status_code == 400


def test_bulk_delete_needs_the_delete_right(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    assert 'value="delete"' not in alice.get("/delta/task/").get_data(as_text=True)
    assert post(alice, "/delta/task/bulk", operation="delete", ids=[ids["t1"]]).status_code == 403
    assert task(app, ids["t1"]) is not None


def test_columns_chosen_per_user(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    post(alice, "/delta/task/columns", columns=["name", "amount", "created_at", "password"])
    page = alice.get("/delta/task/", headers=EN).get_data(as_text=True)
    header = page.split("<thead>")[1].split("</thead>")[0]
    assert "Created" in header and "Priority" not in header
    with app.app_context():
        pref = db.session().get(ViewPreference, (ids["alice"], "delta.task"))
        assert pref.columns == ["name", "amount", "created_at"]
    # Bob still sees the declared columns.
    bob = client_for(app, "bob")
    bob_header = bob.get("/delta/task/", headers=EN).get_data(as_text=True).split("</thead>")[0]
    assert "Priority" in bob_header
    post(alice, "/delta/task/columns", reset="1")
    assert "Priority" in alice.get("/delta/task/", headers=EN).get_data(as_text=True)


def test_saved_filters_private_shared_and_deleted_by_their_owner(delta_app):
    app, _ids = delta_app
    alice = client_for(app, "alice")
    response = post(
        alice, "/delta/task/filters", name="Urgent ones", f="urgent", q="Task", page="3"
    )
    assert response.status_code == 302
    assert "f=urgent" in response.headers["Location"] and "page" not in response.headers["Location"]
    post(alice, "/delta/task/filters", name="Shared", shared="1", **{"eq.priority": "high"})
    assert post(alice, "/delta/task/filters", name="").status_code == 302
    with app.app_context():
        names = set(db.session().scalars(select(SavedFilter.name)))
        assert names == {"Urgent ones", "Shared"}
    page = alice.get("/delta/task/", headers=EN).get_data(as_text=True)
    assert "Urgent ones" in page and "Shared" in page
    bob = client_for(app, "bob")
    bob_page = bob.get("/delta/task/", headers=EN).get_data(as_text=True)
    assert "Shared" in bob_page and "Urgent ones" not in bob_page
    with app.app_context():
        shared_id = db.session().scalar(select(SavedFilter.id).where(SavedFilter.name == "Shared"))
    # Only the owner deletes.
    assert post(bob, f"/delta/task/filters/{shared_id}/delete").status_code == 404
    post(alice, f"/delta/task/filters/{shared_id}/delete")
    with app.app_context():
        assert db.session().get(SavedFilter, shared_id) is None


def test_reference_lookup_searches_what_the_user_may_read(delta_app, monkeypatch):
    from core.views import screens

    app, ids = delta_app
    carol = client_for(app, "carol")
    found = carol.get("/delta/task/lookup/owner_id?q=ali").get_json()
    assert found == [{"id": ids["alice"], "label": "Alice"}]
    # Wildcards are text, not patterns.
    assert carol.get("/delta/task/lookup/owner_id?q=%25").get_json() == []
    # Only form fields that are references can be looked up.
    assert carol.get("/delta/task/lookup/name?q=a").status_code == 404
    assert carol.get("/delta/task/lookup/created_by_id?q=a").status_code == 404
    # Over the select limit the form offers a search box instead of a select.
    monkeypatch.setattr(screens, "MAX_CHOICES", 1)
    page = carol.get(f"/delta/task/{ids['t1']}", headers=EN).get_data(as_text=True)
    assert 'data-lookup="/delta/task/lookup/owner_id"' in page
    assert 'value="Alice"' in page  # the current owner's name, the id hidden beside it


def test_line_grid_shows_lines_and_totals(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    page = alice.get(f"/delta/task/{ids['t1']}", headers=EN).get_data(as_text=True)
    assert 'name="lines-0-text" value="t1 line"' in page
    assert 'data-line-template="lines"' in page and "Add a line" in page
    assert 'data-total-of="lines-quantity"' in page


def test_line_grid_saves_adds_updates_and_removes_lines(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    with app.app_context():
        from delta.models import DeltaLine

        line_id = db.session().scalar(select(DeltaLine.id).where(DeltaLine.task_id == ids["t1"]))
    form = {
        "name": "Task t1",
        "priority": "normal",
        "amount": "10.50",
        "hours": "1.5",
        "lines-0-id": str(line_id),
        "lines-0-text": "first, changed",
        "lines-0-quantity": "3",
        "lines-0-price": "1.10",
        "lines-1-text": "second",
        "lines-1-quantity": "4",
        "lines-1-price": "2",
        "lines-2-text": "",  # a blank new row is dropped
        "lines-2-quantity": "",
        "lines-2-price": "",
    }
    response = post(alice, f"/delta/task/{ids['t1']}", **form)
    assert response.status_code == 302
    with app.app_context():
        from delta.models import DeltaLine

        rows = (
            db.session()
            .execute(
                select(DeltaLine.id, DeltaLine.text, DeltaLine.quantity)
                .where(DeltaLine.task_id == ids["t1"])
                .order_by(DeltaLine.id)
            )
            .all()
        )
    assert [(r.text, str(r.quantity)) for r in rows] == [
        ("first, changed", "3.0000"),
        ("second", "4.0000"),
    ]
    assert rows[0].id == line_id
    # Removing the first line keeps the second.
    removal = {
        **{k: v for k, v in form.items() if not k.startswith("lines-")},
        "lines-0-id": str(rows[0].id),
        "lines-0-text": "first, changed",
        "lines-0-remove": "1",
        "lines-1-id": str(rows[1].id),
        "lines-1-text": "second",
        "lines-1-quantity": "4",
    }
    post(alice, f"/delta/task/{ids['t1']}", **removal)
    with app.app_context():
        from delta.models import DeltaLine

        texts = db.session().scalars(select(DeltaLine.text).where(DeltaLine.task_id == ids["t1"]))
        assert list(texts) == ["second"]


def test_a_bad_line_is_shown_in_its_cell_and_nothing_is_written(delta_app):
    app, ids = delta_app
    alice = client_for(app, "alice")
    response = post(
        alice,
        f"/delta/task/{ids['t1']}",
        name="Renamed",
        **{"lines-0-text": "ok", "lines-1-text": "bad", "lines-1-quantity": "many"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'name="lines-1-quantity" value="many"' in page
    assert "is-invalid" in page.split('name="lines-1-quantity"')[0].rsplit("<input", 1)[1]
    assert task(app, ids["t1"]).name == "Task t1"


def test_the_selection_can_be_exported(delta_app):
    app, ids = delta_app
    carol = client_for(app, "carol")
    page = carol.get("/delta/task/", headers=EN).get_data(as_text=True)
    assert 'value="export:csv"' in page
    response = post(carol, "/delta/task/bulk", operation="export:csv", ids=[ids["t1"], ids["t3"]])
    assert response.status_code == 302 and "/delta/task/export?" in response.headers["Location"]
    exported = carol.get(response.headers["Location"]).get_data(as_text=True)
    assert "Task t1" in exported and "Task t3" in exported and "Task t2" not in exported
    # Users without the export right are not offered it.
    alice = client_for(app, "alice")
    assert 'value="export:csv"' not in alice.get("/delta/task/").get_data(as_text=True)


def test_a_refusal_of_lines_reads_as_sentences_in_a_toast():
    from core.schemas import BusinessError
    from core.views.records import refusal_text

    error = BusinessError(
        {"moves": {0: {"lot": ["Give the serial number."]}, 2: ["Too many."]}, "note": ["Late."]}
    )
    assert refusal_text(error) == "Give the serial number. Too many. Late."
