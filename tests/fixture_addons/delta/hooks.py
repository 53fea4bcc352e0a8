"""delta's permissions, roles, rules, screens and menus."""

from core.hookspecs import (
    Dashboard,
    DashboardChart,
    DashboardFigure,
    FormPanel,
    LineGrid,
    MenuItem,
    ModelView,
    PanelChart,
    PanelContent,
    PanelFigure,
    PanelTable,
    Permission,
    RecordRule,
    Role,
    ViewAction,
    ViewField,
    ViewFilter,
)
from core.plugins import hookimpl
from delta import services
from delta.models import DeltaTask, TaskState

STATES = tuple((state.value, state.value.title()) for state in TaskState)


@hookimpl
def core_register_permissions():
    return [
        Permission("delta.task", action, action)
        for action in ("read", "create", "write", "delete", "export")
    ]


@hookimpl
def core_register_roles():
    return [
        Role(
            "delta.user",
            "Delta / User",
            permissions=("delta.task.read", "delta.task.create", "delta.task.write"),
        ),
        Role(
            "delta.manager",
            "Delta / Manager",
            implies=("delta.user",),
            permissions=("delta.task.delete", "delta.task.export"),
        ),
    ]


@hookimpl
def core_register_record_rules():
    return [
        RecordRule(
            "delta.task",
            "own tasks",
            lambda p: DeltaTask.owner_id == p.user_id,
            roles=("delta.user",),
        ),
        RecordRule(
            "delta.task", "every task", lambda p: DeltaTask.id.isnot(None), roles=("delta.manager",)
        ),
    ]


TASKS = ModelView(
    name="delta.task",
    model=DeltaTask,
    label="Tasks",
    fields=(
        ViewField("name", "Name"),
        ViewField("code", "Code", required=False),
        ViewField("state", "Stage", choices=STATES),
        ViewField(
            "priority", "Priority", choices=(("low", "Low"), ("normal", "Normal"), ("high", "High"))
        ),
        ViewField("owner_id", "Owner"),
        ViewField("owner", "Owner"),
        ViewField("amount", "Amount"),
        ViewField("hours", "Hours"),
        ViewField("due_date", "Due"),
        ViewField("created_at", "Created"),
    ),
    list_columns=("name", "code", "state", "priority", "owner", "amount", "hours", "due_date"),
    form_fields=("name", "code", "priority", "owner_id", "amount", "hours", "due_date"),
    search_fields=("name", "code"),
    filters=(ViewFilter("urgent", "Urgent", lambda: DeltaTask.priority == "high"),),
    default_order="name",
    create=services.create_task,
    update=services.update_task,
    delete=services.delete_task,
    api="delta/tasks",
    actions=(
        ViewAction(
            "start",
            "Start",
            services.start,
            when=lambda t: t.state is TaskState.DRAFT,
            bulk=True,
            primary=True,
        ),
        ViewAction("finish", "Finish", services.finish, when=lambda t: t.state is TaskState.OPEN),
        ViewAction("copy", "Copy", services.copy, permission="delta.task.create"),
        ViewAction(
            "cancel",
            "Cancel",
            services.cancel,
            when=lambda t: t.state in (TaskState.DRAFT, TaskState.OPEN),
            inputs=(ViewField("reason", "Reason", required=True),),
            confirm="Cancel this task?",
        ),
    ),
    state_field="state",
    kanban=True,
    move=services.move,
    measures=("amount", "hours"),
    group_by=("state", "priority", "owner", "due_date", "created_at"),
    lines=(
        LineGrid(
            "lines",
            "Lines",
            fields=(
                ViewField("text", "Description"),
                ViewField("quantity", "Quantity"),
                ViewField("price", "Price"),
            ),
            totals=("quantity",),
        ),
    ),
)


@hookimpl
def core_register_views():
    return [TASKS]


@hookimpl
def core_register_menus():
    return [
        MenuItem("delta", "Delta", icon="list-check"),
        MenuItem("delta.tasks", "Tasks", parent="delta", view="delta.task"),
        MenuItem("delta.overview", "Overview", parent="delta", dashboard="delta.overview"),
    ]


@hookimpl
def core_register_dashboards():
    return [
        Dashboard(
            "delta.overview",
            "Delta overview",
            widgets=(
                DashboardFigure("Tasks", "delta.task", date_field="due_date"),
                DashboardFigure("Urgent amount", "delta.task", "amount", params=(("f", "urgent"),)),
                DashboardChart("By state", "delta.task", "state", date_field="due_date"),
                DashboardChart("Top owners", "delta.task", "owner", "amount", top=1, pareto=True),
                DashboardChart("By month", "delta.task", "due_date:month", "hours", "line"),
            ),
        )
    ]


def _task_panel(session, access, task):
    """The task's lines in a panel (tests of core_register_form_panels)."""
    if not task.lines:
        return None
    rows = tuple((line.text, line.quantity) for line in task.lines)
    total = sum((line.quantity for line in task.lines), 0)
    return PanelContent(
        figures=(PanelFigure("Line count", len(rows)), PanelFigure("Total quantity", total)),
        tables=(PanelTable("Lines of the task", ("Text", "Quantity"), rows),),
        charts=(
            PanelChart(
                "Quantity by line",
                tuple(line.text for line in task.lines),
                (("Quantity", tuple(line.quantity for line in task.lines)),),
                measure="Quantity",
            ),
        ),
    )


@hookimpl
def core_register_form_panels():
    return [
        FormPanel("delta.lines", "delta.task", "Task lines", _task_panel),
        FormPanel(
            "delta.secret",
            "delta.task",
            "Managers only",
            lambda session, access, task: PanelContent(figures=(PanelFigure("Secret", 42),)),
            permission="delta.task.delete",
        ),
    ]


@hookimpl
def core_register_commands():
    import click
    from flask.cli import AppGroup

    @click.group("delta", cls=AppGroup)
    def delta_group():
        """delta's commands (tests of addon commands)."""

    @delta_group.command("count")
    def count_command():
        from sqlalchemy import func, select

        from core import db

        click.echo(db.session().scalar(select(func.count()).select_from(DeltaTask)))

    return [delta_group]
