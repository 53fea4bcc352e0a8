"""Export of any generic list (XLSX, CSV, JSON, XML) and printable PDFs, through the access
layer and audited: driven over HTTP with the delta fixture addon (rules, two companies)
and with partners and products (protected fields, Chinese labels)."""

import codecs
import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from defusedxml import ElementTree
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import event, select

from core.hookspecs import Role
from core.plugins import hookimpl
from core.registry import get_registry
from core.security.models import AuditEntry, UserRole
from core.security.passwords import hash_password
from core.security.users import User
from core.testing import log_in
from tests.conftest import DELTA_PASSWORD

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
TASK_FIELDS = "fields=code&fields=name&fields=amount&fields=due_date&fields=owner&sort=code"


def client_for(app, login):
    client = app.test_client()
    log_in(client, login, DELTA_PASSWORD)
    return client


def exports(app):
    with app.app_context():
        database = app.extensions["tessera.db"]
        with database.new_session() as session:
            rows = session.scalars(
                select(AuditEntry).where(AuditEntry.event == "export").order_by(AuditEntry.id)
            )
            return [(row.user_id, row.resource, row.record_id, row.changes) for row in rows]


def change_task(app, code, **values):
    """Set fields of a task: ``change_task(app, "t1", name="new name")``."""
    from delta.models import DeltaTask

    def change(session):
        task = session.scalar(select(DeltaTask).where(DeltaTask.code == code.upper()))
        for name, value in values.items():
            setattr(task, name, value)

    with app.app_context():
        app.extensions["tessera.db"].atomic(change)


def add_tasks(app, count, owner_id, prefix="N"):
    from delta.models import DeltaTask

    def build(session):
        session.add_all(
            DeltaTask(
                name=f"{prefix} task {n:04d}",
                code=f"{prefix}{n:04d}",
                owner_id=owner_id,
                amount=Decimal("1.25"),
                company_id=1,
            )
            for n in range(count)
        )

    with app.app_context():
        app.extensions["tessera.db"].atomic(build)


# --------------------------------------------------------------------------- export


@pytest.mark.spec("4.4.2", "5.3.3.2", "6.2.6", "6.3.5")
def test_csv_export_follows_rules_and_companies_and_is_audited(delta_app):
    app, ids = delta_app
    carol = client_for(app, "carol")
    response = carol.get(f"/delta/task/export?format=csv&{TASK_FIELDS}", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [
        ["Code", "Name", "Amount", "Due", "Owner"],
        ["T1", "Task t1", "10.50", "2026-10-03", "Alice"],
        ["T2", "Task t2", "20.25", "2026-11-05", "Alice"],
        ["T3", "Task t3", "5.00", "", "Bob"],
    ]
    assert exports(app) == [
        (
            ids["carol"],
            "delta.task",
            None,
            {
                "view": "delta.task",
                "format": "csv",
                "rows": 3,
                "fields": ["code", "name", "amount", "due_date", "owner"],
                "selection": False,
            },
        )
    ]
    dave = client_for(app, "dave")
    data = dave.get("/delta/task/export?format=json&fields=code&fields=amount").get_json()
    assert data == [{"id": ids["t4"], "code": "T4", "amount": "99.00"}]


@pytest.mark.spec("5.3.3.2", "6.2.5")
def test_export_needs_the_export_permission(delta_app):
    app, _ids = delta_app
    alice = client_for(app, "alice")
    for url in ("/delta/task/export?format=csv", "/delta/task/pdf"):
        assert alice.get(url, headers=EN).status_code == 403
    assert exports(app) == []
    page = alice.get("/delta/task/", headers=EN).get_data(as_text=True)
    assert "/delta/task/export" not in page
    assert "/delta/task/import" in page  # alice may create tasks
    manager_page = client_for(app, "carol").get("/delta/task/", headers=EN).get_data(as_text=True)
    assert "/delta/task/export" in manager_page and 'value="amount"' in manager_page


@pytest.mark.spec("5.3.3.2")
def test_export_follows_the_lists_search_filters_and_selection(delta_app):
    app, ids = delta_app
    carol = client_for(app, "carol")

    def codes(query, sort="sort=code"):
        response = carol.get(f"/delta/task/export?format=json&fields=code&{sort}&{query}")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return [row["code"] for row in response.get_json()]

    assert codes("q=t2") == ["T2"]
    assert codes("f=urgent") == ["T2"]
    assert codes("eq.priority=low") == ["T3"]
    assert codes("month.due_date=2026-10") == ["T1"]
    assert codes("archived=1") == []
    assert codes(f"ids={ids['t3']},{ids['t1']}&ids={ids['t4']}") == ["T1", "T3"]  # t4: company B
    assert codes("desc=1", sort="sort=amount") == ["T2", "T1", "T3"]
    assert exports(app)[-2][3]["selection"] is True
    assert [entry[3]["rows"] for entry in exports(app)] == [1, 1, 1, 1, 0, 2, 3]


@pytest.mark.spec("4.4.2", "5.3.3.2")
def test_xlsx_export_has_real_numbers_and_dates(delta_app):
    app, _ids = delta_app
    change_task(app, "t3", amount=Decimal("1234567890123456.78"))
    carol = client_for(app, "carol")
    response = carol.get(f"/delta/task/export?format=xlsx&{TASK_FIELDS}&fields=hours", headers=EN)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    content = response.get_data()
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>20.25</v>" in sheet_xml
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == ["Code", "Name", "Amount", "Due", "Owner", "Hours"]
    amount, due, hours = rows[1][2], rows[1][3], rows[1][5]
    assert amount.value == 10.5 and amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert hours.value == 1.5 and hours.number_format == "#,##0.0000"
    assert due.is_date and due.value == datetime(2026, 10, 3)
    assert rows[3][3].value is None
    # Beyond the 15 digits a spreadsheet number keeps, the amount stays exact as text.
    assert rows[3][2].value == "1234567890123456.78" and rows[3][2].data_type == "s"


@pytest.mark.spec("4.4.3", "6.3.1")
def test_exports_escape_what_they_carry(delta_app):
    app, _ids = delta_app
    change_task(app, "t1", name='<b>&"Tea"</b>')
    change_task(app, "t2", name='=HYPERLINK("http://x")')
    carol = client_for(app, "carol")
    xml = carol.get("/delta/task/export?format=xml&fields=name&fields=due_date&sort=code")
    assert xml.mimetype == "application/xml"
    root = ElementTree.fromstring(xml.get_data())
    assert root.tag == "records" and root.get("view") == "delta.task" and root.get("count") == "3"
    first = root.findall("record")[0]
    assert first.find("field[@name='name']").text == '<b>&"Tea"</b>'
    assert first.find("field[@name='due_date']").text == "2026-10-03"
    assert root.findall("record")[2].find("field[@name='due_date']").text is None
    body = carol.get("/delta/task/export?format=csv&fields=name&sort=code").get_data()
    assert "'=HYPERLINK" in body.decode("utf-8-sig")  # a spreadsheet will not run it
    workbook = carol.get("/delta/task/export?format=xlsx&fields=name&sort=code").get_data()
    cell = load_workbook(io.BytesIO(workbook)).active["A3"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


@pytest.mark.spec("5.3.3.2", "6.3.2")
def test_an_export_over_the_row_limit_is_refused_in_the_readers_language(delta_app):
    app, _ids = delta_app
    app.config["EXPORT_MAX_ROWS"] = 2
    carol = client_for(app, "carol")
    refused = carol.get("/delta/task/export?format=csv", headers=EN)
    assert refused.status_code == 422
    assert "3 records match, more than the 2 one export may hold" in refused.get_data(as_text=True)
    chinese = carol.get("/delta/task/export?format=csv", headers=ZH).get_data(as_text=True)
    assert "缩小" in chinese
    assert carol.get("/delta/task/export?format=csv&q=t1").status_code == 200
    assert carol.get("/delta/task/export?format=exe", headers=EN).status_code == 422
    assert [entry[3]["rows"] for entry in exports(app)] == [1]


@pytest.mark.spec("5.3.3.2", "4.1.2")
def test_export_reads_a_fixed_number_of_queries_whatever_the_row_count(delta_app):
    app, ids = delta_app
    carol = client_for(app, "carol")
    engine = app.extensions["tessera.db"].engine
    url = f"/delta/task/export?format=csv&{TASK_FIELDS}"

    def selects():
        seen = []

        def note(conn, cursor, statement, params, context, executemany):
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        event.listen(engine, "before_cursor_execute", note)
        try:
            assert carol.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", note)
        return len(seen)

    few = selects()
    add_tasks(app, 300, ids["alice"])
    assert selects() == few


@pytest.mark.addons("partners", "products")
@pytest.mark.spec("5.3.3.2", "6.2.6")
def test_protected_fields_are_never_exported(app, admin_client):
    """A role with export but without products.product.read_cost gets no cost column."""
    from addons.products.models import Product

    class ExporterRole:
        @hookimpl
        def core_register_roles(self):
            permissions = ("products.product.read", "products.product.export")
            return [Role("tests.exporter", "Exporter", permissions=permissions)]

    response = admin_client.post(
        "/products/product/new",
        data={"csrf_token": admin_client.csrf_token, "name": "茶叶", "cost": "7.25"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    registry = get_registry(app)
    with app.app_context():
        registry.collect("core_register_roles")
        registry.pm.register(ExporterRole(), name="tests-exporter")
        from core import db

        session = db.session()
        user = User(login="exporter", name="Exporter", password_hash=hash_password("x" * 16))
        user.company_id = 1
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role="tests.exporter"))
        session.commit()
        assert session.scalar(select(Product.cost).where(Product.name == "茶叶")) == Decimal("7.25")
    client = app.test_client()
    log_in(client, "exporter", "x" * 16)
    data = client.get("/products/product/export?format=json&fields=name&fields=cost").get_json()
    assert data and all(set(row) == {"id", "name"} for row in data)
    assert admin_client.get("/products/product/export?format=json&fields=cost").get_json()[0][
        "cost"
    ]


# --------------------------------------------------------------------------- PDF


def pdf_text(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    assert response.mimetype == "application/pdf"
    content = response.get_data()
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(content))
    fonts = reader.pages[0]["/Resources"]["/Font"].get_object().values()
    assert "/STSong-Light" in {font.get_object()["/BaseFont"] for font in fonts}
    return [page.extract_text() for page in reader.pages]


@pytest.mark.spec("5.3.3.2", "6.3.5")
def test_a_record_prints_with_chinese_text_and_is_audited(delta_app):
    app, ids = delta_app
    change_task(app, "t1", name="年度盘点：仓库甲")
    alice = client_for(app, "alice")
    (text,) = pdf_text(alice.get(f"/delta/task/{ids['t1']}/pdf", headers=ZH))
    assert "年度盘点：仓库甲" in text
    assert "10.50" in text and "Alice" in text  # the amount and the owner's name
    assert "第 1 页 / 共 1 页" in text
    assert "Test Company" in text  # the company header
    assert alice.get(f"/delta/task/{ids['t3']}/pdf").status_code == 404  # bob's task
    assert exports(app)[-1][:3] == (ids["alice"], "delta.task", ids["t1"])
    assert exports(app)[-1][3]["format"] == "pdf"
    form = alice.get(f"/delta/task/{ids['t1']}", headers=EN).get_data(as_text=True)
    assert f"/delta/task/{ids['t1']}/pdf" in form


@pytest.mark.spec("5.3.3.1", "5.3.3.2")
def test_a_list_prints_with_totals_and_page_numbers(delta_app):
    app, ids = delta_app
    add_tasks(app, 120, ids["carol"], prefix="物料")
    carol = client_for(app, "carol")
    pages = pdf_text(carol.get("/delta/task/pdf?fields=code&fields=name&fields=amount", headers=ZH))
    assert len(pages) >= 3
    assert all(f"第 {n} 页 / 共 {len(pages)} 页" in text for n, text in enumerate(pages, 1))
    assert "物料 task 0000" in pages[0]
    assert "185.75" in pages[-1]  # 10.50 + 20.25 + 5.00 + 120 × 1.25
    assert exports(app)[-1][3] == {
        "view": "delta.task",
        "format": "pdf",
        "rows": 123,
        "fields": ["code", "name", "amount"],
        "selection": False,
    }
    only = pdf_text(carol.get("/delta/task/pdf?q=t2", headers=EN))
    assert "Task t2" in only[0] and "Task t1" not in only[0]


@pytest.mark.addons("partners", "products")
@pytest.mark.spec("5.3.3.2")
def test_chinese_labels_print_for_partners(app, admin_client):
    response = admin_client.post(
        "/partners/partner/new",
        data={"csrf_token": admin_client.csrf_token, "name": "北京钢铁有限公司", "kind": "company"},
    )
    record_url = response.headers["Location"]
    (text,) = pdf_text(admin_client.get(record_url + "/pdf", headers=ZH))
    assert "北京钢铁有限公司" in text and "名称" in text and "伙伴" in text
    assert date.today().isoformat()[:4] in text  # the printing date
    listing = pdf_text(admin_client.get("/partners/partner/pdf", headers=ZH))
    assert "北京钢铁有限公司" in listing[0]
