"""Swagger UI: the Authorize dialog offers the token alone and says how to type it; a bare key works."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_authorize_dialog_explains_the_token_and_a_bare_key_works(accounts, open_page, screenshot):
    page = open_page("/api/docs/", width=1280)
    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".modal-ux")
    expect(dialog).to_contain_text("tokenAuth")
    expect(dialog).not_to_contain_text("cookieAuth")
    expect(dialog).to_contain_text("type Token and then the key")
    dialog.locator("input").first.fill(accounts["prof"])  # the bare key, as people paste it
    dialog.get_by_role("button", name="Apply credentials").click()
    expect(dialog).to_contain_text("Authorized")  # Swagger UI holds it as the credential
    screenshot(page, "swagger-authorized-1280")
    status = page.evaluate(
        "key => fetch('/api/v1/me/', {headers: {Authorization: key}}).then(r => r.status)", accounts["prof"]
    )
    assert status == 200
