"""``manage.py seed_demo``: the seed rubrics in rubrics/ as assignments, and a demo instructor token.

Safe to run again: an unchanged rubric file changes nothing, an edited one
becomes a new rubric version (regrade through the API to apply it). Missing or invalid files are skipped with a note.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from server.grading import permissions, services
from server.grading.errors import DomainError
from server.grading.models import Assignment, Role
from server.grading.rubrics import rubric_sha256

SEED_RUBRICS = ("tum-i2dl-ss20-endterm.yaml", "dl-quiz.yaml", "cs231n-midterm.yaml", "dl-homework1.yaml")


class Command(BaseCommand):
    help = "Load the seed rubrics as assignments and print a demo instructor token."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")
        parser.add_argument("--rubrics", default=str(Path(settings.BASE_DIR) / "rubrics"))

    def handle(self, *args, username, rubrics, **options):
        token = services.user_token_create(username=username, role=Role.INSTRUCTOR)
        user = get_user_model().objects.get(username=username)
        for name in SEED_RUBRICS:
            self._load(Path(rubrics) / name, user)
        self.stdout.write(f"demo instructor: {username}")
        self.stdout.write(f"token: {token}")
        self.stdout.write(f'try: curl -H "Authorization: Token {token}" http://127.0.0.1:8000/api/v1/assignments/')

    def _load(self, path: Path, user) -> None:
        if not path.is_file():
            self.stdout.write(f"skip {path.name}: not found")
            return
        slug = path.stem
        text = path.read_text(encoding="utf-8")
        try:
            assignment = Assignment.objects.filter(slug=slug).first()
            if assignment is None:
                services.assignment_create(user=user, slug=slug, title="", rubric_text=text)
                self.stdout.write(f"loaded {path.name} as assignment {slug}")
                return
            if assignment.current_rubric and assignment.current_rubric.sha256 == rubric_sha256(text):
                self.stdout.write(f"unchanged {slug}")
                return
            services.membership_set(assignment=assignment, user=user, role=Role.INSTRUCTOR)
            access = permissions.access_for(user, assignment)
            version = services.rubric_version_create(access=access, text=text)
            self.stdout.write(f"updated {slug} to rubric version {version.number}")
        except DomainError as exc:
            reasons = "; ".join(f"line {e.get('line')}: {e.get('path')}: {e.get('reason')}" for e in exc.errors[:5])
            self.stdout.write(f"skip {path.name}: {exc.detail}: {reasons}")
