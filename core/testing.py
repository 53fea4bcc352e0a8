"""Pytest plugin for Tessera and its addons (registered through the ``pytest11`` entry point).

Every database test runs once per engine: ``sqlite`` always, ``postgresql`` when
``TESSERA_TEST_POSTGRES_URL`` (default: the local server) answers; with
``TESSERA_REQUIRE_SERVICES=1`` an unreachable PostgreSQL or Redis fails the run instead
of skipping. Each set of addons is installed once per run into a template database;
``app`` serves a test from one outer transaction rolled back at the end, ``make_app``
gives a private copy with real commits (for lifecycle and concurrency tests).

Fixtures: ``db_engine``, ``addon_names``, ``app``, ``db_session``, ``client``,
``admin_client``, ``make_app``, ``tessera_catalog``. Mark a test with
``@pytest.mark.addons("partners")`` to choose what is installed (default: every
bundled addon) and ``@pytest.mark.spec("5.1.3.1")`` to name the clause it proves.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "correct-horse-battery-42"  # noqa: S105 - test databases only  # nosec B105
TEST_ENCRYPTION_KEYS = "test:dGVzc2VyYS10ZXN0cy1lbmNyeXB0aW9uLWtleS0wMDA="  # nosec B105
TEST_SECRET_KEY = "tessera-tests"  # noqa: S105 - test apps only  # nosec B105
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ENGINES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spec(clause): the clause of the standard this test proves")
    config.addinivalue_line("markers", "addons(*names): addons installed for this test")
    config.pluginmanager.register(ClauseReport(), "tessera-clause-report")


# --------------------------------------------------------------------------- clause report


class ClauseReport:
    """Requirement coverage (clause 7.7): the clauses of the standard passing tests prove.

    Clauses travel in ``user_properties``, so this also works across pytest-xdist workers.
    """

    def __init__(self) -> None:
        self.clauses: dict[str, list[int]] = {}

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            for marker in item.iter_markers("spec"):
                item.user_properties.extend(("spec", str(clause)) for clause in marker.args)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" or report.skipped:
            return
        for key, clause in report.user_properties:
            if key == "spec":
                counts = self.clauses.setdefault(clause, [0, 0])
                counts[0 if report.passed else 1] += 1

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.clauses:
            return
        terminalreporter.section("clauses of the standard proven by tests")
        for clause in sorted(self.clauses, key=lambda c: [int(p) for p in c.split(".")]):
            passed, failed = self.clauses[clause]
            state = "proven" if failed == 0 else "FAILING"
            terminalreporter.write_line(f"{clause:<10} {state:<8} {passed} passed, {failed} failed")


def services_required() -> bool:
    return os.environ.get("TESSERA_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


# --------------------------------------------------------------------------- databases


class DatabaseFactory:
    """Creates empty databases, prepared templates per addon set, and copies of them."""

    def __init__(self, engine: str, workdir: Path, server_url: str | None = None) -> None:
        self.engine = engine
        self.workdir = workdir
        self.server_url = server_url
        self.run_id = uuid.uuid4().hex[:8]
        self.counter = itertools.count(1)
        self.templates: dict[frozenset[str], str] = {}
        self.created: list[str] = []

    def fresh_url(self) -> str:
        n = next(self.counter)
        if self.engine == "sqlite":
            return f"sqlite:///{self.workdir / f'db{n}.sqlite'}"
        name = f"tessera_t{self.run_id}_{n}"
        self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def template_url(self, addons: frozenset[str]) -> str:
        """A database with core initialised and ``addons`` installed, built once per run."""
        if addons not in self.templates:
            url = self.fresh_url()
            app = build_app(url)
            initialise(app, addons)
            app.extensions["tessera.db"].dispose()
            self.templates[addons] = url
        return self.templates[addons]

    def copy_url(self, addons: frozenset[str]) -> str:
        source = self.template_url(addons)
        target = self.fresh_url()
        if self.engine == "sqlite":
            shutil.copyfile(make_url(source).database, make_url(target).database)
        else:
            source_name, target_name = make_url(source).database, make_url(target).database
            self._admin(f'DROP DATABASE "{target_name}"')
            self._admin(f'CREATE DATABASE "{target_name}" TEMPLATE "{source_name}"')
        return target

    def drop_all(self) -> None:
        for name in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()


def build_app(url: str, **overrides):
    from core.app import create_app

    config = {
        "DATABASE_URL": url,
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        # A fixed key, so test apps never write one into an instance folder.
        "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
        "BROKER_URL": None,
        "SERVER_NAME": "tessera.test",
    }
    config.update(overrides)
    return create_app(
        config,
        instance_path=str(Path(make_url(url).database or ".").parent)
        if url.startswith("sqlite")
        else None,
    )


def initialise(app, addons) -> None:
    from core.registry import get_registry
    from core.setup import initialise_database

    with app.app_context():
        initialise_database(
            app,
            login=ADMIN_LOGIN,
            password=ADMIN_PASSWORD,
            name="Administrator",
            company="Test Company",
        )
        if addons:
            get_registry(app).lifecycle.install(sorted(addons))


def postgres_reachable(url: str) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


@pytest.fixture(scope="session", params=ENGINES)
def db_engine(request, tmp_path_factory) -> Iterator[DatabaseFactory]:
    """The database engine under test, with a factory of databases on it."""
    if request.param == "sqlite":
        yield DatabaseFactory("sqlite", tmp_path_factory.mktemp("sqlite"))
        return
    url = os.environ.get("TESSERA_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    if not postgres_reachable(url):
        message = f"PostgreSQL is not reachable at {make_url(url).render_as_string()}"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    factory = DatabaseFactory("postgresql", tmp_path_factory.mktemp("pg"), url)
    yield factory
    factory.drop_all()


# --------------------------------------------------------------------------- apps


@pytest.fixture(scope="session")
def tessera_catalog():
    from core.config import split_list
    from core.plugins import discover

    return discover(split_list(os.environ.get("TESSERA_ADDONS_PATH", ""), ":"))


@pytest.fixture
def addon_names(request, tessera_catalog) -> frozenset[str]:
    marker = request.node.get_closest_marker("addons")
    if marker is None:
        return frozenset(tessera_catalog.names())
    return frozenset(marker.args)


@pytest.fixture
def app(db_engine: DatabaseFactory, addon_names):
    """An app on the prepared database for ``addon_names``; everything rolls back after."""
    test_app = build_app(db_engine.template_url(addon_names))
    database = test_app.extensions["tessera.db"]
    connection = database.engine.connect()
    outer = connection.begin()
    database.bind_connection(connection)
    try:
        yield test_app
    finally:
        outer.rollback()
        connection.close()
        database.dispose()


@pytest.fixture
def db_session(app):
    """The request-style session of ``app``, inside an app context."""
    from core import db

    with app.app_context():
        yield db.session()


@pytest.fixture
def client(app):
    return app.test_client()


def log_in(client, login: str = ADMIN_LOGIN, password: str = ADMIN_PASSWORD):
    """Log ``client`` in through the login form (CSRF token included)."""
    with client.session_transaction() as flask_session:
        flask_session["csrf_token"] = token = uuid.uuid4().hex
    response = client.post(
        "/login", data={"login": login, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    # Login drops the old token; the next page would hand out a fresh one.
    with client.session_transaction() as flask_session:
        flask_session["csrf_token"] = token = uuid.uuid4().hex
    return token


@pytest.fixture
def admin_client(client):
    client.csrf_token = log_in(client)
    return client


@pytest.fixture
def make_app(db_engine: DatabaseFactory):
    """``make_app(addons=(), initialised=True, **config)``: an app on its own database.

    Real commits, no rollback: for lifecycle, migration and concurrency tests.
    """
    apps = []

    def factory(addons=(), initialised=True, **config):
        url = db_engine.copy_url(frozenset(addons)) if initialised else db_engine.fresh_url()
        new_app = build_app(url, **config)
        apps.append(new_app)
        return new_app

    yield factory
    for made in apps:
        made.extensions["tessera.db"].dispose()


# --------------------------------------------------------------------------- contract


class AddonContract:
    """Structural checks every addon gets for free: subclass it and set ``addon``.

    ``class TestContract(AddonContract): addon = "partners"``
    """

    addon: str = ""
    required_files = ("__init__.py", "manifest.toml", "hooks.py", "messages.py")

    @pytest.fixture
    def info(self, tessera_catalog):
        assert self.addon in tessera_catalog, str(tessera_catalog.error_for(self.addon))
        return tessera_catalog[self.addon]

    def test_manifest_is_complete(self, info):
        manifest = info.manifest
        assert manifest.summary.strip(), "summary is empty"
        assert manifest.version_tuple >= (0, 1)
        assert manifest.license, "license is missing"
        assert manifest.category, "category is missing"
        for name in self.required_files:
            assert (info.path / name).exists(), f"{name} is missing"
        assert (info.path / "tests").is_dir(), "tests/ is missing"

    @pytest.mark.spec("4.1.1", "4.3.2")
    def test_imports_respect_dependencies(self, info, tessera_catalog):
        """An addon imports core, itself, and the hookspecs of addons it declares."""
        from core.plugins import imported_modules

        declared = set(info.depends) | set(info.extras_depend)
        offences = []
        for module in sorted(imported_modules(info.path)):
            owner = tessera_catalog.package_owner(module)
            if owner is None:
                top = module.split(".")[0]
                if top == "addons" and module != "addons":
                    offences.append(f"{module} (undeclared or unknown addon)")
                continue
            if owner == info.name:
                continue
            package = tessera_catalog[owner].package
            if owner not in declared:
                offences.append(f"{module} (addon {owner} is not declared)")
            elif module not in (package, f"{package}.hookspecs") and not module.startswith(
                f"{package}.hookspecs."
            ):
                offences.append(f"{module} (only {package}.hookspecs may be imported)")
        assert not offences, "forbidden imports: " + "; ".join(offences)

    def test_tables_are_prefixed(self, info, make_app, tessera_catalog):
        """Every table the addon's migrations create is named ``<addon>_*``."""
        closure = tessera_catalog.closure([info.name])
        owners = ("core", *closure)
        test_app = make_app(closure)
        tables = inspect(test_app.extensions["tessera.db"].engine).get_table_names()
        strays = [t for t in tables if not t.startswith(tuple(f"{o}_" for o in owners))]
        assert not strays, f"tables named after no addon: {strays}"
        from core.db import Base

        mine = [t for t in Base.metadata.tables if tessera_catalog.table_owner(t) == info.name]
        assert set(mine) <= set(tables), f"tables missing after install: {set(mine) - set(tables)}"

    @pytest.mark.spec("5.3.1.1", "6.2.5")
    def test_every_model_is_governed_and_granted(self, info, tessera_catalog):
        """Access is denied by default: every model names its resource and a role grants it."""
        from core.db import Base
        from core.plugins import collect, make_plugin_manager

        pm = make_plugin_manager(tessera_catalog, tessera_catalog.closure([info.name]))
        declared = {p.name for p in collect(pm, "core_register_permissions")}
        granted = {p for role in collect(pm, "core_register_roles") for p in role.permissions}
        problems = [f"roles grant undeclared permission {p}" for p in sorted(granted - declared)]
        for mapper in Base.registry.mappers:
            model = mapper.class_
            if tessera_catalog.table_owner(mapper.local_table.name) != info.name:
                continue
            resource = getattr(model, "__resource__", None)
            if resource is None:
                problems.append(f"{model.__name__} declares no __resource__")
            elif f"{resource}.read" not in granted:
                problems.append(f"no role grants {resource}.read ({model.__name__})")
            for column in mapper.local_table.columns:
                needed = column.info.get("permission")
                if needed and needed not in declared:
                    problems.append(f"{model.__name__}.{column.key} needs undeclared {needed}")
        assert not problems, "; ".join(problems)

    def test_hookspecs_are_documented(self, info):
        import inspect as pyinspect

        specs = info.module("hookspecs")
        if specs is None:
            return
        for name, function in vars(specs).items():
            if not callable(function) or not hasattr(function, "tessera_spec"):
                continue
            assert name.startswith(info.name + "_"), f"{name} must start with {info.name}_"
            assert (function.__doc__ or "").strip(), f"{name} has no docstring"
            signature = pyinspect.signature(function)
            for parameter in signature.parameters.values():
                assert parameter.annotation is not pyinspect.Parameter.empty, (
                    f"{name}: parameter {parameter.name} has no type"
                )

    def test_translations_are_complete(self, info):
        from core.i18n_tools import check

        problems = check(info.path, info.name)
        assert problems.ok, (
            f"zh_Hans_CN catalogue of {info.name}: missing {list(problems.missing)}, "
            f"untranslated {list(problems.untranslated)}, fuzzy {list(problems.fuzzy)} "
            f"(run `tessera i18n update {info.name}` and translate)"
        )

    def test_migrations_reach_the_models(self, info, make_app, tessera_catalog):
        from core.migrations import model_diff

        installed = tessera_catalog.closure([info.name])
        test_app = make_app(installed)
        from core.db import Base

        with test_app.extensions["tessera.db"].engine.connect() as connection:
            diff = model_diff(connection, Base.metadata, info.name)
        assert diff == [], f"models and migrations of {info.name} differ: {diff}"

    def test_uninstall_removes_everything_and_reinstall_works(
        self, info, make_app, tessera_catalog
    ):
        from core.registry import get_registry

        installed = tessera_catalog.closure([info.name])
        test_app = make_app(installed)
        lifecycle = get_registry(test_app).lifecycle
        with test_app.app_context():
            lifecycle.uninstall(info.name, cascade=True)
            tables = inspect(test_app.extensions["tessera.db"].engine).get_table_names()
            assert not [t for t in tables if t.startswith(info.name + "_")]
            assert info.name not in lifecycle.installed()
            lifecycle.install([info.name])
            assert info.name in lifecycle.installed()


# --------------------------------------------------------------------------- pages

_FIGURE = re.compile(
    r'<a class="card h-100 text-decoration-none dashboard-figure" href="([^"]+)">\s*'
    r'<div class="card-body">\s*<div class="small text-body-secondary">([^<]+)</div>\s*'
    r'<div class="[^"]*">([^<]+)</div>'
)


def dashboard_figures(html: str) -> dict[str, tuple[str, str]]:
    """``label: (value, url)`` of each key figure of a dashboard page."""
    return {label: (value, unescape(url)) for url, label, value in _FIGURE.findall(html)}


def page_charts(html: str) -> list[dict]:
    """The data of every chart on a page (dashboards, graphs, form panels), in order."""
    return [json.loads(unescape(raw)) for raw in re.findall(r"data-chart='([^']+)'", html)]
