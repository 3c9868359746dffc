"""A student signs in with a token, answers the quiz part by part and reads itemized feedback."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_student_answers_the_quiz_and_sees_points_status_and_feedback_per_part(accounts, open_page, screenshot):
    page = open_page("/signin/?next=/student/")
    page.get_by_label("API token").fill(accounts["kim"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/student/")
    expect(page.locator("#nav-who")).to_have_text("kim (student)")

    page.get_by_label("Assignment", exact=True).select_option("quiz")
    page.get_by_role("group", name=re.compile("시그모이드 기울기")).get_by_role("radio", name="True").check()
    regularizers = page.get_by_role("group", name=re.compile("Regularizers"))
    regularizers.get_by_role("checkbox", name="(a) dropout").check()
    regularizers.get_by_role("checkbox", name="(c) weight decay").check()
    page.get_by_role("textbox", name=re.compile("Output shape")).fill("16 × 32 × 30")
    page.get_by_role("textbox", name=re.compile("Drawing")).fill("[그림: residual block]")
    page.get_by_role("button", name="Submit answers").click()

    result = page.locator(".submission-result")
    expect(result).to_be_visible()
    expect(page.locator(".total")).to_contain_text("Total: 3 / 6")
    expect(result.locator("[data-part='1'] .part-score")).to_contain_text("1 / 1")
    expect(result.locator("[data-part='1'] .badge")).to_have_text("full points")
    korean = result.locator("[data-part='1'] .feedback li")
    expect(korean).to_contain_text("맞습니다")
    expect(korean).to_have_attribute("lang", "ko")
    expect(result.locator("[data-part='2'] .part-score")).to_contain_text("2 / 2")
    expect(result.locator("[data-part='3'] .part-score")).to_contain_text("0 / 1")
    expect(result.locator("[data-part='3'] .feedback")).to_contain_text("The output is 16 x 32 x 32.")
    expect(result.locator("[data-part='4'] .badge")).to_have_text("needs review")
    expect(result.locator("[data-part='4'] .review-note")).to_contain_text("A person will check this part")
    assert page.evaluate("document.characterSet") == "UTF-8"
    expect(page.locator("#history-list li")).to_have_count(1)
    expect(page.locator("#history-list li")).to_contain_text("3 / 6")
    screenshot(page, "student-feedback")

    # The result's address (no token in it) shows the same feedback after a reload.
    assert re.search(r"[?&]submission=[0-9a-f-]{36}", page.url)
    assert accounts["kim"] not in page.url
    page.reload()
    expect(page.locator(".total")).to_contain_text("Total: 3 / 6")


def test_a_visitor_without_a_token_is_asked_to_sign_in(open_page, live_server):
    page = open_page("/student/")
    expect(page.locator("#student-message")).to_contain_text("You are not signed in")
    page.get_by_role("link", name="Sign in with your API token").click()
    expect(page).to_have_url(re.compile(r"/signin/\?next=%2Fstudent%2F$"))


def test_a_wrong_token_is_refused_and_not_kept(accounts, open_page):
    page = open_page("/signin/")
    page.get_by_label("API token").fill("0123456789abcdef0123456789abcdef01234567")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("#signin-message")).to_contain_text("The server did not accept this token.")
    assert page.evaluate("sessionStorage.getItem('handgrade.token')") is None
