"""An instructor works through the review queue: reads the flagged answer, overrides the score with a reason."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from server.grading import permissions, services
from server.grading.models import Assignment, PartResult, ScoreOverride

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HOSTILE = '<img src=x onerror="window.__pwned = 1"> 잔차 블록 그림'


@pytest.fixture
def flagged(accounts):
    """kim's graded submission whose drawing (part 4) waits for a person."""
    kim = get_user_model().objects.get(username="kim")
    quiz = Assignment.objects.get(slug="quiz")
    submission, _ = services.submission_create(
        access=permissions.access_for(kim, quiz), student="", answers={"1": "참", "4": HOSTILE}
    )
    assert PartResult.objects.get(submission=submission, part_id="4").status == "needs_review"
    return submission


def test_an_instructor_overrides_a_flagged_part_with_a_reason(accounts, flagged, open_page, screenshot):
    page = open_page("/instructor/assignments/quiz/review/", token=accounts["prof"])
    card = page.locator(".review-card")
    expect(card).to_have_count(1)
    expect(card.locator("h2")).to_contain_text("kim · part 4")
    # The answer is shown as the text it is: no markup is made from it.
    expect(card.locator("blockquote.answer")).to_have_text(HOSTILE)
    expect(card.locator("blockquote.answer")).to_have_attribute("lang", "ko")
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".review-card img").count() == 0

    card.get_by_label("Points (0–2)").fill("3")
    card.get_by_label("Reason (kept in the audit trail)").fill("Residual path drawn; the ReLU is missing.")
    card.get_by_role("button", name="Save score").click()
    expect(card.get_by_role("status")).to_contain_text("Points must be a number from 0 to 2.")

    card.get_by_label("Points (0–2)").fill("1.5")
    card.get_by_role("button", name="Save score").click()
    expect(card.get_by_role("status")).to_contain_text("Saved: 1.5 / 2.")
    expect(card).to_have_attribute("data-resolved", "true")
    expect(card.locator(".part-score")).to_contain_text("1.5 / 2")
    expect(card.locator(".part-score")).to_contain_text("changed by an instructor")
    screenshot(page, "instructor-review")

    override = ScoreOverride.objects.get(submission=flagged, part_id="4")
    assert (override.new_points, override.reason) == (1.5, "Residual path drawn; the ReLU is missing.")
    assert override.created_by.username == "prof"

    page.reload()
    expect(page.locator("#page-message")).to_contain_text("Nothing to review")


def test_a_student_token_cannot_open_the_review_queue(accounts, open_page):
    page = open_page("/instructor/assignments/quiz/review/", token=accounts["kim"])
    expect(page.locator("#page-message")).to_contain_text("instructor pages need an instructor token")
