"""Background jobs: in-process without a broker, and a real worker on Redis."""

import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from core import db
from core.jobs import InProcessScheduler, enqueue
from core.testing import services_required
from tests.conftest import FIXTURE_ADDONS

REDIS_URL = os.environ.get("TESSERA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def names(app) -> list[str]:
    with app.extensions["tessera.db"].engine.connect() as connection:
        return [r[0] for r in connection.execute(text("SELECT name FROM alpha_item ORDER BY id"))]


def test_job_runs_in_process_in_its_own_transaction(fixture_app):
    app = fixture_app("beta")
    with app.app_context():
        enqueue("alpha.add", "from a job")
    assert names(app) == ["created at install", "from a job"]
    with app.extensions["tessera.db"].engine.connect() as connection:
        # beta's implementation of alpha's hook ran in the job's transaction
        assert connection.execute(text("SELECT count(*) FROM beta_note")).scalar() == 1


def test_job_sent_with_a_session_waits_for_commit(fixture_app):
    app = fixture_app("alpha")
    with app.app_context():
        session = db.session()
        enqueue("alpha.add", "after rollback", session=session)
        session.rollback()
        session.commit()
        assert names(app) == ["created at install"]
        enqueue("alpha.add", "after commit", session=session)
        assert names(app) == ["created at install"]
        session.commit()
    assert names(app) == ["created at install", "after commit"]


def test_job_of_an_uninstalled_addon_is_skipped(fixture_app):
    app = fixture_app()
    with app.app_context():
        from core.jobs import run_now

        assert run_now("alpha.count") is None


def test_periodic_jobs_run_in_process_when_due(fixture_app):
    app = fixture_app("alpha")
    scheduler = InProcessScheduler(app, tick_seconds=0.1)
    scheduler.last_run["alpha.tick"] = datetime.now(UTC) - timedelta(seconds=5)
    assert scheduler.run_due() == ["alpha.tick"]
    assert scheduler.run_due() == []


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


@pytest.fixture
def redis_url():
    if not redis_reachable():
        if services_required():
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return REDIS_URL


def test_a_real_worker_on_redis_runs_jobs(fixture_app, redis_url, tmp_path):
    app = fixture_app("alpha")
    queue = f"tessera-test-{uuid.uuid4().hex[:12]}"  # runs in parallel must not share tasks
    env = {
        **os.environ,
        "TESSERA_JOBS_QUEUE": queue,
        "TESSERA_DATABASE_URL": app.config["DATABASE_URL"],
        "TESSERA_BROKER_URL": redis_url,
        "TESSERA_ADDONS_PATH": str(FIXTURE_ADDONS),
        "TESSERA_SECRET_KEY": "worker-test",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "core",
            "worker",
            "--concurrency",
            "1",
            "--no-beat",
            "--loglevel",
            "info",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        from core.testing import build_app

        sender = build_app(
            app.config["DATABASE_URL"],
            BROKER_URL=redis_url,
            JOBS_QUEUE=queue,
            ADDONS_PATH=str(FIXTURE_ADDONS),
        )
        with sender.app_context():
            enqueue("alpha.add", "sent to the worker")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "sent to the worker" not in names(app):
            time.sleep(0.25)
        assert "sent to the worker" in names(app), worker_output(worker)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def worker_output(worker) -> str:
    worker.terminate()
    try:
        out, _ = worker.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        out, _ = worker.communicate()
    return out.decode(errors="replace")[-3000:]
