"""``tessera addon new``: write a complete, working addon skeleton for an integrator.

The skeleton lives in ``core/templates/addon_skeleton/`` as ``*.tmpl`` files, so pytest,
ruff and i18n extraction never take them for Tessera's own code. Their paths and contents
hold ``string.Template`` placeholders such as ``${name}``, replaced by plain substitution.
This module does not import or install the new addon: discovery does that later.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import uuid
from datetime import UTC, datetime
from importlib.metadata import entry_points
from pathlib import Path
from string import Template

from core.i18n import lazy_gettext as _l
from core.manifest import MSG_BAD_NAME, MSG_SELF_DEPEND, NAME_RE, RESERVED_NAMES, ManifestError
from core.plugins import ENTRY_POINT_GROUP

SKELETON = Path(__file__).resolve().parent / "templates" / "addon_skeleton"
TEMPLATE_SUFFIX = ".tmpl"
SEQUENCE_PREFIX_LENGTH = 3

MSG_FOLDER_EXISTS = _l("the folder %(folder)s exists already: choose another name or --path")
MSG_NAME_TAKEN = _l("addon name %(addon)s is already used by %(origin)s: choose another name")


def create_addon(name: str, target: Path, depends: list[str]) -> Path:
    """Write the addon ``name`` into ``target/name`` and return that folder.

    ``depends`` may name addons that are not installed here, but each must be a valid
    addon name. Raises :class:`ValueError` for a bad name and :class:`FileExistsError`
    when the folder exists; a failure half-way leaves no folder behind.
    """
    _check_name(name)
    depends = _checked_depends(name, depends)
    folder = target / name
    if folder.exists():
        raise FileExistsError(MSG_FOLDER_EXISTS % {"folder": folder})
    _check_name_is_free(name)
    target.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir()
    except FileExistsError:
        raise FileExistsError(MSG_FOLDER_EXISTS % {"folder": folder}) from None
    try:
        _render_skeleton(folder, placeholders(name, depends))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def placeholders(name: str, depends: list[str]) -> dict[str, str]:
    """What ``${...}`` stands for in the skeleton's paths and files."""
    letters = "".join(ch for ch in name if ch.isalnum())
    return {
        "name": name,
        "Title": name.replace("_", " ").title(),
        "Class": "".join(part.capitalize() for part in name.split("_")),
        "prefix": letters[:SEQUENCE_PREFIX_LENGTH].upper(),
        "depends_toml": json.dumps(depends),
        # Alembic revision ids are global across every addon's branch: never reuse one.
        "revision": uuid.uuid4().hex[:12],
        "create_date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }


def _check_name(name: str) -> None:
    if not NAME_RE.match(name) or name in RESERVED_NAMES:
        raise ManifestError(name, MSG_BAD_NAME)


def _check_name_is_free(name: str) -> None:
    """Refuse the name of a bundled addon, or one Python resolves already (``calendar``).

    Addons on TESSERA_ADDONS_PATH are imported by their bare name from folders added at
    the end of ``sys.path``: an addon named like an existing module could never load.
    """
    bundled = next(iter(entry_points(group=ENTRY_POINT_GROUP, name=name)), None)
    if bundled is not None:
        raise ManifestError(name, MSG_NAME_TAKEN, origin=bundled.value)
    spec = importlib.util.find_spec(name)
    if spec is not None:
        origin = spec.origin or next(iter(spec.submodule_search_locations or []), name)
        raise ManifestError(name, MSG_NAME_TAKEN, origin=origin)


def _checked_depends(name: str, depends: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(d.strip() for d in depends if d.strip()))
    for dependency in cleaned:
        _check_name(dependency)
        if dependency == name:
            raise ManifestError(name, MSG_SELF_DEPEND)
    return cleaned


def _render_skeleton(folder: Path, values: dict[str, str]) -> None:
    for source in sorted(SKELETON.rglob(f"*{TEMPLATE_SUFFIX}")):
        relative = source.relative_to(SKELETON).as_posix().removesuffix(TEMPLATE_SUFFIX)
        destination = folder / Template(relative).substitute(values)
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
        destination.write_text(text, encoding="utf-8")
