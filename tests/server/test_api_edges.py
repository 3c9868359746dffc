"""Edges of the API: unknown routes answer the error shape, Swagger UI runs under a content policy,
and a taken slug says nothing about whose it is."""

from __future__ import annotations

import json

import pytest
from svc_support import QUIZ_YAML

from server.grading.models import Assignment


@pytest.mark.parametrize(
    "path", ["/api/v1/nope/", "/api/v1/assignments/quiz/nope/", "/api/v2/", "/api/v1/submissions/not-a-uuid/"]
)
def test_an_unknown_api_route_answers_the_json_error_shape(instructor, path):
    response = instructor.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["code"] == "not_found" and body["detail"] and body["errors"] == []


def test_an_unknown_page_stays_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_swagger_ui_runs_only_the_sites_own_scripts(anon):
    page = anon.get("/api/docs/")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]
    html = page.content.decode()
    assert "<script>" not in html and "?script=" in html  # the start-up script is a file
    script = anon.get("/api/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def test_a_taken_slug_tells_a_stranger_nothing_its_owner_would_not_hear(quiz, instructor, stranger):
    Assignment.objects.filter(slug=quiz).update(title="Secret midterm of instructor")
    body = {"slug": quiz, "title": "", "rubric": QUIZ_YAML}
    theirs = stranger.post("/api/v1/assignments/", body, format="json")
    mine = instructor.post("/api/v1/assignments/", body, format="json")
    assert theirs.status_code == mine.status_code == 409
    assert theirs.json() == mine.json()
    text = theirs.content.decode()
    assert "Secret midterm" not in text and "instructor" not in text and quiz not in text
    assert stranger.get(f"/api/v1/assignments/{quiz}/").status_code == 404
