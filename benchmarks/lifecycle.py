"""Lifecycle figures: app creation time, full install time per engine, peak memory.

Run: `make bench` or `python benchmarks/lifecycle.py [--postgres URL] [--repeat N]`.
Prints figures; asserts nothing. Reference: Tryton 8.2 installs sale, stock, purchase,
production and their dependencies on SQLite here in about 18 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import DEFAULT_POSTGRES, postgres_database, print_peak_memory

from core.app import create_app
from core.registry import get_registry
from core.setup import initialise_database

PASSWORD = "benchmark-password-2026"  # noqa: S105 - throwaway databases


def time_create_app(url: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
        times.append(time.perf_counter() - start)
        app.extensions["tessera.db"].dispose()
    return times


def time_install_all(url: str) -> tuple[float, float, list[str]]:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        start = time.perf_counter()
        initialise_database(app, login="admin", password=PASSWORD, name="Admin", company="Bench")
        core_seconds = time.perf_counter() - start
        lifecycle = get_registry(app).lifecycle
        start = time.perf_counter()
        done = lifecycle.install(lifecycle.catalog.names())
        addons_seconds = time.perf_counter() - start
    app.extensions["tessera.db"].dispose()
    return core_seconds, addons_seconds, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--repeat", type=int, default=6)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        creates = time_create_app(url, args.repeat)
        warm = creates[1:] or creates
        print(
            f"create_app with all addons: first {creates[0] * 1000:.0f} ms (cold imports), "
            f"then median {statistics.median(warm) * 1000:.1f} ms (n={len(warm)})"
        )
        core_s, addons_s, done = time_install_all(url)
        print(
            f"SQLite: core {core_s:.2f} s + addons {addons_s:.2f} s "
            f"= {core_s + addons_s:.2f} s for {len(done)} addons ({', '.join(done)})"
        )
    with postgres_database(args.postgres) as url:
        if url is not None:
            core_s, addons_s, done = time_install_all(url)
            print(
                f"PostgreSQL: core {core_s:.2f} s + addons {addons_s:.2f} s "
                f"= {core_s + addons_s:.2f} s for {len(done)} addons"
            )
    print_peak_memory()


if __name__ == "__main__":
    main()
