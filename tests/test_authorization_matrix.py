"""The authorization matrix over HTTP, generated from what the addons declare (issue 3).

For every resource declared with an API (partners, products, sales, inventory and the
delta fixture addon), every action (list, create, read, update, delete over the API;
export of its list in a browser session; each declared business action, ``POST
/api/v1/<api>/<id>/<action>``) and every role the registry knows (and no role at all), a
user holding the role in each of two companies calls it, and the answer must be exactly
what :class:`core.security.access.Access` says: 200/201/204 when it allows, 403 without
the permission, 404 when the record's rules hide it, 405 when the resource does not offer
the action, 409 when the action does not apply to the record as it stands. Records belong
to the first company and are made for its user holding the role (their order, their
task); the user of the second company holding the same role must not reach them.

Beyond what Access says: a refused call changes nothing (no row of any addon table is
added, removed or touched), a list, an export or a record of the other company is never
answered, and what a user creates lands in their own company.

A second matrix checks the record rules: records of the first company that belong to a
colleague (their orders, payments, customers, tasks; operations, stock and counts in a
warehouse only the colleague works in) against every role, over the API and the generic
export of selected records.

Nothing here lists resources, actions, roles or answers by hand; the samples
(tests/matrix_samples.py and each addon's tests/matrix_samples.py) say what a valid record
of each resource looks like, and a test fails when a declared resource or action has none.

Every cell runs on SQLite. On PostgreSQL the cells of a role holding no permission on the
resource are skipped: they are refused before any query touches the resource, by the same
code on every engine (and the matrix would take twice as long).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select

from addons.inventory.tests.matrix_samples import SAMPLES as INVENTORY_SAMPLES
from addons.sales.tests.matrix_samples import SAMPLES as SALES_SAMPLES
from core.db import ActiveMixin, CompanyMixin
from core.plugins import collect, discover, make_plugin_manager
from core.security.access import Access, AccessDenied, RecordNotFound, RoleBook, access_for
from core.security.passwords import hash_password
from core.testing import build_app, log_in
from core.views.records import action_permission, applies
from tests.conftest import FIXTURE_ADDONS
from tests.matrix_samples import SAMPLES as CORE_SAMPLES
from tests.matrix_samples import Ctx, Sample

BUNDLED = frozenset({"partners", "products", "sales", "inventory"})
ADDONS = (*sorted(BUNDLED), "delta")
BASIC = ("list", "create", "read", "update", "delete", "export")
NO_ROLE = "no role"
MATRIX_PASSWORD = "matrix-of-every-role-9"
SUCCESS = {"list": 200, "create": 201, "read": 200, "update": 200, "delete": 204, "export": 200}
# A business action answers its record (200), or the record it made, as a create does (201).
ACTION_SUCCESS = 200
MADE = 201
ACCESS_ACTION = {"read": "read", "update": "write", "delete": "delete"}
SERVICE = {"create": "create", "update": "update", "delete": "delete"}
READS = ("list", "read", "export")
# Fixtures every company shares (units of measure): naming them names no company's record.
SHARED_IDS = {"uom_category", "level"}
SAMPLES: dict[str, Sample] = {**CORE_SAMPLES, **SALES_SAMPLES, **INVENTORY_SAMPLES}


def _declared():
    catalog = discover([str(FIXTURE_ADDONS)])
    pm = make_plugin_manager(catalog, catalog.closure(ADDONS))
    views = {view.api: view for view in collect(pm, "core_register_views") if view.api}
    book = RoleBook(collect(pm, "core_register_roles"))
    ruled = {rule.resource for rule in collect(pm, "core_register_record_rules")}
    return views, book, ruled


VIEWS, BOOK, RULED = _declared()
ROLES = sorted(BOOK.roles)


def engine_neutral(api: str, role: str) -> bool:
    """The role holds no permission on the resource (nor any its actions ask for): every
    call is refused before a query touches it, by the same code on every engine."""
    view = VIEWS[api]
    prefix = f"{view.model.__resource__}."
    granted = BOOK.permissions([role]) if role != NO_ROLE else frozenset()
    asked = {action.permission for action in view.actions if action.permission}
    return not any(p.startswith(prefix) or p in asked for p in granted)


def skip_on_other_engines(db_engine, api: str, role: str) -> None:
    if db_engine.engine != "sqlite" and engine_neutral(api, role):
        pytest.skip("refused before any query, the same on every engine: run on SQLite")


def actions_of(api: str) -> tuple[str, ...]:
    """The basic actions, then the resource's business actions by name."""
    return (*BASIC, *(action.name for action in VIEWS[api].actions))


CASES = [
    (api, action, role)
    for api in sorted(VIEWS)
    for action in actions_of(api)
    for role in (*ROLES, NO_ROLE)
]


def ruled(api: str) -> bool:
    """Record rules limit the resource (or the record a line follows, its order)."""
    model = VIEWS[api].model
    while getattr(model, "__rule_parent__", None):
        model = getattr(model, model.__rule_parent__).property.mapper.class_
    return model.__resource__ in RULED


# Resources users see only part of (a record rule): a colleague's records of them.
RULE_CASES = [(api, role) for api in sorted(VIEWS) if ruled(api) for role in (*ROLES, NO_ROLE)]


def test_the_matrix_covers_every_declared_resource_action_and_role():
    assert {"sales/orders", "sales/payments", "inventory/deliveries", "delta/tasks"} <= set(VIEWS)
    assert {"sales.user", "inventory.manager", "delta.user", "core.admin"} <= set(ROLES)
    assert {"sales.order", "inventory.picking", "partners.partner"} <= RULED
    assert set(SAMPLES) == set(VIEWS), "a sample for each declared resource, and no other"
    for api, view in VIEWS.items():
        sample = SAMPLES[api]
        assert not set(BASIC) & {a.name for a in view.actions}, f"{api}: action named as CRUD"
        assert (sample.create is None) == (view.create is None), f"{api}: create sample"
        assert (sample.change is None) == (view.update is None), f"{api}: change sample"
        assert sample.create or sample.make, f"{api}: no way to make a record"
        missing = {a.name for a in view.actions} - set(sample.states)
        assert not missing, f"{api}: no state for actions {missing}"


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    """One app with every addon, two companies, a superuser and a user per role (and
    one without) in each, a colleague in each, and the fixtures samples build on."""

    app: Any
    admins: dict[str, dict[str, str]]  # company -> superuser's API headers
    users: dict[tuple[str, str], int]  # (role, company) -> user id
    colleagues: dict[str, int]  # company -> a salesperson and storekeeper
    headers: dict[int, dict[str, str]]  # user id -> API headers
    logins: dict[int, str]
    companies: dict[str, int]
    homes: dict[int, int]  # user id -> their company
    ids: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    counter: Any = field(default_factory=lambda: itertools.count(1))
    browsers: dict[int, Any] = field(default_factory=dict)
    records: dict[tuple, int] = field(default_factory=dict)
    accesses: dict[int, Access] = field(default_factory=dict)
    owners: dict[tuple[type, int], int | None] = field(default_factory=dict)
    fingerprint_statement: Any = None

    @property
    def clerks(self) -> dict[str, dict[str, str]]:
        """Storekeepers who may not approve counts: the colleagues."""
        return {company: self.headers[uid] for company, uid in self.colleagues.items()}

    def ctx(self, company: str, owner_id: int, variant: str = "mine") -> Ctx:
        """Company ``company``'s fixtures for records of ``owner_id``; ``theirs``: in the
        warehouse only the colleague works in."""
        members = (self.colleagues[company],) if variant == "theirs" else ()
        ids = self.ids[(company, variant)]
        return Ctx(self, company, owner_id, next(self.counter), ids, members)

    def record(self, api: str, purpose: str, owner_id: int, variant: str, fresh=False) -> int:
        """A record of the first company made for ``owner_id``, brought to where action
        ``purpose`` applies ("record": as made). Shared unless ``fresh``: a call that
        succeeds in changing it gets one of its own."""
        sample = SAMPLES[api]
        key = (api, purpose, owner_id if sample.owner else None, variant)
        if fresh or key not in self.records:
            ctx = self.ctx("A", owner_id, variant)
            if sample.make is not None:
                record_id = sample.make(ctx)
            else:
                made = ctx.post(api, sample.create(ctx))
                record_id = ctx.hand_over(VIEWS[api].model, made, *sample.owner)
            state = sample.states.get(purpose)
            if state is not None:
                state(ctx, record_id)
            if fresh:
                return record_id
            self.records[key] = record_id
        return self.records[key]

    def access(self, user_id: int) -> Access:
        """The user's Access (roles do not change here: built once)."""
        from core import db

        if user_id not in self.accesses:
            self.accesses[user_id] = access_for(db.session(), user_id)
        return self.accesses[user_id]

    def browser(self, user_id: int):
        """A test client logged in as ``user_id`` through the login form (made once)."""
        if user_id not in self.browsers:
            client = self.app.test_client()
            log_in(client, self.logins[user_id], MATRIX_PASSWORD)
            self.browsers[user_id] = client
        return self.browsers[user_id]

    def fingerprint(self) -> dict[str, Any]:
        """Rows, last change and versions of every addon table, in one query: equal
        before and after a call when the call changed nothing."""
        from core import db
        from core.db import Base

        if self.fingerprint_statement is None:
            parts = []
            for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
                if not table.name.startswith(tuple(f"{name}_" for name in ADDONS)):
                    continue
                count = select(func.count()).select_from(table).scalar_subquery()
                parts.append(count.label(f"{table.name} rows"))
                for column, total in (("updated_at", func.max), ("version", func.sum)):
                    if column in table.c:
                        summary = select(total(table.c[column])).scalar_subquery()
                        parts.append(summary.label(f"{table.name} {column}"))
            self.fingerprint_statement = select(*parts)
        with self.app.app_context():
            return dict(db.session().execute(self.fingerprint_statement).one()._mapping)

    def company_of(self, model: type, record_id: int) -> int | None:
        """The company owning a record, read past every rule (a line: its order's); None
        for records no company owns. A record never changes company: read once."""
        from core import db

        if (model, record_id) not in self.owners:
            with self.app.app_context():
                record = db.session().get(model, record_id)
                while record is not None and not isinstance(record, CompanyMixin):
                    parent = getattr(type(record), "__rule_parent__", None)
                    record = getattr(record, parent) if parent else None
                self.owners[(model, record_id)] = None if record is None else record.company_id
        return self.owners[(model, record_id)]


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


@pytest.fixture(scope="module")
def world(db_engine):
    """The world of the matrix: records are made fresh by the tests (or shared while no
    call changes them)."""
    from core.models import Company
    from core.registry import get_registry
    from core.security.models import UserRole
    from core.security.tokens import create_token
    from core.security.users import User

    app = build_app(db_engine.copy_url(BUNDLED), ADDONS_PATH=str(FIXTURE_ADDONS))
    database = app.extensions["tessera.db"]
    with app.app_context():
        get_registry(app).lifecycle.install(["delta"])

    def build(session):
        from addons.inventory import services as inventory
        from addons.sales import services as sales

        first = session.scalar(select(Company).order_by(Company.id))
        second = Company(name="Matrix B", code="MATRIX-B")
        session.add(second)
        session.flush()
        companies = {"A": first.id, "B": second.id}
        password_hash = hash_password(MATRIX_PASSWORD)  # once: argon2 is slow on purpose
        found = {"users": {}, "colleagues": {}, "headers": {}, "logins": {}, "homes": {}}

        def person(login: str, name: str, company: str, roles=(), superuser=False) -> int:
            user = User(
                login=login,
                name=name,
                company_id=companies[company],
                password_hash=password_hash,
                is_superuser=superuser,
            )
            session.add(user)
            session.flush()
            session.add_all(UserRole(user_id=user.id, role=role) for role in roles)
            token, _record = create_token(session, user, name="matrix")
            found["headers"][user.id] = headers(token)
            found["logins"][user.id] = login
            found["homes"][user.id] = companies[company]
            return user.id

        for number, role in enumerate((*ROLES, NO_ROLE)):
            for company in companies:
                roles = () if role == NO_ROLE else (role,)
                uid = person(f"m{number}{company.lower()}", f"{role} {company}", company, roles)
                found["users"][(role, company)] = uid
        for company in companies:
            found["colleagues"][company] = person(
                f"colleague{company.lower()}",
                f"Colleague {company}",
                company,
                ("sales.user", "inventory.user"),
            )
        admin = session.scalar(select(User).where(User.is_superuser).order_by(User.id))
        admin_token, _record = create_token(session, admin, name="matrix")
        admin_b = person("matrixadminb", "Administrator B", "B", superuser=True)
        found["admins"] = {"A": headers(admin_token), "B": found["headers"][admin_b]}
        # What installing gave the first company, the second gets as it is made.
        inventory.create_default_warehouses(session)
        sales.ensure_settings(session)
        return companies, found

    with app.app_context():
        companies, found = database.atomic(build)
    world = World(
        app,
        found["admins"],
        found["users"],
        found["colleagues"],
        found["headers"],
        found["logins"],
        companies,
        found["homes"],
    )
    for company in companies:
        furnish(world, company)
    yield world
    database.dispose()


def furnish(world: World, company: str) -> None:
    """The company's customers, products, warehouses and stock, made by its superuser.

    The first warehouse is open to every storekeeper; the first company also has one
    only its colleague works in. Counts in both need approval for any difference.
    """
    from addons.inventory.models import Location, Warehouse
    from addons.products.models import UomCategory

    company_id = world.companies[company]
    setup = Ctx(world, company, 0, 0, {})
    ids = {
        "company": company_id,
        "customer": setup.post("partners", {"name": f"Customer {company}", "is_customer": True}),
        "tight_customer": setup.post(
            "partners",
            {"name": f"Tight customer {company}", "is_customer": True, "credit_limit": "0.01"},
        ),
        "product": setup.post(
            "products", {"name": f"Stocked {company}", "cost": "10.00", "sale_price": "100.00"}
        ),
        "empty": setup.post("products", {"name": f"Never held {company}"}),
        "counted": setup.post("products", {"name": f"Counted {company}"}),
        "level": setup.post("sales/customer-levels", {"code": f"L{company}", "name": "Matrix"}),
        "uom_category": setup.sql(
            lambda session: session.scalar(select(UomCategory.id).order_by(UomCategory.id))
        ),
    }

    def stock_of(warehouse_id: int) -> int:
        key = f"stock:{warehouse_id}"
        return setup.sql(lambda s: s.scalar(select(Location.id).where(Location.system_key == key)))

    first = setup.sql(
        lambda session: session.scalar(
            select(Warehouse.id).where(Warehouse.company_id == company_id).order_by(Warehouse.id)
        )
    )
    setup.patch("inventory/warehouses", first, {"count_approval_value": "0"})
    warehouses = {"mine": first}
    if company == "A":
        warehouses["theirs"] = setup.post(
            "inventory/warehouses",
            {
                "code": "THEIRS",
                "name": "Colleague's warehouse",
                "count_approval_value": "0",
                "members": [{"user_id": world.colleagues[company]}],
            },
        )
    for variant, warehouse_id in warehouses.items():
        world.ids[(company, variant)] = {
            **ids,
            "warehouse": warehouse_id,
            "stock": stock_of(warehouse_id),
        }
        line = {"product_id": ids["product"], "quantity": "1000000"}
        receipt = setup.post("inventory/receipts", {"warehouse_id": warehouse_id, "moves": [line]})
        setup.act("inventory/receipts", receipt, "confirm")
        setup.act("inventory/receipts", receipt, "validate")


# --------------------------------------------------------------------------- what Access says


def expected(
    world: World, user_id: int, api: str, action: str, record_id: int | None = None
) -> int:
    """What Access says the user may do, as the status the API must answer."""
    from core import db

    view = VIEWS[api]
    if action in SERVICE and getattr(view, SERVICE[action]) is None:
        return 405
    with world.app.app_context():
        session = db.session()
        access = world.access(user_id)
        try:
            if action == "list":
                access.select(view.model)
            elif action in ("create", "export"):
                access.require(f"{view.model.__resource__}.{action}")
            elif action in ACCESS_ACTION:
                access.get(session, view.model, record_id, ACCESS_ACTION[action])
            else:
                declared = next(a for a in view.actions if a.name == action)
                # The action's own permission (else write), on a record the write
                # rules reach.
                access.require(action_permission(view, declared))
                statement = access.select_by_rules(view.model, "write")
                record = session.scalar(statement.where(view.model.id == record_id))
                if record is None:
                    raise RecordNotFound(record_id)
                return ACTION_SUCCESS if applies(declared, record) else 409
        except AccessDenied:
            return 403
        except RecordNotFound:
            return 404
    return SUCCESS[action]


def visible(world: World, user_id: int, api: str, record_id: int | None = None) -> int:
    """How many records the user's Access selects (active ones, as a list shows)."""
    from core import db

    model = VIEWS[api].model
    with world.app.app_context():
        statement = world.access(user_id).select(model)
        if issubclass(model, ActiveMixin):
            statement = statement.where(model.active.is_(True))
        if record_id is not None:
            statement = statement.where(model.id == record_id)
        return db.session().scalar(select(func.count()).select_from(statement.subquery()))


# --------------------------------------------------------------------------- the calls


def call(world: World, api: str, action: str, record_id: int | None, user_id: int, body):
    """The request for ``action``: the API with the user's token, or for an export the
    list's screen in the user's browser session (tokens open only the API)."""
    client = world.app.test_client()
    auth = world.headers[user_id]
    url = f"/api/v1/{api}" if record_id is None else f"/api/v1/{api}/{record_id}"
    if action in ("list", "read"):
        return client.get(url, headers=auth)
    if action == "create":
        return client.post(url, headers=auth, json=body)
    if action == "update":
        return client.patch(url, headers=auth, json=body)
    if action == "delete":
        return client.delete(url, headers=auth)
    if action == "export":
        addon, slug = VIEWS[api].name.split(".", 1)
        selection = "" if record_id is None else f"&ids={record_id}"
        return world.browser(user_id).get(
            f"/{addon}/{slug}/export?format=json{selection}", headers={"Accept-Language": "en"}
        )
    return client.post(f"{url}/{action}", headers=auth, json=body)


def inputs(api: str, action: str) -> dict[str, str]:
    """A value for each input the action declares (a reason, a note)."""
    declared = next(a for a in VIEWS[api].actions if a.name == action)
    return {spec.name: f"Matrix {spec.name}" for spec in declared.inputs}


def answered(answer) -> str:
    return f"answered {answer.status_code}: {answer.get_data(as_text=True)[:300]}"


def unchanged(world: World, before: dict[str, Any], where: str) -> None:
    after = world.fingerprint()
    changed = sorted(key for key, value in after.items() if before.get(key) != value)
    assert not changed, f"{where}: refused, yet it changed {changed}"


def check_listing(world: World, api: str, action: str, user_id: int, owner_id: int, variant: str):
    """A list or export answers what Access selects, and nothing of another company;
    an export of selected records leaves out the ones the user may not see."""
    where = f"{api} × {action} × user {user_id}"
    wanted = expected(world, user_id, api, action)
    answer = call(world, api, action, None, user_id, None)
    assert answer.status_code == wanted, f"{where}: Access says {wanted}, {answered(answer)}"
    if wanted != 200:
        return
    rows = answer.json["items"] if action == "list" else answer.json
    total = answer.json["total"] if action == "list" else len(rows)
    assert total == visible(world, user_id, api), where
    model = VIEWS[api].model
    foreign = [
        row["id"]
        for row in rows
        if world.company_of(model, row["id"]) not in (None, world.homes[user_id])
    ]
    assert not foreign, f"{where}: records of another company {foreign}"
    if action == "export":
        record_id = world.record(api, "record", owner_id, variant)
        answer = call(world, api, action, record_id, user_id, None)
        assert answer.status_code == 200, f"{where} ids={record_id}: {answered(answer)}"
        wanted_rows = visible(world, user_id, api, record_id)
        assert len(answer.json) == wanted_rows, f"{where} ids={record_id}: {answer.json}"


def check_create(world: World, api: str, user_id: int) -> None:
    """Create in the user's company with a sample of that company; refused: nothing made."""
    where = f"{api} × create × user {user_id}"
    sample, view = SAMPLES[api], VIEWS[api]
    body: dict[str, Any] = {}
    if view.create is not None:
        company = next(c for c, cid in world.companies.items() if cid == world.homes[user_id])
        ctx = world.ctx(company, user_id)
        body = sample.create(ctx)
        if sample.before_create is not None:
            sample.before_create(ctx)
    wanted = expected(world, user_id, api, "create")
    before = world.fingerprint() if wanted != SUCCESS["create"] else None
    answer = call(world, api, "create", None, user_id, body)
    assert answer.status_code == wanted, f"{where}: Access says {wanted}, {answered(answer)}"
    if before is not None:
        unchanged(world, before, where)
    else:
        made = world.company_of(view.model, answer.json["id"])
        assert made in (None, world.homes[user_id]), f"{where}: made in company {made}"


def check_record(
    world: World, api: str, action: str, user_id: int, owner_id: int, variant: str
) -> None:
    """Read, update, delete or a business action on a record of the first company made
    for ``owner_id``: the answer Access gives, nothing changed when refused, and never
    a success on another company's record."""
    where = f"{api} × {action} × user {user_id} on a record of user {owner_id} ({variant})"
    purpose = action if action not in ACCESS_ACTION else "record"
    record_id = world.record(api, purpose, owner_id, variant)
    wanted = expected(world, user_id, api, action, record_id)
    changes = action not in READS
    if changes and wanted < 300:
        record_id = world.record(api, purpose, owner_id, variant, fresh=True)
        wanted = expected(world, user_id, api, action, record_id)
    body: dict[str, Any] = {}
    if action == "update" and SAMPLES[api].change is not None:
        body = SAMPLES[api].change(world.ctx("A", owner_id, variant))
    elif action not in ACCESS_ACTION:
        body = inputs(api, action)
    before = world.fingerprint() if changes and wanted >= 300 else None
    answer = call(world, api, action, record_id, user_id, body)
    status = answer.status_code
    if action not in ACCESS_ACTION and (wanted, status) == (ACTION_SUCCESS, MADE):
        status = ACTION_SUCCESS
    assert status == wanted, f"{where}: Access says {wanted}, {answered(answer)}"
    if before is not None:
        unchanged(world, before, where)
    company = world.company_of(VIEWS[api].model, record_id)
    if company not in (None, world.homes[user_id]):
        assert answer.status_code >= 400, f"{where}: another company's record was reached"


# --------------------------------------------------------------------------- the matrices


@pytest.mark.spec("5.3.1.1", "5.3.1.2", "6.2.5", "6.2.6")
@pytest.mark.parametrize(
    ("api", "action", "role"), CASES, ids=[f"{a}×{b}×{c}" for a, b, c in CASES]
)
def test_the_api_answers_what_access_allows(db_engine, world, api, action, role):
    skip_on_other_engines(db_engine, api, role)
    owner_id = world.users[(role, "A")]
    for company in ("A", "B"):
        user_id = world.users[(role, company)]
        if action in ("list", "export"):
            check_listing(world, api, action, user_id, owner_id, "mine")
        elif action == "create":
            check_create(world, api, user_id)
        else:
            check_record(world, api, action, user_id, owner_id, "mine")


@pytest.mark.spec("5.3.1.2", "6.2.5")
@pytest.mark.parametrize(("api", "role"), RULE_CASES, ids=[f"{a}×{r}" for a, r in RULE_CASES])
def test_record_rules_keep_a_colleagues_records_from_each_role(db_engine, world, api, role):
    skip_on_other_engines(db_engine, api, role)
    user_id, colleague = world.users[(role, "A")], world.colleagues["A"]
    for action in actions_of(api):
        if action == "export":
            check_listing(world, api, action, user_id, colleague, "theirs")
        elif action not in ("list", "create"):
            check_record(world, api, action, user_id, colleague, "theirs")


FOREIGN_CASES = sorted(api for api, view in VIEWS.items() if view.create is not None)


@pytest.mark.spec("5.3.1.2", "6.2.5")
@pytest.mark.parametrize("api", FOREIGN_CASES)
def test_the_other_companys_records_cannot_be_named(world, api):
    """A valid body of the other company (its customer, products, warehouse, locations)
    sent by each role that may create here: creating with it, or changing a record of
    one's own company to it, is refused and changes nothing."""
    view, sample = VIEWS[api], SAMPLES[api]
    creators = [r for r in ROLES if f"{view.model.__resource__}.create" in BOOK.permissions([r])]
    assert creators, f"{api}: nobody but the superuser creates here"
    for role in creators:
        user_id = world.users[(role, "A")]
        foreign = world.ctx("B", world.users[(role, "B")])
        body = sample.create(foreign)
        if not foreign.named - SHARED_IDS:
            return  # the body names no company's record: valid in any company
        where = f"{api} × {role}: body of the other company"
        before = world.fingerprint()
        answer = call(world, api, "create", None, user_id, body)
        assert answer.status_code >= 400, f"{where}: created, {answered(answer)}"
        unchanged(world, before, where)
        if view.update is None:
            continue
        record_id = world.record(api, "record", user_id, "mine", fresh=True)
        before = world.fingerprint()
        answer = call(world, api, "update", record_id, user_id, body)
        assert answer.status_code >= 400, f"{where}: changed into it, {answered(answer)}"
        unchanged(world, before, where)


@pytest.mark.spec("5.3.1.2")
def test_a_salesperson_reaches_their_own_and_their_teams_orders_only(world):
    """Sales / User sees the orders they sell and those of the teams they lead (sales'
    record rule): not a colleague's other orders, and none of the company they left."""
    from sqlalchemy import update

    from addons.sales.models import SalesOrder
    from addons.sales.tests.matrix_samples import make_order
    from core.security.models import UserRole
    from core.security.tokens import create_token
    from core.security.users import User

    colleague, home = world.colleagues["A"], world.companies["A"]

    def hire(session):
        leader = User(login="teamleader", name="Team leader", company_id=home, password_hash="!")
        session.add(leader)
        session.flush()
        session.add(UserRole(user_id=leader.id, role="sales.user"))
        token, _record = create_token(session, leader, name="matrix")
        return leader.id, headers(token)

    admin = world.ctx("A", 0)
    leader, auth = admin.sql(hire)
    team = admin.post(
        "sales/teams",
        {"name": "Leader's team", "leader_id": leader, "members": [{"user_id": colleague}]},
    )
    own = make_order(world.ctx("A", leader))
    in_team, outside = make_order(world.ctx("A", colleague)), make_order(world.ctx("A", colleague))
    admin.sql(
        lambda s: s.execute(update(SalesOrder).where(SalesOrder.id == in_team).values(team_id=team))
    )
    client = world.app.test_client()

    def status(order_id: int) -> int:
        return client.get(f"/api/v1/sales/orders/{order_id}", headers=auth).status_code

    assert [status(own), status(in_team), status(outside)] == [200, 200, 404]
    listed = client.get("/api/v1/sales/orders?size=200", headers=auth).json["items"]
    assert {row["id"] for row in listed} == {own, in_team}
    assert client.post(f"/api/v1/sales/orders/{in_team}/confirm", headers=auth).status_code == 200
    assert client.post(f"/api/v1/sales/orders/{outside}/confirm", headers=auth).status_code == 404
    # Moved to the other company: what they sold here is out of their reach.
    admin.sql(
        lambda s: s.execute(
            update(User).where(User.id == leader).values(company_id=world.companies["B"])
        )
    )
    assert [status(own), status(in_team)] == [404, 404]
    assert client.get("/api/v1/sales/orders", headers=auth).json["total"] == 0
