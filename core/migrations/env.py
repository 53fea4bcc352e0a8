"""Alembic environment of Tessera: runs on the connection given by core's lifecycle.

Run through ``tessera`` (addons install / upgrade / uninstall, ``tessera addon revision``),
never the bare ``alembic`` command: the version locations depend on discovered addons.
"""

from alembic import context

from core.db import Base
from core.migrations import VERSION_TABLE

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through the tessera command, which provides a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=context.config.attributes.get("include_name"),
    include_object=context.config.attributes.get("include_object"),
)
with context.begin_transaction():
    context.run_migrations()
