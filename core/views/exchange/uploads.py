"""Files uploaded for an import, kept on the server between the mapping, check and import steps.

Each upload is a file in ``<instance>/imports`` (or ``IMPORT_FOLDER``) named by a random
token, with a small JSON note of who uploaded it for which list and when. The client only
ever holds the token: a token of another user, another list or older than the keep time
is unknown.
Old uploads are swept whenever a new one arrives; a finished import removes its own.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
KEEP_SECONDS = 3600


def folder() -> Path:
    """``IMPORT_FOLDER``, else ``imports`` in the instance folder (made private on first use)."""
    configured = current_app.config.get("IMPORT_FOLDER")
    path = Path(configured) if configured else Path(current_app.instance_path) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def keep_seconds() -> int:
    return int(current_app.config.get("IMPORT_KEEP_SECONDS", KEEP_SECONDS))


def _write(path: Path, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)


def store(data: bytes, *, user_id: int, view: str, filename: str) -> str:
    """Keep ``data`` for ``user_id``'s import into ``view``; return its token."""
    sweep()
    token = secrets.token_urlsafe(24)
    base = folder()
    note = {"user_id": user_id, "view": view, "filename": filename[:120], "at": time.time()}
    _write(base / f"{token}.data", data)
    _write(base / f"{token}.json", json.dumps(note).encode())
    return token


def load(token: str, *, user_id: int, view: str) -> tuple[bytes, dict] | None:
    """The upload and its note, or None when the token is not this user's for this list."""
    if not TOKEN.fullmatch(token or ""):
        return None
    base = folder()
    try:
        note = json.loads((base / f"{token}.json").read_text())
        data = (base / f"{token}.data").read_bytes()
    except (OSError, ValueError):
        return None
    fresh = time.time() - float(note.get("at", 0)) < keep_seconds()
    if note.get("user_id") != user_id or note.get("view") != view or not fresh:
        return None
    return data, note


def discard(token: str) -> None:
    if not TOKEN.fullmatch(token or ""):
        return
    base = folder()
    for suffix in (".data", ".json"):
        (base / f"{token}{suffix}").unlink(missing_ok=True)


def sweep() -> int:
    """Remove uploads older than the keep time; return how many files went."""
    limit = time.time() - keep_seconds()
    removed = 0
    for path in folder().iterdir():
        try:
            if path.suffix in (".data", ".json") and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue
    return removed
