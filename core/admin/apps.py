"""Installing, upgrading and uninstalling apps from the apps page.

Install and uninstall first show what they will do: the apps installed along (missing
dependencies), or the apps, tables and records removed with it. The action then runs
in the request through the addon lifecycle (one transaction per addon, under the
lifecycle lock) and is audited; the registry generation it bumps changes every worker's
menus at their next request. Every route needs ``core.module.manage``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from core import db
from core.admin.blueprint import blueprint
from core.i18n import lazy_gettext as _l
from core.plugins import AddonError
from core.registry import get_registry
from core.security import audit
from core.security.access import current_access

PERMISSION = "core.module.manage"

MSG_INSTALLED = _l("Installed: %(addons)s.")
MSG_UPGRADED = _l("Upgraded: %(addons)s.")
MSG_UP_TO_DATE = _l("%(addon)s is up to date.")
MSG_UNINSTALLED = _l("Uninstalled: %(addons)s.")
MSG_CONFIRM_DATA_LOSS = _l("Tick the box to confirm that this data will be deleted.")
MSG_IMPACT_CHANGED = _l("What uninstalling removes has changed since you looked; check it again.")


def _lifecycle():
    """The lifecycle, with this request's own transaction ended first.

    The lifecycle works on a connection of its own and takes the write lock; the
    request's session must not hold it (SQLite would make the two wait on each other).
    """
    current_access().require(PERMISSION)
    db.session().commit()
    return get_registry().lifecycle


def _known(name: str) -> str:
    catalog = get_registry().catalog
    if name not in catalog:
        abort(404)
    return catalog[name].name


def _audit(event: str, changes: dict) -> None:
    with db.transaction() as session:
        audit.record(session, event, resource="core.module", changes=changes)


def _refused(error: AddonError):
    flash(str(error), "danger")
    return redirect(url_for("core.apps"))


@blueprint.get("/apps/<name>/install")
@login_required
def install_preview(name: str):
    lifecycle = _lifecycle()
    name = _known(name)
    installed = set(lifecycle.installed())
    if name in installed:
        return redirect(url_for("core.apps"))
    try:
        along = [n for n in lifecycle.catalog.closure([name]) if n not in installed and n != name]
    except AddonError as error:
        return _refused(error)
    return render_template(
        "core/admin/app_install.html", addon=lifecycle.catalog[name], along=along
    )


@blueprint.post("/apps/<name>/install")
@login_required
def install(name: str):
    lifecycle = _lifecycle()
    name = _known(name)
    try:
        done = lifecycle.install([name])
    except AddonError as error:
        return _refused(error)
    _audit("addon_install", {"addons": done})
    flash(str(MSG_INSTALLED) % {"addons": ", ".join(done)}, "success")
    return redirect(url_for("core.apps"))


@blueprint.post("/apps/<name>/upgrade")
@login_required
def upgrade(name: str):
    lifecycle = _lifecycle()
    name = _known(name)
    try:
        done = lifecycle.upgrade([name])
    except AddonError as error:
        return _refused(error)
    if not done:
        flash(str(MSG_UP_TO_DATE) % {"addon": name}, "info")
        return redirect(url_for("core.apps"))
    _audit("addon_upgrade", {"addons": done, "version": lifecycle.catalog[name].version})
    flash(str(MSG_UPGRADED) % {"addons": ", ".join(done)}, "success")
    return redirect(url_for("core.apps"))


@blueprint.get("/apps/<name>/uninstall")
@login_required
def uninstall_preview(name: str):
    lifecycle = _lifecycle()
    name = _known(name)
    try:
        impact = lifecycle.impact(name)
    except AddonError as error:
        return _refused(error)
    return render_template(
        "core/admin/app_uninstall.html", addon=lifecycle.catalog[name], impact=impact
    )


@blueprint.post("/apps/<name>/uninstall")
@login_required
def uninstall(name: str):
    lifecycle = _lifecycle()
    name = _known(name)
    if request.form.get("confirm") != "1":
        flash(str(MSG_CONFIRM_DATA_LOSS), "danger")
        return redirect(url_for("core.admin.uninstall_preview", name=name))
    try:
        impact = lifecycle.impact(name)
        if sorted(request.form.getlist("addons")) != sorted(impact.addons):
            # Someone installed or removed an app since the preview: show it again.
            flash(str(MSG_IMPACT_CHANGED), "danger")
            return redirect(url_for("core.admin.uninstall_preview", name=name))
        removed = lifecycle.uninstall(name, cascade=True)
    except AddonError as error:
        return _refused(error)
    _audit("addon_uninstall", {"addons": removed, "tables": impact.tables})
    flash(str(MSG_UNINSTALLED) % {"addons": ", ".join(removed)}, "success")
    return redirect(url_for("core.apps"))
