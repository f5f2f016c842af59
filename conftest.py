"""Shared fixtures: actors for every role, inside and outside a scope."""

import pytest

from safechildhood.access.policy import Actor, actor_for


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def make_actor(db):
    """``make_actor(role, **scope)`` returns an ``Actor`` with a fresh membership."""
    from safechildhood.accounts.tests.factories import MembershipFactory

    def make(role, **kwargs) -> Actor:
        membership = MembershipFactory(role=role, **kwargs)
        return actor_for(membership.user)

    return make


# --- browser tests: Debian's Chromium driven by Playwright, pages checked with axe-core --------

BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE_PATH = __import__("pathlib").Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = __import__("pathlib").Path(__file__).parent / "test-artifacts"


@pytest.fixture(scope="session")
def chromium():
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
    # themselves are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, settings):
    settings.AXES_ENABLED = False
    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def check_accessibility(page, name: str) -> None:
    """Screenshot the page (test-artifacts/<name>.png) and assert axe finds no WCAG 2.2 AA
    violation."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    problems = [
        f"{v['id']}: {v['help']} → {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.fixture
def axe():
    return check_accessibility
