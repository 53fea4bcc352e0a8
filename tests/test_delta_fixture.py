"""The delta fixture addon installs and its declared screens answer (a smoke test)."""

from core.testing import log_in
from tests.conftest import DELTA_PASSWORD


def test_delta_installs_and_lists_tasks_by_rules(delta_app):
    app, _ids = delta_app
    client = app.test_client()
    log_in(client, "alice", DELTA_PASSWORD)
    page = client.get("/delta/task/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Task t1" in page and "Task t2" in page and "Task t3" not in page
    manager = app.test_client()
    log_in(manager, "carol", DELTA_PASSWORD)
    page = manager.get("/delta/task/").get_data(as_text=True)
    assert "Task t3" in page and "Task t4" not in page
