"""A CSV with a wrong header and wrong rows reports both in one answer, and stores nothing."""

from svc_support import stored


def post_csv(client, data: bytes):
    return client.post("/api/v1/assignments/quiz/submissions/", data, content_type="text/csv")


def test_an_unknown_column_does_not_hide_the_rows_errors(quiz, instructor):
    before = stored()
    data = b"student,q1,q9\ns1,b,x\n,b,x\ns1,b,x\ns3,b\n"
    response = post_csv(instructor, data)
    assert response.status_code == 400
    errors = {(e["row"], e["field"]) for e in response.json()["errors"]}
    assert (1, "q9") in errors  # the header
    assert (3, "student") in errors  # an empty student
    assert (4, "student") in errors  # the same student twice
    assert (5, "") in errors  # a short row
    assert stored() == before


def test_a_missing_student_column_is_reported_beside_the_rows_errors(quiz, instructor):
    data = b"name,q1\ns1,b\ns2,b,extra\n"
    response = post_csv(instructor, data)
    assert response.status_code == 400
    errors = {(e["row"], e["field"]) for e in response.json()["errors"]}
    assert (1, "student") in errors
    assert (3, "") in errors
    assert not [e for e in response.json()["errors"] if e["row"] == 2]  # no noise about a student per row
