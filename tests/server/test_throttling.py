"""DRF throttles: per token, per IP address for failed tokens and for callers without one; 429 with Retry-After.

Before, 300 bad-token requests went through in 0.8 s and one token stored 150
submissions in 2 s. Rates come from THROTTLE_* in the environment (README).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.grading.models import Submission

REPO = Path(__file__).resolve().parents[2]
BAD = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def rates(settings):
    def _set(**changes):
        settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, **changes}

    return _set


def submit(client, n: int):
    return client.post("/api/v1/assignments/quiz/submissions/", {"answers": {"q3": str(n)}}, format="json")


def assert_throttled(response):
    assert response.status_code == 429, response.content[:300]
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["code"] == "throttled"


def test_submissions_past_the_rate_are_429_and_not_stored(quiz, student, rates):
    rates(submissions="3/min")
    assert [submit(student, n).status_code for n in range(3)] == [202, 202, 202]
    assert_throttled(submit(student, 3))
    assert Submission.objects.count() == 3
    assert student.get("/api/v1/assignments/quiz/").status_code == 200  # reading is another rate


def test_one_tokens_rate_leaves_another_token_alone(quiz, student, other_student, rates):
    rates(submissions="2/min")
    for n in range(2):
        submit(student, n)
    assert_throttled(submit(student, 2))
    assert submit(other_student, 0).status_code == 202


def test_every_request_with_a_token_counts_against_the_token_rate(instructor, rates):
    rates(token="5/min")
    codes = [instructor.get("/api/v1/assignments/").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_failed_tokens_lock_out_their_address_even_for_a_good_token(quiz, anon, tokens, rates):
    rates(auth_failures="3/min")
    guesses = [anon.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {BAD}").status_code for _ in range(3)]
    assert guesses == [401, 401, 401]
    assert_throttled(anon.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {BAD}"))
    assert_throttled(anon.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {tokens['student']}"))
    elsewhere = anon.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {tokens['student']}", REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 200


def test_a_forged_forwarded_for_header_does_not_buy_more_guesses(anon, rates):
    rates(auth_failures="2/min")
    for n in range(2):
        anon.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {BAD}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert_throttled(anon.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {BAD}", HTTP_X_FORWARDED_FOR="203.0.113.7"))


def test_callers_without_a_token_are_counted_per_address(anon, rates):
    rates(address="2/min")
    assert [anon.get("/api/v1/schema/").status_code for _ in range(2)] == [200, 200]
    assert_throttled(anon.get("/api/v1/schema/"))
    assert anon.get("/api/v1/schema/", REMOTE_ADDR="10.0.0.8").status_code == 200


def test_health_checks_are_never_throttled(anon, rates):
    rates(address="1/min")
    assert {anon.get("/api/v1/health/").status_code for _ in range(3)} == {200}


def settings_in_a_fresh_process(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.THROTTLE_RATES)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("THROTTLE_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "server.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_rates_come_from_the_environment():
    result = settings_in_a_fresh_process({"THROTTLE_SUBMISSIONS": "7/min", "THROTTLE_ADDRESS": "off"})
    assert result.returncode == 0, result.stderr
    assert "'submissions': '7/min'" in result.stdout and "'address': None" in result.stdout
    broken = settings_in_a_fresh_process({"THROTTLE_TOKEN": "lots"})
    assert broken.returncode != 0 and "THROTTLE_TOKEN must look like 120/min" in broken.stderr
