"""``tessera inventory check``: prove that the stock ledger balances.

The command only opens a read-only session and prints; the proof is ``ledger.check``.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from addons.inventory import ledger
from addons.inventory.messages import CHECK_FAILED, CHECK_OK, NOT_INSTALLED
from core.registry import get_registry
from core.schemas import render


@click.group("inventory", cls=AppGroup)
def inventory_group():
    """Stock ledger tools of the inventory addon."""


@inventory_group.command("check")
def check_command():
    """For every product and location: on hand = done moves in - out; exit 1 otherwise.

    Also checks that reservations add up and never exceed what is on hand (except in
    warehouses that allow negative stock).
    """
    if not get_registry().is_installed("inventory"):
        raise click.ClickException(render(NOT_INSTALLED))
    session = current_app.extensions["tessera.db"].read_session()
    try:
        problems, quants, moves = ledger.check(session)
    finally:
        session.close()
    for problem in problems:
        click.echo(problem.text())
    if problems:
        click.echo(render(CHECK_FAILED, count=len(problems)), err=True)
        raise SystemExit(1)
    click.echo(render(CHECK_OK, quants=quants, moves=moves))
