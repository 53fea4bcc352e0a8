"""Creating and upgrading core's own schema, the first administrator, and new revisions."""

from __future__ import annotations

import importlib.util
import re
import subprocess  # only to format a written revision with ruff  # nosec B404
import sys
from pathlib import Path

from flask import Flask

from core import migrations
from core.addons import LockedTransaction
from core.db import get_database
from core.i18n import lazy_gettext as _l
from core.models import Company, Registry
from core.plugins import AddonError
from core.security.passwords import hash_password, policy_errors
from core.security.users import User

MSG_LOGIN_TAKEN = _l("the login %(login)s is already taken")
MSG_BAD_LOGIN = _l("a login has 1 to 64 characters: letters, digits, and . _ @ -")
MSG_NO_REVISION = _l("no revision was written for %(addon)s")


def _catalog(app: Flask):
    return app.extensions["tessera.catalog"]


def initialise_database(app: Flask, *, login: str, password: str, name: str, company: str) -> None:
    """Create core's tables, the registry row, the main company and the administrator."""
    _check_login(login)
    errors = policy_errors(password, login=login, name=name)
    if errors:
        raise ValueError(" ".join(errors))
    with LockedTransaction(get_database(app)) as (connection, session):
        migrations.upgrade(
            migrations.alembic_config(_catalog(app).addons.values(), connection),
            migrations.CORE_BRANCH,
        )
        if session.get(Registry, 1) is not None:
            return
        session.add(Registry(id=1, generation=1))
        main = Company(name=company, code="MAIN")
        session.add(main)
        session.flush()
        session.add(
            User(
                login=login,
                name=name,
                password_hash=hash_password(password),
                is_superuser=True,
                company_id=main.id,
            )
        )
    app.extensions["tessera.registry"].invalidate()


def upgrade_core(app: Flask) -> None:
    with LockedTransaction(get_database(app)) as (connection, _session):
        migrations.upgrade(
            migrations.alembic_config(_catalog(app).addons.values(), connection),
            migrations.CORE_BRANCH,
        )


def _check_login(login: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9._@-]{1,64}", login or ""):
        raise ValueError(str(MSG_BAD_LOGIN))


def new_revision(app: Flask, name: str, message: str) -> str:
    """Autogenerate the next revision of addon ``name`` (its first one starts the branch).

    Runs against the app's database, which must have the addon's current head applied.
    """
    from alembic import command

    catalog = _catalog(app)
    addon = catalog[name]
    folder = addon.path / "migrations"
    folder.mkdir(exist_ok=True)
    with get_database(app).engine.connect() as connection:
        # Only the addon and what it needs: other addons' heads are irrelevant here.
        closure = [catalog[n] for n in catalog.closure([name])]
        config = migrations.alembic_config(closure, connection)
        config.attributes.update(migrations.table_filters(name))
        first = not migrations.has_branch(config, name)
        script = command.revision(
            config,
            message=message,
            autogenerate=True,
            head="base" if first else f"{name}@head",
            branch_label=name if first else None,
            version_path=str(folder),
        )
        connection.rollback()
    if script is None:
        raise AddonError(MSG_NO_REVISION, addon=name)
    _tidy_revision(Path(script.path))
    return str(Path(script.path))


def _tidy_revision(path: Path) -> None:
    """Drop Alembic's "auto generated" banners and format with ruff when it is installed."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [
        line
        for line in lines
        if "### commands auto generated" not in line and "### end Alembic commands" not in line
    ]
    path.write_text("".join(kept).replace("Revises: \n", "Revises:\n"), encoding="utf-8")
    if importlib.util.find_spec("ruff") is not None:
        command = [sys.executable, "-m", "ruff", "format", "--quiet", str(path)]
        subprocess.run(command, check=False)  # noqa: S603 - our interpreter, our file  # nosec B603
