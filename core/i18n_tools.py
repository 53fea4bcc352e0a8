"""Catalogue maintenance: extract an addon's strings, update and compile its catalogues.

Serves ``tessera i18n extract|update|compile`` and the contract test that fails when a
zh_Hans_CN catalogue misses, fuzzes or leaves empty any string of its addon.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from core.i18n import CHINESE

KEYWORDS = {
    "_": None,
    "N_": None,
    "_l": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
METHOD_MAP = [
    ("**/tests/**", "ignore"),
    ("**/migrations/**", "ignore"),
    ("**/addon_skeleton/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


@dataclass(frozen=True)
class CatalogueProblems:
    missing: tuple[str, ...]
    untranslated: tuple[str, ...]
    fuzzy: tuple[str, ...]
    obsolete: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.untranslated or self.fuzzy)


def po_path(package_dir: Path, domain: str, locale: str = CHINESE) -> Path:
    return package_dir / "translations" / locale / "LC_MESSAGES" / f"{domain}.po"


def extract(package_dir: Path, domain: str) -> Catalog:
    """Every translatable string of the package (tests and migrations excluded)."""
    catalog = Catalog(domain=domain, project="tessera", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(package_dir), METHOD_MAP, OPTIONS, KEYWORDS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for key, text in manifest_texts(package_dir):
        catalog.add(text, None, [("manifest.toml", 0)], auto_comments=[f"manifest {key}"])
    return catalog


def manifest_texts(package_dir: Path) -> list[tuple[str, str]]:
    """The texts of an addon's manifest a person reads (summary, category)."""
    path = package_dir / "manifest.toml"
    if not path.exists():
        return []
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [(key, data[key]) for key in ("summary", "category") if data.get(key)]


def update(package_dir: Path, domain: str, locale: str = CHINESE) -> Path:
    """Merge newly extracted strings into the locale's ``.po`` (created if absent)."""
    template = extract(package_dir, domain)
    path = po_path(package_dir, domain, locale)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale, domain=domain)
        catalog.update(template, no_fuzzy_matching=True)
    else:
        catalog = Catalog(locale=locale, domain=domain, project="tessera", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(
            handle, catalog, width=100, omit_header=False, ignore_obsolete=True, sort_output=True
        )
    return path


def compile_catalogue(package_dir: Path, domain: str, locale: str = CHINESE) -> Path:
    path = po_path(package_dir, domain, locale)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=domain)
    target = path.with_suffix(".mo")
    with target.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return target


def check(package_dir: Path, domain: str, locale: str = CHINESE) -> CatalogueProblems:
    """What the locale's catalogue lacks compared with the package's source."""
    template = extract(package_dir, domain)
    wanted = {_key(m) for m in template if m.id}
    path = po_path(package_dir, domain, locale)
    if not path.exists():
        return CatalogueProblems(tuple(sorted(map(str, wanted))), (), (), ())
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=domain)
    have = {_key(m): m for m in catalog if m.id}
    missing = sorted(str(k) for k in wanted - set(have))
    untranslated = sorted(
        str(k)
        for k, m in have.items()
        if k in wanted and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    )
    fuzzy = sorted(str(k) for k, m in have.items() if k in wanted and m.fuzzy)
    obsolete = sorted(str(k) for k in set(have) - wanted)
    return CatalogueProblems(tuple(missing), tuple(untranslated), tuple(fuzzy), tuple(obsolete))


def _key(message) -> tuple:
    ident = message.id if isinstance(message.id, str) else message.id[0]
    return (message.context or "", ident)
