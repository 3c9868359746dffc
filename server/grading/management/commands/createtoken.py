"""``manage.py createtoken USERNAME [--role instructor|student] [--assignment SLUG ...]``: print a token.

Creates the user when needed (no password: tokens only). A new user without
``--role`` becomes an instructor; an existing user keeps their role unless
``--role`` is given. ``--assignment`` also enrolls the user there with that role.
"""

from django.core.management.base import BaseCommand, CommandError

from server.grading import permissions, services
from server.grading.models import Assignment, Role


class Command(BaseCommand):
    help = "Create (if needed) a user with a role and print their API token."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=[r.value for r in Role], default=None)
        parser.add_argument(
            "--assignment", action="append", default=[], metavar="SLUG", help="enroll in this assignment"
        )
        parser.add_argument("--student-ref", default="", help="the student reference their submissions carry")

    def handle(self, *args, username, role, assignment, student_ref, **options):
        if not username.strip() or len(username) > 150:
            raise CommandError("USERNAME must be 1-150 characters")
        key = services.user_token_create(username=username, role=role)
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username=username)
        for slug in assignment:
            target = Assignment.objects.filter(slug=slug).first()
            if target is None:
                raise CommandError(f"no assignment {slug!r}")
            member_role = role or permissions.global_role(user) or Role.STUDENT
            services.membership_set(assignment=target, user=user, role=member_role, student_ref=student_ref)
        self.stdout.write(key)
