"""A live server and Debian's Chromium through Playwright's sync API.

Our own fixtures, named apart from pytest-playwright's (browser, context, page), so its plugin
never tries a browser it would have to download. Never run `playwright install` here.
"""

import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import need_tool

CHROMIUM = "/usr/bin/chromium"
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
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def live_server(app):
    """The session's app served on a free loopback port for this module's tests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def csrf_enabled(app):
    """The browser posts real forms: CSRF on, as in production; restored afterwards."""
    before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = before


@pytest.fixture(scope="module")
def chromium():
    need_tool(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium, live_server, csrf_enabled):
    """new_page(): a page in a fresh browser context (no cookies) on the live server."""
    contexts = []

    def make():
        context = chromium.new_context(
            base_url=live_server, viewport={"width": 1280, "height": 800}, locale="sv-SE"
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def web(new_page):
    return new_page()


@pytest.fixture
def shot():
    """shot(page, name): a full-page screenshot into test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
