"""After signing in, ``next`` leads to a page of this site only, read as the browser reads a URL.

``/signin/?next=/%09/evil.example/x`` used to send the browser to
``http://evil.example/x``: the check looked at the raw text, and the URL parser
drops tabs and newlines (``/\\t/evil.example`` is ``//evil.example``) and reads
backslashes as slashes.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HOSTILE = [
    "/\t/evil.example/x",
    "/\n/evil.example/x",
    "/\r\n/evil.example/x",
    "/\\evil.example/x",
    "\\/evil.example/x",
    "//evil.example/x",
    "/\t\\evil.example",
    "https://evil.example/x",
    "javascript:alert(1)",
    " /\t/evil.example",
    "/./\t/evil.example",
]


def test_hostile_next_values_stay_on_this_site(open_page, live_server):
    page = open_page("/signin/")
    results = page.evaluate(
        """async (values) => {
            const { safeNext } = await import("/static/frontend/next.js");
            return values.map((v) => new URL(safeNext(v)).origin);
        }""",
        HOSTILE,
    )
    assert results == [live_server.url] * len(HOSTILE)


def test_same_site_paths_are_kept(open_page, live_server):
    page = open_page("/signin/")
    kept = page.evaluate(
        """async () => {
            const { safeNext } = await import("/static/frontend/next.js");
            return ["/student/?submission=1#p2", "/instructor/assignments/quiz/"].map((v) => safeNext(v));
        }"""
    )
    assert kept == [f"{live_server.url}/student/?submission=1#p2", f"{live_server.url}/instructor/assignments/quiz/"]


@pytest.mark.parametrize("next_value", ["/\t/evil.example/x", "/\n/evil.example/x", "/\\evil.example/x"])
def test_signing_in_with_a_hostile_next_lands_on_this_site(accounts, open_page, live_server, next_value):
    page = open_page(f"/signin/?next={quote(next_value, safe='')}")
    page.get_by_label("API token").fill(accounts["kim"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(lambda url: "/signin/" not in url)
    assert urlsplit(page.url).netloc == urlsplit(live_server.url).netloc, page.url
    expect(page.locator("#nav-who")).to_have_text("kim (student)")
