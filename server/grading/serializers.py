"""Input checks (shape and types) and output shapes. No domain logic lives here.

Output serializers declare their fields for the OpenAPI schema; the result
shapes themselves come from server/grading/formats.py so that REST,
webhooks and exports agree.
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from server.grading import formats
from server.grading.models import PartStatus, RetrainStatus, Role, Status

RUBRIC_MAX_CHARS = 2_000_000
ORDERING = r"^-?(?:student|total|status|submitted|part:[A-Za-z0-9][A-Za-z0-9._-]{0,31})$"


class PointsField(serializers.FloatField):
    """Read-only points (a Decimal on the model) as JSON: an int when whole, else a float."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Decimal) -> int | float | None:
        return formats.points_json(value)


# --- input ---------------------------------------------------------------------------


class AssignmentCreateIn(serializers.Serializer):
    slug = serializers.SlugField(max_length=64)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    rubric = serializers.CharField(max_length=RUBRIC_MAX_CHARS, trim_whitespace=False)
    open_enrollment = serializers.BooleanField(required=False, default=True)
    max_submissions_per_student = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=100_000, default=None
    )


class AssignmentUpdateIn(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    open_enrollment = serializers.BooleanField(required=False)
    max_submissions_per_student = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=100_000
    )


class RubricIn(serializers.Serializer):
    rubric = serializers.CharField(max_length=RUBRIC_MAX_CHARS, trim_whitespace=False)


class SubmissionIn(serializers.Serializer):
    student = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    answers = serializers.DictField(child=serializers.JSONField(), allow_empty=True)
    id = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError({"non_field_errors": [f"unknown fields {sorted(unknown)}"]})
        return super().to_internal_value(data)


class OverrideIn(serializers.Serializer):
    points = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True, min_value=Decimal(0))
    reason = serializers.CharField(max_length=2000)

    def validate_points(self, value: Decimal | None) -> Decimal | None:
        if value is not None and (value * 4) % 1:
            raise serializers.ValidationError("points come in steps of 0.25")
        return value


class RegradeIn(serializers.Serializer):
    all = serializers.BooleanField(required=False, default=False, help_text="regrade every graded submission")


class WebhookIn(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    secret = serializers.CharField(min_length=16, max_length=128, required=False, allow_blank=True, default="")


class MemberIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)
    student_ref = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ResultsQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    student = serializers.CharField(max_length=200, required=False)
    needs_review = serializers.BooleanField(required=False, allow_null=True, default=None)
    latest = serializers.BooleanField(required=False, default=False)
    batch = serializers.UUIDField(required=False)
    min_total = serializers.DecimalField(max_digits=10, decimal_places=4, required=False)
    max_total = serializers.DecimalField(max_digits=10, decimal_places=4, required=False)
    part = serializers.CharField(max_length=32, required=False)
    part_status = serializers.ChoiceField(choices=PartStatus.choices, required=False)
    search = serializers.CharField(max_length=200, required=False, help_text="part of the student's name, any case")
    ordering = serializers.RegexField(
        ORDERING,
        required=False,
        help_text="student, total, status, submitted or part:PART_ID; a leading '-' sorts descending",
        error_messages={"invalid": "one of student, total, status, submitted, part:PART_ID, each with an optional -"},
    )


class ReviewQuery(serializers.Serializer):
    part = serializers.CharField(max_length=32, required=False)


class LatestQuery(serializers.Serializer):
    latest = serializers.BooleanField(required=False, default=True)


# --- output ------------------------------------------------------------------------


class PartOut(serializers.Serializer):
    """Students see points, max, status, feedback and ``overridden``; the rest is for instructors."""

    points = serializers.FloatField()
    max = serializers.FloatField()
    status = serializers.ChoiceField(
        choices=PartStatus.choices, help_text="needs_review: a person will check this part; its points may change"
    )
    feedback = serializers.ListField(child=serializers.CharField())
    overridden = serializers.BooleanField(required=False, help_text="a person set this score")
    override_reason = serializers.CharField(
        required=False, help_text="with overridden: why the person set this score (who did is in the audit trail)"
    )
    matched = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="instructors only: rubric items matched, with evidence"
    )
    review_reasons = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="instructors only: why a person reviews this part"
    )
    machine_points = serializers.FloatField(required=False, help_text="instructors only")
    confidence = serializers.FloatField(required=False, help_text="instructors only")
    override_stale = serializers.BooleanField(
        required=False, help_text="instructors only: the rubric or the machine's result changed under an override"
    )


class SubmissionResultOut(serializers.Serializer):
    """The CLI's result object for one submission, plus the service's fields."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Status.choices)
    total = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    parts = serializers.DictField(child=PartOut())
    student = serializers.CharField()
    external_id = serializers.CharField()
    needs_review = serializers.BooleanField()
    submitted_at = serializers.DateTimeField()
    graded_at = serializers.DateTimeField(allow_null=True)
    rubric_version = serializers.IntegerField(allow_null=True)
    assignment = serializers.CharField()
    unknown_parts = serializers.ListField(child=serializers.CharField(), required=False)
    failure_reason = serializers.CharField(required=False)
    answers = serializers.DictField(required=False, help_text="instructors only")
    attempts = serializers.IntegerField(required=False, help_text="instructors only")

    def to_representation(self, submission):
        detail = submission.assignment_id in self.context.get("teaching", ())
        out = formats.result_json(submission, list(submission.parts.all()), detail=detail)
        out["assignment"] = submission.assignment.slug
        out["rubric_version"] = submission.rubric_version.number if submission.rubric_version_id else None
        if detail:
            out["answers"] = submission.answers
            out["attempts"] = submission.attempts
        return out


class SubmissionAcceptedOut(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    student = serializers.CharField()


class BatchSubmissionOut(serializers.Serializer):
    id = serializers.UUIDField()
    student = serializers.CharField()


class BatchAcceptedOut(serializers.Serializer):
    batch = serializers.UUIDField()
    size = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField(), help_text="empty: a batch is accepted whole")
    submissions = BatchSubmissionOut(many=True)


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.ListField(
        child=serializers.DictField(), help_text="entries name field, line or row, and reason"
    )


class RubricVersionOut(serializers.Serializer):
    number = serializers.IntegerField()
    sha256 = serializers.CharField()
    exam_id = serializers.CharField()
    title = serializers.CharField()
    max = PointsField(source="max_points")
    parts = serializers.ListField(child=serializers.DictField())
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    uploaded_at = serializers.DateTimeField()


class RubricVersionSourceOut(RubricVersionOut):
    source = serializers.CharField()


class AssignmentOut(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    open_enrollment = serializers.BooleanField()
    max_submissions_per_student = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    role = serializers.SerializerMethodField()
    max = PointsField(source="current_rubric.max_points", allow_null=True)
    parts = serializers.SerializerMethodField()
    rubric_version = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_role(self, assignment):
        return self.context.get("roles", {}).get(assignment.pk)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_parts(self, assignment):
        return assignment.current_rubric.parts if assignment.current_rubric else []

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_rubric_version(self, assignment):
        return assignment.current_rubric.number if assignment.current_rubric else None


class BatchOut(serializers.Serializer):
    id = serializers.UUIDField()
    assignment = serializers.CharField(source="assignment.slug")
    kind = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    rubric_version = serializers.IntegerField(source="rubric_version.number", allow_null=True, default=None)
    counts = serializers.DictField(child=serializers.IntegerField(), source="progress.counts")
    done = serializers.BooleanField(source="progress.done")
    needs_review = serializers.IntegerField(source="progress.needs_review")
    changed = serializers.IntegerField(source="progress.changed", required=False, help_text="regrades only")


class ResultRowOut(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    student = serializers.CharField()
    external_id = serializers.CharField()
    status = serializers.CharField()
    total = PointsField(allow_null=True)
    max = PointsField(source="max_points", allow_null=True)
    needs_review = serializers.BooleanField()
    parts = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(source="created_at")
    graded_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.DictField(child=serializers.DictField()))
    def get_parts(self, sub):
        return {
            p.part_id: {"points": formats.points_json(p.points), "status": p.status, "overridden": p.overridden}
            for p in sub.parts.all()
        }


class ReviewItemOut(serializers.Serializer):
    submission = serializers.UUIDField(source="submission.pk")
    student = serializers.CharField(source="submission.student")
    part_id = serializers.CharField()
    answer = serializers.SerializerMethodField()
    points = PointsField()
    max = PointsField(source="max_points")
    review_reasons = serializers.ListField(child=serializers.CharField())
    matched = serializers.ListField(child=serializers.DictField())
    confidence = serializers.FloatField()
    feedback = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(serializers.JSONField())
    def get_answer(self, part):
        return part.submission.answers.get(part.part_id)


class PointsChangeOut(serializers.Serializer):
    submission = serializers.UUIDField(source="submission_id")
    student = serializers.CharField(source="submission.student")
    part_id = serializers.CharField()
    old_points = PointsField(allow_null=True, help_text="null: the part is new in this rubric version")
    new_points = PointsField(allow_null=True, help_text="null: this rubric version dropped the part")


class OverrideOut(serializers.Serializer):
    id = serializers.IntegerField()
    submission = serializers.UUIDField(source="submission_id")
    student = serializers.CharField(source="submission.student")
    part_id = serializers.CharField()
    old_points = PointsField()
    new_points = PointsField()
    reason = serializers.CharField()
    by = serializers.SerializerMethodField(help_text="null: the service set the override aside (set_aside)")
    at = serializers.DateTimeField(source="created_at")
    set_aside = serializers.BooleanField(help_text="a new rubric version no longer fit the override")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_by(self, row) -> str | None:
        return row.created_by.username if row.created_by_id else None


class PartOverriddenOut(serializers.Serializer):
    submission = serializers.UUIDField(source="submission_id")
    part_id = serializers.CharField()
    points = PointsField()
    machine_points = PointsField()
    overridden = serializers.BooleanField()
    total = PointsField(source="submission.total", allow_null=True)


class RetrainOut(serializers.Serializer):
    id = serializers.UUIDField()
    assignment = serializers.CharField(source="assignment.slug")
    rubric_version = serializers.IntegerField(source="rubric_version.number")
    part_id = serializers.CharField()
    status = serializers.ChoiceField(choices=RetrainStatus.choices)
    done = serializers.SerializerMethodField()
    trigger = serializers.ChoiceField(
        choices=["request", "override"], help_text="POST .../retrain, or sent after an override"
    )
    examples = serializers.IntegerField(help_text="override examples the part learned from (latest per answer)")
    examined = serializers.IntegerField(help_text="submissions of the version whose part is not overridden, so far")
    changed = serializers.IntegerField(help_text="of those, results rewritten (points, feedback or confidence)")
    rescored = serializers.IntegerField(help_text="of those, parts whose points changed")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    failure_reason = serializers.CharField()

    @extend_schema_field(serializers.BooleanField())
    def get_done(self, job):
        return job.status in (RetrainStatus.DONE, RetrainStatus.FAILED)


class WebhookOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WebhookCreatedOut(WebhookOut):
    secret = serializers.CharField(help_text="shown once: keep it to verify X-Handgrade-Signature")


class DeliveryOut(serializers.Serializer):
    id = serializers.UUIDField()
    event = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    next_attempt_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    submission = serializers.UUIDField(source="submission_id", allow_null=True)


class MemberOut(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    role = serializers.CharField()
    student_ref = serializers.CharField()


class StatsOut(serializers.Serializer):
    submissions = serializers.IntegerField()
    latest_only = serializers.BooleanField()
    total = serializers.DictField()
    parts = serializers.DictField(child=serializers.DictField())


class MeOut(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True)
