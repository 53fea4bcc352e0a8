"""The partners app in the menu."""

from __future__ import annotations

from addons.partners.messages import _l
from core.hookspecs import MenuItem

MENUS = (
    MenuItem("partners", _l("Partners"), sequence=10, icon="people"),
    MenuItem(
        "partners.partners",
        _l("Partners"),
        parent="partners",
        view="partners.partner",
        permission="partners.partner.read",
        sequence=10,
    ),
)
