"""The partners addon's hook implementations: the one module registered with pluggy.

It hands core the addon's permissions, roles and code sequence; importing the models
here registers the partners tables in the shared metadata.
"""

from __future__ import annotations

from addons.partners.menus import MENUS
from addons.partners.messages import _l
from addons.partners.models import PARTNER_SEQUENCE  # also registers the partners_* tables
from addons.partners.security import PERMISSIONS, ROLES
from addons.partners.views import VIEWS
from core.hookspecs import MenuItem, ModelView, Permission, Role, SequenceDef
from core.plugins import hookimpl


@hookimpl
def core_register_views() -> list[ModelView]:
    return list(VIEWS)


@hookimpl
def core_register_menus() -> list[MenuItem]:
    return list(MENUS)


@hookimpl
def core_register_permissions() -> list[Permission]:
    return list(PERMISSIONS)


@hookimpl
def core_register_roles() -> list[Role]:
    return list(ROLES)


@hookimpl
def core_register_sequences() -> list[SequenceDef]:
    return [SequenceDef(PARTNER_SEQUENCE, _l("Partner codes"), prefix="P", padding=5)]
