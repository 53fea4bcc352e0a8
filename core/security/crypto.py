"""Encryption of sensitive columns at rest: two cipher profiles, self-tests, ``EncryptedText``.

``intl`` is AES-256-GCM with SHA-256, ``gm`` SM4-GCM with SM3 (GB/T 32907, GB/T 32905),
chosen by ``CRYPTO_PROFILE``. Each value is stored as text,
``v1:<profile>:<key_id>:<base64(nonce || ciphertext || tag)>``, authenticated together
with its version, profile, key id and the table and column it belongs to, so an edited
value, a value copied into another column or a value under an unknown key fails loudly.
Where keys come from and how they rotate: ``core.security.keys``. Not for passwords
(those are hashed, ``core.security.passwords``) nor for searching: equal plaintexts
give different ciphertexts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app, has_app_context
from sqlalchemy import Column, Table, event
from sqlalchemy.types import Text, TypeDecorator

from core.i18n import TranslatedError
from core.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from core.security.keys import KeyRing

log = logging.getLogger(__name__)

FORMAT_VERSION = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16

MSG_TAMPERED = _l(
    "an encrypted value of %(context)s failed authentication: it was altered, copied from "
    "another column, or encrypted with a different key"
)
MSG_MALFORMED = _l("a value of %(context)s is not a Tessera ciphertext")
MSG_UNKNOWN_KEY = _l(
    "an encrypted value of %(context)s needs key %(key_id)s, which is not configured"
)
MSG_UNKNOWN_PROFILE = _l("unknown crypto profile %(profile)s: use intl or gm")
MSG_SELF_TEST = _l(
    "cryptographic self-test failed for %(algorithm)s: this build of the cryptography "
    "library gives wrong answers, so Tessera refuses to start"
)
MSG_NO_APP = _l("encrypted columns are read and written inside a Tessera app context only")
MSG_NO_CONTEXT = _l("an EncryptedText type used outside a table column needs context=")


class CryptoError(TranslatedError):
    """A problem with keys or ciphertexts: a translatable message and its parameters."""


class DecryptionError(CryptoError):
    """A stored value is not a valid ciphertext of this column under a known key."""


class SelfTestError(CryptoError):
    """A known-answer test failed: the cipher or hash implementation cannot be trusted."""


# --------------------------------------------------------------------------- profiles


class Profile(ABC):
    """One cipher suite: an AEAD cipher with 12-byte nonces and 16-byte tags, and a hash.

    A master key (32 bytes) is never used directly: each profile derives its own cipher
    key with HKDF over its own hash, so one key ring serves both profiles.
    """

    name: str
    cipher_name: str
    hash_name: str

    @abstractmethod
    def derive_key(self, master: bytes) -> bytes:
        """The cipher key for ``master``."""

    @abstractmethod
    def seal(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        """``ciphertext || tag``."""

    @abstractmethod
    def open(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        """The plaintext; raises ``cryptography.exceptions.InvalidTag`` when not authentic."""

    @abstractmethod
    def digest(self, data: bytes) -> bytes:
        """The profile's hash of ``data``."""


class IntlProfile(Profile):
    """AES-256-GCM and SHA-256 (NIST SP 800-38D, FIPS 180-4)."""

    name = "intl"
    cipher_name = "AES-256-GCM"
    hash_name = "SHA-256"

    def derive_key(self, master: bytes) -> bytes:
        return HKDF(hashes.SHA256(), 32, salt=None, info=b"tessera:aes-256-gcm").derive(master)

    def seal(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        return AESGCM(key).encrypt(nonce, plaintext, aad)

    def open(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        return AESGCM(key).decrypt(nonce, sealed, aad)

    def digest(self, data: bytes) -> bytes:
        return hashlib.sha256(data).digest()


class GmProfile(Profile):
    """SM4-GCM (RFC 8998) and SM3: the Chinese national standard algorithms."""

    name = "gm"
    cipher_name = "SM4-GCM"
    hash_name = "SM3"

    def derive_key(self, master: bytes) -> bytes:
        return HKDF(hashes.SM3(), 16, salt=None, info=b"tessera:sm4-gcm").derive(master)

    def seal(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag

    def open(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        if len(sealed) < TAG_BYTES:
            raise InvalidTag()
        body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(aad)
        return decryptor.update(body) + decryptor.finalize()

    def digest(self, data: bytes) -> bytes:
        hasher = hashes.Hash(hashes.SM3())
        hasher.update(data)
        return hasher.finalize()


PROFILES: dict[str, Profile] = {p.name: p for p in (IntlProfile(), GmProfile())}


def get_profile(name: str) -> Profile:
    if name not in PROFILES:
        raise CryptoError(MSG_UNKNOWN_PROFILE, profile=name)
    return PROFILES[name]


# --------------------------------------------------------------------------- self-tests


@dataclass(frozen=True)
class CipherVector:
    """A published known answer: ``expected`` is ciphertext || tag, in hex."""

    profile: str
    source: str
    key: str
    nonce: str
    aad: str
    plaintext: str
    expected: str


@dataclass(frozen=True)
class DigestVector:
    profile: str
    source: str
    message: bytes
    expected: str


CIPHER_VECTORS = (
    CipherVector(
        "intl",
        "GCM specification (McGrew, Viega), test case 14",
        key="00" * 32,
        nonce="00" * 12,
        aad="",
        plaintext="00" * 16,
        expected="cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919",
    ),
    CipherVector(
        "gm",
        "RFC 8998, appendix A.1",
        key="0123456789abcdeffedcba9876543210",
        nonce="00001234567800000000abcd",
        aad="feedfacedeadbeeffeedfacedeadbeefabaddad2",
        plaintext="aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
        "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa",
        expected="17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
        "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
        "83de3541e4c2b58177e065a9bf7b62ec",
    ),
)
DIGEST_VECTORS = (
    DigestVector(
        "intl",
        "FIPS 180-4 example",
        b"abc",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ),
    DigestVector(
        "gm",
        "GB/T 32905-2016 example 1",
        b"abc",
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
    ),
)


def self_test() -> None:
    """Run every known-answer test; raise :class:`SelfTestError` on the first wrong answer.

    A cipher must produce the published ciphertext and tag, decrypt it back, and
    refuse it with one bit of the tag flipped; a hash must give the published digest.
    """
    for vector in CIPHER_VECTORS:
        profile = PROFILES[vector.profile]
        key, nonce, aad, plaintext, expected = (
            bytes.fromhex(v)
            for v in (vector.key, vector.nonce, vector.aad, vector.plaintext, vector.expected)
        )
        if not _cipher_answers(profile, key, nonce, aad, plaintext, expected):
            raise SelfTestError(MSG_SELF_TEST, algorithm=profile.cipher_name)
    for vector in DIGEST_VECTORS:
        profile = PROFILES[vector.profile]
        if profile.digest(vector.message).hex() != vector.expected:
            raise SelfTestError(MSG_SELF_TEST, algorithm=profile.hash_name)


def _cipher_answers(profile, key, nonce, aad, plaintext, expected) -> bool:
    try:
        if profile.seal(key, nonce, plaintext, aad) != expected:
            return False
        if profile.open(key, nonce, expected, aad) != plaintext:
            return False
    except (InvalidTag, ValueError):
        return False
    flipped = expected[:-1] + bytes([expected[-1] ^ 1])
    try:
        profile.open(key, nonce, flipped, aad)
    except InvalidTag:
        return True
    return False


# --------------------------------------------------------------------------- the provider


@dataclass(frozen=True)
class TokenHeader:
    """The clear part of a stored value: format version, profile and key id."""

    version: str
    profile: str
    key_id: str


def parse_token(token: str, context: str = "?") -> TokenHeader:
    parts = token.split(":", 3)
    if len(parts) != 4 or parts[0] != FORMAT_VERSION:
        raise DecryptionError(MSG_MALFORMED, context=context)
    return TokenHeader(parts[0], parts[1], parts[2])


def column_context(table: str, column: str) -> str:
    return f"{table}.{column}"


class CryptoProvider:
    """Encrypts with the current key under the configured profile; decrypts any known one.

    Kept in ``app.extensions["tessera.crypto"]``. ``context`` names where a value lives
    (``core_user.totp_secret``); it is authenticated, never stored.
    """

    def __init__(self, keyring: KeyRing, profile: str = "intl") -> None:
        self.keyring = keyring
        self.profile = get_profile(profile)
        self._derived: dict[tuple[str, str], bytes] = {}

    def _key(self, profile: Profile, key_id: str) -> bytes:
        cache_key = (profile.name, key_id)
        if cache_key not in self._derived:
            self._derived[cache_key] = profile.derive_key(self.keyring.keys[key_id])
        return self._derived[cache_key]

    @staticmethod
    def _aad(header: TokenHeader, context: str) -> bytes:
        return f"tessera:{header.version}:{header.profile}:{header.key_id}:{context}".encode()

    def encrypt(self, plaintext: str, context: str) -> str:
        header = TokenHeader(FORMAT_VERSION, self.profile.name, self.keyring.current)
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.profile.seal(
            self._key(self.profile, header.key_id),
            nonce,
            plaintext.encode("utf-8"),
            self._aad(header, context),
        )
        body = base64.b64encode(nonce + sealed).decode("ascii")
        return f"{header.version}:{header.profile}:{header.key_id}:{body}"

    def decrypt(self, token: str, context: str) -> str:
        header = parse_token(token, context)
        if header.profile not in PROFILES:
            raise DecryptionError(MSG_MALFORMED, context=context)
        if header.key_id not in self.keyring.keys:
            raise DecryptionError(MSG_UNKNOWN_KEY, context=context, key_id=header.key_id)
        try:
            blob = base64.b64decode(token.rsplit(":", 1)[1], validate=True)
        except (binascii.Error, ValueError):
            raise DecryptionError(MSG_MALFORMED, context=context) from None
        if len(blob) < NONCE_BYTES + TAG_BYTES:
            raise DecryptionError(MSG_MALFORMED, context=context)
        profile = PROFILES[header.profile]
        try:
            plaintext = profile.open(
                self._key(profile, header.key_id),
                blob[:NONCE_BYTES],
                blob[NONCE_BYTES:],
                self._aad(header, context),
            )
        except InvalidTag:
            raise DecryptionError(MSG_TAMPERED, context=context) from None
        return plaintext.decode("utf-8")

    def is_current(self, header: TokenHeader) -> bool:
        """Whether a value is already under the current key and profile (nothing to rotate)."""
        return header.profile == self.profile.name and header.key_id == self.keyring.current


def current_provider() -> CryptoProvider:
    if not has_app_context():
        raise CryptoError(MSG_NO_APP)
    return current_app.extensions["tessera.crypto"]


def init_app(app: Flask) -> CryptoProvider:
    """Check the algorithms, load the keys and keep the provider on the app.

    A failed known-answer test or a bad key stops the app from starting.
    """
    from core.security.keys import load_keys

    try:
        self_test()
    except SelfTestError as error:
        log.critical("%s", error)
        raise
    provider = CryptoProvider(load_keys(app), app.config.get("CRYPTO_PROFILE") or "intl")
    app.extensions["tessera.crypto"] = provider
    return provider


# --------------------------------------------------------------------------- column type


class EncryptedText(TypeDecorator):
    """A text column encrypted at rest with the app's crypto profile and current key.

    For addon authors: declare the column with this type and mark it sensitive, so the
    audit log masks its values too. The database column is ``TEXT`` (a migration writes
    ``sa.Text()``)::

        from core.security.crypto import EncryptedText

        class BankAccount(RecordMixin, Base):
            __tablename__ = "partners_bank_account"
            number: Mapped[str | None] = mapped_column(EncryptedText(), info={"sensitive": True})

    Values are ``str`` (or None, stored as NULL); they are encrypted when written and
    decrypted when read, inside an app context. Each value is bound to its table and
    column: rename either and pass the old place as ``EncryptedText(context="old_table.col")``.
    Encrypted columns cannot be searched, sorted or compared in SQL (equal values differ
    once encrypted): keep a separate hashed or masked column (the last four digits) for that.
    ``tessera keys rotate`` finds every column of this type by itself.
    """

    impl = Text
    cache_ok = True

    def __init__(self, context: str | None = None) -> None:
        super().__init__()
        self.context = context
        self.column_context: str | None = None

    def aad_context(self) -> str:
        """Where values of this column say they belong (authenticated with each value)."""
        context = self.context or self.column_context
        if context is None:
            raise CryptoError(MSG_NO_CONTEXT)
        return context

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        if value is None:
            return None
        return current_provider().encrypt(value, self.aad_context())

    def process_result_value(self, value: str | None, dialect) -> str | None:
        if value is None:
            return None
        return current_provider().decrypt(value, self.aad_context())


@event.listens_for(Column, "after_parent_attach")
def _bind_column_context(column: Column, table) -> None:
    """An ``EncryptedText`` learns its table and column once its column joins a table."""
    if isinstance(column.type, EncryptedText) and isinstance(table, Table):
        column.type.column_context = column_context(table.name, column.name)
