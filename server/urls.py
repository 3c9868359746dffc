from django.urls import include, path
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

# JSON unless YAML is asked for (Accept: application/yaml or ?format=yaml).
SCHEMA_VIEW = {
    "permission_classes": [AllowAny],
    "authentication_classes": [],
    "renderer_classes": [OpenApiJsonRenderer, OpenApiJsonRenderer2, OpenApiYamlRenderer, OpenApiYamlRenderer2],
}

urlpatterns = [
    path("api/v1/schema/", SpectacularAPIView.as_view(**SCHEMA_VIEW), name="schema"),
    path("api/v1/", include("server.grading.urls")),
    path(
        "api/docs/", SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[AllowAny]), name="swagger-ui"
    ),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema", permission_classes=[AllowAny]), name="redoc"),
    path("", include("frontend.urls")),
]
