"""Celery app: ``celery -A server worker`` and ``celery -A server beat``.

Configuration lives in Django settings under the ``CELERY_`` prefix (see
server/settings/base.py), so the web process and the workers agree; the
tasks are defined beside the logic they run and listed in ``CELERY_IMPORTS``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings.base")

app = Celery("server")
app.config_from_object("django.conf:settings", namespace="CELERY")
