"""The generic screens of users and companies, declared like any addon's (core is its own
first plugin).

Archiving a user is deactivating them and restoring is reactivating (the list's bulk
archive too): both go through the account services, so the user's sessions and API
tokens end at once. A user's roles, companies and password have panels of their own on
the user form (:mod:`core.admin.panels`); the password hash and the two-factor secret
are never shown.
"""

from __future__ import annotations

from core.admin import companies, users
from core.hookspecs import ModelView, ViewField, ViewFilter
from core.i18n import lazy_gettext as _l
from core.models import Company
from core.security.users import User
from core.settings import time_zones
from core.web import LANGUAGE_NAMES

USER_FIELDS = (
    ViewField("login", _l("Login")),
    ViewField("name", _l("Name")),
    ViewField("email", _l("E-mail")),
    ViewField("language", _l("Language"), choices=tuple(LANGUAGE_NAMES.items())),
    ViewField("timezone", _l("Time zone"), choices=tuple((z, z) for z in time_zones())),
    ViewField("company_id", _l("Company")),
    ViewField("active", _l("Active")),
    ViewField("is_superuser", _l("Superuser")),
    ViewField("totp_enabled", _l("Two-factor login")),
    ViewField("last_login_at", _l("Last login")),
    ViewField("created_at", _l("Created")),
)

USERS = ModelView(
    name="core.user",
    model=User,
    label=_l("Users"),
    fields=USER_FIELDS,
    list_columns=("login", "name", "email", "language", "totp_enabled", "last_login_at"),
    # "password" has no column: the new-user panel holds it (core.admin.panels).
    form_fields=("login", "name", "email", "language", "timezone", "company_id", "password"),
    search_fields=("login", "name", "email"),
    filters=(
        ViewFilter("superusers", _l("Superusers"), lambda: User.is_superuser.is_(True)),
        ViewFilter("two_factor", _l("Two-factor login on"), lambda: User.totp_enabled.is_(True)),
    ),
    default_order="login",
    create=users.create_user,
    update=users.update_user,
    archive=users.deactivate_many,  # the Archive button and bulk archive: Deactivate
    unarchive=users.reactivate_many,
    group_by=("language", "totp_enabled"),
    import_key=None,
)

COMPANY_FIELDS = (
    ViewField("name", _l("Name")),
    ViewField("code", _l("Code")),
    ViewField("currency", _l("Currency"), choices=companies.currency_choices(), required=False),
    ViewField("tax_id", _l("Tax ID")),
    ViewField("address", _l("Address")),
    ViewField("phone", _l("Phone")),
    ViewField("email", _l("E-mail")),
)

COMPANIES = ModelView(
    name="core.company",
    model=Company,
    label=_l("Companies"),
    fields=COMPANY_FIELDS,
    list_columns=("name", "code", "currency", "tax_id", "phone", "email"),
    form_fields=("name", "code", "currency", "tax_id", "address", "phone", "email"),
    search_fields=("name", "code", "tax_id", "email"),
    default_order="name",
    create=companies.create_company,
    update=companies.update_company,
)

VIEWS = (USERS, COMPANIES)
