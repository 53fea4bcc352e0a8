"""Translations: one gettext domain per addon (domain = addon name), Chinese first.

Catalogues live in ``<package>/translations/zh_Hans_CN/LC_MESSAGES/<domain>.po``. A
compiled ``.mo`` is used when it is at least as new as the ``.po``; otherwise the
``.po`` is compiled in memory, so a catalogue works right after install with no
build step. Babel normalises ``zh_CN`` to ``zh_Hans_CN`` (see shared NOTES), so the
folders carry that name and ``zh``, ``zh-CN`` requests map to it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel import support
from babel.messages import mofile, pofile
from flask import (
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
)
from flask_babel import Babel, Domain, get_locale, refresh

CHINESE = "zh_Hans_CN"
ENGLISH = "en"
LOCALE_ALIASES = {
    "zh": CHINESE,
    "zh_cn": CHINESE,
    "zh_hans": CHINESE,
    "zh_hans_cn": CHINESE,
    "zh-cn": CHINESE,
    "zh-hans": CHINESE,
    "zh-hans-cn": CHINESE,
    "en": ENGLISH,
    "en_us": ENGLISH,
    "en_gb": ENGLISH,
    "en-us": ENGLISH,
    "en-gb": ENGLISH,
}


class TranslatedError(Exception):
    """An error whose text is a lazy message with ``%(name)s`` parameters.

    The text is rendered when shown, in the reader's language at that moment.
    """

    def __init__(self, message, **params) -> None:
        self.message = message
        self.params = params
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.message) % self.params


def normalise_language(value: str | None) -> str | None:
    """Map what browsers, users and terminals say (``zh-CN``, ``zh_CN.UTF-8``) to a catalogue."""
    if not value:
        return None
    key = value.split(".")[0].split("@")[0].strip().lower()
    if key in LOCALE_ALIASES:
        return LOCALE_ALIASES[key]
    if key.startswith("zh"):
        return CHINESE
    if key.startswith("en"):
        return ENGLISH
    return None


class CatalogueDomain(Domain):
    """A Flask-Babel domain that reads one addon's catalogues, ``.po`` or fresh ``.mo``."""

    def __init__(self, name: str, directory: str | Path) -> None:
        super().__init__(translation_directories=[str(directory)], domain=name)
        self.name = name
        self.directory = Path(directory)

    def get_translations(self):
        if not has_app_context():
            return support.NullTranslations()
        locale = str(get_locale() or ENGLISH)
        key = (locale, self.name)
        if key not in self.cache:
            self.cache[key] = load_catalogue(self.directory, locale, self.name)
        return self.cache[key]


def load_catalogue(directory: Path, locale: str, domain: str) -> support.Translations:
    folder = directory / locale / "LC_MESSAGES"
    po_path, mo_path = folder / f"{domain}.po", folder / f"{domain}.mo"
    if mo_path.exists() and (not po_path.exists() or _mtime(mo_path) >= _mtime(po_path)):
        with mo_path.open("rb") as handle:
            return support.Translations(handle, domain=domain)
    if not po_path.exists():
        return support.Translations(domain=domain)
    with po_path.open("rb") as handle:
        catalog = pofile.read_po(handle, locale=locale, domain=domain)
    buffer = io.BytesIO()
    mofile.write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return support.Translations(buffer, domain=domain)


def _mtime(path: Path) -> float:
    return os.stat(path).st_mtime


def catalogue_domain(package_file: str, name: str) -> CatalogueDomain:
    """The domain for the package whose ``__file__`` is given (its ``translations`` folder)."""
    return CatalogueDomain(name, Path(package_file).resolve().parent / "translations")


def select_locale() -> str:
    """The language for this request, job or command.

    Order: the language set for this context (the logged-in user's, or a job's),
    then the one chosen in this browser's session (the login page's switch), then
    the system default an administrator set (System settings), then the browser's
    Accept-Language, then the deployment default. Outside a request (the CLI) the
    terminal's LANG decides, English when it says nothing.
    """
    chosen = normalise_language(g.get("language")) if has_app_context() else None
    if chosen:
        return chosen
    languages = current_app.config.get("LANGUAGES", [CHINESE, ENGLISH])
    if has_request_context():
        from core.settings import DEFAULT_LANGUAGE, get_setting

        for candidate in (session.get("language"), get_setting(DEFAULT_LANGUAGE)):
            chosen = normalise_language(candidate)
            if chosen in languages:
                return chosen
        for value, _quality in request.accept_languages:
            name = normalise_language(value)
            if name in languages:
                return name
        return current_app.config.get("DEFAULT_LANGUAGE", CHINESE)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        name = normalise_language(os.environ.get(var))
        if name:
            return name
    return ENGLISH


def select_timezone() -> str:
    """The time zone dates and times are shown in: the user's, else the system default
    (System settings, else the deployment's DEFAULT_TIMEZONE), else UTC."""
    from core.settings import DEFAULT_TIMEZONE, get_setting, known_time_zones

    for zone in (g.get("timezone"), get_setting(DEFAULT_TIMEZONE)):
        if zone in known_time_zones():
            return zone
    return "UTC"


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)


@contextmanager
def use_language(code: str) -> Iterator[None]:
    """Speak ``code`` inside the block (jobs, mails, tests), then the previous language.

    Flask-Babel caches the language at the first translation of a context, so changing
    ``g.language`` alone would not be seen; this refreshes the cache both ways.
    """
    previous = g.get("language")
    g.language = code
    refresh()
    try:
        yield
    finally:
        g.language = previous
        refresh()


def N_(text: str) -> str:
    """Mark ``text`` for extraction without translating it (stored source texts)."""
    return text


core_domain = catalogue_domain(__file__, "core")
gettext = core_domain.gettext
lazy_gettext = core_domain.lazy_gettext
ngettext = core_domain.ngettext
