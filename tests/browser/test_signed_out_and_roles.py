"""Signed out, another tab, the wrong role: every page says what is going on, none stays on "Loading…"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

INSTRUCTOR_PAGES = [
    "/instructor/",
    "/instructor/assignments/quiz/",
    "/instructor/assignments/quiz/results/",
    "/instructor/assignments/quiz/review/",
]


def sign_in(page, token: str) -> None:
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_page_opened_with_ctrl_click_is_signed_in_like_the_tab_it_came_from(accounts, open_page, screenshot):
    page = open_page("/signin/?next=/instructor/")
    sign_in(page, accounts["prof"])
    expect(page.locator("#assignments-table")).to_contain_text("quiz")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Results").first.click(modifiers=["Control"])
    tab = opened.value
    tab.wait_for_load_state()
    expect(tab).to_have_url(re.compile(r"/instructor/assignments/quiz/results/$"))
    expect(tab.locator("#nav-who")).to_have_text("prof (instructor)")
    expect(tab.locator("#results-table")).not_to_contain_text("Loading")
    expect(tab.locator("#results-count")).to_have_text("(0)")
    screenshot(tab, "results-opened-in-a-new-tab")

    # signing out in one tab signs out the others
    tab.get_by_role("button", name="Sign out").click()
    expect(page.locator("#nav-signin")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('handgrade.token')") is None


BATCH_PAGE = "/instructor/batches/6f1c2a4e-0d3b-4c5e-9a7f-1b2c3d4e5f60/"


@pytest.mark.parametrize("path", [*INSTRUCTOR_PAGES, "/student/", BATCH_PAGE])
def test_a_signed_out_visitor_is_asked_to_sign_in_and_nothing_says_loading(accounts, open_page, path):
    page = open_page(path)
    expect(page.locator("#main [role=status]").first).to_contain_text("You are not signed in")
    expect(page.locator("main")).not_to_contain_text("Loading")


def test_a_student_is_not_offered_the_instructor_pages(accounts, open_page):
    page = open_page("/student/", token=accounts["kim"])
    expect(page.locator("#nav-who")).to_have_text("kim (student)")
    expect(page.get_by_role("link", name="Instructor", exact=True)).to_be_hidden()
    prof = open_page("/student/", token=accounts["prof"])
    expect(prof.locator("#nav-who")).to_have_text("prof (instructor)")
    expect(prof.get_by_role("link", name="Instructor", exact=True)).to_be_visible()


@pytest.mark.parametrize("path", INSTRUCTOR_PAGES)
def test_a_student_on_an_instructor_page_reads_why_not_and_no_loading(accounts, open_page, screenshot, path):
    page = open_page(path, token=accounts["kim"])
    expect(page.locator("#page-message")).to_contain_text("instructor pages need an instructor token")
    expect(page.locator("main")).not_to_contain_text("Loading")
    if path.endswith("/quiz/"):
        expect(page.locator("#rubric-summary")).to_have_text("Not available to your account.")
        screenshot(page, "instructor-page-403")
