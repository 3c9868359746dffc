"""A student reads why every point was given or not: what was missing, named by titles, never item ids."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from server.grading import services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EXAM = (Path(__file__).parent / "exam.yaml").read_text(encoding="utf-8")


@pytest.fixture
def exam(accounts):
    prof = get_user_model().objects.get(username="prof")
    services.assignment_create(user=prof, slug="exam", title="Math and options", rubric_text=EXAM)
    return accounts


def test_a_part_below_max_says_what_was_missing_by_its_title(exam, open_page, screenshot):
    page = open_page("/student/?assignment=exam", token=exam["kim"], width=1280)
    page.get_by_role("textbox", name=re.compile("Sigmoid symmetry")).fill("1 - \\sigma(x) = \\sigma(-x)")
    page.get_by_role("button", name="Submit answers").click()
    part = page.locator(".submission-result [data-part='sig']")
    expect(part.locator(".part-score")).to_contain_text("1 / 2")
    expect(part.locator(".badge")).to_have_text("partial credit")
    expect(part.locator(".feedback .feedback-earned")).to_contain_text("+1: Right:")
    expect(part.locator(".feedback .feedback-earned .katex")).to_have_count(1)  # the feedback's math is typeset
    expect(part.locator(".feedback .feedback-missing")).to_have_text(
        "Not earned (1 point): a one-line derivation (not found in the answer)."
    )
    # item ids are the rubric author's: a student never sees them
    assert "conv1_params" not in page.locator("main").inner_text()
    screenshot(page, "student-partial-credit-1280")


def test_a_zero_is_not_a_green_graded_and_a_blank_part_says_so_once(exam, open_page):
    page = open_page("/student/?assignment=exam", token=exam["kim"])
    page.get_by_role("group", name=re.compile("AdaGrad")).get_by_role("radio", name="참").check()
    page.get_by_role("button", name="Submit answers").click()
    zero = page.locator(".submission-result [data-part='tf']")
    expect(zero.locator(".badge")).to_have_text("no points")
    colour = zero.locator(".badge").evaluate("el => getComputedStyle(el).color")
    assert colour != zero.page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--ok-fg')")
    assert colour == "rgb(155, 28, 28)"  # the error colour, not the success green
    expect(zero.locator(".feedback-missing")).to_have_text("Not earned (1 point): 정답: 거짓.")
    blank = page.locator(".submission-result [data-part='table']")
    expect(blank.locator(".badge")).to_have_text("no answer")
    expect(blank.get_by_text("No answer was given")).to_have_count(1)


def test_after_an_override_the_student_reads_reviewed_the_new_points_and_the_reason(accounts, open_page, screenshot):
    from server.grading import permissions
    from server.grading.models import Assignment

    kim = get_user_model().objects.get(username="kim")
    prof = get_user_model().objects.get(username="prof")
    quiz = Assignment.objects.get(slug="quiz")
    submission, _ = services.submission_create(
        access=permissions.access_for(kim, quiz), student="", answers={"4": "[그림: residual block]"}
    )
    services.part_override(
        access=permissions.access_for(prof, quiz),
        submission=submission,
        part_id="4",
        points=Decimal("1.5"),
        reason="The skip connection is drawn; the ReLU after the sum is missing.",
    )
    page = open_page(f"/student/?assignment=quiz&submission={submission.pk}", token=accounts["kim"], width=1280)
    part = page.locator(".submission-result [data-part='4']")
    expect(part.locator(".part-score")).to_contain_text("1.5 / 2")
    expect(part.locator(".badge")).to_have_text("reviewed by your instructor")
    expect(part.locator(".override-note")).to_contain_text("Reviewed by your instructor: 1.5 / 2.")
    expect(part.locator(".override-note")).to_contain_text(
        "Reason: The skip connection is drawn; the ReLU after the sum is missing."
    )
    expect(part.locator(".review-note")).to_have_count(0)  # no more "a person will check this part"
    expect(page.locator(".total")).not_to_contain_text("waiting for a person")
    assert "prof" not in part.inner_text()
    screenshot(page, "student-after-override-1280")
