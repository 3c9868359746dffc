"""An instructor uploads a CSV of answer sheets, follows the batch to the end and reads the results."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

GOOD_CSV = 'student,1,2,3,4\ns001,참,"a, c",16x32x32,drawn\ns002,False,b,(16 32 32),\n'
BAD_ROWS_CSV = "student,1,2\ns001,참,a\n,True,b\n"


def test_a_csv_with_a_bad_row_is_refused_with_the_row_and_nothing_is_stored(accounts, open_page, tmp_path):
    bad = tmp_path / "sheet.csv"
    bad.write_text(BAD_ROWS_CSV, encoding="utf-8")
    page = open_page("/instructor/assignments/quiz/", token=accounts["prof"])
    page.get_by_label("Answer file (CSV, JSON or ZIP)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload answers").click()

    entry = page.locator("#bulk-message .error-entry")
    expect(entry).to_have_count(1)
    expect(entry.locator(".error-where")).to_have_text("row 3")
    expect(entry.locator(".error-field")).to_have_text("student")
    expect(page.locator("#bulk-message")).to_contain_text("nothing was stored")
    expect(page.locator("#bulk-progress .batch")).to_have_count(0)


def test_a_csv_upload_shows_batch_progress_until_graded_then_results_and_export(
    accounts, open_page, tmp_path, screenshot
):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(GOOD_CSV, encoding="utf-8")
    page = open_page("/instructor/assignments/quiz/", token=accounts["prof"])
    page.get_by_label("Answer file (CSV, JSON or ZIP)").set_input_files(str(sheet))
    page.get_by_role("button", name="Upload answers").click()

    expect(page.locator("#bulk-message")).to_contain_text("Accepted 2 submissions as batch")
    batch = page.locator("#bulk-progress .batch")
    expect(batch).to_have_attribute("data-finished", "true")
    expect(batch.locator("[data-count=graded]")).to_have_text("2")
    expect(batch.locator("[data-count=queued]")).to_have_text("0")
    expect(batch.locator("progress")).to_have_attribute("value", "2")
    expect(page.locator("#bulk-progress")).to_contain_text("Done: 2 graded.")
    screenshot(page, "instructor-bulk-progress")

    # The batch page follows the same batch by its id.
    page.locator("#bulk-message a").click()
    expect(page.locator("#batch-progress .batch")).to_have_attribute("data-finished", "true")
    page.go_back()

    # A regrade is followed the same way (the API answers the batch itself, not {batch, size}).
    page.get_by_role("button", name="Regrade with the current rubric").click()
    expect(page.locator("#regrade-message")).to_contain_text("Regrade queued as batch")
    expect(page.locator("#regrade-message a")).to_have_attribute("href", re.compile(r"/batches/[0-9a-f-]{36}/"))
    regrade = page.locator("#regrade-progress .batch")
    expect(regrade).to_have_attribute("data-finished", "true")
    # the rubric did not change since the upload, so nothing is due for regrading
    expect(page.locator("#regrade-progress")).to_contain_text("Done: 0 graded; no points changed.")

    page.goto("/instructor/assignments/quiz/results/")
    rows = page.locator("#results-table tbody tr[data-submission]")
    expect(rows).to_have_count(2)
    s001 = rows.filter(has_text="s001")
    expect(s001).to_contain_text("4 / 6")

    page.get_by_label("Student", exact=True).fill("s002")
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("0 / 6")
    assert "search=s002" in page.url

    page.get_by_label("Student", exact=True).fill("")
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(2)
    rows.filter(has_text="s001").get_by_role("button", name="View").click()
    detail = page.locator("#detail-body")
    expect(detail.locator("[data-part='2'] .evidence-text")).to_have_text("chosen: a, c")
    screenshot(page, "instructor-results")

    # On a phone the table scrolls inside its box; the page itself never scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    exported = download.value
    assert exported.suggested_filename == "quiz-scores.csv"
    with open(exported.path(), encoding="utf-8") as f:
        table = list(csv.DictReader(io.StringIO(f.read())))
    assert sorted(r["student"] for r in table) == ["s001", "s002"]
    assert {r["student"]: r["total"] for r in table} == {"s001": "4", "s002": "0"}
