"""The API's documentation page in a real browser (Chromium driven by Playwright), and the browser
fixtures of parallax.shared.testing themselves: a page's errors fail the test that caused them,
and a live server leaves nothing running behind it."""

from __future__ import annotations

import socket
import threading
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from sqlalchemy.engine import Engine

from parallax.shared.testing import ConsoleErrors, serve_wsgi

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytest_plugins = ["pytester"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    """SQLite only: what a page looks like does not depend on the database behind it."""
    return sqlite_engine


def test_docs_page_in_a_browser(
    page: Page,
    app: Flask,
    live_server: Callable[[Flask], str],
    screenshot: Callable[[Page, str], Path],
) -> None:
    from playwright.sync_api import expect

    base_url = live_server(app)

    response = page.goto(f"{base_url}/v1/docs")

    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Parallax API")
    expect(page.get_by_role("link", name="openapi.json", exact=True)).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in {"A", "BUTTON"}
    path = screenshot(page, "api-docs")
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_console_errors_collects_what_the_page_reports(page: Page, console_errors: ConsoleErrors) -> None:
    page.set_content("<p>ok</p>")
    console_errors.check()

    page.evaluate("console.error('x marks the spot')")
    # Uncaught, in a task of its own; the promise settles in the task after it.
    page.evaluate(
        "new Promise(done => setTimeout(() => { setTimeout(done); throw new TypeError('thrown later') }))"
    )

    with pytest.raises(AssertionError, match="2 error") as raised:
        console_errors.check()
    assert "console.error: x marks the spot" in str(raised.value)
    assert "uncaught TypeError: thrown later" in str(raised.value)
    console_errors.allow(r"x marks")
    assert console_errors.unexpected() == ["uncaught TypeError: thrown later"]
    console_errors.clear()  # both were expected here


@pytest.mark.browser_locale("fr-FR")
def test_browser_locale_marker(page: Page) -> None:
    assert page.evaluate("navigator.language") == "fr-FR"
    assert page.viewport_size == {"width": 1280, "height": 900}


def test_page_errors_fail_the_test_that_caused_them(
    browser: Browser, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In a pytest of its own: this test's browser keeps Playwright's loop marked as running here.
    pytester.makepyfile(
        """
        import pytest

        def test_logs_an_error(page):
            page.set_content("<script>console.error('boom from the page')</script>")

        @pytest.mark.console_errors_allowed("expected noise")
        def test_allows_an_expected_error(page):
            page.set_content("<script>console.error('expected noise')</script>")

        def test_clean_page(page):
            page.set_content("<p>fine</p>")

        def test_fails_on_its_own(page):
            page.set_content("<script>console.error('a clue')</script>")
            assert 1 == 2
        """
    )
    artifacts = pytester.path / "artifacts"
    monkeypatch.setenv("PARALLAX_TEST_ARTIFACTS", str(artifacts))

    result = pytester.runpytest_subprocess(
        "-p", "parallax.shared.testing", "-p", "no:cacheprovider", "-W", "error", "--strict-markers"
    )

    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*the page reported 1 error(s):",
            "*console.error: boom from the page",
            "FAILED *::test_logs_an_error*",
        ]
    )
    assert "During handling" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        ["*_ test_fails_on_its_own _*", "*assert 1 == 2", "*browser errors*", "console.error: a clue"]
    )
    (screenshot,) = (artifacts / "failures").iterdir()  # of the test whose own assertion failed
    assert screenshot.name.endswith("test_fails_on_its_own.png")
    assert screenshot.read_bytes().startswith(PNG_SIGNATURE)


def test_live_server_leaves_nothing_running(app: Flask) -> None:
    with serve_wsgi(app) as base_url, urllib.request.urlopen(f"{base_url}/v1/docs", timeout=10) as response:
        assert response.status == 200
        port = int(base_url.rsplit(":", 1)[1])

    assert f"live-server-{port}" not in {thread.name for thread in threading.enumerate()}
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
