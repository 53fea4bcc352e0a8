"""Front-end assets ship inside the package, checked and licensed; templates stay CSP-clean.

No page may load anything from outside at run time (CDNs are slow or blocked for many users),
and the Content-Security-Policy refuses inline scripts, event attributes and inline styles,
so no template may rely on them.
"""

import fnmatch
import hashlib
import json
import re
import tomllib
from pathlib import Path

import pytest

import core

ROOT = Path(__file__).resolve().parent.parent
VENDOR = Path(core.__file__).parent / "static" / "core" / "vendor"
MANIFEST = json.loads((VENDOR / "ASSETS.json").read_text(encoding="utf-8"))
ASSETS = MANIFEST["assets"]
SPDX_ALLOWED = {"0BSD", "MIT", "Apache-2.0", "BSD-3-Clause", "ISC"}


def templates() -> list[Path]:
    """Every page template of core and the addons, the addon skeleton's included."""
    found = []
    for base in (ROOT / "core", ROOT / "addons"):
        found += [
            path
            for path in base.rglob("*")
            if path.is_file() and (path.name.endswith(".html") or path.name.endswith(".html.tmpl"))
        ]
    return sorted(found)


def tags_of(path: Path) -> list[str]:
    """The HTML tags of a template, Jinja comments, statements and expressions blanked out."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", "x", text, flags=re.S)
    return re.findall(r"<[a-zA-Z][^>]*>", text)


def test_templates_are_found():
    names = {path.name for path in templates()}
    assert {"base.html", "login.html", "records.html.tmpl"} <= names


@pytest.mark.spec("4.4.2")
@pytest.mark.parametrize("asset", ASSETS, ids=[a["file"] for a in ASSETS])
def test_every_asset_is_shipped_unchanged_and_licensed(asset):
    path = VENDOR / asset["file"]
    assert path.is_file(), f"{asset['file']} is listed in ASSETS.json but not shipped"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == asset["sha256"], (
        f"{asset['file']} differs from the checksum in ASSETS.json"
    )
    for key in ("package", "version", "npm", "license"):
        assert asset.get(key), f"{asset['file']}: {key} is missing"
    assert asset["license"] in SPDX_ALLOWED, asset["license"]
    licence = VENDOR / asset["license_file"]
    assert licence.is_file() and licence.parent.name == "licenses"
    assert len(licence.read_text(encoding="utf-8").strip()) > 200, f"{licence.name} is too short"


@pytest.mark.spec("4.4.2")
def test_every_shipped_file_is_listed():
    listed = {asset["file"] for asset in ASSETS}
    shipped = {
        path.name for path in VENDOR.iterdir() if path.is_file() and path.name != "ASSETS.json"
    }
    assert shipped == listed


def test_no_source_map_is_promised_without_being_shipped():
    for asset in ASSETS:
        text = (VENDOR / asset["file"]).read_text(encoding="utf-8")
        for match in re.finditer(r"sourceMappingURL=(\S+?)(?:\s|\*/|$)", text):
            assert (VENDOR / match.group(1)).is_file(), f"{asset['file']}: {match.group(1)}"


@pytest.mark.spec("4.4.2")
def test_versions_are_the_mature_lines():
    versions = {asset["npm"]: asset["version"] for asset in ASSETS}
    # htmx 4.x ("latest" on npm) changed inheritance and error swapping: stay on 2.0.11.
    assert versions["htmx.org"] == "2.0.11"
    assert versions["bootstrap"].startswith("5.3.")
    assert versions["echarts"].startswith("6.")
    assert versions["swagger-ui-dist"].startswith("5.")
    assert 'version:"2.0.11"' in (VENDOR / "htmx.min.js").read_text(encoding="utf-8")


def test_assets_stay_small_enough():
    # The shell's assets may load on any page; the API docs viewer only on /api/v1/docs.
    on_demand = {"swagger-ui-bundle.js", "swagger-ui.css"}
    sizes = {asset["file"]: (VENDOR / asset["file"]).stat().st_size for asset in ASSETS}
    shell = sum(size for name, size in sizes.items() if name not in on_demand)
    assert shell < 2_000_000, f"{shell} bytes of vendored shell assets"
    assert sum(sizes.values()) < 4_000_000, f"{sum(sizes.values())} bytes of vendored assets"


def test_package_data_ships_the_assets():
    """An installed wheel carries every asset and licence (pyproject package-data patterns)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["*"]
    files = [VENDOR / "ASSETS.json"] + [VENDOR / a["file"] for a in ASSETS]
    files += [VENDOR / a["license_file"] for a in ASSETS]
    files += [VENDOR.parent / "tessera.js", VENDOR.parent / "favicon.svg"]
    for path in files:
        assert any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns), path.name


@pytest.mark.spec("4.4.2")
@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_load_nothing_from_outside(path):
    outside = re.compile(r"""\s(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
    offences = [tag for tag in tags_of(path) if outside.search(tag)]
    assert not offences, f"outside URLs: {offences}"


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_need_no_inline_code(path):
    """What the CSP would refuse: inline scripts, on* handlers, javascript: URLs, inline styles."""
    offences = []
    for tag in tags_of(path):
        name = tag[1:].split(None, 1)[0].rstrip(">").lower()
        if name == "script" and not re.search(r"\ssrc\s*=", tag):
            offences.append(f"inline script: {tag}")
        if name == "style":
            offences.append(f"style element: {tag}")
        if re.search(r"\son[a-z]+\s*=", tag, re.I):
            offences.append(f"event attribute: {tag}")
        if re.search(r"\sstyle\s*=", tag, re.I):
            offences.append(f"style attribute: {tag}")
        if re.search(r"""=\s*["']?\s*javascript:""", tag, re.I):
            offences.append(f"javascript: URL: {tag}")
    assert not offences, offences


def test_the_checks_catch_what_they_look_for(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(
        "{# <script>comments are fine</script> #}\n"
        '<script src="https://cdn.example/x.js"></script>\n'
        "<script>alert(1)</script>\n"
        '<a href="//cdn.example/" onclick="go()">x</a>\n'
        '<div style="color: red">{{ "<b onclick=x>" }}</div>\n',
        encoding="utf-8",
    )
    tags = tags_of(page)
    assert len(tags) == 4
    assert any("cdn.example/x.js" in tag for tag in tags)
    assert not any("comments are fine" in tag for tag in tags)
    with pytest.raises(AssertionError, match="outside URLs"):
        test_templates_load_nothing_from_outside(page)
    with pytest.raises(AssertionError) as refused:
        test_templates_need_no_inline_code(page)
    for kind in ("inline script", "event attribute", "style attribute"):
        assert kind in str(refused.value)
