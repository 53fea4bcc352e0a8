"""Password policies: modern (length, common, personal) and compliance (classes, age, reuse)."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.schemas import BusinessError
from core.security import accounts
from core.security.models import AuditEntry, PasswordHistory
from core.security.passwords import (
    MAX_LENGTH,
    MUST_CHANGE,
    PasswordPolicy,
    common_passwords,
    hash_password,
    is_common,
    verify_password,
)
from core.testing import ADMIN_PASSWORD

pytestmark = [pytest.mark.spec("6.1.6"), pytest.mark.addons()]

MODERN = PasswordPolicy()
COMPLIANCE = PasswordPolicy.from_config(
    {"PASSWORD_POLICY": "compliance", "PASSWORD_MAX_AGE_DAYS": 90, "PASSWORD_HISTORY_COUNT": 5}
)


def test_the_shipped_list_is_real_and_lowercase():
    words = common_passwords()
    assert len(words) > 10_000
    assert {"password", "iloveyou", "qwertyuiop", "woaini1314", "sunshine"} <= words
    assert all(w == w.lower() and not w.startswith("#") for w in words)


@pytest.mark.parametrize(
    "password",
    [
        "password1234",  # listed
        "Sunshine2024!!",  # a listed word padded with digits and symbols
        "2026qwertyuiop",  # padded in front
        "passwordpassword",  # a listed word repeated
        "abcabcabcabc",  # a short unit repeated
        "123456789012",  # a run of digits
        "zyxwvutsrqpo",  # a run of letters backwards
        "aaaaaaaaaaab",  # two characters
        "WoAiNi1314520",  # listed, whatever the case
    ],
)
def test_common_and_guessable_passwords_are_refused(password):
    assert is_common(password)
    assert "This password is too common; choose another one." in MODERN.errors(password)


@pytest.mark.parametrize(
    "password", ["correct-horse-battery-42", "Plum-Blossom-2026", "river stone lantern cup"]
)
def test_good_passphrases_pass_without_composition_rules(password):
    assert MODERN.errors(password) == []


def test_modern_policy_checks_length_and_personal_data(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert MODERN.errors("short-pw") == ["The password must have at least 12 characters."]
        too_long = MODERN.errors("x" * 120 + "-unusual-9")
        assert too_long == ["The password must have at most 128 characters."]
        assert MODERN.errors("li.lei-spring-river", login="li.lei") == [
            "The password must not contain your login or name."
        ]
        assert MODERN.errors("river-Meimei-garden", name="Han Meimei") == [
            "The password must not contain your login or name."
        ]
        # No forced composition: lower-case words only is fine.
        assert MODERN.errors("quiet lantern harbour") == []


def test_input_is_limited_before_hashing():
    with pytest.raises(ValueError):
        hash_password("x" * (MAX_LENGTH + 1))
    stored = hash_password("quiet lantern harbour")
    assert not verify_password(stored, "x" * 100_000)  # never reaches argon2
    assert verify_password(stored, "quiet lantern harbour")


def test_compliance_policy_wants_three_character_classes(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        (message,) = COMPLIANCE.errors("quiet lantern harbour")
        assert "at least 3 of" in message
        assert COMPLIANCE.errors("Quiet lantern harbour") == []  # lower, upper, other
        assert COMPLIANCE.errors("quietlantern42x") != []  # lower and digits only
        assert COMPLIANCE.errors("Quietlantern42x") == []


def test_compliance_policy_expires_passwords():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert COMPLIANCE.is_expired(now - timedelta(days=90), now)
    assert not COMPLIANCE.is_expired(now - timedelta(days=89), now)
    assert not MODERN.is_expired(now - timedelta(days=3650), now)
    # A password an administrator set must be changed whatever the policy.
    assert MODERN.is_expired(MUST_CHANGE, now)


def test_messages_are_translated(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert MODERN.errors("short-pw") == ["密码长度不能少于 12 个字符。"]


@pytest.fixture
def user(app, db_session):
    created = accounts.create_user(
        db_session, login="li.lei", name="Li Lei", password="Plum-Blossom-2026"
    )
    db_session.commit()
    return created


def change(db_session, user, current, new):
    accounts.change_password(db_session, user.id, current_password=current, new_password=new)
    db_session.commit()


def test_compliance_refuses_the_last_passwords_again(app, db_session, user):
    app.config.update(PASSWORD_POLICY="compliance", PASSWORD_HISTORY_COUNT=3)
    passwords = ["Plum-Blossom-2026", "Maple-Leaf-2027", "Cedar-Bark-2028", "Birch-Snow-2029"]
    for current, new in itertools.pairwise(passwords):
        change(db_session, user, current, new)
    # History keeps the two before the current one: three passwords in all.
    kept = (
        select(func.count()).select_from(PasswordHistory).where(PasswordHistory.user_id == user.id)
    )
    assert db_session.scalar(kept) == 2
    for reused in ("Maple-Leaf-2027", "Cedar-Bark-2028"):
        with pytest.raises(BusinessError) as refused:
            change(db_session, user, "Birch-Snow-2029", reused)
        assert "new_password" in refused.value.messages
        db_session.rollback()
    # The oldest one has left the history: allowed again.
    change(db_session, user, "Birch-Snow-2029", "Plum-Blossom-2026")


def test_modern_policy_keeps_no_history_but_refuses_the_same_password(app, db_session, user):
    change(db_session, user, "Plum-Blossom-2026", "Maple-Leaf-2027")
    assert db_session.scalar(select(func.count()).select_from(PasswordHistory)) == 0
    with pytest.raises(BusinessError) as refused:
        change(db_session, user, "Maple-Leaf-2027", "Maple-Leaf-2027")
    assert list(refused.value.messages) == ["new_password"]


def test_wrong_current_password_changes_nothing(app, db_session, user):
    before = user.password_hash
    with pytest.raises(BusinessError) as refused:
        change(db_session, user, "not-my-password-1", "Maple-Leaf-2027")
    db_session.rollback()
    assert list(refused.value.messages) == ["current_password"]
    db_session.refresh(user)
    assert user.password_hash == before
    changes = select(AuditEntry).where(AuditEntry.event == "password_change")
    assert db_session.scalars(changes).all() == []


def test_create_user_reports_every_problem_at_once(app, db_session):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(BusinessError) as refused:
            accounts.create_user(db_session, login="admin", name="Again", password="short")
        messages = refused.value.messages
        assert messages["login"] == ["The login admin is already taken."]
        assert messages["password"] == ["The password must have at least 12 characters."]
        with pytest.raises(BusinessError) as refused:
            accounts.create_user(db_session, login="bad login!", name="x", password=ADMIN_PASSWORD)
        assert "login" in refused.value.messages
