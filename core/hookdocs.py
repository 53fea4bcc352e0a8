"""Describe every hook spec: owner, signature, documentation, implementations.

Feeds ``tessera hooks`` and the test that fails on an undocumented spec.
"""

from __future__ import annotations

import inspect

from core.plugins import Catalog, make_plugin_manager


def describe_hooks(catalog: Catalog) -> list[dict]:
    pm = make_plugin_manager(catalog, catalog.names())
    result = []
    for name in sorted(pm.hook.__dict__):
        caller = getattr(pm.hook, name)
        if caller.spec is None:
            continue
        function = caller.spec.function
        owner = _owner(function.__module__, catalog)
        implementations = sorted(
            {
                _owner(impl.plugin.__name__, catalog)
                if hasattr(impl.plugin, "__name__")
                else impl.plugin_name
                for impl in caller.get_hookimpls()
            }
        )
        result.append(
            {
                "name": name,
                "owner": owner,
                "signature": f"{name}{inspect.signature(function)}",
                "doc": inspect.cleandoc(function.__doc__ or ""),
                "firstresult": bool(caller.spec.opts.get("firstresult")),
                "implementations": implementations,
            }
        )
    return result


def _owner(module_name: str, catalog: Catalog) -> str:
    if module_name.startswith("core.") or module_name == "core":
        return "core"
    return catalog.package_owner(module_name) or module_name
