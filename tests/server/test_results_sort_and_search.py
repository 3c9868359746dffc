"""The results table sorts by any column and finds students by part of their name."""

import pytest


@pytest.fixture
def cohort(quiz, instructor):
    sheet = b"student,q1,q2,q3\nKim Minji,b,True,1.5\nkimberly,c,True,\nLee,b,,1.5\nPark,c,,\n"
    assert instructor.post("/api/v1/assignments/quiz/submissions/", sheet, content_type="text/csv").status_code == 202
    return quiz


def students(instructor, **query) -> list[str]:
    response = instructor.get("/api/v1/assignments/quiz/results/", query)
    assert response.status_code == 200, response.json()
    return [row["student"] for row in response.json()["results"]]


def test_search_finds_students_by_part_of_the_name_in_any_case(cohort, instructor):
    assert students(instructor, search="KIM") == ["Kim Minji", "kimberly"]
    assert students(instructor, search="ee") == ["Lee"]


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("student", ["Kim Minji", "kimberly", "Lee", "Park"]),  # letters, whatever their case
        ("-student", ["Park", "Lee", "kimberly", "Kim Minji"]),
        ("-total", ["Kim Minji", "Lee", "kimberly", "Park"]),
        ("total", ["Park", "kimberly", "Lee", "Kim Minji"]),
        ("-part:q3", ["Kim Minji", "Lee", "kimberly", "Park"]),
        ("submitted", ["Kim Minji", "kimberly", "Lee", "Park"]),
    ],
)
def test_every_column_sorts(cohort, instructor, ordering, expected):
    assert students(instructor, ordering=ordering) == expected


def test_an_unknown_ordering_is_a_clear_400(cohort, instructor):
    response = instructor.get("/api/v1/assignments/quiz/results/", {"ordering": "password"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "ordering"
