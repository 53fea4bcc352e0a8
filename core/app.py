"""The application factory: the only place a Tessera app is built."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask

from core import config, db, i18n, jobs, registry
from core.plugins import discover, make_plugin_manager
from core.security import audit, audit_changes, crypto  # noqa: F401  (audit: session events)

log = logging.getLogger(__name__)


def create_app(
    config_overrides: dict[str, Any] | None = None,
    addons: Iterable[str] | None = None,
    instance_path: str | None = None,
) -> Flask:
    """Build an app: settings, database, discovered addons, their blueprints and jobs.

    ``addons`` restricts which discovered addons may load (like ``TESSERA_ADDONS``).
    Addons that cannot load are reported in the log and left out; the app still starts.
    """
    app = Flask(
        "core", instance_path=instance_path, instance_relative_config=True, static_folder=None
    )
    config.load_settings(app, config_overrides)
    # Known-answer tests and keys first: a broken cipher or a bad key stops the start.
    crypto.init_app(app)
    if addons is not None:
        app.config["ADDONS"] = list(addons)

    i18n.init_app(app)
    database = db.init_app(app)
    catalog = discover(
        config.split_list(app.config.get("ADDONS_PATH", ""), ":"), app.config.get("ADDONS")
    )
    for name, error in catalog.errors.items():
        log.error("addon %s cannot load: %s", name, error)
    app.extensions["tessera.catalog"] = catalog
    addon_registry = registry.AddonRegistry(catalog, database)
    registry.init_app(app, addon_registry)
    _register_blueprints(app, catalog)
    jobs.init_app(app)
    return app


def _register_blueprints(app: Flask, catalog) -> None:
    """Blueprints of every discovered addon, installed or not: Flask wants routes up front."""
    from core import web
    from core.api import resources
    from core.views import screens

    web.init_app(app)
    app.register_blueprint(web.blueprint)
    screens.init_app(app)
    resources.init_app(app)
    everything = make_plugin_manager(catalog, catalog.names())
    for plugin_name, plugin in everything.list_name_plugin():
        impl = getattr(plugin, "core_register_blueprints", None)
        if impl is None or plugin_name == "core":
            continue
        owner = plugin_name.split("+", 1)[0]
        for blueprint in impl() or []:
            if blueprint.name != owner and not blueprint.name.startswith(owner + "."):
                log.error(
                    "addon %s: blueprint %r left out, its name must start with %r",
                    owner,
                    blueprint.name,
                    owner,
                )
                continue
            app.register_blueprint(blueprint)
