"""The web service: REST API over the grading engine, with Celery workers.

Importing the Celery app here makes ``celery -A server worker`` find it and
lets ``@shared_task`` bind to it in the web process too.
"""

from server.celery import app as celery_app

__all__ = ("celery_app",)
