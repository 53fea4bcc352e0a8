"""Login and logout for browser users (Flask-Login), with the acting user in ``g``."""

from __future__ import annotations

from flask import Flask, g
from flask_login import LoginManager, UserMixin, current_user

from core import db
from core.i18n import lazy_gettext as _l
from core.security.passwords import hash_password, needs_rehash, verify_password
from core.security.users import User

MSG_LOGIN_REQUIRED = _l("Please log in to see this page.")
# Compared against when the login does not exist, so timing does not reveal logins.
_DUMMY_HASH = hash_password("tessera-timing-equaliser-000")


class SessionUser(UserMixin):
    """What Flask-Login keeps: the id, name and preferences of the logged-in user."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.login = user.login
        self.name = user.name
        self.is_superuser = user.is_superuser
        self.language = user.language
        self.timezone = user.timezone
        self.company_id = user.company_id


def authenticate(session, login: str, password: str) -> User | None:
    """The active user with this login and password, or None; rehashes old hashes."""
    from sqlalchemy import select

    if not login or len(login) > 64:
        verify_password(_DUMMY_HASH, password)
        return None
    user = session.scalar(select(User).where(User.login == login))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def init_app(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "core.login"
    manager.login_message = MSG_LOGIN_REQUIRED
    manager.session_protection = "strong"

    @manager.user_loader
    def load_user(user_id: str) -> SessionUser | None:
        user = db.session().get(User, int(user_id)) if user_id.isdigit() else None
        return SessionUser(user) if user is not None and user.active else None

    @app.before_request
    def _acting_user() -> None:
        if current_user.is_authenticated:
            g.uid = current_user.id
            g.company_id = current_user.company_id
            g.language = current_user.language
            g.timezone = current_user.timezone
