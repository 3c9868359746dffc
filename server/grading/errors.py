"""Domain errors and the one handler that turns every error into a JSON 4xx.

Every error body has the same shape: ``{"detail": str, "code": str, "errors": [...]}``
where each entry of ``errors`` names what was wrong (``field``, and ``line``
or ``row`` when there is one) and why (``reason``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from rest_framework import exceptions as drf
from rest_framework.response import Response

log = logging.getLogger(__name__)
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class InvalidInput(DomainError):
    pass


class RubricInvalid(InvalidInput):
    code = "rubric_invalid"


class BatchRejected(InvalidInput):
    code = "batch_rejected"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "too_large"


class IdempotencyMismatch(DomainError):
    status_code = 422
    code = "idempotency_key_reused"


class TooManySubmissions(DomainError):
    status_code = 429
    code = "too_many_submissions"


def error_body(detail: str, code: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return renderable({"detail": detail, "code": code, "errors": errors or []})


def renderable(value: Any) -> Any:
    """``value`` with every lone surrogate replaced by U+FFFD: an error may echo what it refuses,
    and a lone surrogate cannot be encoded as UTF-8, so rendering it would turn a 400 into a 500."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {renderable(k): renderable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [renderable(v) for v in value]
    return value


def flatten_validation(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """DRF's nested {field: [messages]} as a flat list of {field, reason}."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            out += flatten_validation(value, f"{prefix}.{name}" if prefix and name else prefix or name)
        return out
    if isinstance(detail, list):
        if all(not isinstance(d, (dict, list)) for d in detail):
            return [{"field": prefix, "reason": str(d)} for d in detail]
        out = []
        for i, item in enumerate(detail):
            out += flatten_validation(item, f"{prefix}[{i}]")
        return out
    return [{"field": prefix, "reason": str(detail)}]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.detail, exc.code, exc.errors), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body(str(exc), "too_large"), status=413)
    if isinstance(exc, SuspiciousOperation):  # too many fields or files in a multipart body
        return Response(error_body(str(exc) or "malformed request", "invalid"), status=400)
    from rest_framework.views import exception_handler as drf_exception_handler  # imports the parsers: not at load

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf.ValidationError):
        response.data = error_body("invalid input", "invalid", flatten_validation(exc.detail))
    elif isinstance(exc, drf.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        response.data = error_body(str(detail), exc.get_codes() if isinstance(exc.get_codes(), str) else "error")
    else:
        response.data = renderable(response.data)
    return response
