"""Bulk as a ZIP of per-student files; hostile archives are refused before they are expanded, and nothing is written to disk."""

import io
import zipfile

from svc_support import json_bytes, make_zip

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
    for name in ("../../escape.json", "/abs/evil.json", "C:/win.json", "a\\..\\b.json"):
        response = post_zip(instructor, quiz, make_zip({name: json_bytes({"q1": "b"})}))
        assert response.status_code == 400, name
        assert response.json()["errors"][0]["field"] == name


def test_symlinks_are_refused(quiz, instructor):
    archive = make_zip({"s1.json": "/etc/passwd"}, symlinks=("s1.json",))
    response = post_zip(instructor, quiz, archive)
    assert response.status_code == 400 and "symbolic" in response.json()["errors"][0]["reason"]


def test_a_zip_bomb_is_refused_before_anything_is_expanded(quiz, instructor, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("s1.txt", b"\0" * (50 * 1024 * 1024))
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile, "open", lambda zf, name, *a, **k: opened.append(name) or real_open(zf, name, *a, **k)
    )
    response = post_zip(instructor, quiz, buffer.getvalue())
    assert response.status_code == 400 and "bomb" in response.json()["detail"]
    assert opened == []  # refused from the sizes the archive declares, before reading an entry


def test_an_archive_lying_about_its_sizes_is_caught_while_reading(quiz, instructor, settings):
    settings.GRADING = {**settings.GRADING, "ZIP_MAX_ENTRY_BYTES": 100}
    archive = bytearray(make_zip({"s1.txt": "## q1\n" + "b" * 500}))
    # Shrink the declared sizes in both headers so only the streamed read can notice.
    info = zipfile.ZipFile(io.BytesIO(bytes(archive))).infolist()[0]
    raw = bytes(archive).replace(info.file_size.to_bytes(4, "little"), (10).to_bytes(4, "little"))
    response = post_zip(instructor, quiz, raw)
    assert response.status_code == 400


def test_two_files_for_one_student_are_refused(quiz, instructor):
    archive = make_zip({"a/s1.json": json_bytes({"q1": "b"}), "b/s1.txt": "## q1\nc\n"})
    response = post_zip(instructor, quiz, archive)
    assert response.status_code == 400 and "second file" in response.json()["errors"][0]["reason"]


def test_too_many_entries_are_refused(quiz, instructor, settings):
    settings.GRADING = {**settings.GRADING, "ZIP_MAX_ENTRIES": 2}
    archive = make_zip({f"s{i}.json": json_bytes({}) for i in range(3)})
    assert post_zip(instructor, quiz, archive).status_code == 400


def test_not_a_zip_is_400(quiz, instructor):
    assert post_zip(instructor, quiz, b"PK\x03\x04 truncated").status_code == 400
    assert post_zip(instructor, quiz, b"plain bytes").status_code == 400


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
