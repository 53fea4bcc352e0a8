"""Translations: core's catalogue is complete, languages map to catalogues, errors translate."""

from pathlib import Path

import pytest
from flask import g

import core
from core.i18n import CHINESE, ENGLISH, normalise_language
from core.i18n_tools import check
from core.plugins import MSG_UNKNOWN, AddonError


def test_core_catalogue_translates_every_string():
    problems = check(Path(core.__file__).parent, "core")
    assert problems.ok, problems


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("zh-CN", CHINESE),
        ("zh_CN.UTF-8", CHINESE),
        ("zh", CHINESE),
        ("zh-Hans", CHINESE),
        ("en-US", ENGLISH),
        ("en", ENGLISH),
        ("C", None),
        ("", None),
        (None, None),
    ],
)
def test_language_names_map_to_catalogues(given, expected):
    assert normalise_language(given) == expected


@pytest.mark.addons()
def test_errors_follow_the_context_language(app):
    error = AddonError(MSG_UNKNOWN, addon="nothing")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert str(error) == "no addon is named nothing"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        g.language = CHINESE  # the user's own language beats the browser's
        assert str(error) == "不存在名为 nothing 的应用"


def test_use_language_switches_and_restores(app):
    from core.i18n import use_language

    error = AddonError(MSG_UNKNOWN, addon="x")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert str(error) == "no addon is named x"
        with use_language(CHINESE):
            assert str(error) == "不存在名为 x 的应用"
        assert str(error) == "no addon is named x"


def test_manifest_texts_are_extracted_into_the_addon_catalogue(tessera_catalog):
    from core.i18n_tools import extract

    partners = tessera_catalog["partners"]
    messages = {m.id for m in extract(partners.path, "partners") if m.id}
    assert partners.manifest.summary in messages
    assert partners.manifest.category in messages
