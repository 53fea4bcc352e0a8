"""Partners services and schemas, on a database where only partners is installed."""

from decimal import Decimal

import flask
import flask_babel
import pytest
from sqlalchemy import func, select

from addons.partners import hooks, services
from addons.partners.hookspecs import PartnerRef
from addons.partners.models import (
    AddressKind,
    Partner,
    PartnerAddress,
    PartnerBankAccount,
    PartnerGroup,
    PartnerKind,
    PartnerTag,
)
from addons.partners.schemas import PartnerSchema
from addons.partners.services import PartnerError
from core.models import Sequence
from core.plugins import hookimpl
from core.registry import get_registry
from core.security.users import User

pytestmark = pytest.mark.addons("partners")


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def next_number(session) -> int:
    return session.scalar(select(Sequence.next_number).where(Sequence.code == "partners.partner"))


def company(session, name: str, **values) -> Partner:
    return services.create_partner(session, {"name": name, "is_customer": True, **values})


def person(session, name: str, parent: Partner | None = None, **values) -> Partner:
    data = {"name": name, "kind": "person", **values}
    if parent is not None:
        data["parent_id"] = parent.id
    return services.create_partner(session, data)


@pytest.fixture
def chinese(db_session):
    """Switch the test's app context to Simplified Chinese."""
    flask.g.language = "zh_Hans_CN"
    flask_babel.refresh()
    yield
    flask.g.pop("language")
    flask_babel.refresh()


# --------------------------------------------------------------------------- create, codes


@pytest.mark.spec("5.1.3.1")
def test_new_partners_are_numbered_from_the_sequence(db_session):
    first = company(db_session, "Acme Trading")
    second = company(db_session, "Globex", code="  ")

    assert first.code == "P00001"
    assert second.code == "P00002"
    assert next_number(db_session) == 3


@pytest.mark.spec("5.1.3.1")
def test_a_partner_keeps_its_basic_information(db_session):
    admin = db_session.scalar(select(User).where(User.login == "admin"))
    partner = services.create_partner(
        db_session,
        {
            "code": " C-100 ",
            "name": "  上海华联贸易有限公司 ",
            "is_customer": True,
            "is_supplier": "true",
            "email": "buyer@hualian.example.cn",
            "phone": "021-6234 5678",
            "mobile": "138 0013 8000",
            "website": "https://hualian.example.cn",
            "tax_id": "91310000MA1K123456",
            "salesperson_id": admin.id,
            "credit_limit": "50000.50",
            "notes": "Pays on the 25th.",
        },
    )
    db_session.expire_all()
    stored = db_session.get(Partner, partner.id)

    assert stored.code == "C-100"
    assert stored.name == "上海华联贸易有限公司"
    assert stored.kind == PartnerKind.COMPANY
    assert stored.roles == ["customer", "supplier"]
    assert stored.credit_limit == Decimal("50000.50")
    assert isinstance(stored.credit_limit, Decimal)
    assert stored.salesperson_id == admin.id
    assert stored.active is True
    assert stored.company_id is not None
    assert stored.created_at.tzinfo is not None


def test_a_code_typed_by_hand_is_skipped_by_the_sequence(db_session):
    company(db_session, "Typed", code="P00001")

    assert company(db_session, "Numbered").code == "P00002"


@pytest.mark.spec("5.1.3.1")
def test_a_duplicate_code_is_refused_and_nothing_is_written(db_session):
    company(db_session, "Acme", code="C-1")
    partners, number = count(db_session, Partner), next_number(db_session)

    with pytest.raises(PartnerError) as error:
        company(db_session, "Other", code="c-1")

    assert error.value.messages == {"code": ["The code c-1 is already used by another partner."]}
    assert count(db_session, Partner) == partners
    assert next_number(db_session) == number


def test_changing_a_code_to_one_in_use_is_refused(db_session):
    company(db_session, "Acme", code="C-1")
    other = company(db_session, "Other", code="C-2")

    with pytest.raises(PartnerError) as error:
        services.update_partner(db_session, other.id, {"code": "C-1"})

    assert list(error.value.messages) == ["code"]
    db_session.expire_all()
    assert db_session.get(Partner, other.id).code == "C-2"


# --------------------------------------------------------------------------- validation


@pytest.mark.spec("5.1.3.1")
def test_bad_input_is_reported_field_by_field_and_nothing_is_written(db_session):
    before = count(db_session, Partner)

    with pytest.raises(PartnerError) as error:
        services.create_partner(
            db_session,
            {
                "name": "   ",
                "kind": "robot",
                "email": "not-an-address",
                "phone": "1" * 65,
                "tax_id": "X" * 65,
                "credit_limit": "-1",
                "tag_ids": "x",
                "colour": "red",
            },
        )

    messages = error.value.messages
    assert messages["name"] == ["This field is required."]
    assert messages["kind"] == ["Choose one of: company, person."]
    assert messages["email"] == ["This is not a valid e-mail address."]
    assert messages["phone"] == ["At most 64 characters."]
    assert messages["tax_id"] == ["At most 64 characters."]
    assert messages["credit_limit"] == ["The value must not be negative."]
    assert messages["tag_ids"] == ["A list is expected."]
    assert messages["colour"] == ["This field is not known."]
    assert count(db_session, Partner) == before


def test_names_and_e_mails_have_length_limits(db_session):
    with pytest.raises(PartnerError) as error:
        services.create_partner(
            db_session, {"name": "N" * 256, "email": "a" * 250 + "@x.cn", "code": "C" * 65}
        )

    assert error.value.messages == {
        "name": ["At most 255 characters."],
        "email": ["At most 254 characters."],
        "code": ["At most 64 characters."],
    }


def test_money_is_refused_beyond_cents(db_session):
    with pytest.raises(PartnerError) as error:
        company(db_session, "Acme", credit_limit="10.005")

    assert error.value.messages == {"credit_limit": ["At most 2 decimal places."]}


def test_notes_may_span_lines_but_names_may_not(db_session):
    partner = company(db_session, "Acme", notes="Pays on the 25th.\nCall first.")

    assert partner.notes == "Pays on the 25th.\nCall first."
    with pytest.raises(PartnerError) as error:
        company(db_session, "Acme\tTrading")
    assert error.value.messages == {"name": ["Control characters are not allowed here."]}


def test_list_items_and_lists_of_records_are_refused_in_the_reader_language(db_session, chinese):
    with pytest.raises(PartnerError) as error:
        company(db_session, "Acme", tag_ids=["x", None], addresses="Dock 1")

    assert error.value.messages == {
        "tag_ids": {0: ["应为整数。"], 1: ["此字段为必填项。"]},
        "addresses": ["应为列表。"],
    }


def test_references_to_missing_records_are_refused(db_session):
    with pytest.raises(PartnerError) as error:
        company(db_session, "Acme", group_id=9999, salesperson_id=9999, tag_ids=[9999])

    assert error.value.messages == {
        "group_id": ["There is no partner group with id 9999."],
        "salesperson_id": ["There is no active user with id 9999."],
        "tag_ids": ["There is no tag with id 9999."],
    }


def test_the_salesperson_must_work_for_the_partners_company(db_session):
    from core.models import Company

    other = Company(name="Other", code="OTH")
    db_session.add(other)
    db_session.flush()
    unusable = "!"  # nosec B105 - no password: this user never logs in
    outsider = User(login="outsider", name="Outsider", company_id=other.id, password_hash=unusable)
    db_session.add(outsider)
    db_session.flush()
    with pytest.raises(PartnerError) as error:
        company(db_session, "Acme", salesperson_id=outsider.id)
    assert error.value.messages == {
        "salesperson_id": ["This user does not work for the partner's company."]
    }


def test_a_failed_update_changes_nothing(db_session):
    partner = company(db_session, "Acme", email="sales@acme.example")

    with pytest.raises(PartnerError):
        services.update_partner(db_session, partner.id, {"name": "Acme 2", "email": "bad"})

    db_session.expire_all()
    assert db_session.get(Partner, partner.id).name == "Acme"


def test_update_changes_only_the_given_fields(db_session):
    partner = company(db_session, "Acme", phone="021-1", credit_limit="100")

    services.update_partner(db_session, partner.id, {"phone": "", "is_carrier": True})

    db_session.expire_all()
    stored = db_session.get(Partner, partner.id)
    assert stored.phone is None
    assert stored.name == "Acme"
    assert stored.credit_limit == Decimal("100.00")
    assert stored.roles == ["customer", "carrier"]


def test_a_partner_is_shown_without_bank_accounts(db_session):
    partner = company(db_session, "Acme", credit_limit="1000")
    services.add_bank_account(
        db_session,
        partner.id,
        {"bank_name": "中国工商银行", "account_number": "6222 0000 1111", "holder_name": "Acme"},
    )

    shown = PartnerSchema().dump(partner)

    assert shown["credit_limit"] == "1000.00"
    assert shown["display_name"] == "Acme"
    assert shown["kind"] == "company"
    assert shown["roles"] == ["customer"]
    assert "bank_accounts" not in shown
    assert "6222" not in str(shown)


# --------------------------------------------------------------------------- contacts


@pytest.mark.spec("5.1.3.1")
def test_a_person_can_be_the_contact_of_a_company(db_session):
    acme = company(db_session, "Acme")
    li = person(db_session, "Li Lei", acme, email="li@acme.example")

    assert li.display_name == "Acme, Li Lei"
    assert services.partner_ref(li) == PartnerRef(li.id, li.code, "Acme, Li Lei")
    assert [c.name for c in acme.contacts] == ["Li Lei"]


def test_only_a_person_can_belong_to_a_company(db_session):
    acme = company(db_session, "Acme")
    li = person(db_session, "Li Lei", acme)

    with pytest.raises(PartnerError) as error:
        company(db_session, "Subsidiary", parent_id=acme.id)
    assert error.value.messages == {"parent_id": ["Only a person can be the contact of a company."]}

    with pytest.raises(PartnerError) as error:
        person(db_session, "Han Meimei", li)
    assert error.value.messages == {"parent_id": ["A contact can only belong to a company."]}

    with pytest.raises(PartnerError) as error:
        services.update_partner(db_session, acme.id, {"kind": "person"})
    assert error.value.messages == {"kind": ["Acme has contacts, so it must stay a company."]}


# --------------------------------------------------------------------------- search


@pytest.mark.spec("5.1.3.1")
def test_search_by_name_code_phone_and_mobile(db_session):
    acme = company(db_session, "ACME Trading", code="ACM-1", phone="021-6234 5678")
    globex = company(db_session, "Globex", mobile="138 0013 8000")
    company(db_session, "Initech")

    def names(text):
        return [p.name for p in services.search_partners(db_session, text)]

    assert names("acme") == ["ACME Trading"]
    assert names("acm-1") == ["ACME Trading"]
    assert names("6234") == ["ACME Trading"]
    assert names("0013") == ["Globex"]
    assert names("") == ["ACME Trading", "Globex", "Initech"]
    assert names("nothing like it") == []
    assert acme.id != globex.id


def test_like_wildcards_in_the_search_text_are_taken_literally(db_session):
    company(db_session, "100% Natural")
    company(db_session, "1000 Natural")
    company(db_session, "A_B Trading")
    company(db_session, "AXB Trading")

    def names(text):
        return [p.name for p in services.search_partners(db_session, text)]

    assert names("100%") == ["100% Natural"]
    assert names("a_b") == ["A_B Trading"]
    assert names("\\") == []


def test_an_exact_code_comes_first(db_session):
    company(db_session, "Alpha P00009 Imports", code="X-1")
    exact = company(db_session, "Zeta", code="P00009")

    assert services.search_partners(db_session, "p00009")[0] is exact


def test_search_by_role_limit_and_unknown_role(db_session):
    company(db_session, "Customer Co")
    company(db_session, "Supplier Co", is_customer=False, is_supplier=True)
    company(db_session, "Carrier Co", is_customer=False, is_carrier=True)

    def names(**options):
        return [p.name for p in services.search_partners(db_session, "co", **options)]

    assert names(roles=["supplier"]) == ["Supplier Co"]
    assert names(roles=["supplier", "carrier"]) == ["Carrier Co", "Supplier Co"]
    assert names(limit=1) == ["Carrier Co"]
    with pytest.raises(PartnerError) as error:
        names(roles=["reseller"])
    assert error.value.messages == {"roles": ["Choose one of: customer, supplier, carrier."]}


# --------------------------------------------------------------------------- addresses, bank


@pytest.mark.spec("5.1.3.1")
def test_several_addresses_with_one_default_per_kind(db_session):
    partner = company(db_session, "Acme")
    head = services.add_address(
        db_session, partner.id, {"kind": "invoice", "street": "南京西路 1 号", "city": "上海"}
    )
    dock = services.add_address(db_session, partner.id, {"street": "Dock 3", "city": "Ningbo"})
    store = services.add_address(db_session, partner.id, {"street": "Store 9", "zip": "200000"})

    assert (head.is_default, dock.is_default, store.is_default) == (True, True, False)
    assert dock.kind == AddressKind.DELIVERY
    assert dock.country_code == "CN"

    services.set_default_address(db_session, store.id)
    assert (dock.is_default, store.is_default, head.is_default) == (False, True, True)

    services.remove_address(db_session, store.id)
    assert dock.is_default is True
    assert [a.street for a in partner.addresses] == ["南京西路 1 号", "Dock 3"]

    marked = services.add_address(
        db_session, partner.id, {"street": "New dock", "is_default": True}
    )
    assert (dock.is_default, marked.is_default) == (False, True)


def test_moving_an_address_to_another_kind_hands_over_its_default(db_session):
    partner = company(db_session, "Acme")
    first = services.add_address(db_session, partner.id, {"street": "One"})
    second = services.add_address(db_session, partner.id, {"street": "Two"})
    services.add_address(db_session, partner.id, {"kind": "invoice", "street": "Three"})

    services.update_address(db_session, first.id, {"kind": "invoice", "country_code": "hk"})

    assert (first.kind, first.is_default, first.country_code) == (AddressKind.INVOICE, False, "HK")
    assert second.is_default is True


def test_a_new_partner_may_come_with_its_addresses(db_session):
    partner = company(
        db_session,
        "Acme",
        addresses=[
            {"kind": "invoice", "street": "Head office"},
            {"street": "Dock 1"},
            {"street": "Dock 2", "is_default": True},
        ],
    )

    assert [(a.street, a.is_default) for a in partner.addresses] == [
        ("Head office", True),
        ("Dock 1", False),
        ("Dock 2", True),
    ]


def test_two_default_addresses_of_a_kind_are_refused(db_session):
    before = count(db_session, PartnerAddress)

    with pytest.raises(PartnerError) as error:
        company(
            db_session,
            "Acme",
            addresses=[
                {"street": "Dock 1", "is_default": True},
                {"street": "", "country_code": "China"},
                {"street": "Dock 2", "is_default": True},
            ],
        )

    assert error.value.messages == {
        "addresses": {
            1: {
                "street": ["This field is required."],
                "country_code": ["Enter a two-letter country code, such as CN."],
            }
        }
    }
    with pytest.raises(PartnerError) as error:
        company(
            db_session,
            "Acme",
            addresses=[
                {"street": "Dock 1", "is_default": True},
                {"street": "Dock 2", "is_default": True},
            ],
        )
    assert error.value.messages == {
        "addresses": {1: {"is_default": ["Only one address of each kind can be the default."]}}
    }
    assert count(db_session, PartnerAddress) == before


def test_bank_accounts_are_kept_and_marked_sensitive(db_session):
    partner = company(db_session, "Acme")
    account = services.add_bank_account(
        db_session,
        partner.id,
        {
            "bank_name": "招商银行",
            "branch": "上海分行",
            "account_number": "6214 8301 0000 0000",
            "holder_name": "Acme",
        },
    )
    services.update_bank_account(db_session, account.id, {"branch": "浦东支行"})

    assert account.branch == "浦东支行"
    assert PartnerBankAccount.__table__.c.account_number.info == {
        "sensitive": True,
        "permission": "partners.partner.read_bank",
    }
    with pytest.raises(PartnerError) as error:
        services.add_bank_account(
            db_session, partner.id, {"bank_name": "X", "account_number": "12;34"}
        )
    assert error.value.messages == {
        "account_number": ["Use only letters, digits, spaces and hyphens."],
        "holder_name": ["This field is required."],
    }
    services.remove_bank_account(db_session, account.id)
    assert count(db_session, PartnerBankAccount) == 0


# --------------------------------------------------------------------------- groups, tags


@pytest.mark.spec("5.1.3.2")
def test_groups_form_a_tree_with_full_names(db_session):
    retail = services.create_group(db_session, {"name": "Retail"})
    east = services.create_group(db_session, {"name": "East", "parent_id": retail.id})
    shanghai = services.create_group(db_session, {"name": "上海", "parent_id": east.id})
    wholesale = services.create_group(db_session, {"name": "Wholesale"})

    assert shanghai.full_name == "Retail / East / 上海"

    services.move_group(db_session, east.id, wholesale.id)
    assert (east.full_name, shanghai.full_name) == ("Wholesale / East", "Wholesale / East / 上海")

    services.update_group(db_session, wholesale.id, {"name": "批发"})
    assert shanghai.full_name == "批发 / East / 上海"

    services.move_group(db_session, east.id, None)
    assert shanghai.full_name == "East / 上海"


@pytest.mark.spec("5.1.3.2")
def test_a_group_cannot_be_moved_under_itself_or_its_subgroups(db_session):
    retail = services.create_group(db_session, {"name": "Retail"})
    east = services.create_group(db_session, {"name": "East", "parent_id": retail.id})
    shanghai = services.create_group(db_session, {"name": "Shanghai", "parent_id": east.id})

    for new_parent in (retail, east, shanghai):
        with pytest.raises(PartnerError) as error:
            services.move_group(db_session, retail.id, new_parent.id)
        assert error.value.messages == {
            "parent_id": ["A group cannot be placed under itself or one of its subgroups."]
        }

    db_session.expire_all()
    assert db_session.get(PartnerGroup, retail.id).parent_id is None
    assert db_session.get(PartnerGroup, shanghai.id).full_name == "Retail / East / Shanghai"


def test_group_names_are_unique_among_siblings(db_session):
    retail = services.create_group(db_session, {"name": "Retail"})
    services.create_group(db_session, {"name": "East", "parent_id": retail.id})
    services.create_group(db_session, {"name": "East"})

    with pytest.raises(PartnerError) as error:
        services.create_group(db_session, {"name": "east", "parent_id": retail.id})

    assert error.value.messages == {"name": ["A group named east already exists at this place."]}


def test_only_empty_groups_are_deleted(db_session):
    retail = services.create_group(db_session, {"name": "Retail"})
    east = services.create_group(db_session, {"name": "East", "parent_id": retail.id})
    partner = company(db_session, "Acme", group_id=east.id)

    with pytest.raises(PartnerError) as error:
        services.delete_group(db_session, retail.id)
    assert error.value.messages == {
        "_schema": ["The group Retail has subgroups; move or delete them first."]
    }
    with pytest.raises(PartnerError):
        services.delete_group(db_session, east.id)

    services.update_partner(db_session, partner.id, {"group_id": None})
    services.delete_group(db_session, east.id)
    services.delete_group(db_session, retail.id)
    assert count(db_session, PartnerGroup) == 0


@pytest.mark.spec("5.1.3.2")
def test_sales_can_target_a_group_and_its_subgroups(db_session):
    retail = services.create_group(db_session, {"name": "Retail"})
    east = services.create_group(db_session, {"name": "East", "parent_id": retail.id})
    wholesale = services.create_group(db_session, {"name": "Wholesale"})
    company(db_session, "Corner Shop", group_id=retail.id)
    company(db_session, "East Mart", group_id=east.id)
    company(db_session, "Bulk Buyer", group_id=wholesale.id)
    company(db_session, "Loner")

    def names(group):
        return [p.name for p in services.search_partners(db_session, group_id=group.id)]

    assert names(retail) == ["Corner Shop", "East Mart"]
    assert names(east) == ["East Mart"]
    shown = PartnerSchema().dump(services.search_partners(db_session, "east")[0])
    assert shown["group_name"] == "Retail / East"


@pytest.mark.spec("5.1.3.2")
def test_tags_classify_partners(db_session):
    vip = services.create_tag(db_session, {"name": "VIP", "color": 3})
    key = services.create_tag(db_session, {"name": "重点客户"})
    acme = company(db_session, "Acme", tag_ids=[vip.id, key.id, vip.id])
    company(db_session, "Globex", tag_ids=[key.id])

    assert [t.name for t in acme.tags] == ["VIP", "重点客户"]
    assert [p.name for p in services.search_partners(db_session, tag_ids=[vip.id])] == ["Acme"]
    assert PartnerSchema().dump(acme)["tags"] == [
        {"id": vip.id, "name": "VIP", "color": 3},
        {"id": key.id, "name": "重点客户", "color": 0},
    ]

    with pytest.raises(PartnerError) as error:
        services.create_tag(db_session, {"name": "vip", "color": 12})
    assert error.value.messages == {"color": ["Choose a colour number from 0 to 11."]}
    with pytest.raises(PartnerError) as error:
        services.create_tag(db_session, {"name": "vip"})
    assert error.value.messages == {"name": ["A tag named vip already exists."]}

    services.delete_tag(db_session, vip.id)
    assert [t.name for t in acme.tags] == ["重点客户"]
    assert count(db_session, PartnerTag) == 1


# --------------------------------------------------------------------------- archive, delete


@pytest.mark.spec("5.1.3.1")
def test_archived_partners_are_hidden_from_search_until_restored(db_session):
    acme = company(db_session, "Acme")
    li = person(db_session, "Li Lei", acme)
    company(db_session, "Acme Logistics")

    archived = services.archive_partners(db_session, [acme.id])

    assert set(archived) == {acme, li}
    assert [p.name for p in services.search_partners(db_session, "acme")] == ["Acme Logistics"]
    found = services.search_partners(db_session, "acme", include_archived=True)
    assert [p.name for p in found] == ["Acme", "Acme Logistics"]

    with pytest.raises(PartnerError) as error:
        services.unarchive_partners(db_session, [li.id])
    assert error.value.messages == {"_schema": ["Restore the company Acme first."]}

    services.unarchive_partners(db_session, [li.id, acme.id])
    assert (acme.active, li.active) == (True, True)


class RefuseAcme:
    """A one-test plugin standing in for an addon with open documents on a partner."""

    def __init__(self) -> None:
        self.asked: list[tuple[PartnerRef, ...]] = []

    @hookimpl
    def partners_archive_blockers(self, partners, session):
        self.asked.append(partners)
        return [f"{p.name} has 2 open sales orders" for p in partners if p.name == "Acme"]


@pytest.fixture
def refuse_acme(app):
    plugin = RefuseAcme()
    registry = get_registry(app)
    registry.refresh()  # load the installed addons first, as a request would
    registry.pm.register(plugin)
    yield plugin
    registry.pm.unregister(plugin)


@pytest.mark.spec("5.1.3.1")
def test_another_addon_can_refuse_archiving(db_session, refuse_acme):
    acme = company(db_session, "Acme")
    li = person(db_session, "Li Lei", acme)
    globex = company(db_session, "Globex")

    with pytest.raises(PartnerError) as error:
        services.archive_partners(db_session, [globex.id, acme.id])

    assert error.value.messages == {"_schema": ["Acme has 2 open sales orders"]}
    assert refuse_acme.asked == [
        (
            PartnerRef(globex.id, globex.code, "Globex"),
            PartnerRef(acme.id, acme.code, "Acme"),
            PartnerRef(li.id, li.code, "Acme, Li Lei"),
        )
    ]
    db_session.expire_all()
    assert all(p.active for p in db_session.scalars(select(Partner)))

    with pytest.raises(PartnerError):
        services.delete_partners(db_session, [acme.id])
    assert count(db_session, Partner) == 3

    services.archive_partners(db_session, [globex.id])
    assert globex.active is False


@pytest.mark.spec("5.1.3.1")
def test_unused_partners_can_be_deleted_with_their_addresses(db_session):
    acme = company(db_session, "Acme", addresses=[{"street": "Dock 1"}])
    li = person(db_session, "Li Lei", acme)
    tag = services.create_tag(db_session, {"name": "VIP"})
    globex = company(db_session, "Globex", tag_ids=[tag.id])

    with pytest.raises(PartnerError) as error:
        services.delete_partners(db_session, [acme.id])
    assert error.value.messages == {
        "_schema": ["Acme is still used by other records; archive it instead."]
    }
    assert count(db_session, Partner) == 3

    services.delete_partners(db_session, [acme.id, li.id, globex.id])
    assert count(db_session, Partner) == 0
    assert count(db_session, PartnerAddress) == 0
    assert count(db_session, PartnerTag) == 1


def test_unknown_partners_are_reported(db_session):
    with pytest.raises(PartnerError) as error:
        services.archive_partners(db_session, [424242])
    assert error.value.messages == {"_schema": ["There is no partner with id 424242."]}
    with pytest.raises(PartnerError):
        services.update_partner(db_session, "x", {"name": "Y"})


# --------------------------------------------------------------------------- language, install


@pytest.mark.spec("5.1.3.1")
def test_errors_speak_chinese_to_a_chinese_user(db_session, chinese):
    company(db_session, "华联", code="C-1")

    with pytest.raises(PartnerError) as error:
        services.create_partner(db_session, {"code": "C-1", "name": "", "email": "x"})

    assert error.value.messages == {
        "name": ["此字段为必填项。"],
        "email": ["电子邮件地址无效。"],
    }
    with pytest.raises(PartnerError) as error:
        company(db_session, "联华", code="C-1")
    assert error.value.messages == {"code": ["编码 C-1 已被其他业务伙伴使用。"]}
    assert str(error.value) == "code: 编码 C-1 已被其他业务伙伴使用。"


def test_install_creates_the_code_sequence(db_session):
    sequence = db_session.scalar(select(Sequence).where(Sequence.code == "partners.partner"))

    assert (sequence.addon, sequence.prefix, sequence.padding) == ("partners", "P", 5)


def test_roles_grant_declared_permissions():
    declared = {p.name for p in hooks.core_register_permissions()}
    roles = {r.name: r for r in hooks.core_register_roles()}

    assert set(roles) == {"partners.user", "partners.manager"}
    assert roles["partners.manager"].implies == ("partners.user",)
    assert "partners.partner.read_bank" in roles["partners.manager"].permissions
    assert "partners.partner.read_bank" not in roles["partners.user"].permissions
    granted = {p for role in roles.values() for p in role.permissions}
    assert granted == declared
