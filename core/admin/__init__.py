"""Administration: apps, users, roles, companies, system settings and the audit log.

Users and companies are generic screens declared in :mod:`core.admin.views` (served under
``/core/user/`` and ``/core/company/``); the other pages belong to blueprint
``core.admin``. Every page checks its permission through ``current_access()``, and every
change is a service call in one transaction, audited. Not for a user's own account
(``core.security.views``).
"""

from __future__ import annotations


def init_app(app) -> None:
    """Register the administration pages and the form panels' template helper."""
    # Every page module adds its routes to the blueprint on import, before it is registered.
    from core.admin import apps, audit_log, panels, roles, system, users  # noqa: F401
    from core.admin.blueprint import blueprint

    app.register_blueprint(blueprint, name_prefix="core")
    panels.init_app(app)
