"""Addon manifests: ``manifest.toml`` read as data, validated, never imported.

A manifest that fails validation raises :class:`ManifestError` naming the addon and the
problem; discovery records the error and goes on with the other addons.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.i18n import lazy_gettext as _l
from core.plugins import AddonError

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
VERSION_RE = re.compile(r"^\d+\.\d+(\.\d+)?$")
RESERVED_NAMES = frozenset({"core", "api", "static", "auth", "admin", "tessera", "test", "tests"})
KNOWN_KEYS = frozenset(
    {
        "name",
        "version",
        "summary",
        "description",
        "depends",
        "extras_depend",
        "category",
        "author",
        "license",
        "application",
        "sequence",
    }
)

MSG_UNREADABLE = _l("manifest of addon %(addon)s cannot be read: %(error)s")
MSG_MISSING = _l("manifest of addon %(addon)s lacks the required key %(key)s")
MSG_UNKNOWN_KEY = _l("manifest of addon %(addon)s has an unknown key %(key)s")
MSG_BAD_NAME = _l(
    "addon name %(addon)s is not valid: use 2-40 lower-case letters, digits or _, "
    "starting with a letter, and not a reserved word"
)
MSG_NAME_MISMATCH = _l(
    "manifest of addon %(addon)s declares the name %(name)s instead of %(addon)s"
)
MSG_BAD_VERSION = _l("manifest of addon %(addon)s has version %(version)s; expected e.g. 1.0.0")
MSG_BAD_TYPE = _l("manifest of addon %(addon)s: %(key)s must be %(expected)s")
MSG_SELF_DEPEND = _l("addon %(addon)s cannot depend on itself")
EXPECT_TEXT = _l("text")
EXPECT_NAMES = _l("a list of addon names")
EXPECT_BOOL = _l("true or false")
EXPECT_INT = _l("a whole number")


class ManifestError(AddonError, ValueError):
    """A manifest that cannot be used; ``str()`` is the translated message."""

    def __init__(self, addon: str, message, **params) -> None:
        self.addon = addon
        super().__init__(message, addon=addon, **params)


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    summary: str
    description: str = ""
    depends: tuple[str, ...] = ()
    extras_depend: tuple[str, ...] = ()
    category: str = "Uncategorized"
    author: str = ""
    license: str = ""
    application: bool = False
    sequence: int = 100
    path: Path = field(default=Path("."), compare=False)

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split("."))


def read_manifest(folder: Path, expected_name: str) -> Manifest:
    """Read and validate ``folder/manifest.toml`` for the addon ``expected_name``."""
    path = folder / "manifest.toml"
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(expected_name, MSG_UNREADABLE, error=str(exc)) from exc
    return validate_manifest(data, expected_name, folder)


def validate_manifest(data: dict, expected_name: str, folder: Path) -> Manifest:
    addon = expected_name
    if not NAME_RE.match(addon) or addon in RESERVED_NAMES:
        raise ManifestError(addon, MSG_BAD_NAME)
    for key in data:
        if key not in KNOWN_KEYS:
            raise ManifestError(addon, MSG_UNKNOWN_KEY, key=key)
    for key in ("name", "version", "summary"):
        if key not in data:
            raise ManifestError(addon, MSG_MISSING, key=key)
    for key in ("name", "version", "summary", "description", "category", "author", "license"):
        if key in data and not isinstance(data[key], str):
            raise ManifestError(addon, MSG_BAD_TYPE, key=key, expected=EXPECT_TEXT)
    if data["name"] != addon:
        raise ManifestError(addon, MSG_NAME_MISMATCH, name=data["name"])
    if not VERSION_RE.match(data["version"]):
        raise ManifestError(addon, MSG_BAD_VERSION, version=data["version"])
    lists = {}
    for key in ("depends", "extras_depend"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(v, str) and NAME_RE.match(v) for v in value
        ):
            raise ManifestError(addon, MSG_BAD_TYPE, key=key, expected=EXPECT_NAMES)
        if addon in value:
            raise ManifestError(addon, MSG_SELF_DEPEND)
        lists[key] = tuple(dict.fromkeys(value))
    if not isinstance(data.get("application", False), bool):
        raise ManifestError(addon, MSG_BAD_TYPE, key="application", expected=EXPECT_BOOL)
    if not isinstance(data.get("sequence", 100), int):
        raise ManifestError(addon, MSG_BAD_TYPE, key="sequence", expected=EXPECT_INT)
    return Manifest(
        name=addon,
        version=data["version"],
        summary=data["summary"],
        description=data.get("description", ""),
        depends=lists["depends"],
        extras_depend=lists["extras_depend"],
        category=data.get("category", "Uncategorized"),
        author=data.get("author", ""),
        license=data.get("license", ""),
        application=data.get("application", False),
        sequence=data.get("sequence", 100),
        path=folder,
    )
