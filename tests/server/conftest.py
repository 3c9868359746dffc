"""API tests: Django is configured here, not in pyproject, so the engine tests never load it.

Personas: ``instructor`` teaches the quiz; ``student`` and ``other_student``
take it; ``stranger`` is an instructor of nothing here; ``anon`` has no token.
Requests run their on-commit callbacks, so grading (in process in the test
settings) has happened when the response arrives.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings.test")

import django

django.setup()

import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))

from svc_support import FULL_ANSWERS, QUIZ_YAML, client_with_token  # noqa: E402

from server.grading import services  # noqa: E402


@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch):
    """Tasks run where they are sent, as the test settings say, even after an integration test in this
    process pointed Celery at Redis for the rest of the session (pytest-django runs transactional tests,
    theirs and some of these, last)."""
    from server.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Request rates are counted in the cache; each test starts from zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def tokens(db) -> dict[str, str]:
    return {
        "instructor": services.user_token_create(username="instructor", role="instructor"),
        "student": services.user_token_create(username="student", role="student"),
        "other_student": services.user_token_create(username="other_student", role="student"),
        "stranger": services.user_token_create(username="stranger", role="instructor"),
    }


@pytest.fixture
def instructor(tokens):
    return client_with_token(tokens["instructor"])


@pytest.fixture
def student(tokens):
    return client_with_token(tokens["student"])


@pytest.fixture
def other_student(tokens):
    return client_with_token(tokens["other_student"])


@pytest.fixture
def stranger(tokens):
    return client_with_token(tokens["stranger"])


@pytest.fixture
def anon(db):
    return client_with_token(None)


@pytest.fixture
def quiz(instructor) -> str:
    """The slug of an assignment with the mini quiz rubric, created through the API."""
    response = instructor.post(
        "/api/v1/assignments/", {"slug": "quiz", "title": "Quiz", "rubric": QUIZ_YAML}, format="json"
    )
    assert response.status_code == 201, response.json()
    return "quiz"


@pytest.fixture
def graded(quiz, instructor, student) -> dict:
    """One submission by the student, one entered by the instructor for other_student; both graded."""
    own = student.post(f"/api/v1/assignments/{quiz}/submissions/", {"answers": FULL_ANSWERS}, format="json")
    other = instructor.post(
        f"/api/v1/assignments/{quiz}/submissions/", {"student": "other_student", "answers": {"q1": "c"}}, format="json"
    )
    assert own.status_code == other.status_code == 202
    return {"student": own.json()["id"], "other_student": other.json()["id"]}
