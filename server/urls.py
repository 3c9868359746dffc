from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from server.grading.errors import error_body

# JSON unless YAML is asked for (Accept: application/yaml or ?format=yaml).
SCHEMA_VIEW = {
    "permission_classes": [AllowAny],
    "authentication_classes": [],
    "renderer_classes": [OpenApiJsonRenderer, OpenApiJsonRenderer2, OpenApiYamlRenderer, OpenApiYamlRenderer2],
}

# Swagger UI runs only the site's own scripts: the split view serves its start-up script as a file
# (?script=) instead of inline. Swagger UI sets style attributes, hence inline styles.
SWAGGER_UI_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


class SwaggerUiView(SpectacularSwaggerSplitView):
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = SWAGGER_UI_POLICY
        response["X-Content-Type-Options"] = "nosniff"
        return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get the API's error shape for a route that does not exist; browsers get the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(f"no such route: {request.path[:200]}", "not_found"), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("internal error", "server_error"), status=500)
    return defaults.server_error(request)


handler404 = not_found
handler500 = server_error

urlpatterns = [
    path("api/v1/schema/", SpectacularAPIView.as_view(**SCHEMA_VIEW), name="schema"),
    path("api/v1/", include("server.grading.urls")),
    path("api/docs/", SwaggerUiView.as_view(url_name="schema", permission_classes=[AllowAny]), name="swagger-ui"),
    path("", include("frontend.urls")),
]
