"""The partners screens, declared for core's generic list and form (no hand-made pages)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from addons.partners import services
from addons.partners.messages import _l
from addons.partners.models import Partner, PartnerGroup, PartnerTag
from core.hookspecs import ModelView, ViewField, ViewFilter, ViewLink

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
    ViewField("created_at", _l("Created on")),
)


def delete_partner(session: Session, partner_id: int) -> None:
    """One partner through the service that deletes several (all or none)."""
    services.delete_partners(session, [partner_id])


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
    delete=delete_partner,
    archive=services.archive_partners,
    unarchive=services.unarchive_partners,
    api="partners",
    links=(ViewLink(_l("Contacts"), "partners.partner", "parent_id"),),
    group_by=("kind", "group", "salesperson_id", "is_customer", "is_supplier", "created_at"),
)

GROUPS = ModelView(
    name="partners.group",
    model=PartnerGroup,
    label=_l("Partner groups"),
    fields=(
        ViewField("name", _l("Name")),
        ViewField("full_name", _l("Full name"), required=False),
        ViewField("parent", _l("Parent group")),
        ViewField("parent_id", _l("Parent group")),
    ),
    list_columns=("full_name", "name", "parent"),
    form_fields=("name", "parent_id"),
    search_fields=("full_name",),
    default_order="full_name",
    create=services.create_group,
    update=services.update_group,
    delete=services.delete_group,
    api="partners/groups",
    import_key=None,
    links=(
        ViewLink(_l("Partners"), "partners.partner", "group_id"),
        ViewLink(_l("Subgroups"), "partners.group", "parent_id"),
    ),
)

TAGS = ModelView(
    name="partners.tag",
    model=PartnerTag,
    label=_l("Partner tags"),
    fields=(ViewField("name", _l("Name")), ViewField("color", _l("Colour"))),
    list_columns=("name", "color"),
    form_fields=("name", "color"),
    search_fields=("name",),
    default_order="name",
    create=services.create_tag,
    update=services.update_tag,
    delete=services.delete_tag,
    api="partners/tags",
    import_key="name",
)

VIEWS = (PARTNERS, GROUPS, TAGS)
