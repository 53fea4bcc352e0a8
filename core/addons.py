"""Addon lifecycle: install, upgrade and uninstall, with module states in the database.

Each addon is installed, upgraded or removed in one transaction: its Alembic branch,
its data and its module state commit together or not at all (both engines have
transactional DDL). Lifecycle transactions are serialised across processes (an
advisory lock on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) and re-read the module
states once they hold the lock, so two processes installing at once cannot both win.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.orm import Session

from core import migrations
from core.db import Base, Database, utcnow
from core.hookspecs import AddonEvent
from core.i18n import catalogue_domain
from core.i18n import lazy_gettext as _l
from core.models import Module, ModuleState, Registry, Sequence, bump_generation
from core.plugins import AddonError, Catalog, collect, make_plugin_manager

LIFECYCLE_LOCK_ID = 7_305_417  # any constant shared by all Tessera processes

MSG_NOT_INITIALISED = _l("the database is not initialised: run `tessera init` first")
MSG_ALREADY_INSTALLED = _l("addon %(addon)s is already installed")
MSG_NOT_INSTALLED = _l("addon %(addon)s is not installed")
MSG_NEEDED_BY = _l(
    "addon %(addon)s is needed by installed addons %(dependants)s; "
    "uninstall them too (confirm, or pass --yes)"
)
MSG_DEPENDENCY_MISSING = _l("addon %(addon)s needs %(dependency)s, which is not installed")
MSG_DOWNGRADE = _l(
    "addon %(addon)s is installed at version %(installed)s, newer than the code's %(version)s"
)
MSG_FAILED = _l("installing addon %(addon)s failed, nothing was changed: %(error)s")
MSG_UPGRADE_FAILED = _l("upgrading addon %(addon)s failed, nothing was changed: %(error)s")
MSG_UNINSTALL_FAILED = _l("uninstalling addon %(addon)s failed, nothing was changed: %(error)s")

INSTALLED_STATES = (ModuleState.INSTALLED, ModuleState.TO_UPGRADE, ModuleState.TO_REMOVE)

STATE_LABELS = {
    "available": _l("Available"),
    "installed": _l("Installed"),
    "to_upgrade": _l("To upgrade"),
    "to_remove": _l("To remove"),
    "broken": _l("Cannot load"),
}


def state_label(state: str) -> str:
    """A module state in the reader's language."""
    return str(STATE_LABELS.get(state, state))


def addon_text(name: str, text: str) -> str:
    """A text of addon ``name``'s manifest (summary, category) in the reader's language.

    ``tessera i18n update`` extracts manifest texts into the addon's own catalogue.
    """
    from flask import current_app

    catalog = current_app.extensions["tessera.catalog"]
    if not text or name not in catalog:
        return text
    return catalogue_domain(str(catalog[name].path / "__init__.py"), name).gettext(text)


@dataclass(frozen=True)
class AddonStatus:
    name: str
    version: str | None
    installed_version: str | None
    state: str
    summary: str
    depends: tuple[str, ...]
    category: str
    error: str | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "version": self.version,
            "installed_version": self.installed_version,
            "state": self.state,
            "summary": self.summary,
            "depends": list(self.depends),
            "category": self.category,
            "error": self.error,
        }


@dataclass(frozen=True)
class Impact:
    """What uninstalling an addon takes with it."""

    addons: tuple[str, ...]
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


class Lifecycle:
    """The lifecycle operations of one database, for one catalog of addons."""

    def __init__(
        self, catalog: Catalog, database: Database, on_change: Callable[[], None] | None = None
    ) -> None:
        self.catalog = catalog
        self.database = database
        self.on_change = on_change

    # ----------------------------------------------------------------- reading

    def is_initialised(self) -> bool:
        with self.database.read_session() as session:
            return inspect(session.connection()).has_table(Registry.__tablename__)

    def installed(self, session: Session | None = None) -> list[str]:
        """Installed addon names that this process can load, in dependency order."""
        if session is None:
            with self.database.read_session() as own:
                return self.installed(own)
        if not inspect(session.connection()).has_table(Module.__tablename__):
            return []
        names = set(session.scalars(select(Module.name).where(Module.state.in_(INSTALLED_STATES))))
        return [n for n in self.catalog.names() if n in names]

    def statuses(self) -> list[AddonStatus]:
        rows: dict[str, Module] = {}
        if self.is_initialised():
            with self.database.read_session() as session:
                rows = {m.name: m for m in session.scalars(select(Module))}
        result = []
        for addon in self.catalog.addons.values():
            row = rows.get(addon.name)
            state = row.state.value if row else ModuleState.AVAILABLE.value
            if (
                row
                and row.state == ModuleState.INSTALLED
                and row.installed_version != addon.version
            ):
                state = ModuleState.TO_UPGRADE.value
            result.append(
                AddonStatus(
                    addon.name,
                    addon.version,
                    row.installed_version if row else None,
                    state,
                    addon.manifest.summary,
                    addon.depends,
                    addon.manifest.category,
                )
            )
        for name, error in sorted(self.catalog.errors.items()):
            row = rows.get(name)
            result.append(
                AddonStatus(
                    name,
                    None,
                    row.installed_version if row else None,
                    row.state.value if row else "broken",
                    "",
                    (),
                    "",
                    str(error),
                )
            )
        return result

    def impact(self, name: str) -> Impact:
        """The addons and the tables (with row counts) that uninstalling ``name`` removes."""
        addon = self.catalog[name]
        with self.database.new_session() as session:
            installed = self.installed(session)
            if addon.name not in installed:
                raise AddonError(MSG_NOT_INSTALLED, addon=name)
            going = [addon.name, *self.catalog.dependants(addon.name, installed)]
            existing = set(inspect(session.connection()).get_table_names())
            tables: dict[str, int] = {}
            for table in Base.metadata.sorted_tables:
                owner = self.catalog.table_owner(table.name)
                if owner in going and table.name in existing:
                    tables[table.name] = session.scalar(select(func.count()).select_from(table))
        return Impact(tuple(going), tables)

    # ----------------------------------------------------------------- changing

    def install(self, names: Iterable[str], *, demo: bool = False) -> list[str]:
        """Install ``names`` and what they need, dependencies first, one transaction each.

        Returns the addons this call installed. An addon asked for by name that is
        already installed is an error; dependencies already installed are skipped.
        """
        self._require_initialised()
        asked = [self.catalog[n].name for n in names]
        installed_now = set(self.installed())
        for name in asked:
            if name in installed_now:
                raise AddonError(MSG_ALREADY_INSTALLED, addon=name)
        done: list[str] = []
        for name in self.catalog.closure(asked):
            if name in installed_now:
                continue
            self._install_one(name, demo=demo)
            installed_now.add(name)
            done.append(name)
        return done

    def upgrade(self, names: Iterable[str] | None = None) -> list[str]:
        """Run new migrations of ``names`` (all installed when None); returns those upgraded."""
        self._require_initialised()
        installed = self.installed()
        wanted = installed if names is None else [self.catalog[n].name for n in names]
        for name in wanted:
            if name not in installed:
                raise AddonError(MSG_NOT_INSTALLED, addon=name)
        done = []
        for name in [n for n in installed if n in wanted]:
            if self._upgrade_one(name):
                done.append(name)
        return done

    def uninstall(self, name: str, *, cascade: bool = False) -> list[str]:
        """Uninstall ``name``; with ``cascade`` also the installed addons that need it."""
        impact = self.impact(name)
        dependants = [a for a in impact.addons if a != self.catalog[name].name]
        if dependants and not cascade:
            raise AddonError(MSG_NEEDED_BY, addon=name, dependants=", ".join(dependants))
        for addon in reversed(impact.addons):
            self._uninstall_one(addon)
        return list(reversed(impact.addons))

    # ----------------------------------------------------------------- one addon

    def _install_one(self, name: str, *, demo: bool) -> None:
        addon = self.catalog[name]
        with self._transaction(name, MSG_FAILED) as (connection, session):
            row = self._module_row(session, name)
            if row.state in INSTALLED_STATES:
                raise AddonError(MSG_ALREADY_INSTALLED, addon=name)
            installed = self.installed(session)
            for dep in addon.depends:
                if dep not in installed:
                    raise AddonError(MSG_DEPENDENCY_MISSING, addon=name, dependency=dep)
            migrations.upgrade(self._alembic(connection), name)
            pm = make_plugin_manager(self.catalog, [*installed, name])
            self._create_sequences(session, pm, name)
            row.state = ModuleState.INSTALLED
            row.installed_version = addon.version
            row.installed_at = utcnow()
            row.demo = demo
            session.flush()
            event = AddonEvent(name, addon.version, demo, tuple([*installed, name]))
            pm.hook.core_addon_installed(event=event, session=session)
            session.flush()
            bump_generation(session)
        self._changed()

    def _upgrade_one(self, name: str) -> bool:
        addon = self.catalog[name]
        with self._transaction(name, MSG_UPGRADE_FAILED) as (connection, session):
            row = self._module_row(session, name)
            config = self._alembic(connection)
            pending = (
                migrations.pending_at_head(config, name)
                if migrations.has_branch(config, name)
                else False
            )
            if row.installed_version == addon.version and not pending:
                return False
            if row.installed_version and _version(row.installed_version) > _version(addon.version):
                raise AddonError(
                    MSG_DOWNGRADE,
                    addon=name,
                    installed=row.installed_version,
                    version=addon.version,
                )
            migrations.upgrade(config, name)
            pm = make_plugin_manager(self.catalog, self.installed(session))
            self._create_sequences(session, pm, name)
            row.state = ModuleState.INSTALLED
            row.installed_version = addon.version
            bump_generation(session)
        self._changed()
        return True

    def _uninstall_one(self, name: str) -> None:
        addon = self.catalog[name]
        with self._transaction(name, MSG_UNINSTALL_FAILED) as (connection, session):
            row = self._module_row(session, name)
            if row.state not in INSTALLED_STATES:
                raise AddonError(MSG_NOT_INSTALLED, addon=name)
            installed = self.installed(session)
            still_needed = self.catalog.dependants(name, installed)
            if still_needed:
                raise AddonError(MSG_NEEDED_BY, addon=name, dependants=", ".join(still_needed))
            migrations.downgrade(self._alembic(connection), name)
            session.query(Sequence).filter(Sequence.addon == name).delete()
            row.state = ModuleState.AVAILABLE
            row.installed_version = None
            row.installed_at = None
            session.flush()
            remaining = [n for n in installed if n != name]
            pm = make_plugin_manager(self.catalog, remaining)
            event = AddonEvent(name, addon.version, False, tuple(remaining))
            pm.hook.core_addon_uninstalled(event=event, session=session)
            bump_generation(session)
        self._changed()

    # ----------------------------------------------------------------- helpers

    @contextmanager
    def _transaction(self, name: str, failure) -> Iterator[tuple[Connection, Session]]:
        """One locked lifecycle transaction; an unexpected error becomes ``failure``."""
        try:
            with LockedTransaction(self.database) as pair:
                yield pair
        except AddonError:
            raise
        except Exception as exc:
            raise AddonError(failure, addon=name, error=_describe(exc)) from exc

    def _alembic(self, connection: Connection):
        return migrations.alembic_config(self.catalog.addons.values(), connection)

    def _module_row(self, session: Session, name: str) -> Module:
        row = session.scalar(select(Module).where(Module.name == name))
        if row is None:
            row = Module(name=name, state=ModuleState.AVAILABLE)
            session.add(row)
            session.flush()
        return row

    def _create_sequences(self, session: Session, pm, name: str) -> None:
        from flask_babel import force_locale

        existing = set(session.scalars(select(Sequence.code).where(Sequence.addon == name)))
        for definition in collect(pm, "core_register_sequences"):
            if definition.code.split(".", 1)[0] != name or definition.code in existing:
                continue
            with force_locale("en"):  # stored in the source language, shown translated
                label = str(definition.name)
            session.add(
                Sequence(
                    code=definition.code,
                    addon=name,
                    name=label,
                    prefix=definition.prefix,
                    padding=definition.padding,
                    next_number=definition.start,
                )
            )
        session.flush()

    def _require_initialised(self) -> None:
        if not self.is_initialised():
            raise AddonError(MSG_NOT_INITIALISED)

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()


class LockedTransaction:
    """A connection in a transaction holding the lifecycle lock, and a session on it."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def __enter__(self) -> tuple[Connection, Session]:
        self.context = self.database.engine.begin()
        self.connection = self.context.__enter__()
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(
                text("SELECT pg_advisory_xact_lock(:k)"), {"k": LIFECYCLE_LOCK_ID}
            )
        self.session = Session(bind=self.connection, expire_on_commit=False)
        return self.connection, self.session

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                self.session.flush()
        finally:
            self.session.close()
        return self.context.__exit__(exc_type, exc, tb)


def _version(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in value.split("."))


def _describe(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text_[0] if text_ else ''}"[:500]
