"""`tessera addon new`: the skeleton it writes installs, works, and passes its own tests.

The scaffolded addon is written once per run (the tests of both engines share it):
discovering it imports its package and models into the process for good.
"""

import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.cli import ScriptInfo
from sqlalchemy import select

import core
from core import scaffold
from core.cli import cli
from core.db import Base
from core.i18n import gettext as core_gettext
from core.i18n_tools import check
from core.manifest import read_manifest
from core.migrations import model_diff
from core.models import Sequence
from core.plugins import hookimpl
from core.registry import get_registry
from core.scaffold import create_addon
from core.testing import build_app, log_in

pytestmark = pytest.mark.spec("4.1.1")

NAME = "scaffolded"
REPO = Path(core.__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def addons_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scaffold")
    create_addon(NAME, root, [])
    return root


@pytest.fixture
def run_cli(tmp_path, monkeypatch):
    """``run_cli(*args)``: the ``tessera`` command on an app that needs no database."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    app = build_app(f"sqlite:///{tmp_path / 'cli.sqlite'}")

    def invoke(*args):
        runner = app.test_cli_runner()
        return runner.invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))

    yield invoke
    app.extensions["tessera.db"].dispose()


class RecordListener:
    """A one-off plugin: what the scaffolded addon's own hook announced."""

    def __init__(self) -> None:
        self.record_ids: list[int] = []

    @hookimpl
    def scaffolded_record_created(self, record_id: int, session) -> None:
        self.record_ids.append(record_id)


# --------------------------------------------------------------------------- the skeleton


def test_the_skeleton_has_the_standard_anatomy_and_a_complete_catalogue(addons_root):
    folder = addons_root / NAME
    for name in (
        "__init__.py",
        "manifest.toml",
        "messages.py",
        "hookspecs.py",
        "hooks.py",
        "models.py",
        "schemas.py",
        "services.py",
        "views.py",
        "security.py",
        "menus.py",
        f"templates/{NAME}/records.html",
        f"translations/zh_Hans_CN/LC_MESSAGES/{NAME}.po",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/test_contract.py",
        f"tests/test_{NAME}.py",
    ):
        assert (folder / name).is_file(), name
    manifest = read_manifest(folder, NAME)
    assert (manifest.version, manifest.license, manifest.depends) == ("0.1.0", "Apache-2.0", ())
    (revision,) = (folder / "migrations").glob(f"*_{NAME}_tables.py")
    assert f'branch_labels: str | Sequence[str] | None = ("{NAME}",)' in revision.read_text()
    assert "${" not in "".join(p.read_text() for p in folder.rglob("*") if p.is_file())
    assert check(folder, NAME).ok, check(folder, NAME)


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_the_skeleton_is_ruff_clean(addons_root):
    config = REPO / "pyproject.toml"
    if not config.is_file():
        pytest.skip("Tessera's pyproject.toml is not next to the installed core")
    folder = str(addons_root / NAME)
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--config", str(config), folder],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_failure_half_way_leaves_no_folder(tmp_path, monkeypatch):
    skeleton = tmp_path / "skeleton"
    skeleton.mkdir()
    (skeleton / "a.txt.tmpl").write_text("${name}")
    (skeleton / "b.txt.tmpl").write_text("${misspelt}")
    monkeypatch.setattr(scaffold, "SKELETON", skeleton)
    with pytest.raises(KeyError):
        create_addon("broken", tmp_path / "out", [])
    assert not (tmp_path / "out" / "broken").exists()


# --------------------------------------------------------------------------- installed


def test_the_scaffolded_addon_installs_numbers_records_and_shows_them(make_app, addons_root):
    app = make_app(ADDONS_PATH=str(addons_root))
    catalog = app.extensions["tessera.catalog"]
    assert NAME in catalog, catalog.errors.get(NAME)
    registry = get_registry(app)
    database = app.extensions["tessera.db"]
    services = importlib.import_module(f"{NAME}.services")

    with app.app_context():
        assert registry.lifecycle.install([NAME]) == [NAME]
        registry.refresh()
        listener = RecordListener()
        registry.pm.register(listener)
        first = database.atomic(lambda s: services.create_record(s, {"name": "First"}))
        second = database.atomic(lambda s: services.create_record(s, {"name": "<b>Second</b>"}))
        with database.new_session() as session:
            sequence = session.scalar(select(Sequence).where(Sequence.code == f"{NAME}.record"))

    assert sequence.addon == NAME
    assert [first.code, second.code] == [
        f"{sequence.prefix}{number:0{sequence.padding}d}" for number in (1, 2)
    ]
    assert sequence.next_number == 3
    assert listener.record_ids == [first.id, second.id]
    with database.engine.connect() as connection:
        assert model_diff(connection, Base.metadata, NAME) == []

    client = app.test_client()
    log_in(client)
    assert f'href="/{NAME}/"' in client.get("/").get_data(as_text=True)  # its app's menu
    page = client.get(f"/{NAME}/", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "&lt;b&gt;Second&lt;/b&gt;" in html
    assert "<th>编码</th>" in html  # the addon's own catalogue
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        log_out = core_gettext("Log out")
    assert log_out != "Log out"
    assert log_out in html  # core's layout keeps core's catalogue on the addon's page


def test_the_scaffolded_addon_passes_its_own_tests(addons_root):
    env = {**os.environ, "TESSERA_ADDONS_PATH": str(addons_root)}
    env.pop("TESSERA_ADDONS", None)
    tests = str(addons_root / NAME / "tests")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", tests, "-q", "-p", "no:cacheprovider"],
        cwd=addons_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


# --------------------------------------------------------------------------- the command


def test_addon_new_writes_the_addon_with_its_dependencies(run_cli, tmp_path):
    result = run_cli(
        "addon", "new", "warranty", "--path", str(tmp_path / "mine"), "--depends", "products,crm"
    )
    assert result.exit_code == 0, result.output
    assert "Created addon warranty" in result.output
    manifest = read_manifest(tmp_path / "mine" / "warranty", "warranty")
    assert manifest.depends == ("products", "crm")


@pytest.mark.parametrize("name", ["Bad-Name", "core", "tests", "x", "9lives"])
def test_addon_new_refuses_a_bad_name(run_cli, tmp_path, name):
    result = run_cli("addon", "new", name, "--path", str(tmp_path))
    assert result.exit_code == 1
    assert f"addon name {name} is not valid" in result.output
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(
    ("name", "origin"), [("calendar", "calendar.py"), ("partners", "addons.partners")]
)
def test_addon_new_refuses_a_name_already_taken(run_cli, tmp_path, name, origin):
    result = run_cli("addon", "new", name, "--path", str(tmp_path))
    assert result.exit_code == 1
    assert f"addon name {name} is already used by" in result.output
    assert origin in result.output
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(("depends", "message"), [("Bad-Dep", "is not valid"), ("own", "itself")])
def test_addon_new_refuses_a_bad_dependency(run_cli, tmp_path, depends, message):
    result = run_cli("addon", "new", "own", "--path", str(tmp_path), "--depends", depends)
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "own").exists()


def test_addon_new_refuses_an_existing_folder_and_keeps_it(run_cli, tmp_path):
    assert run_cli("addon", "new", "warranty", "--path", str(tmp_path)).exit_code == 0
    manifest = tmp_path / "warranty" / "manifest.toml"
    manifest.write_text(manifest.read_text().replace('category = "Custom"', 'category = "Mine"'))
    result = run_cli("addon", "new", "warranty", "--path", str(tmp_path))
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert 'category = "Mine"' in manifest.read_text()
