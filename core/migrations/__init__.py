"""One Alembic environment for core and every addon; each has its own branch.

Revisions of an addon live in ``<addon>/migrations/`` and its first revision carries
``branch_labels = ("<addon>",)`` with no ``down_revision``: branches are independent
roots and core's lifecycle orders them by the addons' dependencies. Installing runs
``<addon>@head``, uninstalling ``<addon>@base``. All of it runs on a connection the
caller owns, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from core.plugins import Addon

HERE = Path(__file__).resolve().parent
VERSION_TABLE = "core_migration_version"
CORE_BRANCH = "core"


def alembic_config(addons: Iterable[Addon], connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    locations = [str(HERE / "versions")]
    locations += [str(a.path / "migrations") for a in addons if (a.path / "migrations").is_dir()]
    config.set_main_option("version_locations", ";".join(locations))
    config.set_main_option("path_separator", ";")
    config.set_main_option("version_table", VERSION_TABLE)
    config.attributes["connection"] = connection
    return config


def has_branch(config: Config, branch: str) -> bool:
    script = ScriptDirectory.from_config(config)
    return any(branch in (rev.branch_labels or ()) for rev in script.walk_revisions())


def upgrade(config: Config, branch: str) -> None:
    if has_branch(config, branch):
        command.upgrade(config, f"{branch}@head")


def downgrade(config: Config, branch: str) -> None:
    if has_branch(config, branch) and branch in applied_branches(config):
        command.downgrade(config, f"{branch}@base")


def applied_branches(config: Config) -> set[str]:
    """Branch labels with at least one applied revision in this database."""
    connection = config.attributes["connection"]
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    script = ScriptDirectory.from_config(config)
    labels: set[str] = set()
    for head in context.get_current_heads():
        for rev in script.iterate_revisions(head, "base"):
            labels.update(rev.branch_labels or ())
    return labels


def pending_at_head(config: Config, branch: str) -> bool:
    """True when the branch has revisions not yet applied here."""
    connection = config.attributes["connection"]
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    script = ScriptDirectory.from_config(config)
    current = set(context.get_current_heads())
    head = script.get_revision(f"{branch}@head")
    return head is not None and head.revision not in current


def table_filters(prefix: str) -> dict:
    """Autogenerate options that see only tables named ``<prefix>_*`` and what is on them.

    Indexes and constraints of other owners' tables are left out too, so one addon's
    revision never picks up another's changes.
    """

    def include_object(obj, name, type_, reflected, compare_to) -> bool:
        if type_ == "table":
            return bool(name) and name.startswith(prefix + "_")
        table = getattr(obj, "table", None)
        return table is None or table.name.startswith(prefix + "_")

    def include_name(name, type_, parent_names) -> bool:
        if type_ == "table":
            return bool(name) and name.startswith(prefix + "_")
        return True

    return {"include_object": include_object, "include_name": include_name}


def model_diff(connection: Connection, metadata, prefix: str) -> list:
    """What autogenerate would change for tables named ``<prefix>_*`` (empty: in step)."""
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            **table_filters(prefix),
            "version_table": VERSION_TABLE,
            "render_as_batch": connection.dialect.name == "sqlite",
        },
    )
    return compare_metadata(context, metadata)
