"""What every benchmark script shares: a throw-away PostgreSQL database, peak memory.

The scripts run as ``python benchmarks/<name>.py``, so this module is imported by name
from the scripts' own folder.
"""

from __future__ import annotations

import resource
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def postgres_database(server_url: str = DEFAULT_POSTGRES) -> Iterator[str | None]:
    """A new database on the server for the block, dropped after it; ``None`` (and a line
    saying why) when the server cannot be reached, so a script goes on without it."""
    admin = create_engine(
        server_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"tessera_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no server: say so and go on without it
        print(f"PostgreSQL: skipped ({type(error).__name__}: not reachable)")
        admin.dispose()
        yield None
        return
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def print_peak_memory() -> None:
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mib:.0f} MiB")
