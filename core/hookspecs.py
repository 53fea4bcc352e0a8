"""Core hook specifications: the contract between core and every addon.

Grouped by phase. Collectors return lists of the frozen dataclasses defined here and
core assembles them; events are past tense and return nothing. A hook's arguments are
ids, these DTOs and the caller's session: an implementation never commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from core.plugins import hookspec

if TYPE_CHECKING:
    import click
    from flask import Blueprint
    from sqlalchemy.orm import Session


# --------------------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class Permission:
    """The right to do ``action`` on ``resource``; its name is ``resource.action``.

    ``resource`` is namespaced by its addon (``partners.partner``); ``label`` is a
    lazy translated text shown in the role editor.
    """

    resource: str
    action: str
    label: Any

    @property
    def name(self) -> str:
        return f"{self.resource}.{self.action}"


@dataclass(frozen=True)
class Role:
    """A named set of permissions an administrator grants to users.

    ``implies`` names roles whose permissions this one includes (a manager implies
    the user role of the same addon).
    """

    name: str
    label: Any
    permissions: tuple[str, ...] = ()
    implies: tuple[str, ...] = ()
    description: Any = ""


@dataclass(frozen=True)
class Principal:
    """Who is asking: what record rules are written against.

    ``roles`` are expanded (implied roles included); ``company_ids`` are the companies
    the user may work for, ``company_id`` the one they work in now.
    """

    user_id: int | None
    is_superuser: bool = False
    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    company_id: int | None = None
    company_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RecordRule:
    """Which records of ``resource`` a user may act on.

    ``domain(principal)`` returns a SQLAlchemy condition on the resource's model. A rule
    with no ``roles`` is global: global rules combine with AND. A rule with roles applies
    to holders of any of them; the applicable role rules combine with OR (a user holding
    none of their roles is not limited by them). ``actions`` says which of read, write,
    delete (and create, checked on the new record) the rule governs.
    """

    resource: str
    name: str
    domain: Callable[[Principal], Any]
    roles: tuple[str, ...] = ()
    actions: tuple[str, ...] = ("read", "write", "delete", "create")


@dataclass(frozen=True)
class ViewField:
    """A field a generic screen shows: the model attribute (a column or a many-to-one
    relationship) and its label. ``choices`` labels the values of an enum column."""

    name: str
    label: Any
    choices: tuple[tuple[str, Any], ...] = ()
    # None: required when the column is NOT NULL without a default; False when the
    # service fills it in (a code from a sequence), True to insist.
    required: bool | None = None
    # Shown on the form but never sent to the service: what the service computes (an
    # order's total, its delivery status).
    readonly: bool = False


@dataclass(frozen=True)
class ViewFilter:
    """A named filter of a list (``Customers``): a condition on the model."""

    name: str
    label: Any
    condition: Callable[[], Any]


@dataclass(frozen=True)
class ViewAction:
    """A business action on one record (``confirm``, ``cancel``): a button on the form's
    status bar, a bulk action of the list when ``bulk``, and
    ``POST /api/v1/<api>/<id>/<name>`` on the API.

    ``run(session, record, data)`` is the addon's service: it changes the record, never
    commits, and raises BusinessError to refuse (nothing is written then). ``data`` holds
    the values of ``inputs`` (a cancellation reason); ``when(record)`` says whether the
    action applies to a record in its current state. ``permission`` defaults to
    ``<resource>.write``.
    """

    name: str
    label: Any
    run: Callable[..., Any]
    permission: str | None = None
    when: Callable[[Any], bool] | None = None
    inputs: tuple[ViewField, ...] = ()
    bulk: bool = False
    confirm: Any = None
    primary: bool = False


@dataclass(frozen=True)
class ViewLink:
    """A related-record count on a form that opens the filtered list: the records of
    view ``view`` whose many-to-one ``field`` points at the record shown."""

    label: Any
    view: str
    field: str


@dataclass(frozen=True)
class LineGrid:
    """An editable grid of a document's lines on its form (order lines), with totals.

    ``relation`` is the model's one-to-many relationship; ``fields`` the line fields
    edited in the grid, ``readonly`` line fields shown but computed by the service (a
    line's subtotal), ``totals`` numeric line fields summed under the grid. On save the
    form sends ``data[relation]`` to the view's service as the list of lines to keep,
    in order: ``{"id": 7, ...}`` updates a line, a dict without ``id`` adds one, and
    a line left out is removed. The service validates them like any other input.
    """

    relation: str
    label: Any
    fields: tuple[ViewField, ...]
    readonly: tuple[ViewField, ...] = ()
    totals: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelView:
    """The screens of one model, from one declaration: list (paging, sorting, search,
    filters, group by, totals, bulk actions, export and import), form (read, edit,
    create, workflow buttons, related counts, history), pivot, graph and kanban, and
    the REST resource, all through the access layer.

    ``name`` is ``<addon>.<slug>`` and gives the URL ``/<addon>/<slug>/``. ``create``
    and ``update`` are the addon's service functions (``create(session, data)``,
    ``update(session, id, data)``); they validate and raise BusinessError. A view
    without them is read-only.
    """

    name: str
    model: type
    label: Any
    fields: tuple[ViewField, ...]
    list_columns: tuple[str, ...]
    form_fields: tuple[str, ...]
    search_fields: tuple[str, ...] = ()
    filters: tuple[ViewFilter, ...] = ()
    default_order: str = "id"
    create: Callable[..., Any] | None = None
    update: Callable[..., Any] | None = None
    page_size: int = 80
    # The REST resource: "partners" serves /api/v1/partners (None: no API).
    api: str | None = None
    # The addon's delete service, ``delete(session, id)`` (None: records are not deleted).
    delete: Callable[..., Any] | None = None
    # Archive and restore services, ``archive(session, ids)``, for models with an
    # ``active`` flag whose archiving has rules; without them core flips the flag.
    archive: Callable[..., Any] | None = None
    unarchive: Callable[..., Any] | None = None
    # Business actions: status-bar buttons, bulk actions, API POSTs.
    actions: tuple[ViewAction, ...] = ()
    # The enum column whose value is the record's stage: the form's status bar, and the
    # kanban columns when ``kanban`` is true (moving a card writes this field).
    state_field: str | None = None
    kanban: bool = False
    # The kanban's drag and drop, ``move(session, id, stage)``: the addon's service
    # decides which moves are allowed (None: the board is read-only).
    move: Callable[..., Any] | None = None
    # Numeric columns summed in list footers, group-by rows, pivots and graphs.
    measures: tuple[str, ...] = ()
    # Fields the list, pivot and graph may group by (enums, booleans, many-to-ones,
    # dates by month); empty: every such field of ``fields``.
    group_by: tuple[str, ...] = ()
    # Related-record counts on the form.
    links: tuple[ViewLink, ...] = ()
    # The natural key an import matches existing records by (insert-or-update).
    import_key: str | None = "code"
    # Editable line grids on the form (a document's lines).
    lines: tuple[LineGrid, ...] = ()
    # The record's own printed document (a quotation rather than a list of its fields):
    # ``print_document(session, access, record)`` returns the PDF's bytes. The form's
    # Print button and ``/<addon>/<slug>/<id>/pdf`` use it, in the language ``?lang=``
    # names (``zh_Hans_CN``, ``en``) else the reader's; None: core prints the fields.
    print_document: Callable[..., bytes] | None = None

    @property
    def addon(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def input_fields(self) -> tuple[str, ...]:
        """The form fields a user fills in: ``form_fields`` but the read-only ones."""
        readonly = {f.name for f in self.fields if f.readonly}
        return tuple(name for name in self.form_fields if name not in readonly)

    @property
    def slug(self) -> str:
        return self.name.split(".", 1)[1]


@dataclass(frozen=True)
class MenuItem:
    """One entry of the menu tree. Top-level entries (no ``parent``) are apps.

    ``endpoint`` is a Flask endpoint, ``view`` the name of a generic ModelView, or
    ``dashboard`` the name of a :class:`Dashboard`; ``permission`` hides the entry from
    users who lack it; entries with no reachable child and no target are hidden too.
    """

    id: str
    label: Any
    parent: str | None = None
    endpoint: str | None = None
    view: str | None = None
    sequence: int = 100
    permission: str | None = None
    icon: str | None = None
    dashboard: str | None = None


# --------------------------------------------------------------------------- form panels


@dataclass(frozen=True)
class PanelFigure:
    """One key figure of a form panel (``Balance: ¥1,200.00``), optionally a link."""

    label: Any
    value: Any
    url: str | None = None
    tone: str | None = None  # "success", "warning" or "danger": how the figure is coloured


@dataclass(frozen=True)
class PanelTable:
    """A small table of a form panel (the customer's latest orders): ``rows`` of values
    under ``columns``; ``links[n]`` opens row n; ``more_url`` the whole list."""

    label: Any
    columns: tuple[Any, ...]
    rows: tuple[tuple[Any, ...], ...]
    links: tuple[str | None, ...] = ()
    more_url: str | None = None
    empty: Any = None  # what to say when there is no row


@dataclass(frozen=True)
class PanelChart:
    """A chart of a form panel (a plan's targets against what was achieved): one value
    per category in each of ``series`` (``(name, values)`` pairs, Decimals or ints);
    ``links[n]`` opens the records behind category n. Drawn like a list's graph."""

    label: Any
    categories: tuple[Any, ...]
    series: tuple[tuple[Any, tuple[Any, ...]], ...]
    kind: str = "bar"  # bar or line
    measure: Any = ""
    links: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class PanelContent:
    figures: tuple[PanelFigure, ...] = ()
    tables: tuple[PanelTable, ...] = ()
    charts: tuple[PanelChart, ...] = ()


@dataclass(frozen=True)
class FormPanel:
    """A panel an addon adds under the form of a record of another view (sales puts the
    customer's transaction record under the partner form).

    ``view`` names the ModelView whose form gets the panel. ``build(session, access,
    record)`` returns its :class:`PanelContent` (or None: no panel for this record); it
    reads through ``access`` like every other path to data. Users lacking
    ``permission`` do not get the panel. Core renders it: addons need no template.
    """

    name: str
    view: str
    label: Any
    build: Callable[[Session, Any, Any], PanelContent | None]
    permission: str | None = None
    sequence: int = 100


# --------------------------------------------------------------------------- dashboards


@dataclass(frozen=True)
class DashboardFigure:
    """A key figure of a dashboard: ``measure`` (``count`` or a measure of the view)
    summed over the records of generic list ``view`` narrowed by ``params`` (list URL
    parameters such as ``{"f": "orders"}``), and within the dashboard's period on
    ``date_field``. Clicking it opens that list."""

    label: Any
    view: str
    measure: str = "count"
    params: tuple[tuple[str, str], ...] = ()
    date_field: str | None = None
    tone: str | None = None


@dataclass(frozen=True)
class DashboardChart:
    """A chart of a dashboard, drawn from the records of generic list ``view`` like its
    graph: grouped by ``x`` (``channel``, ``order_date:month``), ``measure`` summed, the
    list narrowed by ``params`` and the period on ``date_field``. ``top`` keeps the N
    largest groups (the rest summed as "Others"); ``pareto`` adds the cumulative share
    of the whole as a line (contribution analysis). Every bar opens its records."""

    label: Any
    view: str
    x: str
    measure: str = "count"
    chart: str = "bar"  # bar, line or pie
    params: tuple[tuple[str, str], ...] = ()
    date_field: str | None = None
    top: int | None = None
    pareto: bool = False
    wide: bool = False  # the whole width of the page instead of half


@dataclass(frozen=True)
class Dashboard:
    """A page of key figures and charts an addon declares (``sales.overview``), served at
    ``/dashboards/<name>`` with a period picker. Widgets on views the user may not read
    are left out; every figure honours record rules, so each user sees their own."""

    name: str
    label: Any
    widgets: tuple[DashboardFigure | DashboardChart, ...]
    permission: str | None = None
    default_period: str = "year"  # month, quarter, year or all


@dataclass(frozen=True)
class Job:
    """A background job an addon contributes.

    ``name`` is ``<addon>.<verb>``; ``run`` takes plain arguments (ids, never ORM
    objects) plus the session as keyword ``session``, and never commits: the job
    runner commits once. ``schedule`` makes it periodic: a timedelta, or a cron
    expression of five fields ("0 3 * * *").
    """

    name: str
    run: Callable[..., Any]
    schedule: timedelta | str | None = None
    description: Any = ""


@dataclass(frozen=True)
class SequenceDef:
    """A numbering sequence for document or record codes (``P00042``).

    Created when its addon is installed, removed when it is uninstalled. ``prefix``
    may hold ``%(year)s`` and ``%(month)s``.
    """

    code: str
    name: Any
    prefix: str = ""
    padding: int = 5
    start: int = 1


@dataclass(frozen=True)
class AddonEvent:
    """What an install or uninstall event carries."""

    addon: str
    version: str
    demo: bool = False
    installed: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------- start-up
# Called once when an app is created, on every discovered addon whether installed or
# not: Flask needs routes and commands before the first request. Requests to an addon
# that is not installed are answered 404 by core.


@hookspec
def core_register_blueprints() -> list[Blueprint]:
    """Return the Flask blueprints of this addon.

    Called once at app creation. A blueprint's name must be the addon's name or start
    with it and a dot; its URLs live under ``/<addon>`` (``/api/v1/<addon>`` for APIs).
    """


@hookspec
def core_register_commands() -> list[click.Command]:
    """Return click commands (usually one group named after the addon) for ``tessera``.

    Called once when the CLI starts. Commands of an addon that is not installed
    refuse to run with a clear message.
    """


# --------------------------------------------------------------------------- registry
# Collectors called on the live registry (installed addons only), again after every
# install or uninstall. They must be cheap and free of side effects.


@hookspec
def core_register_permissions() -> list[Permission]:
    """Return the permissions this addon defines (resource, action, label)."""


@hookspec
def core_register_roles() -> list[Role]:
    """Return the roles this addon offers, with the permissions each grants."""


@hookspec
def core_register_record_rules() -> list[RecordRule]:
    """Return record rules limiting which records of a resource a user reaches.

    Rules may name any resource, also another addon's (sales limits who sees which
    partners). Core adds the company rule to every company-owned model by itself.
    """


@hookspec
def core_register_views() -> list[ModelView]:
    """Return the generic screens (list and form) of this addon's models.

    Core serves them under ``/<addon>/<slug>/`` for users whose roles grant the model's
    ``<resource>.read``; rules and protected fields apply as everywhere else.
    """


@hookspec
def core_register_menus() -> list[MenuItem]:
    """Return this addon's menu entries; core builds and filters the tree."""


@hookspec
def core_register_form_panels() -> list[FormPanel]:
    """Return panels this addon adds under other views' forms (see :class:`FormPanel`)."""


@hookspec
def core_register_dashboards() -> list[Dashboard]:
    """Return this addon's dashboards; a MenuItem with ``dashboard=`` opens one."""


@hookspec
def core_register_jobs() -> list[Job]:
    """Return this addon's background jobs, periodic ones with a schedule."""


@hookspec
def core_register_sequences() -> list[SequenceDef]:
    """Return the numbering sequences this addon needs; created at install."""


# --------------------------------------------------------------------------- lifecycle
# Events inside the install / uninstall transaction. ``session`` belongs to that
# transaction: flush if you must, never commit.


@hookspec
def core_addon_installed(event: AddonEvent, session: Session) -> None:
    """Called after an addon's tables exist, in the transaction that installs it.

    ``event.addon`` is the addon just installed; it is registered already, so an
    addon loads its own default records here (``if event.addon == "partners"``), and
    other installed addons may react to a newcomer. When ``event.demo`` is true
    (``tessera addons install --demo``) the addon also loads demonstration records.
    Raising aborts the install and leaves the database as it was.
    """


@hookspec
def core_addon_uninstalled(event: AddonEvent, session: Session) -> None:
    """Called after an addon's tables were dropped, in the same transaction.

    The uninstalled addon itself is no longer called; the remaining installed addons
    forget what referred to it (typed origins such as ``("sales.order", 42)``).
    """
