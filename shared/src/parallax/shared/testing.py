"""Pytest fixtures shared by every Parallax test suite (loaded with `-p parallax.shared.testing`).

- `engine`: a freshly migrated database, once on SQLite and once on PostgreSQL for every test
  that uses it. PostgreSQL comes from PARALLAX_TEST_POSTGRES_URL (default: the local server);
  each test session creates its own database and drops it at the end. When the server is
  missing the PostgreSQL half is skipped, except in CI (CI=true), where it fails.
- `sqlite_engine`: the SQLite half alone, for tests about logic rather than storage.
- `shared_data`: the folder of real evaluation data beside the checkout (skips when absent).
- Browser tests, with Playwright driving Debian's Chromium (`chromium_path()`; a missing browser or
  Playwright skips, and fails in CI): `browser`, `page` (fails the test on console errors, see
  `ConsoleErrors`), `console_errors`, `live_server` (a Flask app on a free local port) and
  `screenshot` (a full-page PNG under `artifacts_dir()`). Playwright is imported inside them only.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from parallax.shared.config import Settings
from parallax.shared.db import create_db_engine, upgrade_schema

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from playwright.sync_api import Browser, ConsoleMessage, Page
    from playwright.sync_api import Error as PlaywrightError


def pytest_configure(config: pytest.Config) -> None:
    """Messages that tests send without naming a broker go to kombu's in-memory transport,
    not to a broker file in the working directory; tests of the workers name their broker.
    Also registers the markers of the browser fixtures, so that they hold wherever this plugin is
    loaded."""
    os.environ.setdefault("PARALLAX_BROKER_URL", "memory://")
    config.addinivalue_line(
        "markers", "browser_locale(locale): the locale of the browser context of `page` (default en-GB)"
    )
    config.addinivalue_line(
        "markers",
        "console_errors_allowed(*patterns): console and page errors matching these regular expressions "
        "do not fail a test that uses `page`",
    )


DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def in_ci() -> bool:
    """Whether the tests run in CI, where a missing service is a failure, not a skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, what: str) -> None:
    """Skip (locally) or fail (in CI) when a service a test needs is missing."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} is not available")


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The PostgreSQL server used for tests (a database on it that the tests may connect to)."""
    return os.environ.get("PARALLAX_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@pytest.fixture(scope="session")
def postgres_database(postgres_admin_url: str) -> Iterator[str | None]:
    """A migrated PostgreSQL database for this test session, or None when no server answers."""
    admin = sa.create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    name = f"parallax_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError:
        admin.dispose()
        yield None
        return
    url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    engine = create_db_engine(url)
    upgrade_schema(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate_all(engine: Engine) -> None:
    tables = sa.inspect(engine).get_table_names()
    names = ", ".join(f'"{t}"' for t in tables if t != "alembic_version")
    if names:
        with engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path / 'parallax-test.db'}")
        upgrade_schema(engine)
    else:
        url = request.getfixturevalue("postgres_database")
        require_service(url is not None, "PostgreSQL (set PARALLAX_TEST_POSTGRES_URL)")
        engine = create_db_engine(url)
        _truncate_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty SQLite database."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'parallax-test.db'}")
    upgrade_schema(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def settings_for() -> Callable[..., Settings]:
    """A function building Settings for a given engine (one ingest worker, other defaults)."""

    def build(engine: Engine, **overrides: Any) -> Settings:
        values: dict[str, Any] = {"ingest_workers": 1, **overrides}
        return Settings(database_url=engine.url.render_as_string(hide_password=False), **values)

    return build


def wait_until(condition: Callable[[], bool], seconds: float = 60, *, what: str = "the worker") -> None:
    """Poll `condition` until it holds; fail the test when `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not finish in time")


def shared_tool(shared_data: Path, name: str) -> ModuleType:
    """A scorer of ../shared/tools (`score_clusters`, `score_attributions`), loaded as a module:
    the one every published figure is scored with. Skips when it is not there."""
    path = shared_data.parent / "tools" / f"{name}.py"
    if not path.is_file():
        pytest.skip(f"the shared scorer {name} is not at {path}")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def shared_data(pytestconfig: pytest.Config) -> Path:
    """../shared/data beside the checkout (or PARALLAX_SHARED_DATA); skips when absent."""
    configured = os.environ.get("PARALLAX_SHARED_DATA")
    folder = Path(configured) if configured else pytestconfig.rootpath.parent / "shared" / "data"
    if not folder.is_dir():
        pytest.skip(f"the shared evaluation data is not at {folder}")
    return folder


@pytest.fixture(scope="session")
def seed_record(shared_data: Path) -> dict[str, Any]:
    """The reference article (Radio Habana Cuba, 3 February 2022) as given, with its metadata."""
    import json

    with (shared_data / "seed" / "articles.jsonl").open(encoding="utf-8") as handle:
        record: dict[str, Any] = json.loads(handle.readline())
    return record


@pytest.fixture(scope="session")
def seed_text(seed_record: dict[str, Any]) -> str:
    """The reference article's raw text, as extracted from its PDF."""
    return str(seed_record["text"])


# Browser tests ------------------------------------------------------------------------------------

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")
DEFAULT_BROWSER_LOCALE = "en-GB"
BROWSER_TIMEOUT_MS = 10_000


def chromium_path() -> Path:
    """The Chromium the browser tests drive: PARALLAX_CHROMIUM, or Debian's /usr/bin/chromium."""
    return Path(os.environ.get("PARALLAX_CHROMIUM") or DEFAULT_CHROMIUM)


def artifacts_dir(rootpath: Path) -> Path:
    """Where tests leave files to look at (screenshots): PARALLAX_TEST_ARTIFACTS, or test-artifacts/
    in the repository root (`rootpath`, pytest's rootdir)."""
    configured = os.environ.get("PARALLAX_TEST_ARTIFACTS")
    return Path(configured) if configured else rootpath / "test-artifacts"


def save_screenshot(page: Page, folder: Path, name: str) -> Path:
    """Save a full-page PNG of `page` as `folder/<name>.png` (the name made file-safe); its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{re.sub(r'[^A-Za-z0-9._-]+', '-', name).strip('-.') or 'page'}.png"
    page.screenshot(path=path, full_page=True)
    return path


@dataclass
class ConsoleErrors:
    """The errors a page reported: `console.error(...)` calls, failed resource loads (Chromium
    logs those as console errors) and uncaught exceptions, each as one line of text.

    A test that uses `page` fails when, after its body, an error is left that no allowed pattern
    matches (`re.search` on the line). To expect errors, mark the test
    `@pytest.mark.console_errors_allowed(r"pattern", ...)`, or take the `console_errors` fixture
    and call `allow(r"pattern")` or `clear()` once the test has checked them itself.
    """

    messages: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)
    page: Page | None = None

    def watch(self, page: Page) -> None:
        """Collect the errors of `page` from now on."""
        self.page = page
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def allow(self, pattern: str) -> None:
        """Errors matching `pattern` (a regular expression) no longer fail the test."""
        self.allowed.append(re.compile(pattern))

    def clear(self) -> None:
        """Forget the errors collected so far."""
        self.messages.clear()

    def unexpected(self) -> list[str]:
        """The errors collected so far that no allowed pattern matches. Makes a round trip to the
        page first, so that errors it logged before now have arrived."""
        if self.page is not None and not self.page.is_closed():
            from playwright.sync_api import Error as PlaywrightError

            # A page in the middle of a navigation refuses to evaluate; what arrived is checked.
            with contextlib.suppress(PlaywrightError):
                self.page.evaluate("0")
        return [line for line in self.messages if not any(p.search(line) for p in self.allowed)]

    def report(self) -> str | None:
        """A message listing the unexpected errors, or None when there are none."""
        unexpected = self.unexpected()
        if not unexpected:
            return None
        listed = "\n".join(f"  {line}" for line in unexpected)
        return (
            f"the page reported {len(unexpected)} error(s):\n{listed}\n"
            "(expected ones: mark the test @pytest.mark.console_errors_allowed(r'pattern'))"
        )

    def check(self) -> None:
        """Raise AssertionError listing the unexpected errors, if there are any."""
        message = self.report()
        if message is not None:
            raise AssertionError(message)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location
            self.messages.append(
                f"console.error: {message.text} ({where['url']}:{where['lineNumber']})"
                if where.get("url")
                else f"console.error: {message.text}"
            )

    def _on_page_error(self, error: PlaywrightError) -> None:
        self.messages.append(f"uncaught {error.name or 'error'}: {error.message}")


_CONSOLE_ERRORS = pytest.StashKey[ConsoleErrors]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After the body of a test that used `page`: fail it on console errors; when it failed,
    show the page's errors with the failure and save a screenshot under <artifacts>/failures/."""
    errors = item.stash.get(_CONSOLE_ERRORS, None)
    if errors is None:
        return (yield)
    try:
        result = yield
    except (Exception, pytest.fail.Exception):
        _describe_failed_page(item, errors)
        raise
    message = errors.report()
    if message is not None:
        pytest.fail(message, pytrace=False)
    return result


def _describe_failed_page(item: pytest.Item, errors: ConsoleErrors) -> None:
    """Add the page's errors and a screenshot of it to the report of a failed test."""
    from playwright.sync_api import Error as PlaywrightError

    if errors.messages:
        item.add_report_section("call", "browser errors", "\n".join(errors.messages))
    if errors.page is None or errors.page.is_closed():
        return
    try:
        path = save_screenshot(errors.page, artifacts_dir(item.config.rootpath) / "failures", item.nodeid)
    except PlaywrightError as error:  # a crashed page: the test's own failure says more
        item.add_report_section("call", "browser screenshot", f"no screenshot: {error.message}")
    else:
        item.add_report_section("call", "browser screenshot", str(path))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium (`chromium_path()`) driven by Playwright, shared by a module's tests.
    Skips when Chromium or Playwright is missing; fails in CI.

    Module scope rather than session scope on purpose: while Playwright's sync API runs, it marks
    its event loop as running in the main thread, so `asyncio.run()` would fail in every later
    test. Scoped to the module, that stays within the browser tests; a start costs under a second.
    """
    executable = chromium_path()
    require_service(importlib.util.find_spec("playwright") is not None, "Playwright (make install)")
    require_service(os.access(executable, os.X_OK), f"Chromium at {executable} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def console_errors(request: pytest.FixtureRequest) -> ConsoleErrors:
    """The errors of this test's `page` (see `ConsoleErrors`), with the patterns its
    `console_errors_allowed` markers allow."""
    errors = ConsoleErrors()
    for marker in request.node.iter_markers("console_errors_allowed"):
        for pattern in marker.args:
            errors.allow(pattern)
    request.node.stash[_CONSOLE_ERRORS] = errors
    return errors


@pytest.fixture
def page(browser: Browser, console_errors: ConsoleErrors, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh browser context (viewport 1280×900, locale from the `browser_locale`
    marker or en-GB, actions and waits time out after 10 s).

    The test fails when the page reports an error it did not expect: `console.error`, a resource
    that failed to load, an uncaught exception (see `ConsoleErrors` for how to allow some).
    When the test fails, a screenshot goes to <artifacts>/failures/. The context is closed after.
    """
    marker = request.node.get_closest_marker("browser_locale")
    locale = str(marker.args[0]) if marker else DEFAULT_BROWSER_LOCALE
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        opened = context.new_page()
        console_errors.watch(opened)
        yield opened
    finally:
        context.close()


@pytest.fixture
def screenshot(pytestconfig: pytest.Config) -> Callable[[Page, str], Path]:
    """`screenshot(page, name)`: save a full-page PNG as <artifacts>/screenshots/<name>.png
    (see `artifacts_dir()`); returns its path."""
    folder = artifacts_dir(pytestconfig.rootpath) / "screenshots"

    def take(page: Page, name: str) -> Path:
        return save_screenshot(page, folder, name)

    return take


@pytest.fixture
def picture(pytestconfig: pytest.Config) -> Callable[..., Path]:
    """`picture(page, name, at=None)`: the viewport (scrolled to the first element matching the
    selector `at`, if given) as a JPEG in <artifacts>/pictures/<name>.jpg, small enough for the
    documentation (docs/classroom.md shows copies of them); returns its path."""
    folder = artifacts_dir(pytestconfig.rootpath) / "pictures"

    def take(page: Page, name: str, at: str | None = None) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        if at is not None:
            page.locator(at).first.evaluate("(element) => element.scrollIntoView({block: 'start'})")
        path = folder / f"{re.sub(r'[^A-Za-z0-9._-]+', '-', name).strip('-.') or 'page'}.jpg"
        page.screenshot(path=path, type="jpeg", quality=80)
        return path

    return take


@contextlib.contextmanager
def serve_wsgi(app: WSGIApplication) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 on a free port, in a background thread; yields its base URL.
    On exit the server has stopped, its socket is closed and its thread has ended."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class OneRequestPerConnection(WSGIRequestHandler):
        # HTTP/1.0 closes each connection after its answer: no keep-alive connection (and no
        # request thread waiting on it) outlives the test.
        protocol_version = "HTTP/1.0"

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=OneRequestPerConnection)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"live-server-{server.port}",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def live_server() -> Iterator[Callable[[WSGIApplication], str]]:
    """`live_server(app)`: serve a Flask (any WSGI) app on 127.0.0.1 on a free port in a background
    thread and return its base URL (no trailing slash); every server stops when the test ends."""
    with contextlib.ExitStack() as servers:

        def serve(app: WSGIApplication) -> str:
            return servers.enter_context(serve_wsgi(app))

        yield serve
