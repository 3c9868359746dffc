"""Bulk as CSV: one row per student, one column per part; Excel's habits (BOM, cp949, ';') handled."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from svc_support import stored

from server.grading.models import Submission


def url(slug, query=""):
    return f"/api/v1/assignments/{slug}/submissions/{query}"


def post_csv(client, slug, data: bytes, query=""):
    return client.post(url(slug, query), data, content_type="text/csv")


def answers_of(student):
    return Submission.objects.get(student=student).answers


def test_a_csv_body_is_graded_row_by_row(quiz, instructor):
    data = b"student,q1,q2,q3\ns1,b,True,1.5\ns2,c,,2\n"
    response = post_csv(instructor, quiz, data)
    assert response.status_code == 202 and response.json()["size"] == 2
    assert answers_of("s1") == {"q1": "b", "q2": "True", "q3": "1.5"}
    assert answers_of("s2") == {"q1": "c", "q3": "2"}  # an empty cell is a blank answer
    assert Submission.objects.get(student="s1").total == 4.5


def test_a_utf8_bom_and_korean_text_survive(quiz, instructor):
    data = "student,q1\n김철수,정답: b\n".encode("utf-8-sig")
    assert post_csv(instructor, quiz, data).status_code == 202
    assert answers_of("김철수") == {"q1": "정답: b"}


def test_cp949_from_korean_excel_is_read(quiz, instructor):
    data = "student;q1;q2\n이영희;b;참\n".encode("cp949")
    assert post_csv(instructor, quiz, data).status_code == 202
    submission = Submission.objects.get(student="이영희")
    assert submission.answers == {"q1": "b", "q2": "참"} and submission.total == 3


def test_a_declared_encoding_is_used(quiz, instructor):
    data = "student,q1\nJosé,b\n".encode("latin-1")
    assert post_csv(instructor, quiz, data, "?encoding=latin-1").status_code == 202
    assert answers_of("José") == {"q1": "b"}


def test_semicolons_tabs_and_embedded_newlines(quiz, instructor):
    data = b'student;q1;q5\ns1;b;"line one\nline two; still q5"\n'
    assert post_csv(instructor, quiz, data).status_code == 202
    assert answers_of("s1")["q5"] == "line one\nline two; still q5"
    tabbed = b"student\tq1\ns2\tb\n"
    assert post_csv(instructor, quiz, tabbed).status_code == 202


def test_an_id_column_becomes_the_external_id(quiz, instructor):
    assert post_csv(instructor, quiz, b"id,student,q1\nlms-1,s1,b\n").status_code == 202
    assert Submission.objects.get().external_id == "lms-1"


def test_unknown_columns_are_reported_on_row_one(quiz, instructor):
    before = stored()
    response = post_csv(instructor, quiz, b"student,q1,q99\ns1,b,x\n")
    assert response.status_code == 400 and stored() == before
    assert response.json()["errors"] == [
        {"row": 1, "field": "q99", "reason": "unknown part id; the rubric's parts are ['q1', 'q2', 'q3', 'q4', 'q5']"}
    ]


def test_a_missing_student_column_is_400(quiz, instructor):
    before = stored()
    response = post_csv(instructor, quiz, b"name,q1\ns1,b\n")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "student"
    assert stored() == before


def test_ragged_rows_and_blank_students_are_row_errors(quiz, instructor):
    response = post_csv(instructor, quiz, b"student,q1\ns1,b,extra\n,c\ns3,b\n")
    assert response.status_code == 400
    assert {(e["row"], e["field"]) for e in response.json()["errors"]} == {(2, ""), (3, "student")}
    assert not Submission.objects.exists()


def test_a_huge_field_is_a_row_error(quiz, instructor):
    data = b"student,q1\ns1," + b"x" * 30_000 + b"\n"
    before = stored()
    response = post_csv(instructor, quiz, data)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "answers.q1"
    assert stored() == before


@pytest.mark.parametrize(
    "data, why", [(b"student,q1\ns1,b\x00\n", "NUL"), (b"\x81\xff\xfe\xfd", "neither UTF-8"), (b"", "empty")]
)
def test_nul_bytes_and_undecodable_files_are_400(quiz, instructor, data, why):
    before = stored()
    response = post_csv(instructor, quiz, data)
    assert response.status_code == 400 and why in response.json()["detail"]
    assert stored() == before


def test_a_csv_file_upload_in_multipart(quiz, instructor):
    upload = SimpleUploadedFile("scores.csv", b"student,q1\ns1,b\n", content_type="text/csv")
    response = instructor.post(url(quiz), {"file": upload}, format="multipart")
    assert response.status_code == 202 and answers_of("s1") == {"q1": "b"}


def test_two_files_in_one_multipart_body_are_refused(quiz, instructor):
    first = SimpleUploadedFile("a.csv", b"student,q1\ns1,b\n", content_type="text/csv")
    second = SimpleUploadedFile("b.csv", b"student,q1\ns2,b\n", content_type="text/csv")
    before = stored()
    response = instructor.post(url(quiz), {"file": first, "other": second}, format="multipart")
    assert response.status_code == 400 and stored() == before


def test_crlf_and_old_mac_line_ends_are_read(quiz, instructor):
    assert post_csv(instructor, quiz, b'student,q1,q5\r\ns1,b,"two\r\nlines"\rs2,c,x\r').status_code == 202
    assert answers_of("s1") == {"q1": "b", "q5": "two\r\nlines"} and answers_of("s2") == {"q1": "c", "q5": "x"}
