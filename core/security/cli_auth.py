"""``tessera user create|deactivate|reset-password|token|sessions``.

The commands only parse options and print; the work is done in ``core.security.accounts``,
``tokens`` and ``sessions``, each command one transaction.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from core.i18n import gettext as _
from core.schemas import BusinessError
from core.security import accounts, sessions, tokens


def _atomic(action):
    """Run ``action(session)`` in one transaction; a refusal exits non-zero with its text."""
    try:
        return current_app.extensions["tessera.db"].atomic(action)
    except BusinessError as error:
        raise click.ClickException(str(error)) from None


def _ask_password(login: str) -> str:
    if not sys.stdin.isatty():
        raise click.ClickException(_("give the password with --password"))
    return click.prompt(
        _("Password for %(login)s", login=login), hide_input=True, confirmation_prompt=True
    )


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


user_group = AppGroup("user", help="Manage users: create, deactivate, passwords, tokens, sessions.")


@user_group.command("create")
@click.argument("login")
@click.option("--name", default=None)
@click.option("--email", default=None)
@click.option("--password", default=None, help="Asked for when not given.")
@click.option("--superuser", is_flag=True)
def user_create(login, name, email, password, superuser):
    """Create a user."""
    password = password or _ask_password(login)
    _atomic(
        lambda s: accounts.create_user(
            s, login=login, name=name, email=email, password=password, superuser=superuser
        )
    )
    click.echo(_("User %(login)s created.", login=login))


@user_group.command("deactivate")
@click.argument("login")
def user_deactivate(login):
    """Deactivate a user: their sessions and API tokens stop working at once."""
    _atomic(lambda s: accounts.deactivate_user(s, accounts.user_by_login(s, login).id))
    click.echo(_("User %(login)s deactivated; sessions and tokens ended.", login=login))


@user_group.command("reset-password")
@click.argument("login")
@click.option("--password", default=None, help="The new password (else a random one, printed).")
def user_reset_password(login, password):
    """Set a new password; the user's sessions end and it must be changed at next login."""
    chosen = _atomic(
        lambda s: accounts.reset_password(s, accounts.user_by_login(s, login).id, password)
    )
    click.echo(_("Password of %(login)s reset; it must be changed at the next login.", login=login))
    if password is None:
        click.echo(_("New password: %(password)s", password=chosen))


@user_group.command("token")
@click.argument("login")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--days", type=int, default=None, help="Lifetime in days (default: until revoked).")
def user_token(login, name, days):
    """Create an API token for a user and print it (only this once)."""

    def create(session):
        token, record = tokens.create_token(
            session, accounts.user_by_login(session, login), name=name, lifetime_days=days
        )
        return token, record.expires_at

    token, expires_at = _atomic(create)
    click.echo(token)
    click.echo(_("Expires: %(when)s", when=_when(expires_at)), err=True)


@user_group.command("sessions")
@click.argument("login")
def user_sessions(login):
    """List a user's active sessions: last active, latest end, address, browser."""

    def listing(session):
        user = accounts.user_by_login(session, login)
        return [
            (row.id[:12], row.last_seen_at, row.expires_at, row.ip, row.user_agent)
            for row in sessions.active(session, user.id)
        ]

    rows = _atomic(listing)
    if not rows:
        click.echo(_("No active session."))
    for short_id, seen, ends, ip, agent in rows:
        click.echo(f"{short_id}  {_when(seen)}  {_when(ends)}  {ip or '-'}  {agent or '-'}")


@user_group.command("roles")
@click.argument("login")
@click.argument("roles", nargs=-1)
@click.option("--clear", is_flag=True, help="Take every role away.")
def user_roles(login, roles, clear):
    """Show LOGIN's roles, or make ROLES exactly the roles LOGIN holds."""
    from sqlalchemy import select

    from core.security.access import assign_roles, load_book
    from core.security.models import UserRole

    def change(session):
        user = accounts.user_by_login(session, login)
        if roles or clear:
            assign_roles(session, user.id, roles, load_book(session))
        return sorted(session.scalars(select(UserRole.role).where(UserRole.user_id == user.id)))

    held = _atomic(change)
    click.echo(", ".join(held) or "-")


role_group = AppGroup("roles", help="List roles and combine them into custom roles.")


@role_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def roles_list(as_json):
    """Every role: name, label, the roles it includes and what it grants."""
    import json

    from core.security.access import load_book

    def listing(session):
        book = load_book(session)
        return [
            {
                "name": role.name,
                "label": str(role.label),
                "implies": list(role.implies),
                "permissions": sorted(book.permissions([role.name])),
            }
            for role in sorted(book.roles.values(), key=lambda r: r.name)
        ]

    rows = _atomic(listing)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        implies = ", ".join(row["implies"]) or "-"
        click.echo(f"{row['name']:<28} {row['label']}  [{implies}]")


@role_group.command("create")
@click.argument("name")
@click.option("--label", required=True, help="The name people read.")
@click.option("--implies", required=True, help="Comma list of the roles it includes.")
@click.option("--description", default=None)
def roles_create(name, label, implies, description):
    """Create the custom role NAME (custom.<slug>) from existing roles."""
    from core.security.access import create_custom_role

    chosen = [part.strip() for part in implies.split(",") if part.strip()]
    _atomic(lambda session: create_custom_role(session, name, label, chosen, description))
    click.echo(_("Role %(name)s created.", name=name))
