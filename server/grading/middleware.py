"""Refuse oversize bodies before anything reads them.

Django caps form fields, but neither Django nor DRF caps a JSON or raw body
read through the stream, nor a multipart file. One check of Content-Length
here covers every route; the parsers read at most the same number of bytes
in case a client lies.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse

from server.grading.errors import error_body


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return JsonResponse(error_body("invalid Content-Length", "invalid"), status=400)
        if length > settings.MAX_REQUEST_BYTES:
            detail = f"request body is {length} bytes; the limit is {settings.MAX_REQUEST_BYTES}"
            return JsonResponse(error_body(detail, "too_large"), status=413)
        return self.get_response(request)
