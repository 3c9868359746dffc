import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings.base")
application = get_wsgi_application()

# Embedded mode (no broker): this process runs the sweep and the webhook deliveries on a background thread.
from server.grading.sweep import embedded_sweeper_start  # noqa: E402  (needs Django set up)

embedded_sweeper_start()
