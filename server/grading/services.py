"""Every write the API makes. Views call these; the worker side is in grading.py and its neighbours.

A submission is stored ``queued`` in one transaction and, on commit, its id
is sent to a task (``grading.grade_submissions``) that claims, grades and
stores it (see claims.py for why a duplicate delivery grades it once).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from rest_framework.authtoken.models import Token

from server.grading import grading, permissions, uploads
from server.grading.errors import Conflict, Forbidden, IdempotencyMismatch, InvalidInput, NotFound, TooManySubmissions
from server.grading.models import (
    Assignment,
    Batch,
    BatchKind,
    Membership,
    PartResult,
    RetrainJob,
    RetrainStatus,
    Role,
    RubricVersion,
    ScoreOverride,
    Status,
    Submission,
    Webhook,
)
from server.grading.permissions import Access
from server.grading.results import set_totals
from server.grading.retraining import retrain_on_commit
from server.grading.rubrics import rubric_parse, rubric_sha256, rubric_summary, version_learning_parts
from server.grading.webhooks import url_error, webhook_events_create

log = logging.getLogger(__name__)


def request_hash(payload: Any) -> str:
    """Fingerprint of a request body, to tell a retry from a different request under the same key."""
    if isinstance(payload, bytes):
        return hashlib.sha256(payload).hexdigest()
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- accounts -------------------------------------------------------------------


def user_token_create(*, username: str, role: str | None) -> str:
    """Create the user if needed, set the role if given, return their API token (for createtoken)."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if role or created:
        permissions.user_set_global_role(user, role or Role.INSTRUCTOR)
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def membership_add(*, access: Access, username: str, member_role: str, student_ref: str) -> Membership:
    """An instructor enrolls a student or adds a co-instructor."""
    from django.contrib.auth import get_user_model

    access.require_instructor()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise InvalidInput("no such user", [{"field": "username", "reason": "unknown user"}])
    return membership_set(assignment=access.assignment, user=user, role=member_role, student_ref=student_ref)


def membership_set(*, assignment: Assignment, user, role: str, student_ref: str = "") -> Membership:
    membership, _ = Membership.objects.update_or_create(
        assignment=assignment, user=user, defaults={"role": role, "student_ref": student_ref}
    )
    return membership


# --- assignments and rubric versions ---------------------------------------------


def _rubric_version_add(*, assignment: Assignment, text: str, user, rubric) -> RubricVersion:
    number = (assignment.rubric_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = RubricVersion.objects.create(
        assignment=assignment,
        number=number,
        source=text,
        sha256=rubric_sha256(text),
        uploaded_by=user,
        **rubric_summary(rubric),
    )
    Assignment.objects.filter(pk=assignment.pk).update(current_rubric=version)
    assignment.current_rubric = version
    return version


def assignment_create(
    *,
    user,
    slug: str,
    title: str,
    rubric_text: str,
    open_enrollment: bool = True,
    max_submissions_per_student: int | None = None,
) -> Assignment:
    permissions.require_global_instructor(user)
    rubric = rubric_parse(text=rubric_text, filename=f"{slug}.yaml")  # validated before anything is stored
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                slug=slug,
                title=title or rubric.exam.title,
                open_enrollment=open_enrollment,
                max_submissions_per_student=max_submissions_per_student,
                created_by=user,
            )
            Membership.objects.create(assignment=assignment, user=user, role=Role.INSTRUCTOR)
            _rubric_version_add(assignment=assignment, text=rubric_text, user=user, rubric=rubric)
    except IntegrityError:
        # Slugs are one namespace: say only that this one is taken, the same to its owner and to anyone else.
        raise Conflict(
            "this slug is not available; choose another", [{"field": "slug", "reason": "not available"}]
        ) from None
    return assignment


def assignment_update(*, access: Access, **fields: Any) -> Assignment:
    access.require_instructor()
    assignment = access.assignment
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.save(update_fields=list(fields))
    return assignment


def rubric_version_create(*, access: Access, text: str) -> RubricVersion:
    """Every upload is a new immutable version and becomes the current one (regrade is a separate step)."""
    access.require_instructor()
    assignment = access.assignment
    rubric = rubric_parse(text=text, filename=f"{assignment.slug}.yaml")
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)  # version numbers in order
        version = _rubric_version_add(assignment=locked, text=text, user=access.user, rubric=rubric)
    assignment.current_rubric = version
    return version


# --- submissions ------------------------------------------------------------------


def _submitting_student(*, access: Access, student: Any) -> str:
    if access.instructor:
        if student in (None, ""):
            raise InvalidInput("student is required", [{"field": "student", "reason": "required"}])
        clean, reason = uploads.clean_student(student)
        if reason:
            raise InvalidInput(f"student {reason}", [{"field": "student", "reason": reason}])
        return clean
    if student not in (None, "") and student != access.student_ref:
        raise Forbidden("students submit only as themselves")
    return access.student_ref


def _replay(model, *, access: Access, key: str | None, fingerprint: str):
    """The earlier object stored under this Idempotency-Key, if any.

    A key is scoped to (user, route, assignment): single submissions and
    batches are separate tables, and the same key on another assignment is
    another request.
    """
    if not key:
        return None
    owner = "submitted_by" if model is Submission else "created_by"
    earlier = model.objects.filter(
        **{owner: access.user, "assignment": access.assignment, "idempotency_key": key}
    ).first()
    if earlier is not None and earlier.request_hash != fingerprint:
        raise IdempotencyMismatch("this Idempotency-Key was used for a different request")
    return earlier


def _enroll_and_cap(*, access: Access, student: str) -> None:
    """A student is enrolled by submitting; past the assignment's cap is 429.

    The count is serialized per student by locking their membership row.
    """
    assignment = access.assignment
    membership = access.membership
    if membership is None:
        membership, _ = Membership.objects.get_or_create(
            assignment=assignment, user=access.user, defaults={"role": Role.STUDENT, "student_ref": student}
        )
    cap = assignment.max_submissions_per_student
    if cap is None:
        return
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if Submission.objects.filter(assignment=assignment, student=student).count() >= cap:
        raise TooManySubmissions(f"at most {cap} submissions per student for this assignment")


def submission_create(
    *,
    access: Access,
    student: Any,
    answers: Any,
    external_id: Any = "",
    idempotency_key: str | None = None,
) -> tuple[Submission, bool]:
    """Store one submission as queued and send it for grading on commit. Returns (submission, replayed)."""
    assignment, user = access.assignment, access.user
    student = _submitting_student(access=access, student=student)
    fingerprint = request_hash({"student": student, "answers": answers, "id": external_id})
    earlier = _replay(Submission, access=access, key=idempotency_key, fingerprint=fingerprint)
    if earlier is not None:
        return earlier, True
    row = uploads.Row(1, student, answers, external_id)
    clean = uploads.clean_row(row, assignment.current_rubric.part_ids)
    if clean is None:
        raise InvalidInput("the submission is invalid", row.errors)
    try:
        with transaction.atomic():
            if not access.instructor:
                _enroll_and_cap(access=access, student=student)
            submission = Submission.objects.create(
                assignment=assignment,
                student=clean.student,
                answers=clean.answers,
                external_id=clean.external_id,
                submitted_by=user,
                idempotency_key=idempotency_key or None,
                request_hash=fingerprint,
            )
            grading.enqueue_on_commit([submission.pk])
    except IntegrityError:  # the same key raced in from a second request: that one won
        earlier = _replay(Submission, access=access, key=idempotency_key, fingerprint=fingerprint)
        if earlier is None:
            raise
        return earlier, True
    return submission, False


def batch_create(
    *,
    access: Access,
    kind: str,
    payload: Any,
    charset: str | None = None,
    idempotency_key: str | None = None,
) -> tuple[Batch, bool]:
    """A bulk upload, accepted whole or rejected with every row's errors (BatchRejected)."""
    access.require_instructor()
    assignment, user = access.assignment, access.user
    fingerprint = request_hash(payload)
    earlier = _replay(Batch, access=access, key=idempotency_key, fingerprint=fingerprint)
    if earlier is not None:
        return earlier, True
    part_ids = assignment.current_rubric.part_ids
    rows = _upload_rows(kind, payload, charset, part_ids)
    clean = uploads.clean_rows(rows, part_ids)
    try:
        with transaction.atomic():
            batch = Batch.objects.create(
                assignment=assignment,
                kind=kind,
                size=len(clean),
                created_by=user,
                idempotency_key=idempotency_key or None,
                request_hash=fingerprint,
            )
            now = timezone.now()
            submissions = [
                Submission(
                    assignment=assignment,
                    batch=batch,
                    batch_row=number,
                    student=row.student,
                    answers=row.answers,
                    external_id=row.external_id,
                    submitted_by=user,
                    created_at=now,
                    queued_at=now,
                )
                for number, row in enumerate(clean, start=1)
            ]
            Submission.objects.bulk_create(submissions, batch_size=1000)
            grading.batch_enqueue_on_commit(batch)
    except IntegrityError:
        earlier = _replay(Batch, access=access, key=idempotency_key, fingerprint=fingerprint)
        if earlier is None:
            raise
        return earlier, True
    return batch, False


def _upload_rows(kind: str, payload: Any, charset: str | None, part_ids: Sequence[str]) -> list[uploads.Row]:
    if kind == BatchKind.JSON:
        return uploads.rows_from_json(payload)
    if kind == BatchKind.CSV:
        return uploads.rows_from_csv(payload, charset, part_ids)
    return uploads.rows_from_zip(payload)


# --- instructors: overrides and regrades --------------------------------------------


def part_override(
    *, access: Access, submission: Submission, part_id: str, points: Decimal | None, reason: str
) -> PartResult:
    """Set a part's score by hand (``points=None`` returns it to the machine's). Audited."""
    access.require_instructor()
    user = access.user
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("assignment__current_rubric", "rubric_version")
            .get(pk=submission.pk)
        )  # same lock order as grading
        part = PartResult.objects.filter(submission=locked, part_id=part_id).first()
        if part is None and part_id not in locked.assignment.current_rubric.part_ids:
            raise NotFound(f"the rubric has no part {part_id!r}")
        if part is None:
            raise Conflict(f"part {part_id!r} has no result yet (status {locked.status})")
        new = part.machine_points if points is None else points
        if not (0 <= new <= part.max_points):
            raise InvalidInput(
                "points out of range",
                [{"field": "points", "reason": f"must be within [0, {part.max_points.normalize()}]"}],
            )
        ScoreOverride.objects.create(
            submission=locked,
            part_id=part_id,
            old_points=part.points,
            new_points=new,
            reason=reason,
            rubric_version_id=locked.rubric_version_id,  # the version whose learned checks this answer trains
            cleared=points is None,
            created_by=user,
        )
        part.points = new
        part.overridden = points is not None
        part.override_reason = reason if points is not None else ""
        part.override_stale = False
        part.save(update_fields=["points", "overridden", "override_reason", "override_stale", "updated_at"])
        parts = list(locked.parts.all())
        set_totals(locked, parts)
        locked.save(update_fields=["total", "max_points", "needs_review", "updated_at"])
        webhook_events_create([(locked, parts, "override")])
        version = locked.rubric_version
        if (
            settings.GRADING["RETRAIN_ON_OVERRIDE"]
            and version is not None
            and version.pk == locked.assignment.current_rubric_id
            and part_id in version_learning_parts(version.pk, version.sha256)
        ):
            _retrain_job(assignment=locked.assignment, version=version, part_id=part_id, user=user, trigger="override")
    return part


def _retrain_job(*, assignment: Assignment, version: RubricVersion, part_id: str, user, trigger: str) -> RetrainJob:
    """A job for this part, sent on commit; joins one that is queued and not yet started (it will read
    every override committed before it starts: starting waits for this row lock)."""
    pending = (
        RetrainJob.objects.select_for_update()
        .filter(rubric_version=version, part_id=part_id, status=RetrainStatus.QUEUED)
        .order_by("created_at")
        .first()
    )
    if pending is not None:
        return pending
    job = RetrainJob.objects.create(
        assignment=assignment, rubric_version=version, part_id=part_id, created_by=user, trigger=trigger
    )
    retrain_on_commit(job.pk)
    return job


def part_retrain(*, access: Access, part_id: str) -> RetrainJob:
    """Relearn a part of the current rubric version from the overrides, then regrade it where not overridden."""
    access.require_instructor()
    assignment = access.assignment
    version = assignment.current_rubric
    if part_id not in version.part_ids:
        raise NotFound(f"the rubric has no part {part_id!r}")
    with transaction.atomic():
        return _retrain_job(
            assignment=assignment, version=version, part_id=part_id, user=access.user, trigger="request"
        )


def assignment_regrade(*, access: Access, everything: bool = False) -> Batch:
    """Queue graded and failed submissions again against the current rubric version."""
    access.require_instructor()
    assignment = access.assignment
    version = assignment.current_rubric
    with transaction.atomic():
        batch = Batch.objects.create(
            assignment=assignment, kind=BatchKind.REGRADE, size=0, rubric_version=version, created_by=access.user
        )
        rows = Submission.objects.filter(assignment=assignment, status__in=[Status.GRADED, Status.FAILED])
        if not everything:
            rows = rows.filter(Q(rubric_version__isnull=True) | ~Q(rubric_version=version))
        batch.size = rows.update(
            status=Status.QUEUED,
            regrade_batch=batch,
            attempts=0,
            claim_token="",
            queued_at=timezone.now(),
            failure_reason="",
        )
        batch.save(update_fields=["size"])
        grading.batch_enqueue_on_commit(batch)
    return batch


# --- webhooks -------------------------------------------------------------------------


def webhook_create(*, access: Access, url: str, secret: str = "") -> Webhook:
    """At most ``WEBHOOK_MAX_PER_ASSIGNMENT`` per assignment: each one multiplies every grading's deliveries."""
    access.require_instructor()
    reason = url_error(url)
    if reason:
        raise InvalidInput("webhook URL not accepted", [{"field": "url", "reason": reason}])
    cap = settings.WEBHOOKS["MAX_PER_ASSIGNMENT"]
    with transaction.atomic():
        Assignment.objects.select_for_update().filter(pk=access.assignment.pk).first()  # one creation at a time
        if Webhook.objects.filter(assignment=access.assignment).count() >= cap:
            raise InvalidInput(
                "too many webhooks", [{"field": "url", "reason": f"at most {cap} webhooks per assignment"}]
            )
        return Webhook.objects.create(
            assignment=access.assignment,
            url=url,
            secret=secret or uuid.uuid4().hex + uuid.uuid4().hex,
            created_by=access.user,
        )


def webhook_delete(*, access: Access, webhook: Webhook) -> None:
    access.require_instructor()
    webhook.delete()
