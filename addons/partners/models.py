"""Tables of the partners addon: partners, their addresses and bank accounts, groups, tags.

Only structure and small derived values live here; the rules (codes, defaults, cycles,
archiving) are in :mod:`addons.partners.services`.
"""

from __future__ import annotations

import enum

from sqlalchemy import Column, Enum, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import ActiveMixin, Base, Code, CompanyMixin, Money, Name, RecordMixin, enum_column

PARTNER_SEQUENCE = "partners.partner"

CODE_LENGTH = 64  # as core.db.Code
NAME_LENGTH = 255  # as core.db.Name
STREET_LENGTH = 255
EMAIL_LENGTH = 254
PHONE_LENGTH = 64
TAX_ID_LENGTH = 64
WEBSITE_LENGTH = 255
PLACE_LENGTH = 128
ZIP_LENGTH = 20
ACCOUNT_NUMBER_LENGTH = 64
TAG_NAME_LENGTH = 64
GROUP_PATH_LENGTH = 1024
GROUP_PATH_SEPARATOR = " / "
TAG_COLORS = 12


def _enum_column(enum_class: type[enum.Enum]) -> Enum:
    return enum_column(enum_class, length=16)


class PartnerKind(enum.StrEnum):
    COMPANY = "company"
    PERSON = "person"


class PartnerRole(enum.StrEnum):
    """The roles a partner plays; each is a flag column ``is_<role>`` on the partner."""

    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    CARRIER = "carrier"


class AddressKind(enum.StrEnum):
    INVOICE = "invoice"
    DELIVERY = "delivery"
    OTHER = "other"


partner_tag_table = Table(
    "partners_partner_tag",
    Base.metadata,
    Column(
        "partner_id",
        ForeignKey("partners_partner.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "tag_id",
        ForeignKey("partners_tag.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class PartnerGroup(RecordMixin, Base):
    """A node of the classification tree ("Retail / East"), used to target customers."""

    __tablename__ = "partners_group"
    __resource__ = "partners.group"

    name: Mapped[Name]
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners_group.id", ondelete="RESTRICT"), index=True
    )
    # The path is stored, not computed per read, so lists sort and filter by it in SQL;
    # services rewrite it for the whole subtree on every rename or move. No index: a
    # long Chinese path would pass PostgreSQL's limit for a btree entry.
    full_name: Mapped[str] = mapped_column(String(GROUP_PATH_LENGTH))

    parent: Mapped[PartnerGroup | None] = relationship(
        remote_side="PartnerGroup.id", back_populates="children"
    )
    # passive_deletes="all": deleting a parent must hit the RESTRICT foreign key, not
    # have the ORM quietly orphan its children.
    children: Mapped[list[PartnerGroup]] = relationship(
        back_populates="parent", order_by="PartnerGroup.name", passive_deletes="all"
    )


class PartnerTag(RecordMixin, Base):
    """A free label (VIP, 重点客户) with a colour index into the theme's palette."""

    __tablename__ = "partners_tag"
    __resource__ = "partners.tag"

    name: Mapped[str] = mapped_column(String(TAG_NAME_LENGTH), unique=True)
    color: Mapped[int] = mapped_column(Integer, default=0)


class Partner(RecordMixin, ActiveMixin, CompanyMixin, Base):
    """A company or a person; a person may be a contact of a company (its parent)."""

    __tablename__ = "partners_partner"
    __resource__ = "partners.partner"

    code: Mapped[Code] = mapped_column(unique=True)
    name: Mapped[Name] = mapped_column(index=True)
    kind: Mapped[PartnerKind] = mapped_column(
        _enum_column(PartnerKind), default=PartnerKind.COMPANY
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners_partner.id", ondelete="RESTRICT"), index=True
    )
    is_customer: Mapped[bool] = mapped_column(default=False)
    is_supplier: Mapped[bool] = mapped_column(default=False)
    is_carrier: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH))
    phone: Mapped[str | None] = mapped_column(String(PHONE_LENGTH), index=True)
    mobile: Mapped[str | None] = mapped_column(String(PHONE_LENGTH), index=True)
    website: Mapped[str | None] = mapped_column(String(WEBSITE_LENGTH))
    tax_id: Mapped[str | None] = mapped_column(String(TAX_ID_LENGTH), index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners_group.id", ondelete="SET NULL"), index=True
    )
    salesperson_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_user.id", ondelete="SET NULL"), index=True
    )
    credit_limit: Mapped[Money | None]
    notes: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[Partner | None] = relationship(
        remote_side="Partner.id", back_populates="contacts"
    )
    contacts: Mapped[list[Partner]] = relationship(
        back_populates="parent", order_by="Partner.name", passive_deletes="all"
    )
    group: Mapped[PartnerGroup | None] = relationship()
    tags: Mapped[list[PartnerTag]] = relationship(
        secondary=partner_tag_table, order_by="PartnerTag.name", passive_deletes=True
    )
    addresses: Mapped[list[PartnerAddress]] = relationship(
        back_populates="partner",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PartnerAddress.id",
    )
    bank_accounts: Mapped[list[PartnerBankAccount]] = relationship(
        back_populates="partner",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PartnerBankAccount.id",
    )

    @property
    def display_name(self) -> str:
        """The name, as "Company, Person" for the contact of a company."""
        if self.parent is not None:
            return f"{self.parent.name}, {self.name}"
        return self.name

    @property
    def roles(self) -> list[str]:
        return [role.value for role in PartnerRole if getattr(self, f"is_{role.value}")]


class PartnerAddress(RecordMixin, Base):
    """A postal address of a partner; at most one default per partner and kind."""

    __tablename__ = "partners_address"
    __resource__ = "partners.partner"
    __rule_parent__ = "partner"  # an address is seen by whoever sees its partner

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners_partner.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AddressKind] = mapped_column(
        _enum_column(AddressKind), default=AddressKind.DELIVERY
    )
    is_default: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    phone: Mapped[str | None] = mapped_column(String(PHONE_LENGTH))
    street: Mapped[str] = mapped_column(String(STREET_LENGTH))
    street2: Mapped[str | None] = mapped_column(String(STREET_LENGTH))
    district: Mapped[str | None] = mapped_column(String(PLACE_LENGTH))
    city: Mapped[str | None] = mapped_column(String(PLACE_LENGTH))
    province: Mapped[str | None] = mapped_column(String(PLACE_LENGTH))
    zip: Mapped[str | None] = mapped_column(String(ZIP_LENGTH))
    country_code: Mapped[str] = mapped_column(String(2), default="CN")

    partner: Mapped[Partner] = relationship(back_populates="addresses")


class PartnerBankAccount(RecordMixin, Base):
    """A bank account of a partner, for payments; the number is sensitive data."""

    __tablename__ = "partners_bank_account"
    __resource__ = "partners.partner"
    __rule_parent__ = "partner"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners_partner.id", ondelete="CASCADE"), index=True
    )
    bank_name: Mapped[Name]
    branch: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    account_number: Mapped[str] = mapped_column(
        String(ACCOUNT_NUMBER_LENGTH),
        info={"sensitive": True, "permission": "partners.partner.read_bank"},
    )
    holder_name: Mapped[Name]

    partner: Mapped[Partner] = relationship(back_populates="bank_accounts")
