"""The browser-test base: Playwright (pytest-playwright) driving Debian's Chromium against a live
server on this test process's PostgreSQL test database.

Fixtures and helpers (see docs/web.md, "A browser test"):

- ``page``: a Playwright page (pytest-playwright), Chinese locale, Asia/Shanghai clock, with the
  live server as base URL: ``page.goto("/enterprise/")``.
- ``sign_in(page, user)``: the browser holds a session of ``user`` (no form, fast);
  ``sign_in_with_form(page, username, password)`` goes through the real sign-in page.
- ``assert_accessible(page)``: runs the vendored axe-core on the current page and fails on any
  serious or critical violation (listing each rule and element).
- ``screenshot(page, name)``: a PNG of the page; into docs/screenshots/ when WEB_SCREENSHOTS=docs,
  else into var/screenshots/ (so a normal run leaves the docs alone).

Browser tests use ``transactional_db`` (the live server thread must see committed rows) and are
marked ``browser``; ``pytest -m "not browser"`` skips them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As root Chromium needs --no-sandbox; without the background-networking flags it keeps trying to
# reach Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE = ROOT / "web" / "common" / "static" / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here) and "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium package.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright(django_db_setup):
    """pytest-playwright runs an event loop in the test thread; Django refuses ORM calls from a
    thread with a running loop unless told that this is intended (our test code is synchronous).
    The test database is created first (autouse fixtures come first), before the loop starts."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(page, transactional_db):
    """pytest-playwright's page, on a database the live server sees; a slow page fails in 10 s."""
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def sign_in(live_server):
    """``sign_in(page, user)``: put a session of ``user`` into the page's browser context."""
    from django.test import Client

    def _sign_in(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )
        return user

    return _sign_in


@pytest.fixture
def sign_in_with_form():
    def _sign_in(page, username: str, password: str, *, next_path: str = ""):
        page.goto("/accounts/login/" + (f"?next={next_path}" if next_path else ""))
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()

    return _sign_in


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in impacts]


@pytest.fixture
def assert_accessible():
    """``assert_accessible(page)``: 0 serious or critical axe-core violations on this page."""

    def _check(page):
        violations = axe_violations(page)
        report = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"][:5]],
            }
            for v in violations
        ]
        assert not report, f"axe on {page.url}:\n" + json.dumps(
            report, indent=1, ensure_ascii=False
        )

    return _check


@pytest.fixture
def screenshot():
    def _shot(page, name: str, *, full_page: bool = True) -> Path:
        folder = (
            ROOT / "docs" / "screenshots"
            if os.environ.get("WEB_SCREENSHOTS") == "docs"
            else ROOT / "var" / "screenshots"
        )
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return _shot


def assert_no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url}: page is {width}px wide in a {viewport}px window"
