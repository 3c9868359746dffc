"""Who may do what.

A user's global role (the ``instructor`` or ``student`` group, set by
``manage.py createtoken --role``) says whether they may create assignments or
enroll themselves; their role in an assignment (a Membership) says what they
see there. Users with no role in an assignment get 404 for it, members
without the instructor role get 403 on instructor routes.
"""

from __future__ import annotations

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


def membership_of(user, assignment: Assignment) -> Membership | None:
    return Membership.objects.filter(user=user, assignment=assignment).first()


def assignment_role(user, assignment: Assignment, membership: Membership | None = None) -> str | None:
    """The user's role here: their membership's, or student for an open assignment."""
    membership = membership or membership_of(user, assignment)
    if membership is not None:
        return membership.role
    if assignment.open_enrollment and global_role(user) == Role.STUDENT:
        return Role.STUDENT.value
    return None


def student_ref(user, membership: Membership | None) -> str:
    return (membership.student_ref if membership else "") or user.get_username()


def require_instructor(role: str | None) -> None:
    if role != Role.INSTRUCTOR:
        raise Forbidden("only the assignment's instructors may do this")


def require_global_instructor(user) -> None:
    if global_role(user) != Role.INSTRUCTOR:
        raise Forbidden("only instructors may create assignments")
