"""Import of CSV and XLSX files into any generic list: upload, column mapping, a dry run
reporting each bad row, and an all-or-nothing insert-or-update by code through the addon's
own services and the access layer. Driven over HTTP with the delta fixture addon and with
partners and products (a full XLSX round trip)."""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.i18n import use_language
from core.schemas import MSG_NOT_NUMBER, MSG_REQUIRED
from core.security.models import AuditEntry
from core.testing import log_in
from tests.conftest import DELTA_PASSWORD

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
TASKS = "/delta/task/"


@pytest.fixture
def delta(delta_app, tmp_path):
    app, ids = delta_app
    app.config["IMPORT_FOLDER"] = str(tmp_path / "imports")
    return app, ids


def client_for(app, login):
    client = app.test_client()
    client.csrf_token = log_in(client, login, DELTA_PASSWORD)
    return client


def upload(client, content: bytes, filename="tasks.csv", url=TASKS, headers=EN, csrf=True):
    data = {"file": (io.BytesIO(content), filename)}
    if csrf:
        data["csrf_token"] = client.csrf_token
    return client.post(f"{url}import", data=data, headers=headers)


def uploaded(client, content: bytes, filename="tasks.csv", url=TASKS) -> str:
    """Upload and return the mapping page's URL."""
    response = upload(client, content, filename, url)
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    return response.headers["Location"]


def run(client, step_url, mapping, action="check", headers=EN):
    data = {"csrf_token": client.csrf_token, "action": action}
    data.update({f"col-{n}": name for n, name in enumerate(mapping)})
    return client.post(step_url, data=data, headers=headers)


def suggested(page: str) -> list[str]:
    """The mapping the page pre-selected, column by column."""
    mapping = []
    for block in re.findall(r'<select[^>]*name="col-\d+">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="(\w*)" selected>', block)
        mapping.append(chosen.group(1) if chosen else "")
    return mapping


def tasks(app) -> dict[str, tuple]:
    from delta.models import DeltaTask

    with app.app_context(), app.extensions["tessera.db"].new_session() as session:
        return {
            t.code: (t.name, t.amount, t.priority, t.due_date, t.company_id, t.owner_id)
            for t in session.scalars(select(DeltaTask))
        }


def audit_count(app) -> int:
    with app.app_context(), app.extensions["tessera.db"].new_session() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def problems(page: str) -> dict[str, str]:
    """The dry-run report: row number -> its problems."""
    table = re.search(
        r'<table class="table table-sm mb-0 import-problems">(.*?)</table>', page, re.S
    )
    assert table, page[:2000]
    rows = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", table.group(1), re.S)
    return {number: re.sub(r"<[^>]+>", " ", text) for number, text in rows}


# --------------------------------------------------------------------------- good files


@pytest.mark.spec("4.4.1", "4.4.2")
def test_a_good_file_creates_and_updates_by_code_after_a_dry_run(delta):
    app, _ids = delta
    carol = client_for(app, "carol")
    form = carol.get(f"{TASKS}import", headers=EN)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.get_data(
        as_text=True
    )
    content = (
        b"Code,Name,Amount,Priority,Due,Notes\n"
        b"T1,Task one renamed,11.00,High,2026/12/01,x\n"
        b'N1,New task,"1,234.50",low,2027-01-15,y\n'
        b",,,,,\n"
    )
    step = uploaded(carol, content)
    page = carol.get(step, headers=EN).get_data(as_text=True)
    mapping = suggested(page)
    assert mapping == ["code", "name", "amount", "priority", "due_date", ""]
    before, entries = tasks(app), audit_count(app)

    checked = run(carol, step, mapping)
    assert checked.status_code == 200
    assert "1 rows would be created and 1 updated" in checked.get_data(as_text=True)
    assert tasks(app) == before and audit_count(app) == entries  # a dry run leaves nothing

    done = run(carol, step, mapping, action="import")
    assert done.status_code == 302 and done.headers["Location"].endswith(TASKS)
    after = tasks(app)
    assert after["T1"][:4] == ("Task one renamed", Decimal("11.00"), "high", date(2026, 12, 1))
    assert after["N1"][:5] == ("New task", Decimal("1234.50"), "low", date(2027, 1, 15), 1)
    assert len(after) == len(before) + 1
    assert audit_count(app) > entries  # each created and changed record is audited
    assert carol.get(step).status_code == 302  # the upload is gone once imported


@pytest.mark.spec("4.4.2")
@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_files_from_excel_in_china_are_read(delta, encoding):
    app, _ids = delta
    carol = client_for(app, "carol")
    content = "编码,名称,金额\nG1,电脑维修：华东区,12.5\n".encode(encoding)
    step = uploaded(carol, content, "任务.csv")
    page = carol.get(step, headers=ZH).get_data(as_text=True)
    assert "电脑维修：华东区" in page and "编码" in page  # the preview, decoded
    assert run(carol, step, ["code", "name", "amount"], "import").status_code == 302
    assert tasks(app)["G1"][:2] == ("电脑维修：华东区", Decimal("12.50"))


# --------------------------------------------------------------------------- bad rows


@pytest.mark.spec("4.4.1", "6.3.2")
def test_a_bad_row_is_reported_by_row_and_nothing_is_written(delta):
    app, _ids = delta
    carol = client_for(app, "carol")
    content = (
        b"Code;Name;Amount\n"
        b"N1;First;1.00\n"
        b"N2;;2.00\n"
        b"N3;Third;abc\n"
        b"T2;Task t2;99\n"  # T2 is open: its service refuses a new amount
    )
    step = uploaded(carol, content)
    before, entries = tasks(app), audit_count(app)
    checked = run(carol, step, ["code", "name", "amount"])
    assert checked.status_code == 422
    page = checked.get_data(as_text=True)
    assert "3 rows have problems; the other rows would create 1 and update 0 records" in page
    found = problems(page)
    assert set(found) == {"3", "4", "5"}
    assert f"Name: {MSG_REQUIRED}" in found["3"]
    assert f"Amount: {MSG_NOT_NUMBER}" in found["4"]
    assert "Amount: only a draft task" in found["5"]

    refused = run(carol, step, ["code", "name", "amount"], "import")
    assert refused.status_code == 422 and "Nothing was imported." in refused.get_data(as_text=True)
    assert tasks(app) == before and audit_count(app) == entries

    chinese = run(carol, step, ["code", "name", "amount"], headers=ZH).get_data(as_text=True)
    with app.test_request_context(headers=ZH), use_language("zh_Hans_CN"):
        assert str(MSG_REQUIRED) in problems(chinese)["3"] and "必填" in str(MSG_REQUIRED)


@pytest.mark.spec("6.2.6")
def test_imports_go_through_the_record_rules(delta):
    app, ids = delta
    alice = client_for(app, "alice")
    content = (
        "Code,Name,Owner\n"
        f"T1,Alice renames her task,{ids['alice']}\n"  # her own task: updated
        "T3,Taking Bob's task,\n"  # Bob's: hidden, so a new task whose code is taken
        "T4,Company B's task,\n"  # another company's: the same
        f"A9,A task for Bob,{ids['bob']}\n"  # she may only create her own tasks
        f"A8,Her own new task,{ids['alice']}\n"
    ).encode()
    step = uploaded(alice, content)
    checked = run(alice, step, ["code", "name", "owner_id"])
    found = problems(checked.get_data(as_text=True))
    assert set(found) == {"3", "4", "5"}
    assert "conflicts with another record" in found["3"] and "conflicts" in found["4"]
    assert "you may not see it" in found["5"]
    assert "would create 1 and update 1 records" in checked.get_data(as_text=True)
    assert run(alice, step, ["code", "name", "owner_id"], "import").status_code == 422
    assert tasks(app)["T1"][0] == "Task t1"
    # Without the refused rows, the same file goes in.
    kept = f"Code,Name,Owner\nT1,Alice renames her task,{ids['alice']}\nA8,Hers,{ids['alice']}\n"
    done = run(alice, uploaded(alice, kept.encode()), ["code", "name", "owner_id"], "import")
    assert done.status_code == 302
    assert tasks(app)["T1"][0] == "Alice renames her task"
    assert tasks(app)["A8"][4:] == (1, ids["alice"])
    # Bob cannot reach Alice's upload, even knowing its address.
    bob = client_for(app, "bob")
    assert bob.get(step).status_code == 302
    assert run(bob, step, ["code", "name", ""], "import").status_code == 302
    assert bob.get(f"{TASKS}import/..%2F..%2Fsecret").status_code in (302, 404)


# --------------------------------------------------------------------------- refusals


@pytest.mark.spec("6.3.2")
def test_oversize_fake_and_foreign_files_are_refused_in_the_readers_language(delta):
    app, _ids = delta
    carol = client_for(app, "carol")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    refused = upload(carol, png, "tasks.csv")
    assert refused.status_code == 422
    assert "This is not a CSV or XLSX file." in refused.get_data(as_text=True)
    assert "这不是 CSV 或 XLSX 文件。" in upload(carol, png, "a.csv", headers=ZH).get_data(
        as_text=True
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("word/document.xml", "<w/>")
    foreign = upload(carol, archive.getvalue(), "tasks.xlsx").get_data(as_text=True)
    assert "This is not a CSV or XLSX file." in foreign
    old = upload(carol, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "tasks.xls")
    assert "save the file as .xlsx" in old.get_data(as_text=True)
    assert "Choose a CSV or XLSX file." in upload(carol, b"", "").get_data(as_text=True)

    app.config["IMPORT_MAX_BYTES"] = 1024
    big = upload(carol, b"Code,Name\n" + b"X,y\n" * 600)
    assert big.status_code == 422 and "larger than 1 KB" in big.get_data(as_text=True)
    app.config["IMPORT_MAX_ROWS"] = 2
    many = upload(carol, b"Code,Name\nA,a\nB,b\nC,c\n")
    assert many.status_code == 422 and "more than 2 rows" in many.get_data(as_text=True)
    assert not list(Path(app.config["IMPORT_FOLDER"]).glob("*.data"))  # nothing kept


@pytest.mark.spec("6.3.3")
def test_import_posts_need_the_csrf_token(delta):
    app, _ids = delta
    carol = client_for(app, "carol")
    assert upload(carol, b"Code,Name\nC1,x\n", csrf=False).status_code == 400
    step = uploaded(carol, b"Code,Name\nC1,x\n")
    response = carol.post(step, data={"action": "import", "col-0": "code", "col-1": "name"})
    assert response.status_code == 400
    assert "C1" not in tasks(app)
    assert run(carol, step, ["code", "name"], "import").status_code == 302
    assert "C1" in tasks(app)


@pytest.mark.spec("6.3.2")
def test_a_mapping_names_each_field_once(delta):
    app, _ids = delta
    carol = client_for(app, "carol")
    step = uploaded(carol, b"Code,Name,Name again\nM1,x,y\n")
    twice = run(carol, step, ["code", "name", "name"], headers=EN)
    assert twice.status_code == 422 and "Two columns are mapped to" in twice.get_data(as_text=True)
    nothing = run(carol, step, ["", "", ""], headers=EN)
    assert "Map at least one column" in nothing.get_data(as_text=True)
    assert "M1" not in tasks(app)


# --------------------------------------------------------------------------- round trip


@pytest.mark.addons("partners", "products")
@pytest.mark.spec("4.4.1", "4.4.2", "5.3.3.2")
def test_an_exported_workbook_imports_back(app, admin_client, tmp_path):
    from addons.products.models import Product

    app.config["IMPORT_FOLDER"] = str(tmp_path)
    for name, price in (("绿茶", "12.50"), ("红茶", "8.00")):
        created = admin_client.post(
            "/products/product/new",
            data={"csrf_token": admin_client.csrf_token, "name": name, "sale_price": price},
        )
        assert created.status_code == 302, created.get_data(as_text=True)[:500]
    fields = "&".join(
        f"fields={name}"
        for name in [
            "name",
            "code",
            "type",
            "category",
            "uom",
            "sale_price",
            "cost",
            "tax_rate",
            "barcode",
            "purchase_uom_id",
            "weight",
            "volume",
            "description",
        ]
    )
    exported = admin_client.get(
        f"/products/product/export?format=xlsx&sort=name&{fields}", headers=ZH
    )
    workbook = load_workbook(io.BytesIO(exported.get_data()))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["名称", "编码"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    rows["绿茶"][header.index("销售价")].value = 13.75
    sheet.append(["乌龙茶", "RT-NEW", *(cell.value for cell in rows["红茶"][2:])])
    changed = io.BytesIO()
    workbook.save(changed)

    step = uploaded(admin_client, changed.getvalue(), "产品.xlsx", url="/products/product/")
    mapping = suggested(admin_client.get(step, headers=ZH).get_data(as_text=True))
    assert "" not in mapping, mapping  # every exported column maps back by its label
    checked = run(admin_client, step, mapping)
    assert checked.status_code == 200, checked.get_data(as_text=True)[-3000:]
    assert "1 rows would be created and 2 updated" in checked.get_data(as_text=True)
    assert run(admin_client, step, mapping, "import").status_code == 302
    with app.app_context():
        from core import db

        products = {p.name: p for p in db.session().scalars(select(Product))}
    assert products["绿茶"].sale_price == Decimal("13.75")
    assert products["红茶"].sale_price == Decimal("8.00")
    assert products["乌龙茶"].code == "RT-NEW"
    assert products["乌龙茶"].sale_price == Decimal("8.00")
    assert products["乌龙茶"].uom_id == products["红茶"].uom_id
