"""Encryption at rest: both profiles, known answers, tampering, keys, rotation, EncryptedText."""

import base64
import logging
import os
import stat
from dataclasses import replace

import pytest
from flask.cli import ScriptInfo
from sqlalchemy import select, text

from core import db
from core.app import create_app
from core.cli import cli
from core.security import crypto
from core.security.crypto import (
    CryptoError,
    CryptoProvider,
    DecryptionError,
    EncryptedText,
    SelfTestError,
    self_test,
)
from core.security.keys import (
    INSTANCE_KEY_FILE,
    SOURCE_FILE,
    SOURCE_INSTANCE,
    SOURCE_SETTING,
    KeyRing,
    load_keys,
    new_key_line,
    parse_keys,
)
from core.security.users import User
from core.testing import TEST_ENCRYPTION_KEYS, build_app

pytestmark = pytest.mark.spec("6.2.3", "6.2.4")

CONTEXT = "core_user.totp_secret"
# Fixed keys: pytest-xdist workers must collect the same parameters.
K1 = "k1:" + base64.b64encode(bytes(range(32))).decode()
K2 = "k2:" + base64.b64encode(bytes(range(32, 64))).decode()


def provider(profile="intl", *lines):
    ring = parse_keys(list(lines or (K1,)), SOURCE_SETTING, "test")
    return CryptoProvider(ring, profile)


def flip_last_byte(token: str) -> str:
    head, body = token.rsplit(":", 1)
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 0x01
    return f"{head}:{base64.b64encode(bytes(raw)).decode()}"


# --------------------------------------------------------------------------- ciphers


@pytest.mark.parametrize("profile", ["intl", "gm"])
def test_values_round_trip_and_carry_their_profile_and_key(profile):
    suite = provider(profile)
    token = suite.encrypt("JBSWY3DPEHPK3PXP 密钥", CONTEXT)
    version, name, key_id, body = token.split(":")
    assert (version, name, key_id) == ("v1", profile, "k1")
    assert len(base64.b64decode(body)) == 12 + len("JBSWY3DPEHPK3PXP 密钥".encode()) + 16
    assert suite.decrypt(token, CONTEXT) == "JBSWY3DPEHPK3PXP 密钥"
    assert suite.encrypt("JBSWY3DPEHPK3PXP 密钥", CONTEXT) != token  # a fresh nonce each time
    assert suite.decrypt(suite.encrypt("", CONTEXT), CONTEXT) == ""


def test_either_profile_reads_what_the_other_wrote():
    """Switching CRYPTO_PROFILE keeps old values readable until `keys rotate`."""
    token = provider("gm").encrypt("secret", CONTEXT)
    assert provider("intl").decrypt(token, CONTEXT) == "secret"


def test_known_answers_pass():
    self_test()


@pytest.mark.parametrize("profile", ["intl", "gm"])
@pytest.mark.parametrize("kind", ["cipher", "digest"])
def test_a_wrong_known_answer_stops_the_app(monkeypatch, tmp_path, profile, kind):
    name = "CIPHER_VECTORS" if kind == "cipher" else "DIGEST_VECTORS"
    vectors = getattr(crypto, name)
    broken = [
        replace(v, expected=("00" if v.expected[:2] != "00" else "11") + v.expected[2:])
        if v.profile == profile
        else v
        for v in vectors
    ]
    monkeypatch.setattr(crypto, name, tuple(broken))
    expected = {
        ("intl", "cipher"): "AES-256-GCM",
        ("gm", "cipher"): "SM4-GCM",
        ("intl", "digest"): "SHA-256",
        ("gm", "digest"): "SM3",
    }[profile, kind]
    with pytest.raises(SelfTestError, match=expected):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}, instance_path=str(tmp_path))


@pytest.mark.parametrize("profile", ["intl", "gm"])
def test_a_flipped_byte_is_refused(profile):
    suite = provider(profile)
    token = suite.encrypt("4111 1111 1111 1111", CONTEXT)
    with pytest.raises(DecryptionError, match="failed authentication"):
        suite.decrypt(flip_last_byte(token), CONTEXT)


@pytest.mark.parametrize("profile", ["intl", "gm"])
def test_a_value_moved_to_another_column_is_refused(profile):
    suite = provider(profile)
    token = suite.encrypt("JBSWY3DPEHPK3PXP", "partners_bank_account.number")
    with pytest.raises(DecryptionError, match=r"core_user\.totp_secret failed authentication"):
        suite.decrypt(token, CONTEXT)


def test_an_edited_header_is_refused():
    """Profile and key id are authenticated too: relabelling a value breaks it."""
    suite = provider("intl", K1, K2)
    token = suite.encrypt("secret", CONTEXT)
    with pytest.raises(DecryptionError):
        suite.decrypt(token.replace("v1:intl:", "v1:gm:", 1), CONTEXT)
    with pytest.raises(DecryptionError):
        suite.decrypt(token.replace(":k1:", ":k2:", 1), CONTEXT)


def test_an_unknown_key_id_is_named():
    token = provider("intl", K2).encrypt("secret", CONTEXT)
    with pytest.raises(DecryptionError, match="needs key k2, which is not configured"):
        provider("intl", K1).decrypt(token, CONTEXT)


@pytest.mark.parametrize(
    "value", ["plain text", "v1:intl:k1:", "v1:intl:k1:!!!", "v2:intl:k1:AAAA"]
)
def test_values_that_are_not_ciphertexts_are_refused(value):
    with pytest.raises(DecryptionError):
        provider().decrypt(value, CONTEXT)


# --------------------------------------------------------------------------- keys


class FakeApp:
    def __init__(self, tmp_path, **config):
        self.config = config
        self.instance_path = str(tmp_path)


def test_keys_come_from_the_setting_first_one_current(tmp_path):
    ring = load_keys(FakeApp(tmp_path, ENCRYPTION_KEYS=f"{K2}, {K1}"))
    assert ring.source == SOURCE_SETTING
    assert ring.current == "k2"
    assert set(ring.keys) == {"k1", "k2"}
    assert not (tmp_path / INSTANCE_KEY_FILE).exists()


def test_keys_come_from_a_key_file(tmp_path):
    key_file = tmp_path / "keys.txt"
    key_file.write_text(f"# rotated 2026-01\n{K2}\n\n{K1}\n")
    ring = load_keys(FakeApp(tmp_path, ENCRYPTION_KEY_FILE=str(key_file)))
    assert (ring.source, ring.current, ring.location) == (SOURCE_FILE, "k2", str(key_file))


def test_without_keys_one_is_generated_in_the_instance_folder(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="core.security.keys"):
        ring = load_keys(FakeApp(tmp_path))
    path = tmp_path / INSTANCE_KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert ring.source == SOURCE_INSTANCE
    assert "no encryption key configured: generated one in" in caplog.text
    caplog.clear()
    again = load_keys(FakeApp(tmp_path))
    assert again.keys == ring.keys  # kept, not regenerated
    assert caplog.text == ""
    assert [p.name for p in tmp_path.iterdir()] == [INSTANCE_KEY_FILE]


@pytest.mark.parametrize(
    "setting",
    [
        "k1:" + base64.b64encode(b"short").decode(),
        "k1",
        "bad id:" + K1.split(":")[1],
        f"{K1},{K1}",
        "k1:not base64!",
    ],
    ids=["short key", "no key", "bad id", "duplicate id", "not base64"],
)
def test_bad_key_settings_stop_the_start(tmp_path, setting):
    with pytest.raises(CryptoError):
        load_keys(FakeApp(tmp_path, ENCRYPTION_KEYS=setting))


def test_a_generated_key_line_loads():
    assert len(parse_keys([new_key_line("k9")], SOURCE_SETTING, "x").keys["k9"]) == 32


def test_a_key_ring_needs_its_current_key():
    with pytest.raises(CryptoError):
        KeyRing(keys={"k1": bytes(32)}, current="k2", source=SOURCE_SETTING)


# --------------------------------------------------------------------------- the column


@pytest.mark.addons()
def test_totp_secret_is_stored_encrypted_and_read_in_clear(db_session):
    user = db_session.scalars(select(User)).first()
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    db_session.flush()
    stored = db_session.execute(
        text("SELECT totp_secret FROM core_user WHERE id = :id"), {"id": user.id}
    ).scalar()
    assert stored.startswith(f"v1:intl:{TEST_ENCRYPTION_KEYS.split(':')[0]}:")
    assert "JBSWY3DPEHPK3PXP" not in stored
    db_session.expire_all()
    assert db_session.get(User, user.id).totp_secret == "JBSWY3DPEHPK3PXP"


@pytest.mark.addons()
def test_a_tampered_column_value_fails_to_load(db_session):
    user = db_session.scalars(select(User)).first()
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    db_session.flush()
    stored = db_session.execute(
        text("SELECT totp_secret FROM core_user WHERE id = :id"), {"id": user.id}
    ).scalar()
    db_session.execute(
        text("UPDATE core_user SET totp_secret = :v WHERE id = :id"),
        {"v": flip_last_byte(stored), "id": user.id},
    )
    db_session.expire_all()
    with pytest.raises(DecryptionError):
        db_session.get(User, user.id).totp_secret


def test_an_explicit_context_survives_a_rename(tmp_path):
    """A column renamed later keeps its values readable by naming its old place."""
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "ENCRYPTION_KEYS": K1},
        instance_path=str(tmp_path),
    )
    renamed = EncryptedText(context=CONTEXT)
    with app.app_context():
        token = User.__table__.c.totp_secret.type.process_bind_param("JBSWY3DP", None)
        assert renamed.process_result_value(token, None) == "JBSWY3DP"
        with pytest.raises(CryptoError, match="context="):
            EncryptedText().process_bind_param("x", None)


def test_encrypted_text_outside_an_app_is_refused():
    with pytest.raises(CryptoError, match="app context"):
        User.__table__.c.totp_secret.type.process_bind_param("x", None)


# --------------------------------------------------------------------------- rotation


def app_with(url, *lines, profile="intl"):
    return build_app(url, ENCRYPTION_KEYS=",".join(lines), CRYPTO_PROFILE=profile)


def set_secrets(app, count):
    """Give the administrator and ``count - 1`` new users a TOTP secret; return their ids."""
    with app.app_context():

        def write(session):
            users = [session.scalars(select(User).order_by(User.id)).first()]
            for n in range(count - 1):
                users.append(User(login=f"user{n}", name=f"User {n}", password_hash="x"))
            session.add_all(users)
            for n, user in enumerate(users):
                user.totp_secret = f"SECRET{n:03d}"
            session.flush()
            return [u.id for u in users]

        return db.get_database().atomic(write)


def stored_headers(app) -> list[str]:
    with app.extensions["tessera.db"].engine.connect() as connection:
        rows = connection.execute(
            text("SELECT totp_secret FROM core_user WHERE totp_secret IS NOT NULL ORDER BY id")
        )
        return [":".join(value.split(":")[:3]) for (value,) in rows]


def read_secrets(app) -> list[str]:
    with app.app_context():
        session = db.session()
        return list(
            session.scalars(
                select(User.totp_secret).where(User.totp_secret.is_not(None)).order_by(User.id)
            )
        )


def rotate_command(app, *args):
    runner = app.test_cli_runner()
    return runner.invoke(cli, ["keys", "rotate", *args], obj=ScriptInfo(create_app=lambda: app))


def test_rotation_re_encrypts_everything_with_the_current_key(make_app, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    first = make_app((), ENCRYPTION_KEYS=K1)
    url = first.config["DATABASE_URL"]
    set_secrets(first, 5)
    assert stored_headers(first) == ["v1:intl:k1"] * 5

    second = app_with(url, K2, K1)
    try:
        assert read_secrets(second) == [f"SECRET{n:03d}" for n in range(5)]  # old key still reads
        result = rotate_command(second, "--batch-size", "2")
        assert result.exit_code == 0, result.output
        assert "Current key: k2 (AES-256-GCM)" in result.output
        assert (
            "core_user.totp_secret: 5 values, 5 re-encrypted, 0 already current, 0 unreadable"
            in result.output
        )
        assert stored_headers(second) == ["v1:intl:k2"] * 5
        again = rotate_command(second)
        assert "5 values, 0 re-encrypted, 5 already current" in again.output  # idempotent
    finally:
        second.extensions["tessera.db"].dispose()

    only_new = app_with(url, K2)
    try:
        assert read_secrets(only_new) == [f"SECRET{n:03d}" for n in range(5)]
    finally:
        only_new.extensions["tessera.db"].dispose()
    with first.app_context(), pytest.raises(DecryptionError, match="needs key k2"):
        read_secrets(first)


def test_rotation_moves_values_to_the_configured_profile(make_app, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    first = make_app((), ENCRYPTION_KEYS=K1)
    set_secrets(first, 2)
    national = app_with(first.config["DATABASE_URL"], K1, profile="gm")
    try:
        result = rotate_command(national)
        assert result.exit_code == 0, result.output
        assert stored_headers(national) == ["v1:gm:k1"] * 2
        assert read_secrets(national) == ["SECRET000", "SECRET001"]
    finally:
        national.extensions["tessera.db"].dispose()


def test_rotation_lists_unreadable_values_and_fails(make_app, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    first = make_app((), ENCRYPTION_KEYS=K1)
    ids = set_secrets(first, 2)
    with first.extensions["tessera.db"].engine.begin() as connection:
        value = connection.execute(
            text("SELECT totp_secret FROM core_user WHERE id = :id"), {"id": ids[1]}
        ).scalar()
        connection.execute(
            text("UPDATE core_user SET totp_secret = :v WHERE id = :id"),
            {"v": flip_last_byte(value), "id": ids[1]},
        )
    second = app_with(first.config["DATABASE_URL"], K2, K1)
    try:
        result = rotate_command(second)
        assert result.exit_code == 1
        assert "1 re-encrypted, 0 already current, 1 unreadable" in result.output
        assert f"cannot decrypt core_user.totp_secret of record {ids[1]}" in result.output
    finally:
        second.extensions["tessera.db"].dispose()
