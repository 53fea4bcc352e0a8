"""Core's own screens: health check, login, logout, home (the apps a user has), apps.

Also the app shell every page shares (core/base.html): the system name, the apps menu of the
current user, the language choices; and the security headers of every response.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core import db
from core.addons import addon_text, state_label
from core.api import formats as api_formats
from core.i18n import lazy_gettext as _l
from core.menus import MenuNode, menu_tree
from core.registry import get_registry
from core.schemas import BusinessError
from core.security import auth
from core.security.access import AccessDenied, RecordNotFound, current_access

blueprint = Blueprint(
    "core",
    __name__,
    template_folder="templates",
    static_folder="static/core",
    static_url_path="/static/core",
)

T = TypeVar("T")

MSG_BAD_LOGIN = _l("Wrong login or password.")
MSG_LOGGED_OUT = _l("You have logged out.")

# The browser session's language before login (anonymous choice on the login page).
LANGUAGE_KEY = "language"
# Each language by its own name: a reader looks for the language they read, so never translated.
LANGUAGE_NAMES = {"zh_Hans_CN": "简体中文", "en": "English"}


@blueprint.get("/healthz")
def health():
    """For load balancers: 200 when the database answers, with the registry generation."""
    registry = get_registry()
    try:
        db.session().execute(text("SELECT 1"))
    except Exception:
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok", generation=registry.generation, addons=list(registry.installed))


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        login_name = request.form.get("login", "")[:64]
        outcome = keeping_language(
            lambda: auth.password_login(login_name, request.form.get("password", "")[:256])
        )
        if outcome.result == auth.THROTTLED:
            flash(auth.throttled_message(), "danger")
            return render_template("core/login.html", login=login_name), 429
        if outcome.result != auth.OK and outcome.result != auth.SECOND_STEP:
            flash(str(MSG_BAD_LOGIN), "danger")
            return render_template("core/login.html", login=login_name), 401
        target = _safe_next(request.args.get("next"))
        if outcome.result == auth.SECOND_STEP:
            return redirect(url_for("core.signin.second_factor", next=target))
        if outcome.password_expired:
            flash(str(auth.MSG_PASSWORD_EXPIRED), "danger")
            return redirect(url_for("core.account.password"))
        return redirect(target)
    return render_template("core/login.html", login="")


@blueprint.post("/logout")
@login_required
def logout():
    auth.log_out()
    flash(str(MSG_LOGGED_OUT), "info")
    return redirect(url_for("core.login"))


@blueprint.get("/")
@login_required
def home():
    return render_template("core/home.html", apps=reachable_apps())


@blueprint.get("/apps")
@login_required
def apps():
    access = current_access()
    access.require("core.module.read")
    return render_template(
        "core/apps.html",
        addons=get_registry().lifecycle.statuses(),
        can_manage=access.can("core.module.manage"),
    )


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("core.home")


def keeping_language(login_step: Callable[[], T]) -> T:
    """Run ``login_step`` (it clears Flask's cookie session), keeping the language chosen before.

    A language the user has set on their account still wins (``g.language``).
    """
    chosen = session.get(LANGUAGE_KEY)
    outcome = login_step()
    if chosen and LANGUAGE_KEY not in session:
        session[LANGUAGE_KEY] = chosen
    return outcome


# --------------------------------------------------------------------------- app shell


def reachable_apps() -> list[MenuNode]:
    """The apps (top-level menus) the current user may reach, with their entries."""
    access = current_access()
    granted = None if access.principal.is_superuser else access.principal.permissions
    return menu_tree(granted)


def _shell_menu() -> list[MenuNode]:
    """The navbar's apps, built once per request and only when a page shows the navbar."""
    if not current_user.is_authenticated:
        return []
    if "shell_menu" not in g:
        try:
            g.shell_menu = reachable_apps()
        except SQLAlchemyError:
            # The error page of a failed database must still render: without the menu.
            g.shell_menu = []
    return g.shell_menu


def _is_current(url: str | None) -> bool:
    """Whether ``url`` (a menu entry's) is the page shown, or a list holding it."""
    if not url:
        return False
    path = request.path
    return path == url or (url.endswith("/") and url != "/" and path.startswith(url))


def _active_app(apps: list[MenuNode]) -> str | None:
    """The id of the app holding the page being shown, to highlight it in the navbar."""
    for app in apps:
        stack = list(app.children)
        while stack:
            node = stack.pop()
            if _is_current(node.url):
                return app.item.id
            stack.extend(node.children)
    return None


def _back_here() -> str:
    """Where to come back to after a POST from this page (a language switch)."""
    rule = request.url_rule
    if request.method == "GET" or rule is None:
        return request.full_path.rstrip("?")
    if rule.methods and "GET" in rule.methods:
        return request.path
    return url_for("core.home")


def shell_context() -> dict[str, Any]:
    """What core/base.html needs on every page (registered as a context processor)."""
    from core.admin.system import logo_url
    from core.settings import SYSTEM_NAME, get_setting

    languages = current_app.config.get("LANGUAGES") or list(LANGUAGE_NAMES)
    return {
        "system_name": get_setting(SYSTEM_NAME),
        "logo_url": logo_url(),
        "shell_menu": _shell_menu,
        "active_app": _active_app,
        "is_current": _is_current,
        "back_here": _back_here,
        "language_choices": [(code, LANGUAGE_NAMES.get(code, code)) for code in languages],
    }


# No inline script, style element or event handler anywhere: scripts load with <script src>.
# data: images are Bootstrap's own icons (select arrow, close button) drawn in its stylesheet.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def init_app(app) -> None:
    """Template helpers, error pages and security headers for every response."""
    from flask_babel import get_locale

    from core import admin, i18n
    from core.security import csrf, views

    auth.init_app(app)
    csrf.init_app(app)
    views.init_app(app)
    admin.init_app(app)
    app.jinja_env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    app.jinja_env.globals.update(
        current_language=lambda: str(get_locale() or "en").replace("_", "-"),
        current_locale=lambda: str(get_locale() or "en"),
        state_label=state_label,
        addon_text=addon_text,
    )
    app.context_processor(shell_context)

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(AccessDenied, _error_page)
    app.register_error_handler(RecordNotFound, _error_page)
    app.register_error_handler(BusinessError, _refused_input)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _error_page(error):
    """HTTP errors and access refusals: JSON for the API, a translated page for people."""
    code = getattr(error, "code", 500) or 500
    message = str(error) if isinstance(error, AccessDenied | RecordNotFound) else None
    if request.path.startswith("/api/"):
        return api_formats.error_response(code, message)  # JSON or XML, as asked
    if _wants_json():
        return jsonify(error=code, message=message), code
    return render_template("core/error.html", code=code, message=message), code


def _refused_input(error: BusinessError):
    """Input a business rule refused: 422 with a message per field; nothing was changed."""
    db.session().rollback()
    if request.path.startswith("/api/"):
        return api_formats.error_response(422, messages=error.messages)
    if _wants_json():
        return jsonify(error=422, messages=error.messages), 422
    return render_template("core/error.html", code=422, messages=error.messages), 422
