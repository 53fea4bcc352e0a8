"""Core's own revisions that move data: run on a bare database of each engine."""

import pytest
import sqlalchemy as sa
from alembic import command

from core import migrations


@pytest.mark.spec("4.1.1")
def test_custom_role_permissions_move_to_their_own_column_and_back(db_engine):
    engine = sa.create_engine(db_engine.fresh_url())
    try:
        with engine.begin() as connection:
            config = migrations.alembic_config([], connection)
            command.upgrade(config, "c0a3")
            connection.execute(
                sa.text(
                    "INSERT INTO core_role (name, label, implies, created_at, updated_at) "
                    "VALUES ('custom.x', 'X', :implies, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"implies": '["sales.user", "permission:core.settings.read"]'},
            )
            command.upgrade(config, "c0a4")
            implies, permissions = connection.execute(
                sa.text("SELECT implies, permissions FROM core_role")
            ).one()
            assert _json(implies) == ["sales.user"]
            assert _json(permissions) == ["core.settings.read"]
            command.downgrade(config, "c0a3")
            (implies,) = connection.execute(sa.text("SELECT implies FROM core_role")).one()
            assert _json(implies) == ["sales.user", "permission:core.settings.read"]
    finally:
        engine.dispose()


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value
