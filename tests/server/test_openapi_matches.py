"""The OpenAPI document says what the API does: the token scheme (with its prefix explained), pages of
lists as they come ({count, next, previous, results}), and 401 for every route that needs a token.
schemathesis checks real responses against it: lists with a token, and every route without one."""

import json

import pytest
from test_schema import wsgi_keeps_the_test_connection  # noqa: F401  (a fixture)

LISTS = [
    "/api/v1/assignments/",
    "/api/v1/submissions/",
    "/api/v1/assignments/{slug}/submissions/",
    "/api/v1/assignments/{slug}/results/",
    "/api/v1/assignments/{slug}/review/",
    "/api/v1/assignments/{slug}/overrides/",
    "/api/v1/assignments/{slug}/rubric/versions/",
    "/api/v1/webhooks/{webhook_id}/deliveries/",
    "/api/v1/assignments/{slug}/members/",
    "/api/v1/assignments/{slug}/webhooks/",
    "/api/v1/submissions/{submission_id}/overrides/",
    "/api/v1/batches/{batch_id}/changes/",
]
PUBLIC = {"/api/v1/health/", "/api/v1/schema/"}


@pytest.fixture
def doc(anon) -> dict:
    return json.loads(anon.get("/api/v1/schema/").content)


def resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_the_only_scheme_is_the_token_and_its_prefix_is_explained(doc):
    schemes = doc["components"]["securitySchemes"]
    assert list(schemes) == ["tokenAuth"]  # no session cookie scheme that no client of this API uses
    assert "Token " in schemes["tokenAuth"]["description"]
    assert "bare key" in schemes["tokenAuth"]["description"]


def test_a_bare_key_where_the_authorize_dialog_puts_it_is_accepted(tokens, anon):
    response = anon.get("/api/v1/me/", HTTP_AUTHORIZATION=tokens["student"])
    assert response.status_code == 200 and response.json()["username"] == "student"
    assert anon.get("/api/v1/me/", HTTP_AUTHORIZATION="not-a-key").status_code == 401


def test_lists_are_documented_as_the_pages_they_return(doc):
    for path in LISTS:
        [path_key] = [p for p in doc["paths"] if p == path] or [None]
        assert path_key, path
        page = resolve(doc, doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"])
        assert set(page["properties"]) == {"count", "next", "previous", "results"}, path
        assert page["properties"]["results"]["type"] == "array", path


def test_every_route_that_needs_a_token_documents_401(doc):
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if path in PUBLIC or method not in ("get", "post", "put", "patch", "delete"):
                continue
            assert "401" in operation["responses"], (method, path)


@pytest.mark.slow
def test_real_responses_match_the_document(graded, tokens, settings, wsgi_keeps_the_test_connection):  # noqa: F811
    import schemathesis
    from schemathesis.checks import response_schema_conformance, status_code_conformance

    from server.wsgi import application

    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    known = {
        "slug": "quiz",
        "submission_id": graded["student"],
        "batch_id": "6f1c2a4e-0d3b-4c5e-9a7f-1b2c3d4e5f60",
        "webhook_id": 1,
    }
    token = {"Authorization": f"Token {tokens['instructor']}"}
    checks = [status_code_conformance, response_schema_conformance]
    for path in [p for p in LISTS if "batch_id" not in p and "webhook_id" not in p]:
        operation = schema[path]["GET"]
        params = {k: v for k, v in known.items() if "{" + k + "}" in path}
        case = operation.Case(path_parameters=params, headers=token, query={"page_size": 1})
        case.call_and_validate(checks=checks)  # the page, as documented
    checked = 0
    for path, methods in schema.items():
        if path in PUBLIC:
            continue
        for method, operation in methods.items():
            params = {k: v for k, v in known.items() if "{" + k + "}" in path}
            params |= {"part_id": "q1"} if "{part_id}" in path else {}
            params |= {"job_id": known["batch_id"]} if "{job_id}" in path else {}
            case = operation.Case(path_parameters=params)
            response = case.call()
            assert response.status_code == 401, (method, path, response.status_code)
            case.validate_response(response, checks=checks)  # 401 is documented, with the error shape
            checked += 1
    assert checked > 20
