"""The contract end to end in process: create, submit, read the CLI-shaped result."""

from svc_support import FULL_ANSWERS


def test_an_instructor_creates_an_assignment_and_a_student_gets_graded(quiz, student):
    response = student.post(f"/api/v1/assignments/{quiz}/submissions/", {"answers": FULL_ANSWERS}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert set(body) >= {"id", "status"}

    result = student.get(f"/api/v1/submissions/{body['id']}/").json()
    assert result["status"] == "graded"
    assert result["total"] == 6 and result["max"] == 8
    assert result["parts"]["q5"]["status"] == "needs_review"
