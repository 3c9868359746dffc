"""Page shells only: each view renders a template; the page's script reads and writes through /api/v1/.

No grading logic and no data here: the pages authenticate to the API with the
user's token (kept in the tab's sessionStorage), so every permission check
stays in the API. The headers below keep injected script from running and the
pages from being framed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def page(template: str) -> Callable[..., HttpResponse]:
    """A GET view rendering ``frontend/<template>`` with the URL's parameters as context."""

    @require_safe
    def view(request: HttpRequest, **url_params: object) -> HttpResponse:
        response = render(request, f"frontend/{template}", url_params)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response["Referrer-Policy"] = "same-origin"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    view.__name__ = template.removesuffix(".html").replace("-", "_")
    return view


home = page("home.html")
signin = page("signin.html")
student = page("student.html")
instructor_assignments = page("instructor-assignments.html")
instructor_assignment = page("instructor-assignment.html")
instructor_results = page("instructor-results.html")
instructor_review = page("instructor-review.html")
instructor_batch = page("instructor-batch.html")
