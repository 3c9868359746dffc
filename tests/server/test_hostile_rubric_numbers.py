"""Hostile numbers in a rubric are a 400 with line and field, nothing stored; SQLite and PostgreSQL agree.

Before, a quoted ``"1e3000000"`` burned a web worker until gunicorn killed it,
``!!int abc``, ``!!float .inf`` and a 4,301-digit integer answered 500, and
``max: 1000000`` overflowed PostgreSQL's numeric column (500) where SQLite
stored it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from svc_support import QUIZ_YAML

from server.grading.models import Assignment, RubricVersion, Submission

REPO = Path(__file__).resolve().parents[2]
MAX_LINE = "    max: 2\n"  # part q1
HOSTILE = {
    "quoted 1e3000000": 'max: "1e3000000"',
    "quoted 1e1000000": 'max: "1e1000000"',
    "!!int abc": "max: !!int abc",
    "!!float .inf": "max: !!float .inf",
    "4,301-digit integer": "max: " + "1" * 4301,
    "past the numeric column": "max: 1000000",
    "1e400": "max: 1e400",
}


def hostile(name: str) -> str:
    return QUIZ_YAML.replace(MAX_LINE, f"    {HOSTILE[name]}\n", 1).replace("  total: 8\n", "")


def max_line() -> int:
    return hostile("1e400").splitlines().index("    max: 1e400") + 1


def create(client, rubric: str, slug: str = "hw1"):
    return client.post("/api/v1/assignments/", {"slug": slug, "title": "", "rubric": rubric}, format="json")


@pytest.mark.timeout(120)  # a hang guard: one of these once held a web worker until it was killed
@pytest.mark.parametrize("name", HOSTILE)
def test_creating_an_assignment_with_a_hostile_number_is_a_400_at_its_line(instructor, name):
    response = create(instructor, hostile(name))
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "rubric_invalid"
    [error] = body["errors"]
    assert error["line"] == max_line() and len(error["reason"]) < 300
    assert not Assignment.objects.exists() and not RubricVersion.objects.exists()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", HOSTILE)
def test_a_new_rubric_version_with_a_hostile_number_is_a_400_and_stores_nothing(quiz, instructor, name):
    as_json = instructor.put(f"/api/v1/assignments/{quiz}/rubric", {"rubric": hostile(name)}, format="json")
    as_yaml = instructor.put(
        f"/api/v1/assignments/{quiz}/rubric", hostile(name).encode(), content_type="application/yaml"
    )
    assert as_json.status_code == as_yaml.status_code == 400
    assert as_yaml.json()["errors"][0]["line"] == max_line()
    assert RubricVersion.objects.count() == 1
    assert Assignment.objects.get(slug=quiz).current_rubric.number == 1


def test_the_largest_scores_the_ranges_allow_fit_the_database(instructor):
    from grader.rubric.numbers import MAX_PART_POINTS, MAX_PARTS

    parts = "".join(
        f"  - id: p{n}\n    max: {MAX_PART_POINTS}\n    items:\n"
        f"      - {{id: k, points: {MAX_PART_POINTS}, check: {{type: choice, options: [a, b], correct: [a]}}}}\n"
        for n in range(MAX_PARTS)
    )
    rubric = "exam: {id: big, title: Big}\nparts:\n" + parts
    assert create(instructor, rubric, slug="big").status_code == 201
    answers = {f"p{n}": "a" for n in range(MAX_PARTS)}
    response = instructor.post("/api/v1/assignments/big/submissions/", {"student": "s1", "answers": answers}, "json")
    assert response.status_code == 202
    submission = Submission.objects.get()
    assert submission.status == "graded" and submission.total == MAX_PARTS * MAX_PART_POINTS


EMBEDDED = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "server.settings.base"
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from rest_framework.test import APIClient
from server.grading import services
client = APIClient()
client.credentials(HTTP_AUTHORIZATION="Token " + services.user_token_create(username="prof", role="instructor"))
out = []
for n, rubric in enumerate(json.load(sys.stdin)):
    r = client.post("/api/v1/assignments/", {"slug": f"a{n}", "title": "", "rubric": rubric}, format="json")
    out.append([r.status_code, [e.get("line") for e in r.json().get("errors", [])]])
print(json.dumps(out))
"""


@pytest.mark.timeout(300)
def test_embedded_sqlite_validates_the_same_as_postgresql(instructor, tmp_path, settings):
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        pytest.skip("this run's API tests are on SQLite already; the comparison needs PostgreSQL")
    rubrics = [hostile(name) for name in HOSTILE]
    here = []
    for n, rubric in enumerate(rubrics):
        response = create(instructor, rubric, slug=f"a{n}")
        here.append([response.status_code, [e.get("line") for e in response.json().get("errors", [])]])
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    embedded = subprocess.run(
        [sys.executable, "-c", EMBEDDED],
        input=json.dumps(rubrics),
        cwd=REPO,
        env={**env, "HANDGRADE_VAR_DIR": str(tmp_path), "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "testserver"},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert embedded.returncode == 0, embedded.stderr[-2000:]
    assert json.loads(embedded.stdout.strip().splitlines()[-1]) == here
    assert all(status == 400 for status, _ in here)
