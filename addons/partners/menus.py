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
    MenuItem("partners.configuration", _l("Configuration"), parent="partners", sequence=90),
    MenuItem(
        "partners.groups",
        _l("Partner groups"),
        parent="partners.configuration",
        view="partners.group",
        permission="partners.group.read",
        sequence=10,
    ),
    MenuItem(
        "partners.tags",
        _l("Partner tags"),
        parent="partners.configuration",
        view="partners.tag",
        permission="partners.tag.read",
        sequence=20,
    ),
)
