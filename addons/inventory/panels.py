"""What inventory shows under forms (``core_register_form_panels``): a product's stock and
how it is tracked, under the product's form; a stocktaking's progress, with the way to
its counting page (scan and file import), under the count's form.

Read through the reader's access, like every other path to data; the figures are the
ones of the stock list and the API (``queries.stock_levels``).
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from addons.inventory import queries
from addons.inventory.messages import TRACKING_LABELS, _l
from addons.inventory.models import (
    CountState,
    ProductTracking,
    StockCount,
    StockCountLine,
    Tracking,
)
from core.hookspecs import FormPanel, PanelContent, PanelFigure
from core.security.access import Access
from core.views.screens import view_url


def product_stock(session: Session, access: Access, product: Any) -> PanelContent | None:
    """On hand, reserved, available, incoming, outgoing and forecast of a product in
    every warehouse the reader reaches, and its tracking."""
    if getattr(product.type, "value", product.type) == "service":
        return None
    level = queries.stock_levels(session, [product.id], access=access)[product.id]
    stock_url = view_url("inventory.stock", **{"eq.product_id": product.id})
    figures = [
        PanelFigure(_l("On hand"), level.on_hand, stock_url),
        PanelFigure(_l("Reserved"), level.reserved),
        PanelFigure(_l("Available"), level.available),
        PanelFigure(_l("Expected in"), level.incoming),
        PanelFigure(_l("Expected out"), level.outgoing),
        PanelFigure(_l("Forecast"), level.forecast, tone="danger" if level.forecast < 0 else None),
    ]
    if access.can("inventory.tracking.read"):
        setting = session.scalar(
            access.select(ProductTracking).where(ProductTracking.product_id == product.id)
        )
        tracking = setting.tracking if setting is not None else Tracking.NONE
        label = dict(TRACKING_LABELS)[tracking.value]
        url = view_url("inventory.tracking", **{"eq.product_id": product.id})
        figures.append(PanelFigure(_l("Tracking"), label, url))
    return PanelContent(figures=tuple(figures))


def count_progress(session: Session, access: Access, count: StockCount) -> PanelContent | None:
    """How far counting has come: lines counted, lines that differ; while counting, the
    link to the page that counts by scanning and by file."""
    if count.state is CountState.DRAFT:
        return None
    rows = session.execute(
        select(StockCountLine.counted, StockCountLine.expected).where(
            StockCountLine.count_id == count.id
        )
    ).all()
    counted = [(found, expected) for found, expected in rows if found is not None]
    differing = sum(1 for found, expected in counted if found != expected)
    url = None
    if count.state is CountState.COUNTING:
        url = url_for("inventory.counting", count_id=count.id)
    figures = [
        PanelFigure(_l("Lines counted"), f"{len(counted)} / {len(rows)}", url),
        PanelFigure(_l("Lines that differ"), differing, tone="warning" if differing else None),
    ]
    if url is not None:
        figures.append(PanelFigure(_l("Count by scanning or from a file"), _l("Open"), url))
    return PanelContent(figures=tuple(figures))


PANELS = (
    FormPanel(
        "inventory.product_stock",
        "products.product",
        _l("Stock"),
        product_stock,
        permission="inventory.quant.read",
        sequence=40,
    ),
    FormPanel(
        "inventory.count_progress",
        "inventory.count",
        _l("Counting progress"),
        count_progress,
        permission="inventory.count.write",
        sequence=10,
    ),
)
