"""Every hook spec is documented and implementable; the import boundary holds."""

import inspect

import pytest

from core import hookspecs
from core.hookdocs import describe_hooks

pytestmark = pytest.mark.spec("4.1.1")


def core_specs():
    return [f for name, f in vars(hookspecs).items() if callable(f) and hasattr(f, "tessera_spec")]


@pytest.mark.parametrize("spec", core_specs(), ids=lambda f: f.__name__)
def test_core_spec_is_documented_and_implementable(spec):
    assert spec.__name__.startswith("core_"), "a core spec starts with core_"
    doc = inspect.getdoc(spec) or ""
    assert len(doc.split()) >= 8, "the docstring says when it runs and what it returns"
    signature = inspect.signature(spec)
    for parameter in signature.parameters.values():
        assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, (
            f"{parameter.name}: pluggy calls hooks with keyword arguments only"
        )
        assert parameter.annotation is not inspect.Parameter.empty, f"{parameter.name} untyped"
    assert signature.return_annotation is not inspect.Signature.empty


def test_every_discovered_spec_is_documented(tessera_catalog):
    undocumented = [h["name"] for h in describe_hooks(tessera_catalog) if not h["doc"].strip()]
    assert undocumented == []


def test_spec_prefix_names_its_owner(tessera_catalog):
    for hook in describe_hooks(tessera_catalog):
        assert hook["name"].startswith(hook["owner"] + "_"), hook


def test_core_imports_no_addon():
    from pathlib import Path

    from core.plugins import imported_modules

    core_dir = Path(hookspecs.__file__).parent
    offending = sorted(m for m in imported_modules(core_dir) if m.split(".")[0] == "addons")
    assert offending == []
