"""The page views only render shells: every page answers GET with the security headers, nothing else."""

from __future__ import annotations

import pytest

PAGES = [
    "/",
    "/signin/",
    "/student/",
    "/instructor/",
    "/instructor/assignments/quiz/",
    "/instructor/assignments/quiz/results/",
    "/instructor/assignments/quiz/review/",
    "/instructor/batches/6f1c2a4e-0d3b-4c5e-9a7f-1b2c3d4e5f60/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_utf8_html_that_runs_only_its_own_scripts(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert '<meta charset="utf-8">' in html
    assert "<script>" not in html  # no inline script: the policy would block it anyway


def test_a_slug_in_the_address_is_escaped_into_the_page(client):
    response = client.get("/instructor/assignments/a-b_c/")
    assert 'data-slug="a-b_c"' in response.content.decode()


@pytest.mark.parametrize("path", ["/student/", "/signin/"])
def test_pages_refuse_writes(client, path):
    assert client.post(path, {"token": "x"}).status_code == 405
