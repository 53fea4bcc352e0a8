"""The `tessera` command: scripts rely on its output, --json and exit codes."""

import json

import pytest
from flask.cli import ScriptInfo

from core.cli import cli
from core.testing import ADMIN_PASSWORD

pytestmark = pytest.mark.spec("4.1.1")


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")

    def invoke(app, *args, input=None):
        runner = app.test_cli_runner()
        return runner.invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app), input=input)

    return invoke


def test_addons_list_json_shows_states_and_broken_addons(fixture_app, run):
    app = fixture_app("alpha")
    result = run(app, "addons", "list", "--json")
    assert result.exit_code == 0, result.output
    by_name = {row["name"]: row for row in json.loads(result.output)}
    assert by_name["alpha"]["state"] == "installed"
    assert by_name["beta"]["state"] == "available"
    assert by_name["beta"]["depends"] == ["alpha"]
    assert by_name["badmanifest"]["state"] == "broken"
    assert "cycle" in by_name["cycle_a"]["error"]


def test_install_says_what_it_installed_and_fails_on_repeat(fixture_app, run):
    app = fixture_app()
    result = run(app, "addons", "install", "beta")
    assert result.exit_code == 0, result.output
    assert "Installed: alpha, beta" in result.output
    again = run(app, "addons", "install", "beta")
    assert again.exit_code == 1
    assert "already installed" in again.output


def test_uninstall_shows_impact_and_needs_confirmation(fixture_app, run):
    app = fixture_app("beta")
    refused = run(app, "addons", "uninstall", "alpha", input="n\n")
    assert refused.exit_code != 0
    assert "alpha, beta" in refused.output
    assert "alpha_item: 1 rows" in refused.output
    assert "beta" in json.dumps(json.loads(run(app, "addons", "list", "--json").output))
    done = run(app, "addons", "uninstall", "alpha", "--yes")
    assert done.exit_code == 0, done.output
    assert "Uninstalled: beta, alpha" in done.output


def test_upgrade_needs_names_or_all(fixture_app, run):
    app = fixture_app("alpha")
    assert run(app, "addons", "upgrade").exit_code == 2
    result = run(app, "addons", "upgrade", "--all")
    assert result.exit_code == 0, result.output
    assert "Upgraded: -" in result.output


def test_hooks_lists_owner_doc_and_implementations(fixture_app, run):
    app = fixture_app()
    result = run(app, "hooks", "--json")
    assert result.exit_code == 0, result.output
    hooks = {h["name"]: h for h in json.loads(result.output)}
    assert hooks["alpha_item_created"]["owner"] == "alpha"
    assert hooks["alpha_item_created"]["implementations"] == ["beta"]
    assert hooks["core_register_menus"]["owner"] == "core"
    assert "core" in hooks["core_register_menus"]["implementations"]
    assert all(h["doc"] for h in hooks.values())


def test_init_refuses_weak_password_and_keeps_database_empty(fixture_app, run):
    app = fixture_app(initialised=False)
    result = run(app, "init", "--admin-password", "short")
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    ok = run(app, "init", "--admin-password", ADMIN_PASSWORD, "--addons", "alpha")
    assert ok.exit_code == 0, ok.output
    assert "Installed: alpha" in ok.output
    assert "already initialised" in run(app, "init", "--admin-password", ADMIN_PASSWORD).output


def test_init_without_password_and_no_terminal_fails(fixture_app, run):
    app = fixture_app(initialised=False)
    result = run(app, "init")
    assert result.exit_code == 1
    assert "--admin-password" in result.output


def test_user_create_and_duplicate(fixture_app, run):
    app = fixture_app()
    result = run(
        app, "user", "create", "li.lei", "--name", "Li Lei", "--password", "Plum-Blossom-2026"
    )
    assert result.exit_code == 0, result.output
    again = run(app, "user", "create", "li.lei", "--password", "Plum-Blossom-2026")
    assert again.exit_code == 1
    assert "already taken" in again.output


def test_messages_follow_the_terminal_language(fixture_app, run, monkeypatch):
    app = fixture_app("alpha")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    result = run(app, "addons", "install", "alpha")
    assert result.exit_code == 1
    assert "已安装" in result.output


def test_listing_speaks_the_terminal_language(fixture_app, run, monkeypatch):
    app = fixture_app("alpha")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    result = run(app, "addons", "list")
    assert result.exit_code == 0, result.output
    alpha = next(line for line in result.output.splitlines() if line.startswith("alpha "))
    assert "已安装" in alpha
    assert "[依赖: -]" in alpha
    beta = next(line for line in result.output.splitlines() if line.startswith("beta "))
    assert "未安装" in beta


def test_an_addons_command_refuses_to_run_until_it_is_installed(fixture_app, run):
    app = fixture_app()
    refused = run(app, "delta", "count")
    assert refused.exit_code == 1
    assert "The delta addon is not installed" in refused.output
    assert "tessera addons install delta" in refused.output
    run(app, "addons", "install", "delta")
    counted = run(app, "delta", "count")
    assert counted.exit_code == 0, counted.output
    assert counted.output.strip() == "0"
