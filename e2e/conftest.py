"""Fixtures of the browser tests: the running system (once per session), Debian's Chromium driven by Playwright,
a signed-in store manager, the API as a terminal and a back-office script see it, and screenshots per step."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from e2e.api import Api, Terminal, user_api
from e2e.stack import Stack

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
# What Chromium needs on this machine: no sandbox (root, no user namespaces), no GPU, nothing phoning home.
# Playwright adds --headless and a fresh temporary --user-data-dir of its own to every launch.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TENANT_ID = "DEMO"  # seeded by `manage.py seed_demo`, with its store manager admin (password: Stack.admin_password)
TENANT_NAME = "Demo Tenant"
USERNAME = "admin"
STORE_CODE = "S001"
DEMO_TERMINAL_ID = "DEMO-S001-1"


def pytest_sessionstart(session) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    if os.environ.get("E2E_BASE_URL"):  # a system already running (while writing tests): used as it is
        yield Stack(base_url=os.environ["E2E_BASE_URL"].rstrip("/"))
        return
    started = Stack()
    try:
        yield started.start()
    finally:
        started.stop()


@pytest.fixture(scope="session")
def run_id() -> str:
    """A suffix for the codes a run creates, so a run also works on a database an earlier run used."""
    digits, number, suffix = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", int(time.time()), ""
    for _ in range(5):
        number, digit = divmod(number, 36)
        suffix = digits[digit] + suffix
    return suffix


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make e2e` installs Debian's (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def _browse(browser: Browser, stack: Stack, request, storage_state: dict | None = None) -> Iterator[Page]:
    """A page in a browser context of its own (cookies of ``storage_state``); its screenshot if the test failed."""
    context = browser.new_context(base_url=stack.base_url, viewport={"width": 1366, "height": 900},
                                  locale="en-US", timezone_id="Asia/Tokyo", storage_state=storage_state)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        opened.screenshot(path=str(SCREENSHOTS / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(browser: Browser, stack: Stack, request) -> Iterator[Page]:
    """A browser page of nobody signed in."""
    yield from _browse(browser, stack, request)


@pytest.fixture(scope="session")
def manager_session(browser: Browser, stack: Stack) -> dict:
    """The cookies of the store manager's back-office session (signed in once through the login form)."""
    context = browser.new_context(base_url=stack.base_url)
    try:
        sign_in(context.new_page(), stack.admin_password)
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture
def manager(browser: Browser, stack: Stack, request, manager_session: dict) -> Iterator[Page]:
    """A browser page of the tenant's store manager, signed in, on the back office's home page."""
    for opened in _browse(browser, stack, request, manager_session):
        opened.goto(admin_url())
        yield opened


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


class Screenshots:
    """``shot("step")`` saves ``<flow>-<nn>-<step>.png`` of the whole page, for a person to look at. Every
    back-office page shot shows the tenant's name in its header."""

    def __init__(self, page: Page, flow: str) -> None:
        self.page, self.flow, self.count = page, flow, 0

    def __call__(self, step: str) -> Path:
        self.count += 1
        name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = SCREENSHOTS / f"{self.flow}-{self.count:02d}-{name}.png"
        if self.page.locator("#header").count():  # a back-office page
            expect(self.page.locator("#site-name")).to_contain_text(TENANT_NAME)
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request) -> Screenshots:
    """Screenshots of the test's page (``manager`` or ``page``), named after its ``flow`` marker."""
    marker = request.node.get_closest_marker("flow")
    page = request.getfixturevalue("manager" if "manager" in request.fixturenames else "page")
    return Screenshots(page, marker.args[0] if marker else request.node.name)


def admin_url(path: str = "") -> str:
    return f"/t/{TENANT_ID}/admin/{path}"


def sign_in(page: Page, password: str, shots: Screenshots | None = None) -> None:
    """The store manager signs in to the tenant's back office through the login form."""
    page.goto(admin_url())
    page.wait_for_url(re.compile(r"/admin/login/"))
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", password)
    if shots:
        shots("login")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(rf"/t/{TENANT_ID}/admin/$"))


@pytest.fixture(scope="session")
def api(stack: Stack) -> Api:
    """The API as the store manager's back-office scripts use it (user JWT)."""
    return user_api(stack.base_url, tenant_id=TENANT_ID, username=USERNAME, password=stack.admin_password)


@pytest.fixture(scope="session")
def demo_terminal(stack: Stack, api: Api) -> Terminal:
    """The seeded terminal 1 of store S001, signed in and opened, selling with its API key."""
    terminal = Terminal.connect(stack.base_url, api.get(f"/terminal/api/v1/terminals/{DEMO_TERMINAL_ID}"))
    terminal.ready()
    return terminal


def show_json(page: Page, title: str, data) -> None:
    """Put an API answer on the page, so the screenshot of the step shows what the API said."""
    import html
    import json

    page.set_content(
        "<html><body style='font-family: sans-serif; margin: 2rem'>"
        f"<h2>{html.escape(title)}</h2>"
        "<pre style='background: #f4f4f4; padding: 1rem; border-radius: 6px; font-size: 14px'>"
        f"{html.escape(json.dumps(data, ensure_ascii=False, indent=2))}</pre></body></html>"
    )
