"""What the OpenAPI document says beyond the views' own annotations: how to authenticate, and 401.

Loaded by drf-spectacular (SPECTACULAR_SETTINGS in server/settings/base.py): the extension
class registers itself when this module is imported, and ``document_401`` is a postprocessing
hook. The session login the API also accepts is left out of the document: no client of this API
uses a cookie, and Swagger UI listed it first.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

TOKEN_HELP = (
    "Your API token (`manage.py createtoken USERNAME`). The header is `Authorization: Token <key>`: "
    "type `Token ` and then the key in Swagger UI's Authorize dialog. A bare key there is accepted too."
)


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "server.grading.throttling.ThrottledTokenAuthentication"
    name = "tokenAuth"
    priority = 1  # before drf-spectacular's own scheme for DRF's TokenAuthentication

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": TOKEN_HELP}


def document_401(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Every operation that needs a token answers 401 without one (or with a refused one)."""
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or not any(operation.get("security") or []):
                continue
            operation.setdefault("responses", {}).setdefault(
                "401",
                {
                    "description": "no token, or one the server does not accept",
                    "content": {"application/json": {"schema": error}},
                },
            )
    return result
