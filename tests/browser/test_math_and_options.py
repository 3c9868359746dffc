"""The answer form reads like the exam: math typeset, options shown in the exam's language, table answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from server.grading import services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EXAM = (Path(__file__).parent / "exam.yaml").read_text(encoding="utf-8")
CS231N = (Path(__file__).resolve().parents[2] / "rubrics" / "cs231n-midterm.yaml").read_text(encoding="utf-8")


@pytest.fixture
def exam(accounts):
    prof = get_user_model().objects.get(username="prof")
    services.assignment_create(user=prof, slug="exam", title="Math and options", rubric_text=EXAM)
    return accounts


def test_math_in_a_prompt_is_typeset_with_the_sites_own_katex(exam, open_page, screenshot):
    page = open_page("/student/?assignment=exam", token=exam["kim"], width=1280)
    prompt = page.locator("[data-part='sig'] .prompt")
    expect(prompt.locator(".katex")).to_have_count(3)
    # MathML for screen readers, and no raw LaTeX left in what is shown (a blocked style or font fails the test)
    expect(prompt.locator(".katex math")).to_have_count(3)
    assert "\\frac" not in prompt.locator(".katex-html").first.inner_text()
    sources = page.evaluate(
        "[...document.querySelectorAll('script[src], link[rel=stylesheet]')].map(e => e.src || e.href)"
    )
    assert any(s.endswith("/static/frontend/vendor/katex/katex.min.js") for s in sources)
    assert all(s.startswith(page.url.split("/student/")[0]) for s in sources), sources
    assert page.evaluate("document.fonts.check('16px KaTeX_Main')")
    screenshot(page, "student-math-1280")


def test_an_answer_field_previews_its_math_while_it_is_typed(exam, open_page):
    page = open_page("/student/?assignment=exam", token=exam["kim"])
    field = page.get_by_role("textbox", name=re.compile("Sigmoid symmetry"))
    preview = page.locator("[data-part='sig'] .answer-preview")
    field.fill("plain words only")
    expect(preview).to_be_hidden()
    field.fill("1 - \\sigma(x) = \\sigma(-x) because \\frac{e^{-x}}{1 + e^{-x}}")
    expect(preview.locator(".katex")).to_have_count(2)
    field.fill("$\\frac{1}{$ so far")  # math KaTeX cannot read yet: shown as typed, no error
    expect(preview.locator(".math-unread")).to_have_text("$\\frac{1}{$")


def test_a_choice_part_shows_its_options_in_the_exams_language(exam, open_page, screenshot):
    prof = get_user_model().objects.get(username="prof")
    services.assignment_create(user=prof, slug="cs231n", title="cs231n midterm", rubric_text=CS231N)
    page = open_page("/student/?assignment=cs231n", token=exam["kim"], width=1280)
    mc1 = page.get_by_role("group", name=re.compile("Loss is almost flat"))
    expect(mc1.get_by_role("checkbox")).to_have_count(4)
    expect(mc1.get_by_role("checkbox", name="(a) 학습률이 매우 낮다")).to_be_visible()
    expect(mc1.get_by_role("checkbox", name="(d) 가중치 초기화 스케일이 잘못 설정되었다")).to_be_visible()
    tf1 = page.get_by_role("group", name=re.compile("AdaGrad and gradient check"))
    expect(tf1.get_by_role("radio")).to_have_count(2)
    mc1.get_by_role("checkbox", name=re.compile(r"^\(a\)")).check()
    mc1.get_by_role("checkbox", name=re.compile(r"^\(d\)")).check()
    tf1.get_by_role("radio", name="거짓").check()
    screenshot(page, "student-options-1280")
    page.get_by_role("button", name="Submit answers").click()
    result = page.locator(".submission-result")
    expect(result.locator("[data-part='mc1'] .part-score")).to_contain_text("2 / 2")
    expect(result.locator("[data-part='tf1'] .part-score")).to_contain_text("1 / 1")


def test_true_false_buttons_and_radio_options_send_what_a_student_would_type(exam, open_page):
    page = open_page("/student/?assignment=exam", token=exam["kim"])
    page.get_by_role("group", name=re.compile("AdaGrad")).get_by_role("radio", name="참").check()
    page.get_by_role("group", name=re.compile("Loss is almost flat")).get_by_role(
        "checkbox", name=re.compile(r"^\(a\)")
    ).check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".submission-result [data-part='tf'] .part-score")).to_contain_text("0 / 1")
    expect(page.locator(".submission-result [data-part='mc'] .part-score")).to_contain_text("0 / 2")
    from server.grading.models import Submission

    assert Submission.objects.get(assignment__slug="exam").answers == {"tf": "참", "mc": "a"}


def test_tab_in_a_table_answer_types_a_column_break_and_esc_lets_the_keyboard_leave(exam, open_page):
    page = open_page("/student/?assignment=exam", token=exam["kim"])
    table = page.get_by_role("textbox", name=re.compile("Output sizes"))
    table.click()
    page.keyboard.type("conv")
    page.keyboard.press("Tab")
    page.keyboard.type("16")
    page.keyboard.press("Tab")
    page.keyboard.type("32")
    assert table.input_value() == "conv\t16\t32"
    assert page.evaluate("document.activeElement.dataset.part") == "table"
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.part") != "table"
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".submission-result [data-part='table'] .part-score")).to_contain_text("1 / 1")


def test_at_390_px_the_feedback_heading_is_on_screen_after_submitting(exam, open_page, screenshot):
    page = open_page("/student/?assignment=exam", token=exam["kim"], width=390, height=844)
    page.get_by_role("textbox", name=re.compile("Sigmoid symmetry")).fill("\\sigma(-x)")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".submission-result")).to_be_visible()
    heading = page.get_by_role("heading", name="Feedback", level=2)
    expect(heading).to_be_in_viewport()
    # at the top of the screen, with the feedback under it, not at the bottom edge about to be pushed off
    page.wait_for_load_state("networkidle")
    top = heading.bounding_box()["y"]
    assert -1 <= top < 844 / 3, top
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(page, "student-feedback-390")
