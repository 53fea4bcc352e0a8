"""`tessera check --deploy` refuses an unsafe production configuration, one line per problem."""

import base64
import os

import pytest
from flask.cli import ScriptInfo
from sqlalchemy import update

from core.cli import cli
from core.security.passwords import hash_password
from core.security.users import User

pytestmark = [pytest.mark.spec("6.1.7"), pytest.mark.addons()]

KEYS = "k1:" + base64.b64encode(bytes(range(32))).decode()
PRODUCTION = {
    "TESTING": False,
    "DEBUG": False,
    "SECRET_KEY": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "SESSION_COOKIE_SECURE": True,
    "ENCRYPTION_KEYS": KEYS,
}


@pytest.fixture
def production(make_app, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for name in ("WEB_CONCURRENCY", "TESSERA_DEBUG", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)

    def factory(**overrides):
        return make_app((), **{**PRODUCTION, **overrides})

    return factory


def check(app, *args):
    result = app.test_cli_runner().invoke(
        cli, ["check", "--deploy", *args], obj=ScriptInfo(create_app=lambda: app)
    )
    return result.exit_code, result.output.strip().splitlines()


def test_a_sound_production_configuration_is_ok(production):
    assert check(production()) == (0, ["OK"])


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"TESTING": True}, "TESTING is on"),
        ({"SECRET_KEY": "s3cr3t-but-short"}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "change-this-secret-key-in-production"}, "SECRET_KEY is weak"),
        ({"SECRET_KEY": "ab" * 32}, "SECRET_KEY is weak"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is not true"),
    ],
    ids=["testing", "short key", "known key", "repetitive key", "cookie"],
)
def test_each_unsafe_setting_is_refused_with_one_line(production, overrides, expected):
    code, lines = check(production(**overrides))
    assert code == 1
    assert len(lines) == 1 and expected in lines[0], lines


def test_debug_mode_is_refused_wherever_it_is_set(production, monkeypatch):
    monkeypatch.setenv("TESSERA_DEBUG", "true")  # what gunicorn's create_app() would see
    assert check(production()) == (1, ["DEBUG is on: turn it off in production"])
    monkeypatch.delenv("TESSERA_DEBUG")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert check(production()) == (1, ["DEBUG is on: turn it off in production"])


def test_every_problem_gets_its_own_line(production):
    code, lines = check(production(TESTING=True, SECRET_KEY="dev", SESSION_COOKIE_SECURE=False))
    assert code == 1
    assert len(lines) == 3


def test_default_passwords_of_active_accounts_are_refused(production):
    app = production()
    with app.app_context():

        def weaken(session):
            session.execute(update(User).values(password_hash=hash_password("admin123")))
            session.add(User(login="demo", name="Demo", password_hash=hash_password("demo")))
            session.add(
                User(login="test", name="Old", password_hash=hash_password("123456"), active=False)
            )

        app.extensions["tessera.db"].atomic(weaken)
    code, lines = check(app)
    assert code == 1
    assert lines == [
        "user admin has a default password: change it",
        "user demo has a default password: change it",
    ]


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("postgresql+psycopg://tessera@db.internal/tessera", True),
        ("postgresql+psycopg://tessera:@10.0.0.5:5432/tessera", True),
        ("postgresql+psycopg://tessera:s3cret@db.internal/tessera", False),
        ("postgresql+psycopg://tessera@localhost/tessera", False),
        ("postgresql+psycopg://tessera@/tessera?host=/run/postgresql", False),
    ],
)
def test_postgresql_without_a_password_over_the_network_is_refused(production, url, refused):
    app = production()
    app.config["DATABASE_URL"] = url  # the engine stays on the test database
    code, lines = check(app)
    assert code == (1 if refused else 0), lines
    assert any("reached without a password" in line for line in lines) is refused


def test_sqlite_with_several_workers_is_only_a_warning(production, monkeypatch):
    app = production()
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    code, lines = check(app)
    assert code == 0
    if app.extensions["tessera.db"].dialect == "sqlite":
        assert lines[0].startswith("warning: 4 worker processes share one SQLite database")
    assert lines[-1] == "OK"


def test_a_generated_instance_key_is_a_warning(production):
    code, lines = check(production(ENCRYPTION_KEYS=None))
    assert code == 0
    assert lines[0].startswith("warning: the encryption key was generated in")
    assert lines[-1] == "OK"


def test_a_key_file_others_can_read_is_a_warning(production, tmp_path):
    key_file = tmp_path / "tessera.keys"
    key_file.write_text(KEYS + "\n")
    os.chmod(key_file, 0o644)
    code, lines = check(production(ENCRYPTION_KEYS=None, ENCRYPTION_KEY_FILE=str(key_file)))
    assert code == 0
    assert lines == [
        f"warning: other users may read the encryption key file {key_file}: chmod 600 it",
        "OK",
    ]
    os.chmod(key_file, 0o600)
    assert check(production(ENCRYPTION_KEYS=None, ENCRYPTION_KEY_FILE=str(key_file))) == (0, ["OK"])


def test_problems_are_translated(production, monkeypatch):
    app = production(TESTING=True)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, lines = check(app)
    assert code == 1
    assert "TESTING" in lines[0] and "生产" in lines[0]


def test_without_deploy_only_the_database_is_checked(production):
    app = production(TESTING=True)
    result = app.test_cli_runner().invoke(cli, ["check"], obj=ScriptInfo(create_app=lambda: app))
    assert (result.exit_code, result.output.strip()) == (0, "OK")
