"""A view that prints its own document (``ModelView.print_document``) through core's print
route (clause 5.3.3.2), on the delta fixture addon: the document is the view's, in the
language ``?lang=`` asks for (else the reader's), through the access layer, audited."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from core.i18n import gettext
from core.plugins import hookimpl
from core.registry import get_registry
from tests.test_exchange import EN, ZH, client_for, exports, pdf_text

pytestmark = pytest.mark.spec("5.3.3.2")
PAGE_ONE = "第 1 页 / 共 1 页"


def task_document(session, access, task) -> bytes:
    """Not a real PDF: the text proves whose document it is and in which language."""
    return f"%PDF-{gettext('Total')}|{task.name}|{access.principal.user_id}".encode()


class PrintedTasks:
    @hookimpl
    def core_register_views(self):
        from delta.hooks import TASKS

        return [replace(TASKS, name="delta.printed", print_document=task_document)]


@pytest.fixture
def printing_app(delta_app):
    app, ids = delta_app
    with app.app_context():
        registry = get_registry(app)
        registry.refresh()
        registry.pm.register(PrintedTasks(), name="delta+printed-test")
    return app, ids


def test_the_views_document_is_printed_in_the_language_asked(printing_app):
    app, ids = printing_app
    alice = client_for(app, "alice")
    url = f"/delta/printed/{ids['t1']}/pdf"
    response = alice.get(url, headers=EN)
    assert response.status_code == 200 and response.mimetype == "application/pdf"

    def printed(query: str, headers: dict) -> str:
        return alice.get(url + query, headers=headers).get_data(as_text=True).split("|")[0]

    assert response.get_data(as_text=True).startswith("%PDF-Total|Task t1|")
    assert printed("?lang=zh_Hans_CN", EN) == printed("?lang=zh-CN", EN) == "%PDF-合计"
    assert printed("?lang=en", ZH) == "%PDF-Total"
    assert printed("?lang=xx", ZH) == "%PDF-合计"  # an unknown language: the reader's
    # The record rules hold: t3 is bob's.
    assert alice.get(f"/delta/printed/{ids['t3']}/pdf").status_code == 404
    entry = exports(app)[-1]
    assert entry[2] == ids["t1"] and entry[3]["document"] is True
    assert entry[3]["format"] == "pdf" and entry[3]["language"] is None


def test_the_form_offers_the_document_in_each_language_and_plain_views_print_fields(
    printing_app,
):
    app, ids = printing_app
    carol = client_for(app, "carol")
    form = carol.get(f"/delta/printed/{ids['t1']}", headers=EN).get_data(as_text=True)
    assert f"/delta/printed/{ids['t1']}/pdf?lang=zh_Hans_CN" in form
    assert f"/delta/printed/{ids['t1']}/pdf?lang=en" in form
    plain = carol.get(f"/delta/task/{ids['t1']}", headers=EN).get_data(as_text=True)
    assert not re.search(r"/pdf\?lang=", plain)
    # The generic record PDF follows ?lang= too.
    (text,) = pdf_text(carol.get(f"/delta/task/{ids['t1']}/pdf?lang=zh_Hans_CN", headers=EN))
    assert ("Tasks" in text and "第 1 页" in text) or "1 / 1" in text
    assert exports(app)[-1][3]["language"] == "zh_Hans_CN"
