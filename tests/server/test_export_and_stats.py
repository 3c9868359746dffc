"""CSV export of scores per part (safe against formula injection) and per-part statistics."""

import csv
import io

import pytest

from server.grading.exports import safe_cell


def export(client, query=""):
    response = client.get(f"/api/v1/assignments/quiz/export.csv{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


def submit(client, student, answers):
    return client.post("/api/v1/assignments/quiz/submissions/", {"student": student, "answers": answers}, format="json")


def test_the_export_has_one_row_per_student_and_a_column_per_part(graded, instructor):
    rows = export(instructor)
    assert rows[0] == [
        "student",
        "submission",
        "external_id",
        "status",
        "total",
        "max",
        "needs_review",
        "q1",
        "q2",
        "q3",
        "q4",
        "q5",
    ]
    by_student = {r[0]: r for r in rows[1:]}
    assert by_student["student"][4:] == ["6", "8", "1", "2", "1", "1.5", "1.5", "0"]
    assert by_student["other_student"][7] == "0"


def test_only_the_latest_submission_per_student_unless_asked(graded, instructor):
    submit(instructor, "student", {"q1": "c"})
    assert len(export(instructor)) == 3
    assert len(export(instructor, "?latest=false")) == 4


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "＝1+1"])
def test_formula_like_cells_are_escaped(quiz, instructor, hostile):
    assert submit(instructor, "s1", {"q1": "b"}).status_code == 202
    instructor.post(
        "/api/v1/assignments/quiz/submissions/", {"student": "s2", "id": hostile.strip(), "answers": {}}, format="json"
    )
    for row in export(instructor)[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝")), row


def test_safe_cell_leaves_numbers_and_plain_text_alone():
    assert safe_cell(-1) == -1 and safe_cell("kim") == "kim" and safe_cell("=1") == "'=1"


def test_statistics_per_part(graded, instructor):
    stats = instructor.get("/api/v1/assignments/quiz/stats/").json()
    assert stats["submissions"] == 2
    q1 = stats["parts"]["q1"]
    assert q1["count"] == 2 and q1["mean"] == 1 and q1["median"] == 1 and q1["max"] == 2
    assert q1["distribution"] == [{"points": 0, "count": 1}, {"points": 2, "count": 1}]
    assert q1["full_marks"] == 1 and q1["mean_percent"] == 50
    assert stats["parts"]["q5"]["statuses"] == {"needs_review": 1, "blank": 1}
    assert stats["total"]["distribution"] == [{"points": 0, "count": 1}, {"points": 6, "count": 1}]


def test_statistics_with_nothing_graded(quiz, instructor):
    stats = instructor.get("/api/v1/assignments/quiz/stats/").json()
    assert stats["submissions"] == 0 and stats["parts"]["q1"]["mean"] is None


def test_results_table_filters(graded, instructor):
    def ids(query):
        return [r["student"] for r in instructor.get(f"/api/v1/assignments/quiz/results/{query}").json()["results"]]

    assert ids("") == ["student", "other_student"]
    assert ids("?needs_review=true") == ["student"]
    assert ids("?student=other_student") == ["other_student"]
    assert ids("?min_total=1") == ["student"]
    assert ids("?part=q1&part_status=graded") == ["student", "other_student"]
    assert ids("?part=q5&part_status=blank") == ["other_student"]
    assert ids("?status=failed") == []
    row = instructor.get("/api/v1/assignments/quiz/results/?student=student").json()["results"][0]
    assert row["parts"]["q1"] == {"points": 2, "status": "graded", "overridden": False}


def test_results_table_rejects_bad_filters(graded, instructor):
    for query in ("?status=done", "?min_total=lots", "?batch=nope", "?student=%00"):
        assert instructor.get(f"/api/v1/assignments/quiz/results/{query}").status_code == 400, query


def test_results_are_paginated(quiz, instructor):
    instructor.post(
        "/api/v1/assignments/quiz/submissions/", [{"student": f"s{i}", "answers": {}} for i in range(5)], format="json"
    )
    page = instructor.get("/api/v1/assignments/quiz/results/?page_size=2&page=2").json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"] and page["previous"]
    assert instructor.get("/api/v1/assignments/quiz/results/?page=99").status_code == 404
