"""Flow 12 (issue #21): the API documentation works offline and its "Authorize" button works. Swagger UI
(/api/docs/) loads without a request leaving 127.0.0.1; a terminal's X-API-KEY with its terminal_id, entered
through "Authorize", lets "Try it out" read the terminal's own info (200); then a user JWT (the store manager's,
from the token endpoint) does the same for a user operation; ReDoc (/api/redoc/) renders. Saves the guide's
screenshots docs/screenshots/api-docs-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from e2e.api import user_api
from e2e.conftest import DEMO_TERMINAL_ID, SCREENSHOTS, TENANT_ID, USERNAME

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.fixture
def offline(page: Page) -> list[str]:
    """Every request the page makes to another host than the loopback: recorded and refused."""
    elsewhere: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname not in LOCAL_HOSTS:
            elsewhere.append(url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", guard)
    return elsewhere


def scheme(page: Page, name: str) -> Locator:
    """The block of one security scheme in Swagger UI's "Available authorizations" dialog."""
    return page.locator(".dialog-ux .auth-container").filter(has=page.locator("h4", has_text=name))


def authorize(page: Page, values: dict[str, str]) -> None:
    """Open "Authorize", enter each scheme's value and press that scheme's own Authorize, then close."""
    page.locator(".auth-wrapper button.authorize").click()
    for name, value in values.items():
        block = scheme(page, name)
        block.locator("input").fill(value)
        block.locator("button.authorize").click()
        expect(block.locator("button", has_text="Logout")).to_be_visible()  # authorized: the block now offers "Logout"
    page.locator(".dialog-ux button.btn-done").first.click()


def log_out(page: Page, names: list[str]) -> None:
    page.locator(".auth-wrapper button.authorize").click()
    for name in names:
        scheme(page, name).locator("button", has_text="Logout").click()
    page.locator(".dialog-ux button.btn-done").first.click()


def try_out(page: Page, method: str, path: str, params: dict[str, str]) -> Locator:
    """Expand an operation, "Try it out", fill its parameters, "Execute"; the operation's block."""
    block = page.locator(f".opblock.opblock-{method}").filter(
        has=page.locator(f".opblock-summary-path[data-path='{path}']"))
    # Swagger UI renders the operations further down as the page scrolls to them: scroll down as a reader does.
    page.mouse.move(683, 400)
    for _ in range(120):
        if block.count():
            break
        page.mouse.wheel(0, 1200)
        page.wait_for_timeout(200)
    block.scroll_into_view_if_needed()
    if "is-open" not in (block.get_attribute("class") or ""):
        block.locator(".opblock-summary").first.click()
    block.locator("button.try-out__btn").click()
    for name, value in params.items():
        block.locator(f"tr[data-param-name='{name}'] input").fill(value)
    block.locator("button.execute").click()
    response = block.locator(".live-responses-table .response").first
    expect(response.locator(".response-col_status")).to_have_text(re.compile(r"^\s*\d{3}"), timeout=15_000)
    return block


@pytest.mark.flow("api-docs")
def test_swagger_ui_offline_authorize_with_a_terminal_key_and_a_user_token(page: Page, offline, stack, api,
                                                                           demo_terminal, shots):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Kugelpos-compatible POS API")
    expect(page.locator(".opblock").first).to_be_visible()
    shots("swagger")
    page.screenshot(path=str(GUIDE / "api-docs-1366.png"))

    # The terminal's API key with its terminal_id: together, as the key is only valid for its terminal.
    api_key = demo_terminal.api.headers["X-API-KEY"]
    page.locator(".auth-wrapper button.authorize").click()
    expect(scheme(page, "apiKeyAuth")).to_contain_text("X-API-KEY")
    expect(scheme(page, "terminalIdAuth")).to_contain_text("terminal_id")
    expect(scheme(page, "bearerAuth")).to_be_visible()
    page.locator(".dialog-ux .modal-ux-content").evaluate("element => { element.scrollTop = 0; }")
    shots("authorize-dialog")
    page.screenshot(path=str(GUIDE / "api-docs-authorize-1366.png"))
    page.locator(".dialog-ux button.btn-done").first.click()
    authorize(page, {"apiKeyAuth": api_key, "terminalIdAuth": DEMO_TERMINAL_ID})

    block = try_out(page, "get", "/terminal/api/v1/terminals/{terminal_id}", {"terminal_id": DEMO_TERMINAL_ID})
    response = block.locator(".live-responses-table .response").first
    expect(response.locator(".response-col_status")).to_have_text(re.compile(r"^\s*200"))
    expect(response.locator(".response-col_description")).to_contain_text(DEMO_TERMINAL_ID)
    curl = block.locator(".curl-command")
    expect(curl).to_contain_text("X-API-KEY")
    expect(curl).to_contain_text(f"terminal_id={DEMO_TERMINAL_ID}")
    block.scroll_into_view_if_needed()
    shots("terminal-key-200")
    page.screenshot(path=str(GUIDE / "api-docs-try-terminal-1366.png"), full_page=False)

    # A user JWT (the store manager's, from the token endpoint) on a user operation, the key logged out first.
    token = user_api(stack.base_url, tenant_id=TENANT_ID, username=USERNAME,
                     password=stack.admin_password).headers["Authorization"].removeprefix("Bearer ")
    log_out(page, ["apiKeyAuth", "terminalIdAuth"])
    authorize(page, {"bearerAuth": token})
    block = try_out(page, "get", "/terminal/api/v1/tenants/{tenant_id}", {"tenant_id": TENANT_ID})
    response = block.locator(".live-responses-table .response").first
    expect(response.locator(".response-col_status")).to_have_text(re.compile(r"^\s*200"))
    expect(response.locator(".response-col_description")).to_contain_text(TENANT_ID)
    curl = block.locator(".curl-command")
    expect(curl).to_contain_text("Authorization: Bearer")
    expect(curl).not_to_contain_text("X-API-KEY")
    shots("user-token-200")

    # On a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    page.screenshot(path=str(GUIDE / "api-docs-390.png"))
    assert offline == [], f"requests left the machine: {offline}"


@pytest.mark.flow("api-docs-redoc")
def test_redoc_renders_offline(page: Page, offline):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/api/redoc/")
    expect(page.locator(".api-info h1")).to_contain_text("Kugelpos-compatible POS API", timeout=30_000)
    expect(page.get_by_text("Add items to the cart").first).to_be_attached()
    # the viewport only: a full-page shot of the whole API in one document takes longer than a test should
    page.screenshot(path=str(SCREENSHOTS / "api-docs-redoc-01-redoc.png"))
    page.screenshot(path=str(GUIDE / "api-docs-redoc-1366.png"))
    assert offline == [], f"requests left the machine: {offline}"
