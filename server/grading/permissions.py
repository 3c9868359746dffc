"""Who may do what.

A user's global role (the ``instructor`` or ``student`` group, set by
``manage.py createtoken --role``) says whether they may create assignments or
enroll themselves; their role in an assignment (a Membership) says what they
see there. Users with no role in an assignment get 404 for it, members
without the instructor role get 403 on instructor routes.

A request builds one :class:`Access` for its assignment (one membership
read), before the body is read; views refuse what the role may not do before
parsing anything, and services check the same object again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group

from server.grading.errors import Forbidden
from server.grading.models import Assignment, Membership, Role


def global_role(user) -> str | None:
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_handgrade_role", False)
    if cached is not False:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    role = Role.INSTRUCTOR.value if Role.INSTRUCTOR in names or user.is_superuser else None
    role = role or (Role.STUDENT.value if Role.STUDENT in names else None)
    user._handgrade_role = role
    return role


def user_set_global_role(user, role: str) -> None:
    for name in (Role.INSTRUCTOR, Role.STUDENT):
        group, _ = Group.objects.get_or_create(name=name)
        if name == role:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    user._handgrade_role = role


def require_global_instructor(user) -> None:
    if global_role(user) != Role.INSTRUCTOR:
        raise Forbidden("only instructors may create assignments")


@dataclass(frozen=True)
class Access:
    """The caller's role in one assignment, and their membership there (None: not enrolled yet)."""

    user: Any
    assignment: Assignment
    role: str
    membership: Membership | None = None

    @property
    def instructor(self) -> bool:
        return self.role == Role.INSTRUCTOR

    def require_instructor(self) -> None:
        if not self.instructor:
            raise Forbidden("only the assignment's instructors may do this")

    @property
    def student_ref(self) -> str:
        """What the caller's own submissions carry as ``student``."""
        return (self.membership.student_ref if self.membership else "") or self.user.get_username()

    def sees_submission_of(self, student: str) -> bool:
        return self.instructor or student == self.student_ref


def access_for(user, assignment: Assignment) -> Access | None:
    """The user's access to ``assignment`` (one membership read), or None when they have no role there.

    A member has their membership's role; a user with the global student role
    is a student of an assignment with open enrollment.
    """
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user=user, assignment=assignment).first()
    if membership is not None:
        return Access(user, assignment, membership.role, membership)
    if assignment.open_enrollment and global_role(user) == Role.STUDENT:
        return Access(user, assignment, Role.STUDENT.value)
    return None


def roles_in(user, assignments: list[Assignment]) -> dict[int, str | None]:
    """The user's role in each of ``assignments`` (one query), for lists."""
    roles: dict[int, str | None] = dict(
        Membership.objects.filter(user=user, assignment__in=assignments).values_list("assignment_id", "role")
    )
    student = global_role(user) == Role.STUDENT
    for a in assignments:
        if a.pk not in roles:
            roles[a.pk] = Role.STUDENT.value if student and a.open_enrollment else None
    return roles
