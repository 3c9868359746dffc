"""An instructor creates an assignment and uploads rubric versions; rubric errors name line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

QUIZ_RUBRIC = (Path(__file__).parent / "quiz.yaml").read_text(encoding="utf-8")
NEGATIVE_MAX = QUIZ_RUBRIC.replace("max: 2\n    items:\n      - id: key", "max: -2\n    items:\n      - id: key", 1)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_a_rubric_error_is_shown_with_its_line_and_field_and_the_fixed_rubric_is_accepted(
    accounts, open_page, screenshot
):
    assert NEGATIVE_MAX != QUIZ_RUBRIC
    page = open_page("/instructor/", token=accounts["prof"])
    expect(page.locator("#assignments-table tbody tr[data-slug='quiz']")).to_be_visible()

    page.get_by_label("Slug").fill("quiz-two")
    page.get_by_label("Title").fill("Second quiz")
    page.get_by_label("Rubric (YAML)").fill(NEGATIVE_MAX)
    page.get_by_role("button", name="Create assignment").click()

    line = line_of(NEGATIVE_MAX, "max: -2")
    error = page.locator("#create-message .error-entry")
    expect(error).to_have_count(1)
    expect(error.locator(".error-where")).to_have_text(f"line {line}")
    expect(error.locator(".error-field")).to_have_text("parts[1].max")
    expect(error.locator(".error-reason")).to_contain_text("positive")
    screenshot(page, "instructor-rubric-error")

    # "show line N" selects that line in the rubric text.
    error.get_by_role("button").click()
    selected = page.evaluate(
        "(() => { const t = document.getElementById('new-rubric'); return t.value.slice(t.selectionStart, t.selectionEnd); })()"
    )
    assert selected.strip() == "max: -2"

    page.get_by_label("Rubric (YAML)").fill(QUIZ_RUBRIC)
    page.get_by_role("button", name="Create assignment").click()
    page.wait_for_url("**/instructor/assignments/quiz-two/")
    expect(page.locator("#parts-table tbody tr")).to_have_count(4)
    expect(page.locator("#rubric-summary")).to_contain_text("Version 1")


def test_a_new_rubric_version_is_checked_before_it_replaces_the_current_one(accounts, open_page):
    page = open_page("/instructor/assignments/quiz/", token=accounts["prof"])
    rubric = page.get_by_label("Rubric (YAML)")
    expect(rubric).to_have_value(QUIZ_RUBRIC)  # prefilled with the current version

    rubric.fill(QUIZ_RUBRIC.replace("{type: tuple,", "{type: tupel,", 1))
    page.get_by_role("button", name="Upload rubric").click()
    entry = page.locator("#rubric-message .error-entry").first
    expect(entry.locator(".error-where")).to_have_text(f"line {line_of(QUIZ_RUBRIC, '{type: tuple,')}")
    expect(entry.locator(".error-reason")).to_contain_text("tupel")

    rubric.fill(QUIZ_RUBRIC.replace("title: Output shape", "title: Output shape (C x H x W)", 1))
    page.get_by_role("button", name="Upload rubric").click()
    expect(page.locator("#rubric-message")).to_contain_text("Rubric saved as version 2")
    expect(page.locator("#parts-table")).to_contain_text("Output shape (C x H x W)")
