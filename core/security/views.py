"""A user's own account screens, the login's second step, and the API token endpoint.

``/account``: password, two-factor login, recovery codes, sessions, API tokens, the language
pages are shown in (blueprint ``core.account``). ``/login/second-factor``: the code after the
password (``core.signin``).
``POST /api/v1/auth/tokens``: a bearer token for a login and password (``core.auth_api``).
Each action is one transaction, committed here; the rules live in the services.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie_session
from flask_login import current_user, login_required
from marshmallow import fields

from core import db
from core.i18n import lazy_gettext as _l
from core.i18n import normalise_language
from core.schemas import (
    GENERAL,
    MSG_NOT_INTEGER,
    MSG_NOT_RECORD,
    Between,
    BusinessError,
    TranslatedSchema,
    load,
    text,
)
from core.security import accounts, audit, auth, csrf, sessions, throttle, tokens, totp
from core.security.passwords import MAX_LENGTH
from core.security.users import User
from core.web import LANGUAGE_KEY, _safe_next, keeping_language

MSG_PASSWORD_CHANGED = _l("Your password was changed; your other sessions have ended.")
MSG_TIMEZONE_SAVED = _l("Dates and times are now shown in your time zone.")
MSG_TWO_FACTOR_ON = _l("Two-factor login is on.")
MSG_TWO_FACTOR_OFF = _l("Two-factor login is off.")
MSG_SESSION_ENDED = _l("The session has ended.")
MSG_OTHER_SESSIONS_ENDED = _l("Your other sessions have ended.")
MSG_TOKEN_REVOKED = _l("The token was revoked.")
MSG_LOG_IN_AGAIN = _l("Your login has timed out; please log in again.")
MSG_BAD_CREDENTIALS = _l("Wrong login, password or code.")
MSG_SESSION_NEEDED = _l("Open this page in a browser session, not with an API token.")

account = Blueprint("account", __name__, url_prefix="/account")
signin = Blueprint("signin", __name__)
auth_api = Blueprint("auth_api", __name__, url_prefix="/api/v1/auth")


def browser_session_required(view):
    """Logged in through the login page: an API token may not manage the account."""

    @login_required
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.session_id is None:
            abort(403, description=str(MSG_SESSION_NEEDED))
        return view(*args, **kwargs)

    return wrapper


def _me(session) -> User:
    return session.get(User, current_user.id)


def _form(name: str, limit: int = MAX_LENGTH + 1) -> str:
    return request.form.get(name, "")[:limit]


# --------------------------------------------------------------------------- account


@account.get("/")
@browser_session_required
def index():
    session = db.session()
    user = _me(session)
    from core.settings import time_zones

    return render_template(
        "core/account/index.html",
        user=user,
        remaining_codes=totp.remaining_recovery_codes(session, user.id),
        time_zones=time_zones(),
    )


@account.route("/password", methods=["GET", "POST"])
@browser_session_required
def password():
    if request.method == "GET":
        return render_template("core/account/password.html", errors={})
    try:
        with db.transaction() as session:
            accounts.change_password(
                session,
                current_user.id,
                current_password=_form("current_password"),
                new_password=_form("new_password"),
                confirmation=_form("confirmation"),
                keep_session=current_user.session_id,
            )
    except BusinessError as error:
        return render_template("core/account/password.html", errors=error.messages), 422
    flash(str(MSG_PASSWORD_CHANGED), "info")
    return redirect(url_for("core.account.index"))


@account.get("/two-factor")
@browser_session_required
def two_factor():
    session = db.session()
    user = _me(session)
    return render_template(
        "core/account/two_factor.html",
        user=user,
        remaining_codes=totp.remaining_recovery_codes(session, user.id),
        errors={},
    )


@account.post("/two-factor/setup")
@browser_session_required
def two_factor_start():
    try:
        with db.transaction() as session:
            totp.start_setup(session, _me(session))
    except BusinessError as error:
        return _two_factor_refused(error)
    return redirect(url_for("core.account.two_factor_setup"))


@account.get("/two-factor/setup")
@browser_session_required
def two_factor_setup():
    user = _me(db.session())
    if user.totp_enabled or not user.totp_secret:
        return redirect(url_for("core.account.two_factor"))
    return _setup_page(user, {})


def _setup_page(user: User, errors: dict, status: int = 200):
    uri = totp.provisioning_uri(user.totp_secret, user.login)
    page = render_template(
        "core/account/two_factor_setup.html",
        uri=uri,
        secret=user.totp_secret,
        qr_svg=totp.qr_svg(uri),
        errors=errors,
    )
    return page, status


@account.post("/two-factor/confirm")
@browser_session_required
def two_factor_confirm():
    try:
        with db.transaction() as session:
            codes = totp.confirm_setup(
                session, _me(session), _form("code", 32), current_session=current_user.session_id
            )
    except BusinessError as error:
        user = _me(db.session())
        if user.totp_enabled or not user.totp_secret:
            return _two_factor_refused(error)
        return _setup_page(user, error.messages, 422)
    flash(str(MSG_TWO_FACTOR_ON), "info")
    return render_template("core/account/recovery_codes.html", codes=codes)


@account.post("/two-factor/disable")
@browser_session_required
def two_factor_disable():
    try:
        with db.transaction() as session:
            totp.disable(session, _me(session), _form("password"))
    except BusinessError as error:
        return _two_factor_refused(error)
    flash(str(MSG_TWO_FACTOR_OFF), "info")
    return redirect(url_for("core.account.two_factor"))


@account.post("/two-factor/recovery-codes")
@browser_session_required
def recovery_codes():
    try:
        with db.transaction() as session:
            codes = totp.regenerate_recovery_codes(session, _me(session), _form("password"))
    except BusinessError as error:
        return _two_factor_refused(error)
    return render_template("core/account/recovery_codes.html", codes=codes)


def _two_factor_refused(error: BusinessError):
    session = db.session()
    user = _me(session)
    page = render_template(
        "core/account/two_factor.html",
        user=user,
        remaining_codes=totp.remaining_recovery_codes(session, user.id),
        errors=error.messages,
    )
    return page, 422


@account.get("/sessions")
@browser_session_required
def session_list():
    rows = sessions.active(db.session(), current_user.id)
    return render_template("core/account/sessions.html", rows=rows, current=current_user.session_id)


@account.post("/sessions/<session_id>/end")
@browser_session_required
def end_session(session_id: str):
    with db.transaction() as session:
        row = sessions.find_own(session, current_user.id, session_id[:64])
        if row is None:
            abort(404)
        sessions.end(session, row)
        audit.record(session, "session_revoke", login=current_user.login, changes={"sessions": 1})
    if row.id == current_user.session_id:
        auth.forget_browser()
        flash(str(MSG_SESSION_ENDED), "info")
        return redirect(url_for("core.login"))
    flash(str(MSG_SESSION_ENDED), "info")
    return redirect(url_for("core.account.session_list"))


@account.post("/sessions/end-others")
@browser_session_required
def end_other_sessions():
    with db.transaction() as session:
        ended = sessions.end_all(session, current_user.id, keep=current_user.session_id)
        audit.record(
            session, "session_revoke", login=current_user.login, changes={"sessions": ended}
        )
    flash(str(MSG_OTHER_SESSIONS_ENDED), "info")
    return redirect(url_for("core.account.session_list"))


@account.get("/tokens")
@browser_session_required
def token_list():
    return _tokens_page()


def _tokens_page(*, new_token: str | None = None, errors: dict | None = None, status: int = 200):
    page = render_template(
        "core/account/tokens.html",
        rows=tokens.list_tokens(db.session(), current_user.id),
        usable=tokens.is_usable,
        new_token=new_token,
        errors=errors or {},
        form=request.form if errors else {},
    )
    return page, status


@account.post("/tokens")
@browser_session_required
def token_create():
    days = request.form.get("lifetime_days", "").strip()
    try:
        if days and not days.isdigit():
            raise BusinessError.on("lifetime_days", MSG_NOT_INTEGER)
        with db.transaction() as session:
            token, _record = tokens.create_token(
                session,
                _me(session),
                name=request.form.get("name", "")[:200],
                lifetime_days=int(days) if days else None,
            )
    except BusinessError as error:
        return _tokens_page(errors=error.messages, status=422)
    return _tokens_page(new_token=token, status=201)


@account.post("/tokens/<int:token_id>/revoke")
@browser_session_required
def token_revoke(token_id: int):
    try:
        with db.transaction() as session:
            tokens.revoke_token(session, current_user.id, token_id)
    except BusinessError as error:
        return _tokens_page(errors=error.messages, status=422)
    flash(str(MSG_TOKEN_REVOKED), "info")
    return redirect(url_for("core.account.token_list"))


@account.post("/language")
def language():
    """Show pages in another language, then go back to the page the switch was on.

    Kept on the user's account; before login, in this browser's session (the login page).
    """
    chosen = request.form.get("language", "")[:16]
    if normalise_language(chosen) != chosen or chosen not in current_app.config["LANGUAGES"]:
        abort(400)
    if current_user.is_authenticated:
        with db.transaction() as session:
            _me(session).language = chosen
    else:
        cookie_session[LANGUAGE_KEY] = chosen
    return redirect(_back_to(request.form.get("next")))


@account.post("/timezone")
@browser_session_required
def timezone():
    """Show dates and times in the user's own time zone (blank: the system default)."""
    from core.settings import known_time_zones

    chosen = _form("timezone", 64)
    if chosen and chosen not in known_time_zones():
        abort(400)
    with db.transaction() as session:
        _me(session).timezone = chosen or None
    flash(str(MSG_TIMEZONE_SAVED), "success")
    return redirect(url_for("core.account.index"))


def _back_to(target: str | None) -> str:
    """``target`` if it is a path of this site, else the referring page's, else home."""
    if not target and request.referrer:
        referrer = urlsplit(request.referrer)
        if referrer.netloc == request.host:
            target = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return _safe_next(target)


# --------------------------------------------------------------------------- second step


@signin.route("/login/second-factor", methods=["GET", "POST"])
def second_factor():
    target = request.args.get("next") or url_for("core.home")
    if request.method == "GET":
        with db.transaction() as session:
            waiting = auth.pending_second_step(session) is not None
        if not waiting:
            return redirect(url_for("core.login"))
        return render_template("core/account/second_factor.html", next=target)
    outcome = keeping_language(lambda: auth.second_step_login(_form("code", 64)))
    if outcome.result == auth.NO_PENDING_LOGIN:
        flash(str(MSG_LOG_IN_AGAIN), "danger")
        return redirect(url_for("core.login"))
    if outcome.result == auth.THROTTLED:
        flash(auth.throttled_message(), "danger")
        return render_template("core/account/second_factor.html", next=target), 429
    if outcome.result == auth.FAILED:
        flash(str(totp.MSG_BAD_CODE), "danger")
        return render_template("core/account/second_factor.html", next=target), 401
    if outcome.password_expired:
        flash(str(auth.MSG_PASSWORD_EXPIRED), "danger")
        return redirect(url_for("core.account.password"))
    return redirect(_safe_next(target))


# --------------------------------------------------------------------------- API


class TokenRequestSchema(TranslatedSchema):
    login = text(64, required=True)
    password = fields.String(required=True)
    name = text(80, required=True)
    lifetime_days = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=Between(1, tokens.MAX_LIFETIME_DAYS),
    )
    otp = text(64)


@auth_api.post("/tokens")
def create_api_token():
    """Exchange a login and password (and a code, with two-factor login on) for a token."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _api_refusal({GENERAL: [str(MSG_NOT_RECORD)]})
    # The password is taken as sent, spaces and all; the schema trims text fields.
    password_sent = data.get("password")
    try:
        fields_ = load(TokenRequestSchema(), data)
    except BusinessError as error:
        return _api_refusal(error.messages)
    password_sent = password_sent if isinstance(password_sent, str) else ""
    login_name = fields_["login"]
    reservation = auth.reserve_attempt(login_name)
    if reservation is None:
        return jsonify(error=429, message=auth.throttled_message()), 429
    with db.transaction() as session:
        user = auth.authenticate(session, login_name, password_sent[: MAX_LENGTH + 1])
        reason = "password" if user is None else None
        code = fields_.get("otp") or ""
        if (
            user is not None
            and user.totp_enabled
            and not totp.verify_second_factor(session, user, code)
        ):
            user, reason = None, "second_factor"
        if user is None:
            auth.record_failure(session, login_name, reason, channel="api")
            failed = True
        else:
            failed = False
            throttle.get_throttle().succeed(session, reservation, clear_account=True)
    if failed:
        return jsonify(error=401, message=str(MSG_BAD_CREDENTIALS)), 401
    if auth.password_expired(user):
        return jsonify(error=403, message=str(auth.MSG_PASSWORD_EXPIRED)), 403
    g.uid = user.id
    try:
        with db.transaction() as session:
            token, record = tokens.create_token(
                session,
                session.get(User, user.id),
                name=fields_["name"],
                lifetime_days=fields_.get("lifetime_days"),
            )
    except BusinessError as error:
        return _api_refusal(error.messages)
    expires = record.expires_at.isoformat() if record.expires_at else None
    body = {"token": token, "id": record.id, "prefix": record.prefix, "expires_at": expires}
    return jsonify(body), 201


def _api_refusal(messages: dict):
    return jsonify(error=422, errors=messages), 422


# --------------------------------------------------------------------------- setup


def init_app(app: Flask) -> None:
    """Register the blueprints under core (``core.account`` and friends)."""
    for blueprint in (account, signin, auth_api):
        app.register_blueprint(blueprint, name_prefix="core")
    csrf.exempt(app, "core.auth_api.create_api_token")
