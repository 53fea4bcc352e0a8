"""Addon discovery and the per-app plugin manager.

Addons come from the ``tessera.addons`` entry-point group (the bundled ones are
declared in pyproject.toml) and from folders listed in ``TESSERA_ADDONS_PATH``. A
manifest is read as data; a bad manifest, an unknown dependency or a cycle marks that
addon (and what depends on it) as broken with a message, and the rest load normally.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

import pluggy

from core.i18n import TranslatedError
from core.i18n import lazy_gettext as _l

PROJECT = "tessera"
ENTRY_POINT_GROUP = "tessera.addons"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

MSG_DUPLICATE = _l("addon %(addon)s is found twice: %(first)s and %(second)s")
MSG_NOT_FOUND = _l("addon %(addon)s cannot be located: %(error)s")
MSG_UNKNOWN_DEPENDENCY = _l("addon %(addon)s depends on %(dependency)s, which cannot be found")
MSG_BROKEN_DEPENDENCY = _l("addon %(addon)s depends on %(dependency)s, which cannot load")
MSG_CYCLE = _l("addon %(addon)s is part of a dependency cycle: %(cycle)s")
MSG_IMPORT = _l("addon %(addon)s failed to import: %(error)s")
MSG_UNKNOWN = _l("no addon is named %(addon)s")


class AddonError(TranslatedError):
    """A problem with an addon: a translatable message and its parameters."""


@dataclass(frozen=True)
class Addon:
    """A discovered addon: where its code is and what its manifest says."""

    name: str
    package: str
    path: Path
    manifest: object  # core.manifest.Manifest; typed loosely to keep this module import-light
    source: str

    @property
    def depends(self) -> tuple[str, ...]:
        return self.manifest.depends

    @property
    def extras_depend(self) -> tuple[str, ...]:
        return self.manifest.extras_depend

    @property
    def version(self) -> str:
        return self.manifest.version

    def module(self, name: str) -> ModuleType | None:
        """Import ``<package>.<name>`` if the addon has it, else None."""
        if not (self.path / f"{name}.py").exists() and not (self.path / name).is_dir():
            return None
        return importlib.import_module(f"{self.package}.{name}")


@dataclass
class Catalog:
    """Every addon found, valid ones in dependency order, broken ones with their reason."""

    addons: dict[str, Addon] = field(default_factory=dict)
    errors: dict[str, AddonError] = field(default_factory=dict)

    def __contains__(self, name: str) -> bool:
        return name in self.addons

    def __getitem__(self, name: str) -> Addon:
        try:
            return self.addons[name]
        except KeyError:
            raise self.error_for(name) from None

    def error_for(self, name: str) -> AddonError:
        return self.errors.get(name) or AddonError(MSG_UNKNOWN, addon=name)

    def names(self) -> list[str]:
        return list(self.addons)

    def closure(self, names: Iterable[str]) -> list[str]:
        """``names`` and everything they depend on, dependencies first."""
        wanted: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name in wanted:
                continue
            wanted.add(self[name].name)
            stack.extend(self[name].depends)
        return [name for name in self.addons if name in wanted]

    def dependants(self, name: str, among: Iterable[str] | None = None) -> list[str]:
        """Addons (of ``among``) that need ``name`` directly or indirectly, dependants last."""
        pool = set(self.addons if among is None else among)
        found = {name}
        changed = True
        while changed:
            changed = False
            for other in pool - found:
                if found.intersection(self.addons[other].depends):
                    found.add(other)
                    changed = True
        found.discard(name)
        return [n for n in self.addons if n in found]

    def table_owner(self, table_name: str) -> str | None:
        """The addon a table belongs to: the longest addon name it starts with, then ``_``.

        Longest, because addon names may hold underscores (``sales_extra_x`` belongs to
        ``sales_extra`` when both ``sales`` and ``sales_extra`` exist).
        """
        owners = [n for n in self.addons if table_name.startswith(n + "_")]
        return max(owners, key=len) if owners else None

    def package_owner(self, module_name: str) -> str | None:
        """The addon a dotted module name belongs to, if any."""
        for addon in self.addons.values():
            if module_name == addon.package or module_name.startswith(addon.package + "."):
                return addon.name
        return None


def discover(addons_path: Iterable[str] = (), allowed: Iterable[str] | None = None) -> Catalog:
    """Find addons, read their manifests, check their dependencies, import their hooks."""
    from core.manifest import ManifestError, read_manifest

    catalog = Catalog()
    located: dict[str, tuple[str, Path, str]] = {}
    for name, package, path, source in _locate(addons_path, catalog):
        if name in located:
            catalog.errors[name] = AddonError(
                MSG_DUPLICATE, addon=name, first=located[name][1], second=path
            )
            continue
        located[name] = (package, path, source)

    allowed_set = set(allowed) if allowed is not None else None
    found: dict[str, Addon] = {}
    for name, (package, path, source) in located.items():
        if allowed_set is not None and name not in allowed_set:
            continue
        try:
            manifest = read_manifest(path, name)
        except ManifestError as exc:
            catalog.errors[name] = exc
            continue
        found[name] = Addon(name, package, path, manifest, source)

    for name in _check_dependencies(found, catalog):
        found.pop(name, None)
    for name in _import_code(found, catalog):
        found.pop(name, None)
    for name in _order(found):
        catalog.addons[name] = found[name]
    return catalog


def _locate(addons_path: Iterable[str], catalog: Catalog):
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            spec = importlib.util.find_spec(entry.value)
        except (ImportError, ValueError) as exc:
            catalog.errors[entry.name] = AddonError(MSG_NOT_FOUND, addon=entry.name, error=exc)
            continue
        if spec is None or not spec.submodule_search_locations:
            error = "no package " + entry.value
            catalog.errors[entry.name] = AddonError(MSG_NOT_FOUND, addon=entry.name, error=error)
            continue
        yield entry.name, entry.value, Path(spec.submodule_search_locations[0]), "entry point"
    for folder in addons_path:
        base = Path(folder).expanduser().resolve()
        if not base.is_dir():
            continue
        for child in sorted(base.iterdir()):
            if (child / "manifest.toml").is_file() and (child / "__init__.py").is_file():
                if str(base) not in sys.path:
                    sys.path.append(str(base))
                yield child.name, child.name, child, "path"


def _check_dependencies(found: dict[str, Addon], catalog: Catalog) -> set[str]:
    broken: set[str] = set()
    for name, addon in found.items():
        for dep in addon.depends:
            if dep not in found:
                message = MSG_BROKEN_DEPENDENCY if dep in catalog.errors else MSG_UNKNOWN_DEPENDENCY
                catalog.errors[name] = AddonError(message, addon=name, dependency=dep)
                broken.add(name)
                break
    for cycle in _cycles(found):
        text = " -> ".join([*cycle, cycle[0]])
        for name in cycle:
            catalog.errors[name] = AddonError(MSG_CYCLE, addon=name, cycle=text)
            broken.add(name)
    return broken | _propagate(found, broken, catalog)


def _propagate(found: dict[str, Addon], broken: set[str], catalog: Catalog) -> set[str]:
    """Mark addons that depend on a broken one as broken too."""
    result = set(broken)
    changed = True
    while changed:
        changed = False
        for name, addon in found.items():
            if name in result:
                continue
            bad = next((d for d in addon.depends if d in result), None)
            if bad:
                catalog.errors[name] = AddonError(MSG_BROKEN_DEPENDENCY, addon=name, dependency=bad)
                result.add(name)
                changed = True
    return result - broken


def _cycles(found: dict[str, Addon]) -> list[list[str]]:
    """Strongly connected components with more than one addon (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for dep in found[node].depends:
            if dep not in found:
                continue
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for name in sorted(found):
        if name not in index:
            visit(name)
    return result


def _order(found: dict[str, Addon]) -> list[str]:
    """Dependencies before dependants; ties by manifest sequence, then name."""
    ordered: list[str] = []
    remaining = dict(found)
    while remaining:
        ready = [n for n, a in remaining.items() if all(d in ordered for d in a.depends)]
        ready.sort(key=lambda n: (remaining[n].manifest.sequence, n))
        ordered.append(ready[0])
        remaining.pop(ready[0])
    return ordered


def _import_code(found: dict[str, Addon], catalog: Catalog) -> set[str]:
    """Import each addon's hookspecs and hooks (and so its models) once per process."""
    broken: set[str] = set()
    for name in _order(found):
        addon = found[name]
        if any(dep in broken for dep in addon.depends):
            dep = next(d for d in addon.depends if d in broken)
            catalog.errors[name] = AddonError(MSG_BROKEN_DEPENDENCY, addon=name, dependency=dep)
            broken.add(name)
            continue
        try:
            addon.module("hookspecs")
            addon.module("hooks")
        except Exception as exc:  # any import-time failure of third-party code
            catalog.errors[name] = AddonError(
                MSG_IMPORT, addon=name, error=f"{type(exc).__name__}: {exc}"
            )
            broken.add(name)
    return broken


def make_plugin_manager(catalog: Catalog, installed: Iterable[str]) -> pluggy.PluginManager:
    """A plugin manager with core, every addon's specs, and the hooks of ``installed``.

    Specs of every discovered addon are added so documentation and ``tessera hooks``
    see them all; implementations come only from installed addons, in dependency order
    (pluggy calls the last registered first). ``hooks_<other>.py`` is registered only
    when ``<other>`` is installed too. ``check_pending`` makes a misspelt hook fail here.
    """
    from core import default_hooks, hookspecs

    installed_set = set(installed)
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for addon in catalog.addons.values():
        specs = addon.module("hookspecs")
        if specs is not None:
            pm.add_hookspecs(specs)
    pm.register(default_hooks, name="core")
    for addon in catalog.addons.values():
        if addon.name not in installed_set:
            continue
        hooks = addon.module("hooks")
        if hooks is not None:
            pm.register(hooks, name=addon.name)
        for other in addon.extras_depend:
            if other in installed_set:
                extra = addon.module(f"hooks_{other}")
                if extra is not None:
                    pm.register(extra, name=f"{addon.name}+{other}")
    pm.check_pending()
    return pm


def collect(pm: pluggy.PluginManager, hook_name: str) -> list:
    """Flatten a collector hook's results (lists from each implementation)."""
    results = getattr(pm.hook, hook_name)()
    return [item for result in reversed(results) if result for item in result]


def imported_modules(path: Path) -> set[str]:
    """Every module a Python package imports, absolute names (for boundary checks)."""
    names: set[str] = set()
    for file in path.rglob("*.py"):
        if "tests" in file.relative_to(path).parts:
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names
