"""``Idempotency-Key`` on API POSTs: a request sent twice writes once and answers the same.

The key is the client's, per user. The answer of a successful POST is stored under it in
the transaction of the write itself, so either both are committed or neither is. A second
request with the same key and the same method, path and body gets the stored answer again
(``Idempotent-Replayed: true``) without running; with another body it is refused (422).
Two requests racing with one key: the unique (user, key) index lets one commit, the other
rolls its write back and answers as the first did. A refused request (4xx) stores
nothing and may be retried with its key. Keys are kept a day (hourly housekeeping).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from flask import Response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.api.formats import raw_body
from core.i18n import lazy_gettext as _l
from core.models import IdempotencyKey
from core.schemas import BusinessError

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,128}")
KEPT_HEADERS = ("Content-Type", "Location", "ETag")

MSG_BAD_KEY = _l("An Idempotency-Key is 1 to 128 visible ASCII characters.")
MSG_KEY_REUSED = _l(
    "This Idempotency-Key was already used for a different request; send a new key."
)


@dataclass(frozen=True)
class Key:
    """The key a request came with, and the fingerprint of what it asks."""

    user_id: int
    value: str
    fingerprint: str

    def stored_answer(self, session: Session) -> Response | None:
        """The answer given before under this key (refused if it was another request)."""
        stored = session.scalar(
            select(IdempotencyKey).where(
                IdempotencyKey.user_id == self.user_id, IdempotencyKey.key == self.value
            )
        )
        return None if stored is None else self._replay(stored)

    def _replay(self, stored: IdempotencyKey) -> Response:
        if stored.request_hash != self.fingerprint:
            raise BusinessError.on(HEADER, MSG_KEY_REUSED)
        response = Response(stored.body, status=stored.status)
        response.headers.update(stored.headers or {})
        response.headers[REPLAYED] = "true"
        return response


def requested(user_id: int) -> Key | None:
    """The request's key (None without the header); a malformed one is refused."""
    value = request.headers.get(HEADER)
    if value is None:
        return None
    if not KEY_PATTERN.fullmatch(value):
        raise BusinessError.on(HEADER, MSG_BAD_KEY)
    return Key(user_id, value, fingerprint())


def fingerprint() -> str:
    """What makes two requests the same: method, path and body."""
    body = hashlib.sha256(raw_body()).hexdigest()
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def commit(session: Session, key: Key | None, response: Response) -> Response:
    """Commit the write, with ``response`` stored under ``key`` in the same transaction.

    When a concurrent request committed the key first, this write is rolled back and
    the answer is that request's (or a refusal when it asked something else).
    """
    if key is None:
        session.commit()
        return response
    session.add(
        IdempotencyKey(
            user_id=key.user_id,
            key=key.value,
            request_hash=key.fingerprint,
            status=response.status_code,
            body=response.get_data(as_text=True),
            headers={
                name: response.headers[name] for name in KEPT_HEADERS if name in response.headers
            },
        )
    )
    try:
        session.flush()
        session.commit()
    except IntegrityError:
        session.rollback()
        answer = key.stored_answer(session)
        if answer is None:
            raise
        return answer
    return response
