"""The menu tree, assembled from every installed addon's ``core_register_menus``."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.hookspecs import MenuItem
from core.registry import get_registry


@dataclass
class MenuNode:
    item: MenuItem
    children: list[MenuNode] = field(default_factory=list)

    @property
    def url(self) -> str | None:
        """Where the entry leads: its endpoint, the list of its generic view, or a dashboard."""
        from flask import url_for

        if self.item.endpoint:
            return url_for(self.item.endpoint)
        if self.item.view:
            from core.views.screens import view_url

            return view_url(self.item.view)
        if self.item.dashboard:
            return url_for("core.views.dashboard", name=self.item.dashboard)
        return None

    @property
    def reachable(self) -> bool:
        target = self.item.endpoint or self.item.view or self.item.dashboard
        return bool(target) or any(c.reachable for c in self.children)


def menu_tree(permissions: set[str] | None) -> list[MenuNode]:
    """Top-level apps with their entries, filtered by ``permissions`` (None: all)."""
    items = [
        item
        for item in get_registry().collect("core_register_menus")
        if permissions is None or item.permission is None or item.permission in permissions
    ]
    nodes = {item.id: MenuNode(item) for item in items}
    roots: list[MenuNode] = []
    for node in nodes.values():
        parent = nodes.get(node.item.parent) if node.item.parent else None
        if node.item.parent is None:
            roots.append(node)
        elif parent is not None:
            parent.children.append(node)
    for node in nodes.values():
        node.children = sorted(
            (c for c in node.children if c.reachable), key=lambda c: (c.item.sequence, c.item.id)
        )
    return sorted((r for r in roots if r.reachable), key=lambda r: (r.item.sequence, r.item.id))
