"""The partners screens, declared for core's generic list and form (no hand-made pages)."""

from __future__ import annotations

from addons.partners import services
from addons.partners.messages import _l
from addons.partners.models import Partner
from core.hookspecs import ModelView, ViewField, ViewFilter

KINDS = (("company", _l("Company")), ("person", _l("Person")))

PARTNER_FIELDS = (
    ViewField("code", _l("Code"), required=False),  # taken from the sequence when blank
    ViewField("name", _l("Name")),
    ViewField("kind", _l("Kind"), choices=KINDS),
    ViewField("parent_id", _l("Company")),
    ViewField("is_customer", _l("Customer")),
    ViewField("is_supplier", _l("Supplier")),
    ViewField("is_carrier", _l("Carrier")),
    ViewField("phone", _l("Phone")),
    ViewField("mobile", _l("Mobile")),
    ViewField("email", _l("E-mail")),
    ViewField("website", _l("Website")),
    ViewField("tax_id", _l("Tax ID")),
    ViewField("group", _l("Group")),
    ViewField("group_id", _l("Group")),
    ViewField("salesperson_id", _l("Salesperson")),
    ViewField("credit_limit", _l("Credit limit")),
    ViewField("notes", _l("Notes")),
)

PARTNERS = ModelView(
    name="partners.partner",
    model=Partner,
    label=_l("Partners"),
    fields=PARTNER_FIELDS,
    list_columns=("name", "code", "kind", "phone", "email", "group", "is_customer", "is_supplier"),
    form_fields=(
        "name",
        "code",
        "kind",
        "parent_id",
        "is_customer",
        "is_supplier",
        "is_carrier",
        "phone",
        "mobile",
        "email",
        "website",
        "tax_id",
        "group_id",
        "salesperson_id",
        "credit_limit",
        "notes",
    ),
    search_fields=("name", "code", "phone", "mobile", "email"),
    filters=(
        ViewFilter("customers", _l("Customers"), lambda: Partner.is_customer.is_(True)),
        ViewFilter("suppliers", _l("Suppliers"), lambda: Partner.is_supplier.is_(True)),
        ViewFilter("carriers", _l("Carriers"), lambda: Partner.is_carrier.is_(True)),
        ViewFilter("companies", _l("Companies"), lambda: Partner.kind == "company"),
    ),
    default_order="name",
    create=services.create_partner,
    update=services.update_partner,
    api="partners",
)

VIEWS = (PARTNERS,)
