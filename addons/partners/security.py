"""Permissions and roles of the partners addon, returned to core by hooks.py.

Only declarations: checking them is core's job, before a service is called.
"""

from __future__ import annotations

from addons.partners.messages import _l
from core.hookspecs import Permission, Role

PARTNER = "partners.partner"
GROUP = "partners.group"
TAG = "partners.tag"

PERMISSIONS = (
    Permission(PARTNER, "read", _l("See partners")),
    Permission(PARTNER, "create", _l("Create partners")),
    Permission(PARTNER, "write", _l("Change partners and their addresses")),
    Permission(PARTNER, "archive", _l("Archive and restore partners")),
    Permission(PARTNER, "delete", _l("Delete partners")),
    Permission(PARTNER, "export", _l("Export and print partner lists")),
    Permission(PARTNER, "read_bank", _l("See partners' bank accounts")),
    Permission(PARTNER, "write_bank", _l("Change partners' bank accounts")),
    Permission(GROUP, "read", _l("See partner groups")),
    Permission(GROUP, "create", _l("Create partner groups")),
    Permission(GROUP, "write", _l("Change and move partner groups")),
    Permission(GROUP, "delete", _l("Delete partner groups")),
    Permission(GROUP, "export", _l("Export partner groups")),
    Permission(TAG, "read", _l("See partner tags")),
    Permission(TAG, "create", _l("Create partner tags")),
    Permission(TAG, "write", _l("Change partner tags")),
    Permission(TAG, "delete", _l("Delete partner tags")),
    Permission(TAG, "export", _l("Export partner tags")),
)

USER = Role(
    "partners.user",
    _l("Partners / User"),
    permissions=(
        f"{PARTNER}.read",
        f"{PARTNER}.create",
        f"{PARTNER}.write",
        f"{GROUP}.read",
        f"{TAG}.read",
    ),
    description=_l("Finds, creates and changes customers, suppliers and carriers."),
)

MANAGER = Role(
    "partners.manager",
    _l("Partners / Manager"),
    permissions=tuple(
        permission.name for permission in PERMISSIONS if permission.name not in USER.permissions
    ),
    implies=(USER.name,),
    description=_l(
        "Also archives and deletes partners, manages groups and tags, and sees bank accounts."
    ),
)

ROLES = (USER, MANAGER)
