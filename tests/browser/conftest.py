"""Browser tests: the real server (`facilitate run`, eventlet) in a subprocess, Debian's
Chromium driven by Playwright, and axe-core checking every page a test visits.

Nothing here imports the app: the server runs in its own process, so eventlet never
meets Playwright's greenlets in the pytest process.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from live_server import LiveServer, ServerFailed, run_cli, server_env

HERE = Path(__file__).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
COORDINATOR_EMAIL = "koordinaattori@thl.fi"
COORDINATOR_NAME = "Niina Koordinaattori"
COORDINATOR_PASSWORD = "selaintestin salasana 2026"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder (and only those) as `browser`."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


# --- the server ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live server's files: its database, uploads and logs."""
    return tmp_path_factory.mktemp("live_server")


@pytest.fixture(scope="session")
def live_database_url(live_folder: Path) -> str:
    """The live server's database, for tests that prepare data the way a script would."""
    return f"sqlite:///{live_folder / 'browser.sqlite3'}"


@pytest.fixture(scope="session")
def live_server(live_folder: Path, live_database_url: str) -> Iterator[str]:
    """`facilitate run` on a fresh SQLite file with one coordinator; yields the base URL."""
    folder = live_folder
    env = server_env(folder, live_database_url)
    server = LiveServer(folder, env)
    try:
        run_cli(["db", "upgrade"], env)
        run_cli(["prepare-words"], env)
        run_cli(["create-coordinator", "--email", COORDINATOR_EMAIL, "--name", COORDINATOR_NAME,
                 "--password", COORDINATOR_PASSWORD], env)
        server.start()
    except ServerFailed as error:
        pytest.fail(str(error), pytrace=False)
    _SERVER["server"] = server
    try:
        yield server.url
    finally:
        _SERVER.clear()
        server.stop()


#: The running server, so that a test can tell "the page failed" from "the server died".
_SERVER: dict[str, LiveServer] = {}


@pytest.fixture(autouse=True)
def _server_survives_the_test(live_server: str) -> Iterator[None]:
    yield
    server = _SERVER.get("server")
    if server is not None and not server.alive():
        pytest.fail(f"The server at {live_server} exited during the test.\n"
                    f"stderr (end):\n{server.stderr()}", pytrace=False)


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str


@pytest.fixture(scope="session")
def coordinator_credentials() -> Credentials:
    """The coordinator account live_server created."""
    return Credentials(COORDINATOR_EMAIL, COORDINATOR_PASSWORD)


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if "eventlet" in sys.modules:
        from eventlet import patcher

        if patcher.is_monkey_patched("socket"):
            pytest.fail("eventlet has patched this process; Playwright cannot run beside it. "
                        "Run the browser tests in a separate pytest process.", pytrace=False)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    """Debian's Chromium, headless (Playwright cannot download its own browsers here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def _document(url: str) -> str:
    return url.split("#", 1)[0]


@dataclass
class Visit:
    """One document a page loaded (a GET, a redirect's target or a re-rendered POST)."""

    page_id: int
    url: str
    checked: bool = False


@dataclass
class Visits:
    """Every document loaded in this test's pages, and whether axe checked it."""

    log: list[Visit] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on("load", lambda _loaded: self.log.append(Visit(id(page), page.url)))

    def mark_checked(self, page: Any) -> None:
        """Mark the page's current document as checked (a #fragment is the same document)."""
        mine = [visit for visit in self.log if visit.page_id == id(page)]
        assert mine, f"axe ran on {page.url}, but no page load was recorded for it"
        assert _document(mine[-1].url) == _document(page.url), \
            f"axe ran on {page.url}, but the last document loaded was {mine[-1].url}"
        mine[-1].checked = True

    @property
    def urls(self) -> list[str]:
        return [visit.url for visit in self.log]

    def unchecked(self) -> list[str]:
        return [visit.url for visit in self.log if not visit.checked]

    def assert_all_checked(self, at_least: int = 1) -> None:
        assert len(self.log) >= at_least, \
            f"expected at least {at_least} page loads, recorded {len(self.log)}: {self.urls}"
        missing = self.unchecked()
        assert not missing, "pages visited but never checked with axe:\n" + "\n".join(missing)


@pytest.fixture
def visits() -> Visits:
    """The pages this test loaded; tests end with visits.assert_all_checked()."""
    return Visits()


@pytest.fixture
def new_page(browser: Any, live_server: str, visits: Visits) -> Iterator[Callable[[], Any]]:
    """Open a page in a fresh context (its own cookies: another person)."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(base_url=live_server, locale="fi-FI",
                                      viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        visits.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    """A page in a fresh browser context (fi-FI, 1280×900)."""
    return new_page()


# --- axe ----------------------------------------------------------------------------------


def format_violations(url: str, violations: list[dict[str, Any]], max_targets: int = 3) -> str:
    """Rule id, impact, help and the first few target selectors of each violation."""
    lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        nodes = violation.get("nodes", [])
        targets = [" ".join(map(str, node.get("target", []))) for node in nodes[:max_targets]]
        more = f" (+{len(nodes) - max_targets} more)" if len(nodes) > max_targets else ""
        lines.append(f"- {violation['id']} [{violation.get('impact')}]: {violation['help']}\n"
                     f"    {violation.get('helpUrl', '')}\n"
                     f"    targets: {', '.join(targets)}{more}")
        summary = nodes[0].get("failureSummary") if nodes else None
        if summary:
            lines.append("    " + summary.replace("\n", "\n    "))
    return "\n".join(lines)


@pytest.fixture(scope="session")
def _axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def axe_check(_axe: Any, visits: Visits) -> Callable[[Any], None]:
    """axe_check(page): fail with a readable list when the current page breaks WCAG 2.1 AA."""

    def check(page: Any) -> None:
        page.wait_for_load_state("load")
        results = _axe.run(page, options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        })
        violations = results.response["violations"]
        if violations:
            pytest.fail(format_violations(page.url, violations), pytrace=False)
        visits.mark_checked(page)

    return check


@pytest.fixture
def log_in(coordinator_credentials: Credentials,
           axe_check: Callable[[Any], None]) -> Callable[[Any], None]:
    """log_in(page): the coordinator logs in through the login page (axe-checked before and
    after) and lands on the management start page."""
    from playwright.sync_api import expect

    def run(page: Any) -> None:
        page.goto("/login")
        expect(page.get_by_role("heading", level=1, name="Kirjaudu sisään")).to_be_visible()
        axe_check(page)
        page.get_by_label("Sähköposti").fill(coordinator_credentials.email)
        page.get_by_label("Salasana").fill(coordinator_credentials.password)
        page.get_by_role("button", name="Kirjaudu", exact=True).click()
        expect(page.get_by_role("heading", level=1, name="Hallinta")).to_be_visible()
        expect(page.locator(".flashes").get_by_role("status")).to_contain_text(
            "Olet kirjautunut sisään.")
        axe_check(page)

    return run
