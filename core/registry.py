"""The live registry of one app: which addons are installed and their plugin manager.

Every request starts by reading the registry generation (one indexed read); when
another process installed or removed an addon the generation has grown, and this
worker rebuilds its plugin manager before serving, so all workers stay in step
without a restart.
"""

from __future__ import annotations

import threading

import pluggy
from flask import Flask, abort, current_app, request
from sqlalchemy import inspect, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from core import db
from core.addons import Lifecycle
from core.models import Registry as RegistryRow
from core.plugins import Catalog, collect, make_plugin_manager


class AddonRegistry:
    def __init__(self, catalog: Catalog, database: db.Database) -> None:
        self.catalog = catalog
        self.database = database
        self.lifecycle = Lifecycle(catalog, database, on_change=self.invalidate)
        self.generation = -1
        self.installed: tuple[str, ...] = ()
        self.pm: pluggy.PluginManager = make_plugin_manager(catalog, ())
        self._lock = threading.Lock()

    @property
    def hook(self):
        self._ensure_loaded()
        return self.pm.hook

    def collect(self, hook_name: str) -> list:
        self._ensure_loaded()
        return collect(self.pm, hook_name)

    def is_installed(self, name: str) -> bool:
        self._ensure_loaded()
        return name in self.installed

    def _ensure_loaded(self) -> None:
        """Outside a request (CLI, scripts, jobs, tests) nothing refreshed us yet: do it now."""
        if self.generation < 0:
            self.refresh()

    def invalidate(self) -> None:
        self.generation = -1

    def refresh(self, session=None) -> bool:
        """Reload when the stored generation differs from the loaded one; True if reloaded."""
        stored = self._stored_generation(session)
        if stored == self.generation:
            return False
        with self._lock:
            if stored == self.generation:
                return False
            installed = tuple(self.lifecycle.installed(session)) if stored > 0 else ()
            self.pm = make_plugin_manager(self.catalog, installed)
            self.installed = installed
            self.generation = stored
        return True

    def _stored_generation(self, session=None) -> int:
        own = session is None
        session = session or self.database.read_session()
        try:
            return session.scalar(select(RegistryRow.generation).where(RegistryRow.id == 1)) or 0
        except (OperationalError, ProgrammingError):
            session.rollback()
            return 0 if not inspect(self.database.engine).has_table("core_registry") else -1
        finally:
            if own:
                session.close()


def init_app(app: Flask, registry: AddonRegistry) -> None:
    app.extensions["tessera.registry"] = registry

    @app.before_request
    def _refresh_registry() -> None:
        if app.config.get("REGISTRY_CHECK", True):
            registry.refresh(db.session())
        addon = (request.blueprint or "").split(".", 1)[0]
        if addon in registry.catalog and not registry.is_installed(addon):
            abort(404)


def get_registry(app: Flask | None = None) -> AddonRegistry:
    return (app or current_app).extensions["tessera.registry"]
