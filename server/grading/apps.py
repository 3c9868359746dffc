from django.apps import AppConfig


class GradingConfig(AppConfig):
    name = "server.grading"
    label = "grading"
    verbose_name = "Grading"
