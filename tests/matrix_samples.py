"""Sample records for the authorization matrix (tests/test_authorization_matrix.py).

The matrix finds resources, actions and roles in what the addons declare; the one thing
it cannot know is what a valid record of each resource looks like. A :class:`Sample`
says that for one API resource: the body of a new record, the body of a change, how a
record is made for a given user (when the resource cannot create its own, like an
order's lines), the columns naming the user a record belongs to, and how a record is
brought to the state where each business action applies. Builders receive a
:class:`Ctx`: one company's fixtures and its superuser, over the same API.

Partners, products and the delta fixture addon are here; each other addon keeps its
samples in ``addons/<name>/tests/matrix_samples.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update

Body = dict[str, Any]


@dataclass(frozen=True)
class Sample:
    """How to make valid records of one API resource for the matrix.

    ``create(ctx)``: the body of a new record (None when the resource creates none);
    ``change(ctx)``: the body of a valid update (None when it updates none);
    ``make(ctx)``: the id of a record made for ``ctx.owner_id`` by the superuser
    (default: ``create`` posted, then handed to the owner through ``owner``);
    ``owner``: columns naming the user a record is for (record rules read them);
    ``states``: for every business action the resource declares, what brings a made
    record to where the action applies (None: as made);
    ``before_create(ctx)``: what must go first for ``create`` to be valid again (a
    company's one settings record).
    """

    create: Callable[[Ctx], Body] | None = None
    change: Callable[[Ctx], Body] | None = None
    make: Callable[[Ctx], int] | None = None
    owner: tuple[str, ...] = ()
    states: Mapping[str, Callable[[Ctx, int], Any] | None] = field(default_factory=dict)
    before_create: Callable[[Ctx], None] | None = None


@dataclass
class Ctx:
    """What a sample builder may use: one company's fixtures (``ids``), the user the
    records are for, a number never used before, and that company's superuser.

    ``world`` is the matrix's world: its app, superusers and users (see the matrix).
    """

    world: Any
    company: str
    owner_id: int
    n: int
    ids: Mapping[str, int]
    members: tuple[int, ...] = ()
    # The fixtures a builder named: a body naming the company's records (its customer,
    # a product, a warehouse) must be refused by a user of the other company.
    named: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.ids = _Naming(self.ids, self.named)

    # ----------------------------------------------------------------- the API, as superuser

    def post(self, api: str, body: Body, *, as_user: Any = None) -> int:
        """Create through the API (201 expected); the new record's id."""
        answer = self._client().post(f"/api/v1/{api}", headers=self._auth(as_user), json=body)
        assert answer.status_code == 201, f"{api}: {answer.get_data(as_text=True)[:400]}"
        return answer.json["id"]

    def patch(self, api: str, record_id: int, body: Body, *, as_user: Any = None) -> None:
        url = f"/api/v1/{api}/{record_id}"
        answer = self._client().patch(url, headers=self._auth(as_user), json=body)
        assert answer.status_code == 200, f"{api}: {answer.get_data(as_text=True)[:400]}"

    def act(
        self, api: str, record_id: int, action: str, body: Body | None = None, *, as_user=None
    ) -> None:
        url = f"/api/v1/{api}/{record_id}/{action}"
        answer = self._client().post(url, headers=self._auth(as_user), json=body or {})
        assert answer.status_code == 200, f"{api} {action}: {answer.get_data(as_text=True)[:400]}"

    def sql(self, work: Callable[[Any], Any]) -> Any:
        """``work(session)`` in one committed transaction, outside every access rule."""
        with self.world.app.app_context():
            return self.world.app.extensions["tessera.db"].atomic(work)

    def hand_over(self, model: type, record_id: int, *columns: str) -> int:
        """Make ``columns`` of the record name the owner: as if they sold or made it
        (for a user of another company: as if they had moved there since)."""
        if columns:
            values = dict.fromkeys(columns, self.owner_id)
            self.sql(lambda s: s.execute(update(model).where(model.id == record_id).values(values)))
        return record_id

    def new_product(self) -> int:
        """A product of the company nothing else uses yet."""
        self.named.add("new product")
        return self.post("products", {"name": f"Matrix product {self.n}"})

    def new_customer(self) -> int:
        """A customer of the company nobody sells to yet."""
        self.named.add("new customer")
        return self.post("partners", {"name": f"Matrix customer {self.n}", "is_customer": True})

    def _client(self):
        return self.world.app.test_client()

    def _auth(self, as_user: Any) -> dict[str, str]:
        return as_user if as_user is not None else self.world.admins[self.company]


class _Naming(dict):
    """Fixture ids that remember which of them were read."""

    def __init__(self, ids: Mapping[str, int], named: set[str]) -> None:
        super().__init__(ids)
        self.named = named

    def __getitem__(self, key: str) -> int:
        self.named.add(key)
        return super().__getitem__(key)


# --------------------------------------------------------------------------- core addons


def _name(kind: str) -> Callable[[Ctx], Body]:
    return lambda ctx: {"name": f"Matrix {kind} {ctx.n}"}


def _start(api: str) -> Callable[[Ctx, int], None]:
    return lambda ctx, record_id: ctx.act(api, record_id, "start")


SAMPLES: dict[str, Sample] = {
    # Handed to the user as their salesperson: sales' rule lets a salesperson reach their
    # own customers (and the unassigned ones).
    "partners": Sample(
        create=lambda ctx: {"name": f"Matrix partner {ctx.n}", "is_customer": True},
        change=_name("partner (changed)"),
        owner=("salesperson_id",),
    ),
    "partners/groups": Sample(create=_name("group"), change=_name("group (changed)")),
    "partners/tags": Sample(create=_name("tag"), change=_name("tag (changed)")),
    "products": Sample(create=_name("product"), change=_name("product (changed)")),
    "products/categories": Sample(create=_name("category"), change=_name("category (changed)")),
    "products/uoms": Sample(
        create=lambda ctx: {
            "name": f"Matrix unit {ctx.n}",
            "category_id": ctx.ids["uom_category"],
            "kind": "bigger",
            "factor": "12",
        },
        change=_name("unit (changed)"),
    ),
    # Owned by the user, so the delta.user rule "own tasks" lets them reach it.
    "delta/tasks": Sample(
        create=lambda ctx: {"name": f"Matrix task {ctx.n}", "owner_id": ctx.owner_id},
        change=_name("task (changed)"),
        owner=("owner_id",),
        states={"start": None, "finish": _start("delta/tasks"), "copy": None, "cancel": None},
    ),
}
