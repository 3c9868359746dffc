"""Only real text encodings are read, and every error response can be rendered.

A CSV sent with ``?encoding=unicode_escape`` (or a rubric as
``application/yaml; charset=unicode_escape``) was decoded with that codec,
which turns ``\\ud800`` in the bytes into a lone surrogate; the error that
echoed it could not be encoded, and the answer was a 500.
"""

from __future__ import annotations

import json

import pytest
from rest_framework.renderers import JSONRenderer

from server.grading.errors import InvalidInput, api_exception_handler
from server.grading.models import RubricVersion, Submission

NOT_TEXT = ["unicode_escape", "raw_unicode_escape", "utf-7", "rot13", "base64", "zlib", "hex", "idna", "no-such-codec"]
CSV = b"student,q1,\\ud800x\ns1,b,c\n"


def url(slug: str, query: str = "") -> str:
    return f"/api/v1/assignments/{slug}/submissions/{query}"


@pytest.mark.parametrize("charset", NOT_TEXT)
def test_a_csv_with_a_codec_that_is_no_text_encoding_is_400(quiz, instructor, charset):
    as_query = instructor.post(url(quiz, f"?encoding={charset}"), CSV, content_type="text/csv")
    as_header = instructor.post(url(quiz), CSV, content_type=f"text/csv; charset={charset}")
    for response in (as_query, as_header):
        assert response.status_code == 400, response.content[:300]
        assert "charset" in response.json()["detail"]
    assert not Submission.objects.exists()


@pytest.mark.parametrize("charset", NOT_TEXT)
def test_a_rubric_with_a_codec_that_is_no_text_encoding_is_400(quiz, instructor, charset):
    body = b"exam: {id: x, title: \\ud800}\nparts: []\n"
    response = instructor.put(
        f"/api/v1/assignments/{quiz}/rubric", body, content_type=f"application/yaml; charset={charset}"
    )
    assert response.status_code == 400, response.content[:300]
    assert RubricVersion.objects.count() == 1


@pytest.mark.parametrize("charset", NOT_TEXT)
def test_json_with_a_codec_that_is_no_text_encoding_is_400(quiz, instructor, charset):
    body = b'{"student": "s1", "answers": {"q1": "b"}}'
    response = instructor.post(url(quiz), body, content_type=f"application/json; charset={charset}")
    assert response.status_code == 400, response.content[:300]
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "charset, text", [("latin-1", "José"), ("cp949", "김철수"), ("utf-16", "이영희"), ("windows-1252", "Zoë")]
)
def test_real_text_encodings_are_read(quiz, instructor, charset, text):
    data = f"student,q1\n{text},b\n".encode(charset)
    assert instructor.post(url(quiz, f"?encoding={charset}"), data, content_type="text/csv").status_code == 202
    assert Submission.objects.get().student == text


def test_an_error_that_holds_a_lone_surrogate_still_renders():
    error = InvalidInput("bad \ud800 text", [{"field": "q\udfff", "reason": "x\ud800"}])
    response = api_exception_handler(error, {})
    body = json.loads(JSONRenderer().render(response.data))
    assert response.status_code == 400
    assert body["detail"] == "bad \ufffd text" and body["errors"] == [{"field": "q\ufffd", "reason": "x\ufffd"}]
