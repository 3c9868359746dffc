"""Uploads list every problem at once: a rubric's model error beside a typo in a check type; a CSV's
wrong header beside its wrong rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

QUIZ_RUBRIC = (Path(__file__).parent / "quiz.yaml").read_text(encoding="utf-8")
TWO_MISTAKES = QUIZ_RUBRIC.replace(
    "max: 2\n    items:\n      - id: key", "max: -2\n    items:\n      - id: key", 1
).replace("{type: tuple,", "{type: tupel,", 1)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_a_typo_in_a_check_type_is_listed_beside_a_negative_max(accounts, open_page, screenshot):
    page = open_page("/instructor/assignments/quiz/", token=accounts["prof"], width=1280)
    page.get_by_label("Rubric (YAML)").fill(TWO_MISTAKES)
    page.get_by_role("button", name="Upload rubric").click()
    entries = page.locator("#rubric-message .error-entry")
    expect(entries).to_have_count(2)
    expect(entries.nth(0).locator(".error-where")).to_have_text(f"line {line_of(TWO_MISTAKES, 'max: -2')}")
    expect(entries.nth(1).locator(".error-where")).to_have_text(f"line {line_of(TWO_MISTAKES, '{type: tupel,')}")
    expect(entries.nth(1).locator(".error-reason")).to_contain_text("unknown check type 'tupel'")
    expect(entries.get_by_role("button")).to_have_count(2)
    screenshot(page, "instructor-rubric-every-error-1280")


def test_a_csv_header_error_is_listed_with_the_row_errors(accounts, open_page, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("student,1,9\ns001,참,x\n,True,x\n", encoding="utf-8")
    page = open_page("/instructor/assignments/quiz/", token=accounts["prof"])
    page.get_by_label("Answer file (CSV, JSON or ZIP)").set_input_files(str(sheet))
    page.get_by_role("button", name="Upload answers").click()
    where = page.locator("#bulk-message .error-entry .error-where")
    expect(where).to_have_text(["row 1", "row 3"])
    expect(page.locator("#bulk-message")).to_contain_text("nothing was stored")
