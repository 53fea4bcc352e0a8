"""The ``tessera`` command: init, run, addons, addon scaffolding, users, hooks, worker, i18n."""

from __future__ import annotations

import functools
import json
import sys
import unicodedata
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, routes_command, shell_command

from core.i18n import gettext as _
from core.plugins import AddonError


def _create_app():
    from core.app import create_app

    return create_app()


class TesseraGroup(FlaskGroup):
    """Flask's CLI group plus the commands addons register through a core hook."""

    def _addon_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        info = ctx.ensure_object(ScriptInfo)
        try:
            app = info.load_app()
        except Exception:  # the app itself cannot start: built-in commands must still work
            return {}
        from core.plugins import make_plugin_manager

        catalog = app.extensions["tessera.catalog"]
        pm = make_plugin_manager(catalog, catalog.names())
        commands = {}
        for impl in pm.hook.core_register_commands.get_hookimpls():
            addon = impl.plugin_name.split("+", 1)[0]
            for command in impl.function() or ():
                if addon != "core":
                    _refuse_unless_installed(command, addon)
                commands[command.name] = command
        return commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        return sorted(names | set(self._addon_commands(ctx)))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or self._addon_commands(ctx).get(name)


def _refuse_unless_installed(command: click.Command, addon: str) -> None:
    """Make ``command`` (or the group) refuse to run while ``addon`` is not installed:
    Flask needs every discovered addon's commands up front, but only installed addons'
    tables exist."""
    if getattr(command, "_tessera_addon", None) == addon:
        return
    callback = command.callback

    def guarded(*args, **kwargs):
        from core.registry import get_registry

        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        with app.app_context():
            installed = get_registry(app).is_installed(addon)
        if not installed:
            raise click.ClickException(
                _(
                    "The %(addon)s addon is not installed: install it first "
                    "(tessera addons install %(addon)s).",
                    addon=addon,
                )
            )
        return callback(*args, **kwargs) if callback is not None else None

    command.callback = functools.update_wrapper(guarded, callback) if callback else guarded
    command._tessera_addon = addon


cli = TesseraGroup(
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    help="Tessera: sales and operations management.",
)
cli.add_command(shell_command)
cli.add_command(routes_command)


def _lifecycle():
    from core.registry import get_registry

    return get_registry().lifecycle


def _fail(error: Exception) -> None:
    raise click.ClickException(str(error))


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns (Chinese characters take two)."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - columns, 0)


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# --------------------------------------------------------------------------- init / run


def _ask_password(login: str) -> str:
    if not sys.stdin.isatty():
        raise click.ClickException(_("give the administrator password with --admin-password"))
    return click.prompt(
        _("Password for %(login)s", login=login), hide_input=True, confirmation_prompt=True
    )


def initialise(login: str, password: str | None, name: str, company: str, addons: str) -> None:
    from core.setup import initialise_database

    lifecycle = _lifecycle()
    if lifecycle.is_initialised():
        click.echo(_("The database is already initialised."))
        return
    password = password or _ask_password(login)
    try:
        initialise_database(current_app, login=login, password=password, name=name, company=company)
        click.echo(_("Database initialised; administrator %(login)s created.", login=login))
        if addons:
            names = lifecycle.catalog.names() if addons == "all" else addons.split(",")
            done = lifecycle.install([n.strip() for n in names if n.strip()])
            click.echo(_("Installed: %(names)s", names=", ".join(done) or "-"))
    except (AddonError, ValueError) as error:
        _fail(error)


@cli.command("init")
@click.option("--admin-login", default="admin", show_default=True)
@click.option("--admin-password", default=None, help="Asked for when not given.")
@click.option("--admin-name", default="Administrator", show_default=True)
@click.option("--company", default="My Company", show_default=True)
@click.option("--addons", default="", help="Addons to install too: a comma list, or 'all'.")
def init_command(admin_login, admin_password, admin_name, company, addons):
    """Create the database and the first administrator (never a default password)."""
    initialise(admin_login, admin_password, admin_name, company, addons)


@cli.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8069, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--admin-password", default=None, help="For the first start only.")
@click.option(
    "--addons",
    default="all",
    show_default=True,
    help="On the first start, the addons to install: a comma list, 'all' or ''.",
)
def run_command(host, port, threads, admin_password, addons):
    """Serve Tessera; the first start creates the database and an administrator."""
    import waitress

    from core.jobs import InProcessScheduler

    app = current_app._get_current_object()
    if not _lifecycle().is_initialised():
        initialise("admin", admin_password, "Administrator", "My Company", addons)
    if not app.config.get("BROKER_URL"):
        InProcessScheduler(app).start()
    click.echo(_("Tessera is serving on http://%(host)s:%(port)s/", host=host, port=port))
    waitress.serve(app, host=host, port=port, threads=threads, ident="tessera")


# --------------------------------------------------------------------------- addons


@cli.group("addons")
def addons_group():
    """List, install, upgrade and uninstall addons."""


@addons_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def addons_list(as_json):
    """Every discovered addon: name, version, state, summary, depends."""
    statuses = _lifecycle().statuses()
    if as_json:
        _echo_json([s.as_dict() for s in statuses])
        return
    from core.addons import addon_text, state_label

    width = max([len(s.name) for s in statuses] + [4])
    depends_label = _("depends")
    for s in statuses:
        version = s.installed_version or s.version or "-"
        depends = ", ".join(s.depends) or "-"
        summary = s.error or addon_text(s.name, s.summary)
        click.echo(
            f"{s.name:<{width}}  {version:<8} {pad(state_label(s.state), 12)}  {summary}"
            f"  [{depends_label}: {depends}]"
        )


@addons_group.command("info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
def addons_info(name, as_json):
    """One addon's manifest and state."""
    lifecycle = _lifecycle()
    status = next((s for s in lifecycle.statuses() if s.name == name), None)
    if status is None:
        _fail(lifecycle.catalog.error_for(name))
    data = status.as_dict()
    if name in lifecycle.catalog:
        manifest = lifecycle.catalog[name].manifest
        data.update(
            extras_depend=list(manifest.extras_depend),
            description=manifest.description,
            author=manifest.author,
            license=manifest.license,
            path=str(manifest.path),
        )
    if as_json:
        _echo_json(data)
        return
    for key, value in data.items():
        if value is not None:
            click.echo(f"{key}: {', '.join(value) if isinstance(value, list) else value}")


@addons_group.command("install")
@click.argument("names", nargs=-1, required=True)
@click.option("--demo", is_flag=True, help="Load demonstration data too.")
def addons_install(names, demo):
    """Install addons and everything they need, in dependency order."""
    try:
        done = _lifecycle().install(names, demo=demo)
    except AddonError as error:
        _fail(error)
    click.echo(_("Installed: %(names)s", names=", ".join(done)))


@addons_group.command("upgrade")
@click.argument("names", nargs=-1)
@click.option("--all", "upgrade_all", is_flag=True, help="Every installed addon.")
def addons_upgrade(names, upgrade_all):
    """Run new migrations of installed addons."""
    if not names and not upgrade_all:
        raise click.UsageError(_("name addons to upgrade, or pass --all"))
    try:
        if upgrade_all:
            from core.setup import upgrade_core

            upgrade_core(current_app)
        done = _lifecycle().upgrade(None if upgrade_all else names)
    except AddonError as error:
        _fail(error)
    click.echo(_("Upgraded: %(names)s", names=", ".join(done) or "-"))


@addons_group.command("uninstall")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def addons_uninstall(name, yes):
    """Uninstall an addon (and the addons that need it) after showing what goes."""
    lifecycle = _lifecycle()
    try:
        impact = lifecycle.impact(name)
    except AddonError as error:
        _fail(error)
    click.echo(_("Uninstalling removes these addons: %(names)s", names=", ".join(impact.addons)))
    for table, rows in impact.tables.items():
        click.echo(_("  table %(table)s: %(rows)d rows", table=table, rows=rows))
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException(_("not confirmed: pass --yes to uninstall without asking"))
        click.confirm(_("Remove them and all their data?"), abort=True)
    try:
        done = lifecycle.uninstall(name, cascade=True)
    except AddonError as error:
        _fail(error)
    click.echo(_("Uninstalled: %(names)s", names=", ".join(done)))


# --------------------------------------------------------------------------- integrators


@cli.group("addon")
def addon_group():
    """Tools for addon authors."""


@addon_group.command("new")
@click.argument("name")
@click.option(
    "--path",
    "target",
    default=".",
    type=click.Path(file_okay=False),
    show_default=True,
    help="Folder to create the addon in.",
)
@click.option("--depends", default="", help="Comma list of addons it depends on.")
def addon_new(name, target, depends):
    """Create a complete, working addon skeleton named NAME."""
    from core.scaffold import create_addon

    try:
        folder = create_addon(name, Path(target), [d for d in depends.split(",") if d])
    except (ValueError, FileExistsError) as error:
        _fail(error)
    click.echo(_("Created addon %(name)s in %(folder)s", name=name, folder=folder))


@addon_group.command("revision")
@click.argument("name")
@click.option("-m", "--message", required=True)
def addon_revision(name, message):
    """Autogenerate a migration for addon NAME from its models."""
    from core.setup import new_revision

    try:
        path = new_revision(current_app, name, message)
    except (AddonError, ValueError) as error:
        _fail(error)
    click.echo(_("Wrote %(path)s", path=path))


@cli.command("hooks")
@click.option("--json", "as_json", is_flag=True)
def hooks_command(as_json):
    """Every hook spec: owner, documentation and implementing addons."""
    from core.hookdocs import describe_hooks

    hooks = describe_hooks(current_app.extensions["tessera.catalog"])
    if as_json:
        _echo_json(hooks)
        return
    owner_label, implemented_label = _("owner"), _("implemented by")
    for hook in hooks:
        implementations = ", ".join(hook["implementations"]) or "-"
        click.echo(
            f"{hook['name']}  ({owner_label}: {hook['owner']}; "
            f"{implemented_label}: {implementations})"
        )
        click.echo(f"    {hook['signature']}")
        for line in hook["doc"].splitlines():
            click.echo(f"    {line}")
        click.echo("")


# --------------------------------------------------------------------------- users, jobs


@cli.command("worker")
@click.option("--concurrency", default=2, show_default=True, type=int)
@click.option("--no-beat", is_flag=True, help="Do not run the periodic scheduler here.")
@click.option("--loglevel", default="info", show_default=True)
def worker_command(concurrency, no_beat, loglevel):
    """Run a Celery worker (with beat) on TESSERA_BROKER_URL."""
    if not current_app.config.get("BROKER_URL"):
        raise click.ClickException(_("set TESSERA_BROKER_URL (e.g. redis://127.0.0.1:6379/0)"))
    celery = current_app.extensions["celery"]
    argv = ["worker", f"--concurrency={concurrency}", f"--loglevel={loglevel}"]
    if not no_beat:
        argv.append("--beat")
    celery.worker_main(argv)


def main() -> None:
    cli.main(prog_name="tessera")


# --------------------------------------------------------------------------- i18n


@cli.group("i18n")
def i18n_group():
    """Maintain translation catalogues (one domain per addon, zh_Hans_CN first)."""


def _i18n_targets(names: tuple[str, ...]) -> list[tuple[str, Path]]:
    catalog = current_app.extensions["tessera.catalog"]
    core_dir = Path(__file__).resolve().parent
    everything = [("core", core_dir)] + [(a.name, a.path) for a in catalog.addons.values()]
    if not names:
        return everything
    chosen = [t for t in everything if t[0] in names]
    unknown = set(names) - {t[0] for t in chosen}
    if unknown:
        _fail(catalog.error_for(sorted(unknown)[0]))
    return chosen


@i18n_group.command("extract")
@click.argument("names", nargs=-1)
def i18n_extract(names):
    """Print how many strings each domain has (core and addons)."""
    from core.i18n_tools import extract

    for name, folder in _i18n_targets(names):
        click.echo(f"{name}: {len(extract(folder, name))}")


@i18n_group.command("update")
@click.argument("names", nargs=-1)
def i18n_update(names):
    """Merge new strings into each domain's zh_Hans_CN catalogue."""
    from core.i18n_tools import check, update

    for name, folder in _i18n_targets(names):
        path = update(folder, name)
        problems = check(folder, name)
        click.echo(
            _(
                "%(path)s: %(count)d strings to translate",
                path=path,
                count=len(problems.untranslated) + len(problems.fuzzy),
            )
        )


@i18n_group.command("compile")
@click.argument("names", nargs=-1)
def i18n_compile(names):
    """Compile catalogues to .mo (optional: .po files are read directly when no .mo is newer)."""
    from core.i18n_tools import compile_catalogue

    for name, folder in _i18n_targets(names):
        click.echo(str(compile_catalogue(folder, name)))


from core.security.cli_audit import audit_group, check_command, keys_group  # noqa: E402

cli.add_command(audit_group)
cli.add_command(keys_group)
cli.add_command(check_command)

from core.security.cli_auth import role_group, user_group  # noqa: E402

cli.add_command(user_group)
cli.add_command(role_group)
