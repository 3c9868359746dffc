from django.apps import AppConfig


class FrontendConfig(AppConfig):
    """The web pages: server-rendered shells whose scripts talk to /api/v1/ with the user's token."""

    name = "frontend"
    label = "frontend"
    verbose_name = "handgrade web pages"
