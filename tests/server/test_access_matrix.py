"""Every route against every persona: not visible is 404, visible but not allowed is 403.

``student`` owns one submission, ``other_student`` another (entered by the instructor).
"""

import pytest

OWN, OTHERS = "{student}", "{other_student}"

# (method, path, body, {persona: status})
ROUTES = [
    (
        "get",
        "/api/v1/assignments/quiz/submissions/",
        None,
        {"instructor": 200, "student": 200, "other_student": 200, "stranger": 404, "anon": 401},
    ),
    (
        "get",
        f"/api/v1/submissions/{OWN}/",
        None,
        {"instructor": 200, "student": 200, "other_student": 404, "stranger": 404, "anon": 401},
    ),
    (
        "get",
        f"/api/v1/submissions/{OTHERS}/",
        None,
        {"instructor": 200, "student": 404, "other_student": 200, "stranger": 404, "anon": 401},
    ),
    (
        "get",
        f"/api/v1/submissions/{OWN}/overrides/",
        None,
        {"instructor": 200, "student": 403, "other_student": 404, "stranger": 404, "anon": 401},
    ),
    (
        "post",
        f"/api/v1/submissions/{OWN}/parts/q1/override",
        {"points": 1, "reason": "r"},
        {"student": 403, "other_student": 404, "stranger": 404, "anon": 401, "instructor": 200},
    ),
    (
        "get",
        "/api/v1/assignments/quiz/results/",
        None,
        {"instructor": 200, "student": 403, "stranger": 404, "anon": 401},
    ),
    (
        "get",
        "/api/v1/assignments/quiz/review/",
        None,
        {"instructor": 200, "student": 403, "stranger": 404, "anon": 401},
    ),
    (
        "get",
        "/api/v1/assignments/quiz/overrides/",
        None,
        {"instructor": 200, "student": 403, "stranger": 404, "anon": 401},
    ),
    (
        "get",
        "/api/v1/assignments/quiz/export.csv",
        None,
        {"instructor": 200, "student": 403, "stranger": 404, "anon": 401},
    ),
    ("get", "/api/v1/assignments/quiz/stats/", None, {"instructor": 200, "student": 403, "stranger": 404, "anon": 401}),
    ("post", "/api/v1/assignments/quiz/regrade", {}, {"student": 403, "stranger": 404, "anon": 401, "instructor": 202}),
    (
        "post",
        "/api/v1/assignments/quiz/parts/q1/retrain",
        {},
        {"student": 403, "other_student": 403, "stranger": 404, "anon": 401, "instructor": 202},
    ),
    (
        "get",
        "/api/v1/assignments/quiz/webhooks/",
        None,
        {"instructor": 200, "student": 403, "stranger": 404, "anon": 401},
    ),
    (
        "post",
        "/api/v1/assignments/quiz/webhooks/",
        {"url": "http://127.0.0.1:9/hook"},
        {"student": 403, "stranger": 404, "anon": 401, "instructor": 201},
    ),
    (
        "get",
        "/api/v1/assignments/quiz/members/",
        None,
        {"instructor": 200, "student": 403, "stranger": 404, "anon": 401},
    ),
    (
        "post",
        "/api/v1/assignments/quiz/members/",
        {"username": "student", "role": "student"},
        {"student": 403, "stranger": 404, "instructor": 200},
    ),
    ("get", "/api/v1/assignments/quiz/rubric", None, {"instructor": 200, "student": 403, "stranger": 404, "anon": 401}),
    ("get", "/api/v1/me/", None, {"instructor": 200, "student": 200, "stranger": 200, "anon": 401}),
]
CASES = [(m, p, b, who, code) for m, p, b, expected in ROUTES for who, code in expected.items()]


@pytest.mark.parametrize(
    "method, path, body, persona, expected", CASES, ids=[f"{c[0]} {c[1]} as {c[3]}" for c in CASES]
)
def test_route_answers_each_persona(request, graded, method, path, body, persona, expected):
    client = request.getfixturevalue(persona)
    target = path.format(**graded)
    response = (
        getattr(client, method)(target, body, format="json") if body is not None else getattr(client, method)(target)
    )
    assert response.status_code == expected, (response.status_code, response.content[:300])


def test_lists_never_leak_other_students_submissions(graded, student, other_student):
    own = student.get("/api/v1/submissions/").json()["results"]
    assert [s["id"] for s in own] == [graded["student"]]
    theirs = other_student.get("/api/v1/assignments/quiz/submissions/").json()["results"]
    assert [s["id"] for s in theirs] == [graded["other_student"]]


def test_a_student_cannot_write_a_score(graded, student):
    response = student.post(
        f"/api/v1/submissions/{graded['student']}/parts/q1/override", {"points": 2, "reason": "me"}, format="json"
    )
    assert response.status_code == 403
    assert student.get(f"/api/v1/submissions/{graded['student']}/").json()["parts"]["q1"]["points"] == 2
    patch = student.patch(f"/api/v1/submissions/{graded['student']}/", {"total": 100}, format="json")
    assert patch.status_code == 405


def test_batches_are_for_their_assignments_instructors(quiz, instructor, student, stranger):
    batch = instructor.post(
        "/api/v1/assignments/quiz/submissions/", [{"student": "s1", "answers": {}}], format="json"
    ).json()["batch"]
    assert instructor.get(f"/api/v1/batches/{batch}/").status_code == 200
    assert student.get(f"/api/v1/batches/{batch}/").status_code == 404
    assert stranger.get(f"/api/v1/batches/{batch}/").status_code == 404


def test_webhooks_are_for_their_assignments_instructors(quiz, instructor, student, stranger):
    hook = instructor.post("/api/v1/assignments/quiz/webhooks/", {"url": "http://127.0.0.1:9/h"}, format="json").json()[
        "id"
    ]
    for client, code in ((instructor, 200), (student, 404), (stranger, 404)):
        assert client.get(f"/api/v1/webhooks/{hook}/").status_code == code
        assert client.get(f"/api/v1/webhooks/{hook}/deliveries/").status_code == code
    assert stranger.delete(f"/api/v1/webhooks/{hook}/").status_code == 404
    assert instructor.delete(f"/api/v1/webhooks/{hook}/").status_code == 204
