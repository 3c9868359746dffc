"""Swagger UI renders the API's operations under its content-security policy, with no violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_swagger_ui_renders_under_its_policy(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    complaints: list[str] = []
    page.on("console", lambda msg: complaints.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: complaints.append(str(exc)))
    response = page.goto("/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    assert page.locator(".opblock").count() > 20
    assert not [c for c in complaints if "Content Security Policy" in c or "Refused" in c], complaints
    context.close()
