"""manage.py createtoken, seed_demo and grader_sweep."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from svc_support import QUIZ_PATH

from server.grading import permissions
from server.grading.models import Assignment, Membership, RubricVersion

REPO = Path(__file__).resolve().parents[2]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_createtoken_prints_a_working_token(db, client):
    key = run("createtoken", "ada", "--role", "instructor")
    assert Token.objects.get(key=key).user.username == "ada"
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.json() == {"username": "ada", "role": "instructor"}


def test_createtoken_is_stable_and_changes_roles_only_when_asked(db):
    key = run("createtoken", "bob", "--role", "student")
    assert run("createtoken", "bob") == key
    from django.contrib.auth import get_user_model

    bob = get_user_model().objects.get(username="bob")
    assert permissions.global_role(bob) == "student"
    run("createtoken", "bob", "--role", "instructor")
    bob = get_user_model().objects.get(username="bob")
    assert permissions.global_role(bob) == "instructor"


def test_a_new_user_without_a_role_is_an_instructor(db):
    run("createtoken", "carol")
    from django.contrib.auth import get_user_model

    assert permissions.global_role(get_user_model().objects.get(username="carol")) == "instructor"


def test_createtoken_enrolls_in_assignments(quiz):
    run("createtoken", "dan", "--role", "student", "--assignment", quiz, "--student-ref", "20241234")
    membership = Membership.objects.get(user__username="dan")
    assert membership.role == "student" and membership.student_ref == "20241234"
    with pytest.raises(CommandError):
        run("createtoken", "dan", "--assignment", "nope")


def test_seed_demo_loads_what_is_there_and_skips_the_rest(db, tmp_path):
    shutil.copy(QUIZ_PATH, tmp_path / "dl-quiz.yaml")
    (tmp_path / "cs231n-midterm.yaml").write_text("format: 1\nexam: {id: x}\n")
    out = run("seed_demo", "--rubrics", str(tmp_path))
    assert "loaded dl-quiz.yaml" in out
    assert "skip cs231n-midterm.yaml: rubric is invalid" in out
    assert "skip tum-i2dl-ss20-endterm.yaml: not found" in out
    key = out.split("token: ")[1].split()[0]
    assert Token.objects.get(key=key).user.username == "demo"
    assert list(Assignment.objects.values_list("slug", flat=True)) == ["dl-quiz"]
    again = run("seed_demo", "--rubrics", str(tmp_path))
    assert "unchanged dl-quiz" in again and RubricVersion.objects.count() == 1


@pytest.mark.slow
def test_seed_demo_loads_the_real_seed_rubrics(db):
    out = run("seed_demo")
    present = [p.stem for p in sorted((REPO / "rubrics").glob("*.yaml"))]
    for slug in present:
        assert f"as assignment {slug}" in out or f"skip {slug}.yaml" in out


def test_grader_sweep_reports_what_it_did(db):
    assert run("grader_sweep") == "resent=0 released=0 quarantined=0 batches=0 webhooks=0 retrains=0"
