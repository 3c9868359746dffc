"""``manage.py grader_sweep``: resend lost submissions and due webhooks once.

Celery beat runs the same sweep every minute; the embedded mode (no broker)
has no beat, so run this from cron there if webhook retries matter.
"""

from django.core.management.base import BaseCommand

from server.grading.sweep import grading_sweep


class Command(BaseCommand):
    help = "Resend submissions stuck in queued, free rows of dead workers, retry due webhooks."

    def handle(self, *args, **options):
        report = grading_sweep()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in report.items()))
