"""Bulk as a ZIP of per-student files; hostile archives are refused before they are expanded, and nothing is written to disk."""

import io
import zipfile

import pytest
from svc_support import json_bytes, make_zip, stored

from server.grading import uploads
from server.grading.models import Submission


def post_zip(client, slug, data: bytes):
    return client.post(f"/api/v1/assignments/{slug}/submissions/", data, content_type="application/zip")


def test_json_and_text_files_become_submissions(quiz, instructor):
    archive = make_zip(
        {
            "class/s1.json": json_bytes({"answers": {"q1": "b", "q3": "1.5"}}),
            "class/s2.json": json_bytes({"q1": "c"}),
            "class/s3.txt": "## q1\nb\n## q5\nfirst line\nsecond line\n",
            "__MACOSX/._s1.json": b"junk",
            "class/.DS_Store": b"junk",
        }
    )
    response = post_zip(instructor, quiz, archive)
    assert response.status_code == 202, response.json()
    assert response.json()["size"] == 3
    assert Submission.objects.get(student="s1").total == 3.5
    assert Submission.objects.get(student="s3").answers == {"q1": "b", "q5": "first line\nsecond line"}


def test_a_json_file_may_name_its_student(quiz, instructor):
    archive = make_zip({"001.json": json_bytes({"student": "kim", "id": "x-1", "answers": {"q1": "b"}})})
    assert post_zip(instructor, quiz, archive).status_code == 202
    assert Submission.objects.get().student == "kim"


def test_zip_slip_paths_are_refused(quiz, instructor):
    before = stored()
    for name in ("../../escape.json", "/abs/evil.json", "C:/win.json", "a\\..\\b.json"):
        response = post_zip(instructor, quiz, make_zip({name: json_bytes({"q1": "b"})}))
        assert response.status_code == 400, name
        assert response.json()["errors"][0]["field"] == name
    assert stored() == before


def test_symlinks_are_refused(quiz, instructor):
    before = stored()
    archive = make_zip({"s1.json": "/etc/passwd"}, symlinks=("s1.json",))
    response = post_zip(instructor, quiz, archive)
    assert response.status_code == 400 and "symbolic" in response.json()["errors"][0]["reason"]
    assert stored() == before


def test_a_zip_bomb_is_refused_before_anything_is_expanded(quiz, instructor, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("s1.txt", b"\0" * (50 * 1024 * 1024))
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile, "open", lambda zf, name, *a, **k: opened.append(name) or real_open(zf, name, *a, **k)
    )
    before = stored()
    response = post_zip(instructor, quiz, buffer.getvalue())
    assert response.status_code == 400 and "bomb" in response.json()["detail"]
    assert f"{50 * 1024 * 1024} bytes" in response.json()["detail"]  # the size cap refused it
    assert opened == []  # refused from the sizes the archive declares, before reading an entry
    assert stored() == before


def test_an_entry_past_the_size_cap_is_refused_by_the_cap(quiz, instructor, settings, monkeypatch):
    settings.GRADING = {**settings.GRADING, "ZIP_MAX_ENTRY_BYTES": 100}
    read = []
    real = uploads._read_entry
    monkeypatch.setattr(uploads, "_read_entry", lambda zf, info, budget: read.append(info) or real(zf, info, budget))
    before = stored()
    response = post_zip(instructor, quiz, make_zip({"s1.txt": "## q1\n" + "b" * 500}))
    assert response.status_code == 400
    assert "s1.txt: expands" in response.json()["detail"] and "to 506 bytes" in response.json()["detail"]
    assert read == [] and stored() == before


def test_entries_past_the_total_cap_are_refused_by_the_cap(quiz, instructor, settings):
    settings.GRADING = {**settings.GRADING, "ZIP_MAX_TOTAL_BYTES": 600}
    before = stored()
    archive = make_zip({f"s{n}.txt": "## q1\n" + "b" * 200 for n in range(3)})
    response = post_zip(instructor, quiz, archive)
    assert response.status_code == 400 and "expands past the size limit" in response.json()["detail"]
    assert stored() == before


def test_an_archive_lying_about_its_sizes_never_expands_past_what_it_declares(quiz, instructor):
    archive = bytearray(make_zip({"s1.txt": "## q1\n" + "b" * 500}))
    # Shrink the declared sizes in both headers: the reader stops at the 10 bytes declared,
    # and the checksum of those 10 bytes is not the archive's.
    info = zipfile.ZipFile(io.BytesIO(bytes(archive))).infolist()[0]
    raw = bytes(archive).replace(info.file_size.to_bytes(4, "little"), (10).to_bytes(4, "little"))
    before = stored()
    response = post_zip(instructor, quiz, raw)
    assert response.status_code == 400 and "Bad CRC-32" in response.json()["detail"]
    assert stored() == before


def test_two_files_for_one_student_are_refused(quiz, instructor):
    archive = make_zip({"a/s1.json": json_bytes({"q1": "b"}), "b/s1.txt": "## q1\nc\n"})
    before = stored()
    response = post_zip(instructor, quiz, archive)
    assert response.status_code == 400 and "second file" in response.json()["errors"][0]["reason"]
    assert stored() == before


def test_too_many_entries_are_refused(quiz, instructor, settings):
    settings.GRADING = {**settings.GRADING, "ZIP_MAX_ENTRIES": 2}
    archive = make_zip({f"s{i}.json": json_bytes({}) for i in range(3)})
    before = stored()
    response = post_zip(instructor, quiz, archive)
    assert response.status_code == 400 and "more than 2 entries" in response.json()["detail"]
    assert stored() == before


@pytest.mark.parametrize("raw", [b"PK\x03\x04 truncated", b"plain bytes"])
def test_not_a_zip_is_400(quiz, instructor, raw):
    before = stored()
    response = post_zip(instructor, quiz, raw)
    assert response.status_code == 400 and "not a readable ZIP" in response.json()["detail"]
    assert stored() == before


def test_unreadable_entries_are_row_errors(quiz, instructor):
    archive = make_zip(
        {
            "s1.txt": "no headers here",
            "s2.json": b"{broken",
            "s3.pdf": b"%PDF",
            "s4.txt": b"\xff\xfe",
            "s5.json": json_bytes({"q7": "x"}),
        }
    )
    response = post_zip(instructor, quiz, archive)
    assert response.status_code == 400
    assert {e["row"] for e in response.json()["errors"]} == {1, 2, 3, 4, 5}
    assert not Submission.objects.exists()


def test_a_zip_in_a_multipart_upload(quiz, instructor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "answers.zip", make_zip({"s1.json": json_bytes({"q1": "b"})}), content_type="application/zip"
    )
    response = instructor.post(f"/api/v1/assignments/{quiz}/submissions/", {"file": upload}, format="multipart")
    assert response.status_code == 202
