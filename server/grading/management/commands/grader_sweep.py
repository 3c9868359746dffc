"""``manage.py grader_sweep``: resend lost submissions and due webhooks once.

Celery beat runs the same sweep every minute, and the embedded mode (no
broker) runs it on each web process's background thread; this runs it by hand.
"""

from django.core.management.base import BaseCommand

from server.grading.sweep import grading_sweep


class Command(BaseCommand):
    help = "Resend submissions stuck in queued, free rows of dead workers, retry due webhooks."

    def handle(self, *args, **options):
        report = grading_sweep()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in report.items()))
