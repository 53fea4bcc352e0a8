"""delta's services: validated create, update and delete, and the stage actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import fields, validate

from core.schemas import BusinessError, TranslatedSchema, load, money, quantity, text
from delta.models import DeltaLine, DeltaTask, TaskState


class TaskSchema(TranslatedSchema):
    name = text(255, required=True)
    code = text(64)
    priority = fields.String(validate=validate.OneOf(("low", "normal", "high")))
    amount = money()
    hours = quantity()
    due_date = fields.Date(allow_none=True)
    owner_id = fields.Integer(allow_none=True)
    active = fields.Boolean()


class LineSchema(TranslatedSchema):
    id = fields.Integer()
    text = text(255, required=True)
    quantity = quantity()
    price = money()


def _set_lines(task: DeltaTask, rows) -> None:
    """Replace the task's lines by ``rows`` (kept ids updated, new ones added)."""
    if not isinstance(rows, list):
        raise BusinessError.on("lines", "a list of lines is expected")
    errors, loaded = {}, []
    for index, row in enumerate(rows):
        try:
            loaded.append(load(LineSchema(), row))
        except BusinessError as error:
            errors[index] = error.messages
    if errors:
        raise BusinessError({"lines": errors})
    existing = {line.id: line for line in task.lines}
    kept = []
    for index, values in enumerate(loaded):
        line_id = values.pop("id", None)
        if line_id is None:
            line = DeltaLine(**values)
        elif line_id in existing:
            line = existing[line_id]
            for key, value in values.items():
                setattr(line, key, value)
        else:
            raise BusinessError({"lines": {index: {"id": ["not a line of this task"]}}})
        kept.append(line)
    task.lines = kept


def _get(session, task_id: int) -> DeltaTask:
    task = session.get(DeltaTask, task_id)
    if task is None:
        raise BusinessError.on("_schema", "no such task")
    return task


def create_task(session, data: Mapping[str, Any]) -> DeltaTask:
    rows = data.get("lines")
    task = DeltaTask(**load(TaskSchema(), {k: v for k, v in data.items() if k != "lines"}))
    if rows is not None:
        _set_lines(task, rows)
    session.add(task)
    session.flush()
    return task


def update_task(session, task_id: int, data: Mapping[str, Any]) -> DeltaTask:
    task = _get(session, task_id)
    if task.state is not TaskState.DRAFT and "amount" in data:
        raise BusinessError.on("amount", "only a draft task's amount may change")
    fields_only = {k: v for k, v in data.items() if k != "lines"}
    for key, value in load(TaskSchema(), fields_only, partial=True).items():
        setattr(task, key, value)
    if "lines" in data:
        _set_lines(task, data["lines"])
    session.flush()
    return task


def delete_task(session, task_id: int) -> None:
    task = _get(session, task_id)
    if task.state is not TaskState.DRAFT:
        raise BusinessError.on("_schema", "only draft tasks may be deleted")
    session.delete(task)
    session.flush()


def start(session, task: DeltaTask, data) -> DeltaTask:
    if task.state is not TaskState.DRAFT:
        raise BusinessError.on("_schema", "only a draft task can start")
    task.state = TaskState.OPEN
    return task


def finish(session, task: DeltaTask, data) -> DeltaTask:
    if task.state is not TaskState.OPEN:
        raise BusinessError.on("_schema", "only an open task can finish")
    task.state = TaskState.DONE
    return task


def cancel(session, task: DeltaTask, data) -> DeltaTask:
    reason = (data or {}).get("reason", "").strip()
    if not reason:
        raise BusinessError.on("reason", "a reason is required")
    if task.state in (TaskState.DONE, TaskState.CANCELLED):
        raise BusinessError.on("_schema", "this task is over")
    task.state = TaskState.CANCELLED
    task.reason = reason[:255]
    return task


def move(session, task_id: int, state: str) -> DeltaTask:
    """Kanban: drag a card to another column; a finished task stays finished."""
    task = _get(session, task_id)
    if task.state is TaskState.DONE:
        raise BusinessError.on("state", "a finished task stays finished")
    task.state = TaskState(state)
    return task


def copy(session, task: DeltaTask, data) -> DeltaTask:
    """A new draft task like ``task`` (the generic form then opens the copy)."""
    duplicate = DeltaTask(
        name=f"{task.name} (copy)",
        priority=task.priority,
        owner_id=task.owner_id,
        amount=task.amount,
        company_id=task.company_id,
    )
    session.add(duplicate)
    session.flush()
    return duplicate
