"""quant planned view: inventory_quant_planned (incoming, outgoing, forecast per quant)

Revision ID: 3a9d06e2aa06
Revises: 90057ddb323d
Create Date: 2026-11-25 06:20:00.000000

A view, not a table: what confirmed operations not done yet (waiting or ready) will bring
to each quant's place and take from it, computed when read. ``incoming`` is the open
moves into the quant's location (same product, same lot or none); ``outgoing`` the
quant's reservations plus what open moves leaving its location have not reserved yet;
``forecast`` is on hand + incoming - outgoing. Quantities are compared and summed in the
stored form of both engines (NUMERIC on PostgreSQL, scaled integers on SQLite, the same
scale for every column used), so the view is exact on both.

PostgreSQL refuses to drop or change a column of ``inventory_move`` or ``inventory_quant``
while the view depends on it: a later revision doing so drops the view first and creates
it again (the SQL below) afterwards.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3a9d06e2aa06"
down_revision: str | None = "90057ddb323d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEW = """
CREATE VIEW inventory_quant_planned AS
SELECT planned.quant_id,
       planned.incoming,
       planned.outgoing,
       planned.on_hand + planned.incoming - planned.outgoing AS forecast
FROM (
    SELECT quant.id AS quant_id,
           quant.on_hand AS on_hand,
           COALESCE((
               SELECT SUM(move.product_qty)
               FROM inventory_move AS move
               WHERE move.product_id = quant.product_id
                 AND move.to_location_id = quant.location_id
                 AND COALESCE(move.lot_id, 0) = quant.lot_key
                 AND move.state IN ('waiting', 'ready')
           ), 0) AS incoming,
           quant.reserved + COALESCE((
               SELECT SUM(move.product_qty - move.reserved_qty)
               FROM inventory_move AS move
               WHERE move.product_id = quant.product_id
                 AND move.from_location_id = quant.location_id
                 AND COALESCE(move.lot_id, 0) = quant.lot_key
                 AND move.state IN ('waiting', 'ready')
           ), 0) AS outgoing
    FROM inventory_quant AS quant
) AS planned
"""


def upgrade() -> None:
    op.execute(VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW inventory_quant_planned")
