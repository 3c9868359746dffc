"""A bulk upload is bounded while it is read: rows, cells per line and errors, not after everything is built.

A CSV of a million rows was read whole before the row limit was checked, and
one line of ten million cells became a ten-million-item list (600 MB).
"""

from __future__ import annotations

from server.grading import uploads
from server.grading.models import Batch, Submission


def post_csv(client, slug: str, data: bytes):
    return client.post(f"/api/v1/assignments/{slug}/submissions/", data, content_type="text/csv")


def test_rows_past_the_limit_stop_the_reading(quiz, instructor, settings, monkeypatch):
    settings.GRADING = {**settings.GRADING, "BULK_MAX_ROWS": 5}
    built = []
    real = uploads._csv_row
    monkeypatch.setattr(uploads, "_csv_row", lambda *a: built.append(a[0]) or real(*a))
    data = b"student,q1\n" + b"".join(b"s%d,b\n" % n for n in range(100_000))
    response = post_csv(instructor, quiz, data)
    assert response.status_code == 400 and "at most 5 submissions" in response.json()["detail"]
    assert len(built) == 5
    assert not Batch.objects.exists() and not Submission.objects.exists()


def test_a_line_of_too_many_cells_is_refused_before_the_reader_builds_it(quiz, instructor, monkeypatch):
    built = []
    real = uploads._csv_row
    monkeypatch.setattr(uploads, "_csv_row", lambda *a: built.append(a[0]) or real(*a))
    data = b"student,q1\ns1,b\n" + b"ab," * (uploads.MAX_CSV_LINE_CELLS + 1) + b"\n"
    response = post_csv(instructor, quiz, data)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["row"] == 3 and "cells" in error["reason"]
    assert built == [2] and not Submission.objects.exists()


def test_a_header_of_many_unknown_columns_reports_a_bounded_list(quiz, instructor):
    header = b"student," + b",".join(b"x%d" % n for n in range(5_000))
    response = post_csv(instructor, quiz, header + b"\ns1" + b"," * 5_000 + b"\n")
    assert response.status_code == 400
    assert len(response.json()["errors"]) == uploads.MAX_ERRORS
