"""Results: sort by any column, find a student by part of the name, know how many pages there are.
Regrade: say what changed, who, which part, old -> new, with links to the submissions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from server.grading import permissions, services
from server.grading.models import Assignment

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

QUIZ_RUBRIC = (Path(__file__).parent / "quiz.yaml").read_text(encoding="utf-8")
SHEET = "student,1,2,3\n" + "".join(
    f"s{n:03d},{'True' if n % 2 else 'False'},{'a c' if n % 3 else 'b'},16x32x32\n" for n in range(1, 56)
)


@pytest.fixture
def cohort(accounts):
    """55 graded submissions of the quiz, uploaded as one CSV by prof."""
    prof = get_user_model().objects.get(username="prof")
    quiz = Assignment.objects.get(slug="quiz")
    services.batch_create(
        access=permissions.access_for(prof, quiz), kind="csv", payload=SHEET.encode(), charset="utf-8"
    )
    return accounts


def students(page) -> list[str]:
    return page.locator("#results-table tbody th[scope=row]").all_inner_texts()


def test_results_sort_by_any_column_and_say_how_many_pages(cohort, open_page, screenshot):
    page = open_page("/instructor/assignments/quiz/results/", token=cohort["prof"], width=1280)
    expect(page.locator("#page-info")).to_have_text("Page 1 of 2")
    expect(page.locator("#results-count")).to_have_text("(55)")
    page.get_by_role("button", name=re.compile("^Total")).click()
    expect(page.get_by_role("columnheader", name=re.compile("^Total"))).to_have_attribute("aria-sort", "ascending")
    totals = page.locator("#results-table tbody tr td:nth-child(3)").all_inner_texts()
    assert totals == sorted(totals, key=lambda t: float(t.split(" / ")[0]))
    page.get_by_role("button", name=re.compile("^Student")).click()
    page.get_by_role("button", name=re.compile("^Student")).click()
    expect(page.get_by_role("columnheader", name=re.compile("^Student"))).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#results-table tbody th[scope=row]").first).to_have_text("s055")
    assert "ordering=-student" in page.url
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#page-info")).to_have_text("Page 2 of 2")
    expect(page.locator("#results-table tbody tr")).to_have_count(5)
    screenshot(page, "instructor-results-sorted-1280")


def test_results_find_a_student_by_part_of_the_name(cohort, open_page):
    page = open_page("/instructor/assignments/quiz/results/", token=cohort["prof"])
    page.get_by_label("Student", exact=True).fill("S05")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-count")).to_have_text("(6)")
    assert students(page) == ["s050", "s051", "s052", "s053", "s054", "s055"]
    expect(page.locator("#page-info")).to_have_text("Page 1 of 1")


def test_a_regrade_lists_who_changed_which_part_old_to_new_with_links(cohort, open_page, screenshot):
    page = open_page("/instructor/assignments/quiz/", token=cohort["prof"], width=1280)
    rubric = page.get_by_label("Rubric (YAML)")
    expect(rubric).to_have_value(QUIZ_RUBRIC)
    rubric.fill(QUIZ_RUBRIC.replace("correct: [a, c]", "correct: [b]", 1))
    page.get_by_role("button", name="Upload rubric").click()
    expect(page.locator("#rubric-message")).to_contain_text("Rubric saved as version 2")
    page.get_by_role("button", name="Regrade with the current rubric").click()
    status = page.locator("#regrade-progress [role=status]")
    expect(status).to_contain_text("Done: 55 graded; 55 parts changed in 55 submissions.")
    table = page.locator(".regrade-changes table")
    expect(table.locator("tbody tr")).to_have_count(55)
    first = table.locator("tbody tr").first
    expect(first).to_contain_text("s001")
    expect(first.locator("td").nth(1)).to_have_text("2")
    expect(first.locator("td").nth(2)).to_contain_text("0")
    screenshot(page, "instructor-regrade-changes-1280")
    first.get_by_role("link", name="s001").click()
    expect(page).to_have_url(re.compile(r"/results/\?.*submission="))
    expect(page.locator("#detail-title")).to_have_text("Submission of s001")
