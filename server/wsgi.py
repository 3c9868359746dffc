import os

from django.core.wsgi import get_wsgi_application

from grader import load_checkers

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings.base")
application = get_wsgi_application()

# Every checker kind is imported as the worker starts, not inside the first request whose rubric
# names it: the learned checks bring scikit-learn and SciPy (~2 s and ~100 MB to import).
load_checkers()

# Embedded mode (no broker): this process runs the sweep and the webhook deliveries on a background thread.
from server.grading.sweep import embedded_sweeper_start  # noqa: E402  (needs Django set up)

embedded_sweeper_start()
