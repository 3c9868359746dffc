"""The OpenAPI 3 document and Swagger UI; schemathesis fuzzes the submission route against the schema."""

import json

import pytest


def test_the_schema_is_openapi_3_json_by_default(anon):
    response = anon.get("/api/v1/schema/")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in (
        "/api/v1/assignments/",
        "/api/v1/assignments/{slug}/rubric",
        "/api/v1/assignments/{slug}/submissions/",
        "/api/v1/submissions/{submission_id}/",
        "/api/v1/batches/{batch_id}/",
    ):
        assert path in paths, path
    assert "Idempotency-Key" in json.dumps(paths["/api/v1/assignments/{slug}/submissions/"]["post"])


def test_the_schema_in_yaml_on_request(anon):
    response = anon.get("/api/v1/schema/", HTTP_ACCEPT="application/yaml")
    assert response.status_code == 200 and response.content.startswith(b"openapi: 3")


def test_swagger_ui_is_served(anon):
    response = anon.get("/api/docs/")
    assert response.status_code == 200 and b"swagger" in response.content.lower()


def test_health_needs_no_token(anon):
    assert anon.get("/api/v1/health/").json() == {"status": "ok"}


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """As Django's test client does: requests must not close the test's connection (and its transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


FUZZED = [
    ("/api/v1/assignments/{slug}/submissions/", "POST", 40),
    ("/api/v1/assignments/", "POST", 25),
    ("/api/v1/assignments/{slug}/rubric", "PUT", 25),
    ("/api/v1/assignments/{slug}/", "PATCH", 20),
    ("/api/v1/assignments/{slug}/results/", "GET", 25),
    ("/api/v1/submissions/{submission_id}/parts/{part_id}/override", "POST", 25),
    ("/api/v1/assignments/{slug}/webhooks/", "POST", 20),
    ("/api/v1/assignments/{slug}/members/", "POST", 15),
]


@pytest.mark.slow
@pytest.mark.parametrize("path, method, examples", FUZZED, ids=[f"{m} {p}" for p, m, _ in FUZZED])
def test_fuzzed_requests_never_get_a_500(
    graded, tokens, settings, wsgi_keeps_the_test_connection, path, method, examples
):
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    from server.wsgi import application

    settings.DEBUG_PROPAGATE_EXCEPTIONS = True  # a server error fails with its traceback
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    operation = schema[path][method]
    known = {"slug": "quiz", "submission_id": graded["student"], "part_id": "q1"}
    fixed = {
        "path_parameters": {k: v for k, v in known.items() if "{" + k + "}" in path},
        "headers": {"Authorization": f"Token {tokens['instructor']}"},
    }
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, **fixed), operation.as_strategy(GenerationMode.NEGATIVE, **fixed)
    )

    @hypothesis_settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=cases)
    def fuzz(case):
        response = case.call()
        assert response.status_code < 500, (case.media_type, case.body, case.query, response.text[:300])

    fuzz()
