"""Shared helpers for the cross-addon and core tests."""

from pathlib import Path

import pytest

FIXTURE_ADDONS = Path(__file__).resolve().parent / "fixture_addons"


@pytest.fixture
def fixture_app(make_app):
    """``fixture_app(*installed)``: core plus the test addons of tests/fixture_addons."""

    def factory(*installed, initialised=True):
        app = make_app((), initialised=initialised, ADDONS_PATH=str(FIXTURE_ADDONS))
        if installed:
            from core.registry import get_registry

            with app.app_context():
                get_registry(app).lifecycle.install(installed)
        return app

    return factory
