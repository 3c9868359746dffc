"""What the service stores. The database is the source of truth; queues carry ids only.

Points are exact decimals (the engine's fractions are halves and quarters).
Rubric versions and score overrides are append-only: a change is a new row.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

POINTS = {"max_digits": 10, "decimal_places": 4}


class Role(models.TextChoices):
    INSTRUCTOR = "instructor"
    STUDENT = "student"


class Assignment(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    # Open: any user with the student role may submit as themselves (enrolled on first submission).
    open_enrollment = models.BooleanField(default=True)
    # Caps a student's own submissions (stops bisecting a numeric key by resubmitting).
    max_submissions_per_student = models.PositiveIntegerField(null=True, blank=True)
    current_rubric = models.ForeignKey(
        "RubricVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    """A user's role in one assignment. Students' submissions carry their ``student_ref``."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    student_ref = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["assignment", "user"], name="one_membership_per_user"),)


class ImmutableError(RuntimeError):
    pass


class RubricVersion(models.Model):
    """One uploaded rubric file, validated and compiled; never changed once stored."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="rubric_versions")
    number = models.PositiveIntegerField()
    source = models.TextField()
    sha256 = models.CharField(max_length=64)
    compiled = models.JSONField()  # the validated, normalized rubric (every default filled in)
    exam_id = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    max_points = models.DecimalField(**POINTS)
    parts = models.JSONField()  # [{"id", "title", "prompt", "max", "form"}] in rubric order (form: grader.answer_form)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = (
            "assignment",
            "number",
        )
        constraints = (models.UniqueConstraint(fields=["assignment", "number"], name="rubric_version_number"),)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("rubric versions are immutable: upload a new one")
        super().save(*args, **kwargs)

    @property
    def part_ids(self) -> list[str]:
        return [p["id"] for p in self.parts]


class BatchKind(models.TextChoices):
    JSON = "json"
    CSV = "csv"
    ZIP = "zip"
    REGRADE = "regrade"


class Batch(models.Model):
    """A bulk upload (or a regrade): accepted whole, progress counted from its submissions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="batches")
    kind = models.CharField(max_length=16, choices=BatchKind.choices)
    size = models.PositiveIntegerField()
    rubric_version = models.ForeignKey(RubricVersion, null=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    # When a task last took a chunk of this batch: the sweep resends a batch whose tasks stopped coming.
    drained_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            # A key is scoped to (user, route, assignment): batches are the bulk route.
            models.UniqueConstraint(
                fields=["created_by", "assignment", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="batch_idempotency_key_per_assignment",
            ),
        )


class Status(models.TextChoices):
    QUEUED = "queued"
    GRADING = "grading"
    GRADED = "graded"
    FAILED = "failed"


class Submission(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions")
    regrade_batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.SET_NULL, related_name="regraded")
    batch_row = models.PositiveIntegerField(null=True, blank=True)  # upload order within its batch
    student = models.CharField(max_length=200)
    external_id = models.CharField(max_length=200, blank=True)  # the caller's own id, echoed back
    answers = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    rubric_version = models.ForeignKey(RubricVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    # Claiming: a task sets status=grading with its token; a redelivered copy of that task may reclaim.
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_token = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    result_changed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    total = models.DecimalField(null=True, blank=True, **POINTS)
    max_points = models.DecimalField(null=True, blank=True, **POINTS)
    needs_review = models.BooleanField(default=False)
    unknown_parts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("created_at", "batch_row", "id")
        indexes = (
            models.Index(fields=["assignment", "status"], name="submission_assignment_status"),
            models.Index(fields=["status", "queued_at"], name="submission_status_queued"),
            models.Index(fields=["assignment", "student", "created_at"], name="submission_student"),
            # A batch's next chunk, in upload order (an upload's own rows, or the rows a regrade sent back).
            models.Index(fields=["batch", "status", "batch_row"], name="submission_batch_next"),
            models.Index(fields=["regrade_batch", "status"], name="submission_regrade_next"),
        )
        constraints = (
            # A key is scoped to (user, route, assignment): only single submissions carry one.
            models.UniqueConstraint(
                fields=["submitted_by", "assignment", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="submission_idempotency_key_per_assignment",
            ),
        )


class PartStatus(models.TextChoices):
    GRADED = "graded"
    NEEDS_REVIEW = "needs_review"
    BLANK = "blank"


class PartResult(models.Model):
    """The engine's result for one part; ``points`` is a human override when there is one."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="parts")
    part_id = models.CharField(max_length=32)
    position = models.PositiveSmallIntegerField()
    machine_points = models.DecimalField(**POINTS)
    points = models.DecimalField(**POINTS)
    max_points = models.DecimalField(**POINTS)
    status = models.CharField(max_length=16, choices=PartStatus.choices)
    feedback = models.JSONField(default=list)
    matched = models.JSONField(default=list)
    confidence = models.FloatField(default=1.0)
    review_reasons = models.JSONField(default=list)
    overridden = models.BooleanField(default=False)
    # why a person set the score (the latest override's reason; "" when not overridden): the student reads it
    override_reason = models.TextField(blank=True, default="")
    # Flagged for the instructor: a regrade changed the machine's result under a human override (the
    # override stands), or set aside an override the new rubric version no longer fits (not overridden).
    override_stale = models.BooleanField(default=False)
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = (
            "submission",
            "position",
        )
        constraints = (models.UniqueConstraint(fields=["submission", "part_id"], name="one_result_per_part"),)
        indexes = (models.Index(fields=["status", "overridden"], name="part_review"),)


class PointsChange(models.Model):
    """A part whose points a regrade changed: what the instructor reads after "Regrade" (old -> new).

    ``old_points`` is null for a part the new rubric adds, ``new_points`` for one it drops.
    """

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="points_changes")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    part_id = models.CharField(max_length=32)
    old_points = models.DecimalField(null=True, **POINTS)
    new_points = models.DecimalField(null=True, **POINTS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("batch", "id")


class ScoreOverride(models.Model):
    """Audit trail of human score changes: who, when, old, new, why. Append-only.

    Also training data: the latest override per (rubric version, part,
    normalized answer) is a graded example for that version's learned
    checkers (``cleared``: the part went back to the machine's score, so the
    human's label is withdrawn). ``rubric_version`` is the version the
    submission was graded with when the human decided.

    ``set_aside`` rows are the service's own (``created_by`` is null): a new
    rubric version no longer fit the override (the part's max fell below it,
    or the part was removed), so the machine's points stand again. They name
    no rubric version, so they teach no learned checker.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="overrides")
    part_id = models.CharField(max_length=32)
    old_points = models.DecimalField(**POINTS)
    new_points = models.DecimalField(**POINTS)
    reason = models.TextField()
    rubric_version = models.ForeignKey(RubricVersion, null=True, on_delete=models.PROTECT, related_name="+")
    cleared = models.BooleanField(default=False)
    set_aside = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = (
            "created_at",
            "id",
        )
        # The compiled-rubric watermark (count and latest id per version) is an index-only scan of this.
        indexes = (models.Index(fields=["rubric_version", "id"], name="override_watermark"),)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("score overrides are an audit trail: add a new one")
        super().save(*args, **kwargs)


class RetrainStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class RetrainJob(models.Model):
    """One part of one rubric version relearned from the overrides, then regraded where it is not overridden.

    The worker walks the version's graded submissions in id order and keeps
    its place in ``cursor`` (committed with each chunk's results), so a
    redelivered or resent task resumes instead of starting over.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="retrains")
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="+")
    part_id = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=RetrainStatus.choices, default=RetrainStatus.QUEUED)
    trigger = models.CharField(max_length=16, default="request")  # request | override
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    examples = models.PositiveIntegerField(default=0)  # override examples the part learned from
    watermark = models.CharField(max_length=64, blank=True)  # of the overrides used (see rubrics.py)
    cursor = models.UUIDField(null=True, blank=True)  # the last submission examined
    examined = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)  # results rewritten (points, feedback or confidence)
    rescored = models.PositiveIntegerField(default=0)  # of those, parts whose points changed
    failure_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("created_at",)
        indexes = (models.Index(fields=["rubric_version", "part_id", "status"], name="retrain_pending"),)


class Webhook(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=128)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(models.Model):
    """One event for one webhook, written in the grading transaction (an outbox), sent after."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    submission = models.ForeignKey(Submission, null=True, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=64)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at",)
        indexes = (models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),)
