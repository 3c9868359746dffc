"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

One browser per session; each test opens its own context (its own sessionStorage,
so its own sign-in). Grading runs in process (server.settings.test), so a
submission is graded before the request that made it returns.

Personas: ``prof`` teaches the quiz, ``kim`` (a student) takes it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings.test")

import django

django.setup()

import pytest  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402

from server.grading import services  # noqa: E402
from server.grading.rubrics import compiled_cache  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", ARTIFACTS / "screenshots"))
QUIZ_RUBRIC = (Path(__file__).parent / "quiz.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need Debian's Chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop set as this thread's running loop
    # until it stops, and Django refuses ORM calls from a thread with a running loop.
    # The calls here (fixtures, assertions, database teardown) are plain synchronous code.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception:
            playwright.stop()
            raise
        yield browser
        browser.close()
        playwright.stop()


@pytest.fixture(autouse=True)
def _fresh_rubric_cache():
    compiled_cache.clear()


@pytest.fixture
def accounts(transactional_db) -> dict[str, str]:
    """API tokens of the personas, and the quiz assignment taught by prof."""
    tokens = {
        "prof": services.user_token_create(username="prof", role="instructor"),
        "kim": services.user_token_create(username="kim", role="student"),
    }
    prof = get_user_model().objects.get(username="prof")
    services.assignment_create(user=prof, slug="quiz", title="Browser quiz", rubric_text=QUIZ_RUBRIC)
    return tokens


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable]:
    """open_page(path, token=None) -> a Playwright page of the live server; fails the test on any script
    error and anything the content-security policy blocked."""
    contexts = []
    errors: list[str] = []

    def _open(path: str, token: str | None = None, *, width: int = 1100, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, accept_downloads=True, locale="ko-KR"
        )
        context.set_default_timeout(10_000)
        if token:  # as if signed in on the sign-in page: the token sits in this tab's sessionStorage
            context.add_init_script(f"sessionStorage.setItem('handgrade.token', {json.dumps(token)});")
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        # anything the content-security policy blocked (KaTeX's styles and fonts included) fails the test
        page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.on("dialog", lambda dialog: errors.append(f"unexpected dialog: {dialog.message}"))
        page.goto(path)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not errors, errors


@pytest.fixture
def screenshot() -> Callable:
    """screenshot(page, name) saves a full-page PNG under $BROWSER_SCREENSHOTS (default tests/artifacts/screenshots)."""

    def _shoot(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot
