"""Addon discovery and lifecycle: install, upgrade, uninstall, and bad input on both engines."""

import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from core.plugins import AddonError, discover
from core.registry import get_registry
from tests.conftest import FIXTURE_ADDONS

pytestmark = pytest.mark.spec("4.1.1")


def tables(app) -> set[str]:
    return set(inspect(app.extensions["tessera.db"].engine).get_table_names())


def rows(app, sql: str):
    with app.extensions["tessera.db"].engine.connect() as connection:
        return connection.execute(text(sql)).all()


class TestDiscovery:
    def test_bad_addons_are_reported_and_the_rest_load(self):
        catalog = discover([str(FIXTURE_ADDONS)])
        assert {"alpha", "beta", "failing"} <= set(catalog.names())
        assert "version" in str(catalog.errors["badmanifest"]) or "read" in str(
            catalog.errors["badmanifest"]
        )
        assert "cycle" in str(catalog.errors["cycle_a"])
        assert "cycle_a -> cycle_b -> cycle_a" in str(catalog.errors["cycle_b"])
        assert "missing_addon" in str(catalog.errors["orphan"])
        assert "orphan" not in catalog

    def test_dependency_order_and_closure(self):
        catalog = discover([str(FIXTURE_ADDONS)])
        assert catalog.closure(["beta"]) == ["alpha", "beta"]
        assert catalog.dependants("alpha") == ["beta", "failing"]

    def test_table_owner_is_the_longest_addon_prefix(self):
        catalog = discover([str(FIXTURE_ADDONS)])
        catalog.addons["alpha_extra"] = catalog.addons["alpha"]
        assert catalog.table_owner("alpha_item") == "alpha"
        assert catalog.table_owner("alpha_extra_line") == "alpha_extra"
        assert catalog.table_owner("core_user") is None

    def test_allowed_list_limits_discovery(self):
        catalog = discover([str(FIXTURE_ADDONS)], allowed=["alpha"])
        assert catalog.names() == ["alpha"]

    def test_misspelt_hook_fails_loudly(self, tmp_path):
        addon = tmp_path / "typo"
        addon.mkdir()
        (addon / "__init__.py").write_text('"""Typo."""\n')
        (addon / "manifest.toml").write_text('name = "typo"\nversion = "1.0.0"\nsummary = "t"\n')
        (addon / "hooks.py").write_text(
            "from core.plugins import hookimpl\n\n"
            "@hookimpl\ndef core_register_menu():\n    return []\n"
        )
        from core.plugins import make_plugin_manager

        catalog = discover([str(tmp_path)])
        with pytest.raises(Exception, match="core_register_menu"):
            make_plugin_manager(catalog, ["typo"])


class TestInstall:
    def test_install_resolves_dependencies_in_order(self, fixture_app):
        app = fixture_app()
        lifecycle = get_registry(app).lifecycle
        with app.app_context():
            done = lifecycle.install(["beta"])
        assert done == ["alpha", "beta"]
        assert {"alpha_item", "beta_note"} <= tables(app)
        states = dict(rows(app, "SELECT name, state FROM core_module"))
        assert states == {"alpha": "installed", "beta": "installed"}
        # data loaded at install, sequence created
        assert rows(app, "SELECT name FROM alpha_item") == [("created at install",)]
        assert rows(app, "SELECT code, prefix FROM core_sequence") == [("alpha.item", "A")]

    def test_installing_twice_is_refused(self, fixture_app):
        app = fixture_app("alpha")
        with app.app_context(), pytest.raises(AddonError, match="already installed"):
            get_registry(app).lifecycle.install(["alpha"])

    def test_unknown_and_broken_addons_are_refused(self, fixture_app):
        app = fixture_app()
        lifecycle = get_registry(app).lifecycle
        with app.app_context():
            with pytest.raises(AddonError, match="no addon is named nothing"):
                lifecycle.install(["nothing"])
            with pytest.raises(AddonError, match="cycle"):
                lifecycle.install(["cycle_a"])

    def test_failed_migration_leaves_database_as_it_was(self, fixture_app):
        app = fixture_app("alpha")
        before_tables = tables(app)
        before_generation = rows(app, "SELECT generation FROM core_registry")
        with app.app_context(), pytest.raises(AddonError, match="half-way failure"):
            get_registry(app).lifecycle.install(["failing"])
        assert tables(app) == before_tables
        assert "failing_thing" not in tables(app)
        assert rows(app, "SELECT generation FROM core_registry") == before_generation
        assert rows(app, "SELECT state FROM core_module WHERE name='failing'") == []
        with app.app_context():
            assert get_registry(app).lifecycle.installed() == ["alpha"]

    def test_install_needs_initialised_database(self, fixture_app):
        app = fixture_app(initialised=False)
        with app.app_context(), pytest.raises(AddonError, match="tessera init"):
            get_registry(app).lifecycle.install(["alpha"])

    def test_two_processes_installing_at_once_install_once(self, fixture_app):
        app = fixture_app()
        lifecycle = get_registry(app).lifecycle
        outcomes = []

        def install():
            try:
                with app.app_context():
                    outcomes.append(lifecycle.install(["alpha"]))
            except AddonError as error:
                outcomes.append(str(error))

        threads = [threading.Thread(target=install) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes.count(["alpha"]) == 1, outcomes
        assert all("already installed" in o for o in outcomes if o != ["alpha"])
        assert rows(app, "SELECT count(*) FROM alpha_item") == [(1,)]


class TestUninstall:
    def test_impact_lists_dependants_tables_and_rows(self, fixture_app):
        app = fixture_app("beta")
        with app.app_context():
            impact = get_registry(app).lifecycle.impact("alpha")
        assert impact.addons == ("alpha", "beta")
        assert impact.tables == {"alpha_item": 1, "beta_note": 0}

    def test_uninstall_needed_addon_without_confirmation_is_refused(self, fixture_app):
        app = fixture_app("beta")
        with app.app_context(), pytest.raises(AddonError, match="needed by installed addons beta"):
            get_registry(app).lifecycle.uninstall("alpha")
        assert {"alpha_item", "beta_note"} <= tables(app)

    def test_uninstall_with_cascade_drops_tables_and_data(self, fixture_app):
        app = fixture_app("beta")
        with app.app_context():
            removed = get_registry(app).lifecycle.uninstall("alpha", cascade=True)
        assert removed == ["beta", "alpha"]
        assert not {"alpha_item", "beta_note"} & tables(app)
        assert rows(app, "SELECT count(*) FROM core_sequence") == [(0,)]
        assert set(rows(app, "SELECT state FROM core_module")) == {("available",)}

    def test_uninstall_something_not_installed_is_refused(self, fixture_app):
        app = fixture_app()
        with app.app_context(), pytest.raises(AddonError, match="not installed"):
            get_registry(app).lifecycle.uninstall("alpha")


class TestUpgrade:
    def test_new_revision_runs_on_upgrade(self, make_app, tmp_path):
        # a private copy of the fixture addons, so the new revision is seen by this test only
        addons_dir = tmp_path / "addons"
        shutil.copytree(FIXTURE_ADDONS, addons_dir)
        app = make_app((), ADDONS_PATH=str(addons_dir))
        lifecycle = get_registry(app).lifecycle
        with app.app_context():
            lifecycle.install(["alpha"])
        (addons_dir / "alpha" / "migrations" / "a2_alpha_extra.py").write_text(
            '"""extra"""\nimport sqlalchemy as sa\nfrom alembic import op\n'
            'revision = "a2"\ndown_revision = "a1"\nbranch_labels = None\ndepends_on = None\n'
            'def upgrade():\n    op.create_table("alpha_extra", sa.Column("id", sa.Integer(), '
            "primary_key=True))\n"
            'def downgrade():\n    op.drop_table("alpha_extra")\n'
        )
        with app.app_context():
            assert lifecycle.upgrade() == ["alpha"]
            assert "alpha_extra" in tables(app)
            assert lifecycle.upgrade() == []
            lifecycle.uninstall("alpha")
        assert "alpha_extra" not in tables(app)


class TestRegistry:
    def test_generation_grows_and_other_workers_reload(self, fixture_app):
        app = fixture_app()
        from core.testing import build_app

        other = build_app(app.config["DATABASE_URL"], ADDONS_PATH=str(FIXTURE_ADDONS))
        try:
            other_registry = get_registry(other)
            other_registry.refresh()
            assert not other_registry.is_installed("alpha")
            with app.app_context():
                get_registry(app).lifecycle.install(["alpha"])
            # the other worker notices at the start of its next request
            other.test_client().get("/healthz")
            assert other_registry.is_installed("alpha")
            assert other_registry.pm.get_plugin("alpha") is not None
        finally:
            other.extensions["tessera.db"].dispose()

    def test_hooks_reach_installed_addons_outside_any_request(self, fixture_app):
        app = fixture_app("beta")
        from core.testing import build_app

        script = build_app(app.config["DATABASE_URL"], ADDONS_PATH=str(FIXTURE_ADDONS))
        try:
            # a CLI command or script: no request ever refreshed this registry
            hooks = get_registry(script).hook.alpha_item_created.get_hookimpls()
            assert [impl.plugin_name for impl in hooks] == ["beta"]
        finally:
            script.extensions["tessera.db"].dispose()

    def test_requests_to_uninstalled_addon_blueprints_are_404(self, fixture_app):
        app = fixture_app()
        with app.test_client() as client:
            assert client.get("/healthz").status_code == 200


class TestSequences:
    def test_next_code_has_no_doubles(self, fixture_app):
        app = fixture_app("alpha")
        from core.models import next_code

        database = app.extensions["tessera.db"]
        with app.app_context():
            codes = [database.atomic(lambda s: next_code(s, "alpha.item")) for _ in range(3)]
        assert codes == ["A001", "A002", "A003"]

    def test_unknown_sequence_is_an_error(self, fixture_app):
        app = fixture_app()
        from core.models import next_code

        with app.app_context(), pytest.raises(LookupError):
            app.extensions["tessera.db"].atomic(lambda s: next_code(s, "nope.nope"))


def test_two_processes_installing_at_once(fixture_app, tmp_path):
    """Two `tessera addons install` processes race: one installs, the other is told."""
    import os
    import subprocess
    import sys

    app = fixture_app()
    env = {
        **os.environ,
        "TESSERA_DATABASE_URL": app.config["DATABASE_URL"],
        "TESSERA_ADDONS_PATH": str(FIXTURE_ADDONS),
        "TESSERA_SECRET_KEY": "race",
        "LANG": "en_US.UTF-8",
    }
    command = [sys.executable, "-m", "core", "addons", "install", "beta"]
    racers = [
        subprocess.Popen(
            command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(2)
    ]
    outputs = [(r.wait(timeout=120), r.stdout.read().decode()) for r in racers]
    assert sorted(code for code, _ in outputs) == [0, 1], outputs
    winner = next(out for code, out in outputs if code == 0)
    loser = next(out for code, out in outputs if code == 1)
    assert "Installed: alpha, beta" in winner
    assert "already installed" in loser
    assert rows(app, "SELECT count(*) FROM alpha_item") == [(1,)]


def test_new_revision_is_written_tidy_and_applies(make_app, tmp_path):
    from core.setup import new_revision

    addons_dir = tmp_path / "addons"
    shutil.copytree(FIXTURE_ADDONS, addons_dir)
    app = make_app((), ADDONS_PATH=str(addons_dir))
    with app.app_context():
        get_registry(app).lifecycle.install(["alpha"])
        path = new_revision(app, "alpha", "nothing changed")
        source = Path(path).read_text(encoding="utf-8")
        assert "auto generated" not in source
        assert 'down_revision: str | None = "a1"' in source
        assert get_registry(app).lifecycle.catalog["alpha"].path == addons_dir / "alpha"
        get_registry(app).lifecycle.uninstall("alpha")
        get_registry(app).lifecycle.install(["alpha"])
