"""The browsable API documentation in a real browser: Swagger UI from the package renders
every installed resource under the strict CSP, and "Try it out" calls the API as the
logged-in user (its CSRF token added by api-docs.js)."""

from __future__ import annotations

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under CI, and says why
    expect = None

from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.spec("4.4.1", "7.3.2")]


def test_api_docs_render_and_try_a_call(page, console, live_server):
    external = []
    page.on(
        "request",
        lambda request: (
            not request.url.startswith(live_server.url)
            and not request.url.startswith("data:")
            and external.append(request.url)
        ),
    )
    log_in(page)
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    listing = page.locator(".opblock-get", has=page.get_by_text("/api/v1/partners", exact=True))
    expect(listing.first).to_be_visible()
    expect(page.locator(".opblock-delete").first).to_be_visible()
    screenshot(page, "api-docs")
    listing.first.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200")
    expect(page.locator(".live-responses-table .highlight-code").first).to_contain_text(
        "Alpha Trading"
    )
    screenshot(page, "api-docs-try-it-out")
    assert not external, f"requests outside the server: {external}"
    assert not console.csp_violations(), console.csp_violations()
    console.assert_clean()
