"""Encryption keys: where they come from, and re-encrypting every value with the current one.

Keys come from ``ENCRYPTION_KEYS`` (``TESSERA_ENCRYPTION_KEYS="k2:<base64>,k1:<base64>"``),
else from ``ENCRYPTION_KEY_FILE`` (one ``id:base64`` a line), else from a key generated on
first start into ``instance/encryption.keys``. The first key is the current one; the others
only decrypt. Keys never come from the database. Not for the ciphers: see ``crypto``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import Table, inspect, select, type_coerce, update
from sqlalchemy.types import Text

from core.i18n import lazy_gettext as _l
from core.security.crypto import (
    CryptoError,
    CryptoProvider,
    EncryptedText,
    column_context,
    parse_token,
)

log = logging.getLogger(__name__)

KEY_BYTES = 32
INSTANCE_KEY_FILE = "encryption.keys"
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")

SOURCE_SETTING = "setting"
SOURCE_FILE = "file"
SOURCE_INSTANCE = "instance"

MSG_BAD_ENTRY = _l(
    "encryption key %(entry)s in %(source)s: write id:base64, the id in letters, digits, "
    "_ or - (at most 32), the key 32 random bytes"
)
MSG_DUPLICATE_ID = _l("encryption key id %(key_id)s appears twice in %(source)s")
MSG_NO_KEYS = _l("%(source)s holds no encryption key")
MSG_KEY_FILE_MISSING = _l("the encryption key file %(path)s cannot be read: %(error)s")


@dataclass(frozen=True)
class KeyRing:
    """The keys this app may use: ``current`` encrypts, every key decrypts."""

    keys: dict[str, bytes]
    current: str
    source: str
    location: str = ""

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise CryptoError(MSG_NO_KEYS, source=self.location or self.source)


def new_key_line(key_id: str = "k1") -> str:
    """A fresh ``id:base64`` line (for the key file or ``TESSERA_ENCRYPTION_KEYS``)."""
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def parse_keys(entries: list[str], source: str, location: str) -> KeyRing:
    """Keys from ``id:base64`` entries, the first one current."""
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, _sep, encoded = entry.partition(":")
        key_id, encoded = key_id.strip(), encoded.strip()
        shown = key_id or "?"
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise CryptoError(MSG_BAD_ENTRY, entry=shown, source=location) from None
        if not KEY_ID.fullmatch(key_id) or len(key) != KEY_BYTES:
            raise CryptoError(MSG_BAD_ENTRY, entry=shown, source=location)
        if key_id in keys:
            raise CryptoError(MSG_DUPLICATE_ID, key_id=key_id, source=location)
        keys[key_id] = key
    if not keys:
        raise CryptoError(MSG_NO_KEYS, source=location)
    return KeyRing(keys=keys, current=next(iter(keys)), source=source, location=location)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def load_keys(app: Flask) -> KeyRing:
    """The app's keys: the setting, else the key file, else the instance key (made if absent)."""
    setting = app.config.get("ENCRYPTION_KEYS")
    if setting:
        entries = setting if isinstance(setting, list) else str(setting).split(",")
        return parse_keys([e for e in entries if e.strip()], SOURCE_SETTING, "ENCRYPTION_KEYS")
    key_file = app.config.get("ENCRYPTION_KEY_FILE")
    if key_file:
        path = Path(key_file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CryptoError(MSG_KEY_FILE_MISSING, path=str(path), error=error.strerror) from None
        return parse_keys(_lines(text), SOURCE_FILE, str(path))
    path = Path(app.instance_path) / INSTANCE_KEY_FILE
    if not path.exists():
        _create_instance_key(path)
    return parse_keys(_lines(path.read_text(encoding="utf-8")), SOURCE_INSTANCE, str(path))


def _create_instance_key(path: Path) -> None:
    """Write a new key file (mode 0600) atomically: a second process starting now reads ours."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(
            "# Tessera encryption keys: id:base64, the first one current. Back this file up:\n"
            "# without it, encrypted columns cannot be read.\n"
        )
        handle.write(new_key_line() + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        return
    finally:
        draft.unlink()
    log.warning(
        "no encryption key configured: generated one in %s (mode 0600). Back it up, or set "
        "TESSERA_ENCRYPTION_KEYS / TESSERA_ENCRYPTION_KEY_FILE; with several hosts they "
        "must share the same keys.",
        path,
    )


# --------------------------------------------------------------------------- rotation


@dataclass
class ColumnRotation:
    """What rotating one encrypted column did; ``failed`` lists ids that did not decrypt."""

    column: str
    context: str
    scanned: int = 0
    rotated: int = 0
    current: int = 0
    failed: list[int] = field(default_factory=list)

    def merge(self, other: ColumnRotation) -> None:
        self.scanned += other.scanned
        self.rotated += other.rotated
        self.current += other.current
        self.failed.extend(other.failed)


def encrypted_columns(connection) -> Iterator[tuple[Table, str]]:
    """Every ``EncryptedText`` column of a table that exists in this database."""
    from core.db import Base

    existing = set(inspect(connection).get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name not in existing:
            continue
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                yield table, column.name


def rotate(database, provider: CryptoProvider, batch_size: int = 500) -> list[ColumnRotation]:
    """Re-encrypt every encrypted value not under the current key and profile.

    Works in batches by primary key, one transaction per batch; a value changed by
    someone else meanwhile is left alone (it was written with the current key anyway).
    Running it again finds nothing to do. Values that fail to decrypt are listed, not
    changed: they need a human.
    """
    with database.engine.connect() as connection:
        columns = list(encrypted_columns(connection))
    return [_rotate_column(database, provider, table, name, batch_size) for table, name in columns]


def _rotate_column(database, provider, table: Table, name: str, batch_size: int):
    (key,) = table.primary_key.columns  # encrypted columns live in tables with an id
    raw = type_coerce(table.c[name], Text())  # the stored text, not decrypted
    report = ColumnRotation(column_context(table.name, name), table.c[name].type.aad_context())
    last = None
    while True:

        def batch(session, after=last):
            # Counted per attempt and merged after the commit: a retried batch counts once.
            tally = ColumnRotation(report.column, report.context)
            query = select(key, raw).where(raw.is_not(None)).order_by(key).limit(batch_size)
            if after is not None:
                query = query.where(key > after)
            rows = session.execute(query).all()
            for row_id, token in rows:
                fresh = _reencrypted(provider, tally, row_id, token)
                if fresh is None:
                    continue
                changed = session.execute(
                    update(table)
                    .where(key == row_id, raw == token)
                    .values({name: type_coerce(fresh, Text())})
                )
                tally.rotated += changed.rowcount
            return (rows[-1][0] if rows else None), tally

        last, tally = database.atomic(batch)
        report.merge(tally)
        if last is None:
            return report


def _reencrypted(provider, tally: ColumnRotation, row_id, token: str) -> str | None:
    """The value under the current key, or None when it is current already or unreadable."""
    tally.scanned += 1
    try:
        if provider.is_current(parse_token(token, tally.context)):
            tally.current += 1
            return None
        return provider.encrypt(provider.decrypt(token, tally.context), tally.context)
    except CryptoError:
        tally.failed.append(row_id)
        return None
