"""Background jobs: one Celery app per Flask app, jobs contributed by addons.

With ``TESSERA_BROKER_URL`` unset, tasks run in-process when sent (eager) and periodic
jobs run in a thread of ``tessera run``. With a broker (Redis), ``tessera worker`` runs
a Celery worker with beat. A job always runs inside the app context, in one
transaction committed by the runner, and only if its addon is installed.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab, schedule
from celery.signals import worker_process_init
from flask import Flask, current_app, g

from core.hookspecs import Job
from core.plugins import collect, make_plugin_manager

log = logging.getLogger(__name__)
TASK_PREFIX = "tessera."


def init_app(app: Flask) -> Celery:
    broker = app.config.get("BROKER_URL")
    celery = Celery("tessera", set_as_current=False)
    celery.conf.update(
        broker_url=broker or "memory://",
        result_backend=app.config.get("RESULT_BACKEND") or (broker if broker else None),
        task_always_eager=not broker,
        task_eager_propagates=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        timezone="UTC",
        enable_utc=True,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        task_acks_late=True,
        task_default_queue=app.config.get("JOBS_QUEUE", "tessera"),
        worker_prefetch_multiplier=1,
    )

    class AppTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery.Task = AppTask
    app.extensions["celery"] = celery

    @worker_process_init.connect(weak=False)
    def _fresh_connections(**_kwargs: Any) -> None:
        # A forked pool process must not reuse connections opened by its parent.
        app.extensions["tessera.db"].engine.dispose(close=False)

    jobs = all_jobs(app)
    for job in jobs.values():
        celery.task(name=TASK_PREFIX + job.name, shared=False)(_runner(job.name))
    celery.conf.beat_schedule = {
        job.name: {"task": TASK_PREFIX + job.name, "schedule": as_celery_schedule(job.schedule)}
        for job in jobs.values()
        if job.schedule is not None
    }
    return celery


def all_jobs(app: Flask) -> dict[str, Job]:
    """Jobs of every discovered addon (a job of an uninstalled addon is skipped at run)."""
    catalog = app.extensions["tessera.catalog"]
    pm = make_plugin_manager(catalog, catalog.names())
    return {job.name: job for job in collect(pm, "core_register_jobs")}


def _runner(name: str):
    def run_job(*args: Any, **kwargs: Any) -> Any:
        return run_now(name, *args, **kwargs)

    run_job.__name__ = name.replace(".", "_")
    return run_job


def run_now(name: str, *args: Any, _uid: int | None = None, **kwargs: Any) -> Any:
    """Run job ``name`` here and now in one transaction (inside an app context)."""
    from core.db import get_database
    from core.registry import get_registry

    registry = get_registry()
    registry.refresh()
    addon = name.split(".", 1)[0]
    if addon != "core" and not registry.is_installed(addon):
        log.info("job %s skipped: addon %s is not installed", name, addon)
        return None
    job = {j.name: j for j in registry.collect("core_register_jobs")}.get(name)
    if job is None:
        log.warning("job %s is not registered by any installed addon", name)
        return None
    g.uid = _uid
    return get_database().atomic(lambda session: job.run(*args, session=session, **kwargs))


def enqueue(name: str, *args: Any, session=None, uid: int | None = None) -> None:
    """Send job ``name`` with plain arguments; after commit when ``session`` is given."""
    celery: Celery = current_app.extensions["celery"]

    def send() -> None:
        # send_task ignores task_always_eager, so the in-process case applies directly.
        if celery.conf.task_always_eager:
            celery.tasks[TASK_PREFIX + name].apply(args=list(args), kwargs={"_uid": uid})
        else:
            celery.send_task(TASK_PREFIX + name, args=list(args), kwargs={"_uid": uid})

    if session is not None:
        from core.db import on_commit

        on_commit(session, send)
    else:
        send()


def as_celery_schedule(value: timedelta | str):
    if isinstance(value, timedelta):
        return schedule(run_every=value)
    minute, hour, day_of_month, month_of_year, day_of_week = value.split()
    return crontab(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
    )


class InProcessScheduler(threading.Thread):
    """Runs periodic jobs inside ``tessera run`` when there is no broker."""

    def __init__(self, app: Flask, tick_seconds: float = 30.0) -> None:
        super().__init__(name="tessera-scheduler", daemon=True)
        self.app = app
        self.tick_seconds = tick_seconds
        self.stopped = threading.Event()
        self.last_run: dict[str, datetime] = {}

    def run(self) -> None:
        while not self.stopped.wait(self.tick_seconds):
            self.run_due()

    def run_due(self) -> list[str]:
        ran = []
        now = datetime.now(UTC)
        with self.app.app_context():
            for job in all_jobs(self.app).values():
                if job.schedule is None:
                    continue
                last = self.last_run.setdefault(job.name, now)
                due, _next = as_celery_schedule(job.schedule).is_due(last)
                if not due:
                    continue
                self.last_run[job.name] = now
                try:
                    run_now(job.name)
                    ran.append(job.name)
                except Exception:
                    log.exception("periodic job %s failed", job.name)
        return ran

    def stop(self) -> None:
        self.stopped.set()
