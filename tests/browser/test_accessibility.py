"""axe-core (from the npm registry, kept in tests/browser/assets/) finds no serious or critical violation
on any page, at 1280 px and at 390 px, with the content it shows once loaded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from server.grading import permissions, services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AXE = (Path(__file__).parent / "assets" / "axe.min.js").read_text(encoding="utf-8")
EXAM = (Path(__file__).parent / "exam.yaml").read_text(encoding="utf-8")
WIDTHS = [1280, 390]


def serious_violations(page) -> list[str]:
    # evaluated through the devtools protocol, so the page's own content policy stays as it is
    page.evaluate(AXE)
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def graded(accounts):
    """kim's graded exam submission (math, options, a partial, a zero and a blank part)."""
    prof = get_user_model().objects.get(username="prof")
    kim = get_user_model().objects.get(username="kim")
    exam = services.assignment_create(user=prof, slug="exam", title="Math and options", rubric_text=EXAM)
    submission, _ = services.submission_create(
        access=permissions.access_for(kim, exam), student="", answers={"sig": "\\sigma(-x)", "mc": "a", "tf": "참"}
    )
    return submission


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/", "/signin/", "/instructor/batches/6f1c2a4e-0d3b-4c5e-9a7f-1b2c3d4e5f60/"])
def test_pages_without_data(accounts, open_page, path, width):
    page = open_page(path, width=width)
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_student_form_and_its_feedback(accounts, graded, open_page, screenshot, width):
    page = open_page(f"/student/?assignment=exam&submission={graded.pk}", token=accounts["kim"], width=width)
    expect(page.locator(".submission-result")).to_be_visible()
    expect(page.locator("[data-part='sig'] .prompt .katex").first).to_be_visible()
    page.get_by_role("textbox", name=re.compile("Sigmoid symmetry")).fill("\\frac{1}{2}")
    expect(page.locator(".answer-preview .katex")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, f"student-{width}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path, ready",
    [
        ("/instructor/", "#assignments-table tbody tr[data-slug]"),
        ("/instructor/assignments/exam/", "#parts-table tbody tr"),
        ("/instructor/assignments/exam/results/", "#results-table tbody tr[data-submission]"),
        ("/instructor/assignments/exam/review/", "#page-message, .review-card"),
    ],
)
def test_the_instructor_pages(accounts, graded, open_page, screenshot, path, ready, width):
    page = open_page(path, token=accounts["prof"], width=width)
    expect(page.locator(ready).first).to_be_attached()
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []
    screenshot(page, f"instructor-{path.strip('/').replace('/', '-')}-{width}")
