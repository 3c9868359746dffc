"""REST views: validate, call one service or selector, serialize. Routes in server/grading/urls.py.

Every route needs ``Authorization: Token <key>`` (health and schema aside).
What is not visible to the caller is 404; what their role may not do is 403.
The caller's access is decided in ``initial()``, before anything reads the
body: a student's 31 MB body to an instructor route is refused unread.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.grading import exports, openapi, permissions, selectors, services
from server.grading import serializers as s
from server.grading.errors import Forbidden, InvalidInput, PayloadTooLarge
from server.grading.models import BatchKind, Role
from server.grading.pagination import Pagination
from server.grading.parsers import (
    BodyLimits,
    CSVParser,
    RawUpload,
    SafeJSONParser,
    YAMLAltParser,
    YAMLParser,
    YAMLTextParser,
    ZipAltParser,
    ZipParser,
    bulk_limits,
    content_length,
    parse_json_bytes,
    rubric_text,
)
from server.grading.permissions import Access
from server.grading.throttling import AddressRateThrottle, SubmissionRateThrottle, TokenRateThrottle

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
ERRORS = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}
IDEMPOTENCY_PARAM = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Repeat a POST safely: the same key and body return the first response; another body is 422.",
)


def _valid(serializer_class, data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.match(key):
        raise InvalidInput(
            "bad Idempotency-Key", [{"field": "Idempotency-Key", "reason": "1-255 printable ASCII characters"}]
        )
    return key


def _page(view: APIView, request: Request, queryset, serializer_class, **context: Any) -> Response:
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, context=context).data)


class HealthApi(APIView):
    permission_classes = (AllowAny,)
    authentication_classes = ()
    throttle_classes = ()  # container health checks poll it

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="Liveness and database check")
    def get(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Response({"status": "ok"})


class AssignmentRoute(APIView):
    """A route under ``/assignments/{slug}/``: ``self.access`` is built once per request, before the body is read.

    ``instructor_methods`` are refused to everyone else at that point (403),
    so their bodies are never parsed for a caller who may not send them.
    """

    instructor_methods: frozenset[str] = frozenset()
    access: Access

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.access = selectors.assignment_access(user=request.user, slug=kwargs["slug"])
        if request.method in self.instructor_methods:
            self.access.require_instructor()


class InstructorRoute(AssignmentRoute):
    """Every method is for the assignment's instructors."""

    instructor_methods = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})


class SubmissionRoute(APIView):
    """A route under ``/submissions/{id}/``: the submission and the caller's access, before the body is read."""

    instructor_methods: frozenset[str] = frozenset()
    access: Access

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.submission, self.access = selectors.submission_access(
            user=request.user, submission_id=kwargs["submission_id"]
        )
        if request.method in self.instructor_methods:
            self.access.require_instructor()


class WebhookRoute(APIView):
    """A route under ``/webhooks/{id}/``: only the assignment's instructors see it (404 for everyone else)."""

    access: Access

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.webhook, self.access = selectors.webhook_access(user=request.user, webhook_id=kwargs["webhook_id"])


class MeApi(APIView):
    # importing server.grading.openapi registers the token scheme with drf-spectacular
    @extend_schema(responses={200: s.MeOut}, summary="Who the token belongs to", description=openapi.TOKEN_HELP)
    def get(self, request: Request) -> Response:
        return Response({"username": request.user.get_username(), "role": permissions.global_role(request.user)})


# --- assignments and rubrics ---------------------------------------------------------------


class AssignmentListApi(APIView):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method == "POST":
            permissions.require_global_instructor(request.user)  # before the body is read

    @extend_schema(responses={200: s.AssignmentOut(many=True)}, summary="Assignments you teach or may submit to")
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.assignments_visible(user=request.user), request, view=self)
        roles = permissions.roles_in(request.user, page)
        return paginator.get_paginated_response(s.AssignmentOut(page, many=True, context={"roles": roles}).data)

    @extend_schema(
        request=s.AssignmentCreateIn,
        responses={201: s.AssignmentOut, 409: s.ErrorOut, **ERRORS},
        summary="Create an assignment with its rubric (YAML text); rubric errors name line and field",
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.AssignmentCreateIn, request.data)
        assignment = services.assignment_create(user=request.user, rubric_text=data.pop("rubric"), **data)
        body = s.AssignmentOut(assignment, context={"roles": {assignment.pk: Role.INSTRUCTOR.value}}).data
        return Response(body, status=status.HTTP_201_CREATED)


class AssignmentDetailApi(AssignmentRoute):
    instructor_methods = frozenset({"PATCH"})

    @extend_schema(responses={200: s.AssignmentOut, **ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        assignment = self.access.assignment
        return Response(s.AssignmentOut(assignment, context={"roles": {assignment.pk: self.access.role}}).data)

    @extend_schema(request=s.AssignmentUpdateIn, responses={200: s.AssignmentOut, **ERRORS})
    def patch(self, request: Request, slug: str) -> Response:
        data = _valid(s.AssignmentUpdateIn, request.data)
        assignment = services.assignment_update(access=self.access, **data)
        return Response(s.AssignmentOut(assignment, context={"roles": {assignment.pk: self.access.role}}).data)


class RubricApi(InstructorRoute):
    parser_classes = (SafeJSONParser, YAMLParser, YAMLAltParser, YAMLTextParser)

    @extend_schema(responses={200: s.RubricVersionSourceOut, **ERRORS}, summary="The current rubric version")
    def get(self, request: Request, slug: str) -> Response:
        return Response(s.RubricVersionSourceOut(self.access.assignment.current_rubric).data)

    @extend_schema(
        request={"application/json": s.RubricIn, "application/yaml": OpenApiTypes.STR},
        responses={201: s.RubricVersionOut, **ERRORS},
        summary="Upload a new rubric version; it becomes the current one (POST .../regrade to apply it)",
    )
    def put(self, request: Request, slug: str) -> Response:
        version = services.rubric_version_create(access=self.access, text=self._text(request))
        return Response(s.RubricVersionOut(version).data, status=201)

    @staticmethod
    def _text(request: Request) -> str:
        if isinstance(request.data, RawUpload):
            return rubric_text(request.data.data, request.data.charset)
        return _valid(s.RubricIn, request.data)["rubric"]


class RubricVersionListApi(InstructorRoute):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so

    @extend_schema(responses={200: s.RubricVersionOut(many=True), **ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return _page(self, request, selectors.rubric_versions(assignment=self.access.assignment), s.RubricVersionOut)


class MemberListApi(InstructorRoute):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so

    @extend_schema(responses={200: s.MemberOut(many=True), **ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return _page(self, request, selectors.members(assignment=self.access.assignment), s.MemberOut)

    @extend_schema(
        request=s.MemberIn, responses={200: s.MemberOut, **ERRORS}, summary="Enroll a student or add an instructor"
    )
    def post(self, request: Request, slug: str) -> Response:
        data = _valid(s.MemberIn, request.data)
        membership = services.membership_add(
            access=self.access,
            username=data["username"],
            member_role=data["role"],
            student_ref=data["student_ref"],
        )
        return Response(s.MemberOut(membership).data)


# --- submissions ------------------------------------------------------------------------------


def _upload_from_file(request: Request) -> tuple[str, Any, str | None]:
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(
            "a multipart upload carries the file in a field named 'file'", [{"field": "file", "reason": "required"}]
        )
    data = upload.read()
    name = (upload.name or "").lower()
    charset = request.query_params.get("encoding") or upload.charset
    if name.endswith(".zip") or data.startswith(b"PK\x03\x04"):
        return BatchKind.ZIP, data, None
    if name.endswith(".json"):
        items = parse_json_bytes(data, limits=bulk_limits())
        if not isinstance(items, list):
            raise InvalidInput("a JSON upload is a list of submissions", [{"field": "file", "reason": "not a list"}])
        return BatchKind.JSON, items, None
    return BatchKind.CSV, data, charset


RAW_KINDS = {parser.media_type: parser.kind for parser in (CSVParser, ZipParser, ZipAltParser)}


def _media(request: Request) -> str:
    return request.content_type.split(";")[0].strip().lower()


def _bulk_payload(request: Request) -> tuple[str, Any, str | None]:
    """(kind, payload, charset) of a bulk upload: raw CSV/ZIP body, multipart file, or JSON list."""
    data = request.data
    if isinstance(data, RawUpload):
        return data.kind, data.data, request.query_params.get("encoding") or data.charset
    raw_kind = RAW_KINDS.get(_media(request))
    if raw_kind:  # an empty body never reaches the parser
        return raw_kind, b"", request.query_params.get("encoding")
    if request.content_type.startswith("multipart/"):
        return _upload_from_file(request)
    if isinstance(data, list):
        return BatchKind.JSON, data, None
    raise InvalidInput("expected a submission object or a list of them", [{"field": "", "reason": "wrong type"}])


BULK_IS_FOR_INSTRUCTORS = "bulk uploads (lists, CSV, ZIP, files) are for the assignment's instructors"


class AssignmentSubmissionsApi(AssignmentRoute):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so
    """Students submit one JSON object as themselves; instructors also upload in bulk.

    A student's POST is bounded before its body is read: JSON only, at most
    ``GRADING_SUBMISSION_MAX_BYTES``, one object (a list is refused unparsed).
    """

    parser_classes = (SafeJSONParser, MultiPartParser, CSVParser, ZipParser, ZipAltParser)
    throttle_classes = (TokenRateThrottle, AddressRateThrottle, SubmissionRateThrottle)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method == "POST" and not self.access.instructor:
            if _media(request) != "application/json":
                raise Forbidden(BULK_IS_FOR_INSTRUCTORS)
            limit = settings.GRADING["SUBMISSION_MAX_BYTES"]
            if content_length(request) > limit:
                raise PayloadTooLarge(f"a submission is at most {limit} bytes")

    def body_limits(self, request: Request) -> BodyLimits:
        if self.access.instructor:
            return bulk_limits()
        return BodyLimits(settings.GRADING["SUBMISSION_MAX_BYTES"], list_root=Forbidden(BULK_IS_FOR_INSTRUCTORS))

    @extend_schema(
        parameters=[s.ResultsQuery],
        responses={200: s.SubmissionResultOut(many=True), **ERRORS},
        summary="Submissions of this assignment (students: their own)",
    )
    def get(self, request: Request, slug: str) -> Response:
        access = self.access
        filters = selectors.ResultFilters(**_valid(s.ResultsQuery, request.query_params))
        rows = selectors.submissions_of(access=access)
        rows = selectors.with_parts(selectors.submissions_filtered(submissions=rows, filters=filters))
        rows = rows.select_related("assignment", "rubric_version")
        return _page(self, request, rows, s.SubmissionResultOut, teaching={access.assignment.pk} & _teaching(access))

    @extend_schema(
        request={
            "application/json": s.SubmissionIn,
            "text/csv": OpenApiTypes.BINARY,
            "application/zip": OpenApiTypes.BINARY,
            "multipart/form-data": OpenApiTypes.OBJECT,
        },
        parameters=[IDEMPOTENCY_PARAM, OpenApiParameter("encoding", OpenApiTypes.STR, description="CSV charset")],
        responses={202: s.SubmissionAcceptedOut, 413: s.ErrorOut, 422: s.ErrorOut, 429: s.ErrorOut, **ERRORS},
        summary="Submit one (an object) or many (a JSON list, a CSV or a ZIP): 202, graded by the workers",
        description="A bulk upload answers 202 with a batch id (BatchAcceptedOut) or 400 with every row's errors.",
    )
    def post(self, request: Request, slug: str) -> Response:
        key = _idempotency_key(request)
        if _media(request) == "application/json" and isinstance(request.data, dict):
            return self._single(request.data, key)
        kind, payload, charset = _bulk_payload(request)
        batch, replayed = services.batch_create(
            access=self.access, kind=kind, payload=payload, charset=charset, idempotency_key=key
        )
        body = {
            "batch": str(batch.pk),
            "size": batch.size,
            "errors": [],
            "submissions": [
                {"id": str(pk), "student": st}
                for pk, st in batch.submissions.order_by("batch_row").values_list("pk", "student")
            ],
        }
        return Response(body, status=202, headers={"Idempotent-Replayed": "true"} if replayed else {})

    def _single(self, data: dict, key: str | None) -> Response:
        fields = _valid(s.SubmissionIn, data)
        submission, replayed = services.submission_create(
            access=self.access,
            student=fields["student"],
            answers=fields["answers"],
            external_id=fields["id"],
            idempotency_key=key,
        )
        submission.refresh_from_db(fields=["status"])
        body = {"id": str(submission.pk), "status": submission.status, "student": submission.student}
        return Response(body, status=202, headers={"Idempotent-Replayed": "true"} if replayed else {})


def _teaching(access: Access) -> set[int]:
    return {access.assignment.pk} if access.instructor else set()


class SubmissionListApi(APIView):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so

    @extend_schema(parameters=[s.ResultsQuery], responses={200: s.SubmissionResultOut(many=True)})
    def get(self, request: Request) -> Response:
        filters = selectors.ResultFilters(**_valid(s.ResultsQuery, request.query_params))
        rows = selectors.submissions_filtered(
            submissions=selectors.submissions_visible(user=request.user), filters=filters
        )
        rows = selectors.with_parts(rows).select_related("assignment", "rubric_version")
        return _page(self, request, rows, s.SubmissionResultOut, teaching=selectors.teaching(user=request.user))


class SubmissionDetailApi(SubmissionRoute):
    @extend_schema(
        responses={200: s.SubmissionResultOut, **ERRORS}, summary="A submission's result, as the CLI prints it"
    )
    def get(self, request: Request, submission_id) -> Response:
        return Response(s.SubmissionResultOut(self.submission, context={"teaching": _teaching(self.access)}).data)


class SubmissionOverridesApi(SubmissionRoute):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so
    instructor_methods = frozenset({"GET"})

    @extend_schema(responses={200: s.OverrideOut(many=True), **ERRORS}, summary="Audit trail of one submission")
    def get(self, request: Request, submission_id) -> Response:
        rows = selectors.overrides_for(assignment=self.access.assignment, submission=self.submission)
        return _page(self, request, rows, s.OverrideOut)


class PartOverrideApi(SubmissionRoute):
    instructor_methods = frozenset({"POST"})

    @extend_schema(
        request=s.OverrideIn,
        responses={200: s.PartOverriddenOut, 409: s.ErrorOut, **ERRORS},
        summary="Override a part's score with a reason (points null: back to the machine's score)",
    )
    def post(self, request: Request, submission_id, part_id: str) -> Response:
        data = _valid(s.OverrideIn, request.data)
        part = services.part_override(
            access=self.access,
            submission=self.submission,
            part_id=part_id,
            points=data["points"],
            reason=data["reason"],
        )
        part.submission.refresh_from_db(fields=["total"])
        return Response(s.PartOverriddenOut(part).data)


class BatchDetailApi(APIView):
    @extend_schema(
        responses={200: s.BatchOut, **ERRORS}, summary="Progress of a bulk upload or regrade: counts by status"
    )
    def get(self, request: Request, batch_id) -> Response:
        batch = selectors.batch_for(user=request.user, batch_id=batch_id)
        batch.progress = selectors.batch_progress(batch=batch)
        return Response(s.BatchOut(batch).data)


class BatchChangesApi(APIView):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so

    @extend_schema(
        responses={200: s.PointsChangeOut(many=True), **ERRORS},
        summary="What a regrade changed: each part whose points changed, by student (empty for uploads)",
    )
    def get(self, request: Request, batch_id) -> Response:
        batch = selectors.batch_for(user=request.user, batch_id=batch_id)
        return _page(self, request, selectors.points_changes(batch=batch), s.PointsChangeOut)


# --- instructors ---------------------------------------------------------------------------------


class ResultsApi(InstructorRoute):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so

    @extend_schema(
        parameters=[s.ResultsQuery], responses={200: s.ResultRowOut(many=True), **ERRORS}, summary="Results table"
    )
    def get(self, request: Request, slug: str) -> Response:
        filters = selectors.ResultFilters(**_valid(s.ResultsQuery, request.query_params))
        rows = selectors.results_table(assignment=self.access.assignment, filters=filters)
        return _page(self, request, rows, s.ResultRowOut)


class ReviewQueueApi(InstructorRoute):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so

    @extend_schema(
        parameters=[s.ReviewQuery],
        responses={200: s.ReviewItemOut(many=True), **ERRORS},
        summary="Parts that need a human",
    )
    def get(self, request: Request, slug: str) -> Response:
        part = _valid(s.ReviewQuery, request.query_params).get("part")
        rows = selectors.review_queue(assignment=self.access.assignment, part_id=part)
        return _page(self, request, rows, s.ReviewItemOut)


class OverrideListApi(InstructorRoute):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so

    @extend_schema(responses={200: s.OverrideOut(many=True), **ERRORS}, summary="Audit trail of score overrides")
    def get(self, request: Request, slug: str) -> Response:
        return _page(self, request, selectors.overrides_for(assignment=self.access.assignment), s.OverrideOut)


class RegradeApi(InstructorRoute):
    @extend_schema(
        request=s.RegradeIn, responses={202: s.BatchOut, **ERRORS}, summary="Regrade against the current rubric"
    )
    def post(self, request: Request, slug: str) -> Response:
        data = _valid(s.RegradeIn, request.data)
        batch = services.assignment_regrade(access=self.access, everything=data["all"])
        batch.progress = selectors.batch_progress(batch=batch)
        return Response(s.BatchOut(batch).data, status=202)


class PartRetrainApi(InstructorRoute):
    @extend_schema(
        request=None,
        responses={202: s.RetrainOut, **ERRORS},
        summary="Relearn a part from the score overrides, then regrade it where it is not overridden",
        description=(
            "For the current rubric version: the part's learned checks (classifier) are compiled again with the "
            "overrides as graded examples (the latest per normalized answer), and the part is regraded for the "
            "version's graded submissions whose part has no override; only results that change are rewritten. "
            "202 with a job to poll at GET /retrains/{id}/; a job for this part not yet started is reused."
        ),
    )
    def post(self, request: Request, slug: str, part_id: str) -> Response:
        job = services.part_retrain(access=self.access, part_id=part_id)
        job.refresh_from_db()
        return Response(s.RetrainOut(job).data, status=202)


class RetrainDetailApi(APIView):
    @extend_schema(responses={200: s.RetrainOut, **ERRORS}, summary="Progress of a retrain: examined and changed")
    def get(self, request: Request, job_id) -> Response:
        return Response(s.RetrainOut(selectors.retrain_for(user=request.user, job_id=job_id)).data)


class ExportApi(InstructorRoute):
    @extend_schema(
        parameters=[s.LatestQuery],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="scores per part"), **ERRORS},
        summary="CSV of scores per part (the latest submission per student unless latest=false)",
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        assignment = self.access.assignment
        latest = _valid(s.LatestQuery, request.query_params)["latest"]
        rows = exports.export_rows(assignment=assignment, latest=latest)
        response = StreamingHttpResponse(
            exports.csv_lines(exports.export_header(assignment), rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{assignment.slug}-scores.csv"'
        return response


class StatsApi(InstructorRoute):
    @extend_schema(parameters=[s.LatestQuery], responses={200: s.StatsOut, **ERRORS}, summary="Per-part statistics")
    def get(self, request: Request, slug: str) -> Response:
        latest = _valid(s.LatestQuery, request.query_params)["latest"]
        return Response(selectors.part_statistics(assignment=self.access.assignment, latest=latest))


class WebhookListApi(InstructorRoute):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so

    @extend_schema(responses={200: s.WebhookOut(many=True), **ERRORS})
    def get(self, request: Request, slug: str) -> Response:
        return _page(self, request, selectors.webhooks_for(assignment=self.access.assignment), s.WebhookOut)

    @extend_schema(
        request=s.WebhookIn,
        responses={201: s.WebhookCreatedOut, **ERRORS},
        summary="Call a URL when submissions are graded",
    )
    def post(self, request: Request, slug: str) -> Response:
        data = _valid(s.WebhookIn, request.data)
        webhook = services.webhook_create(access=self.access, **data)
        return Response(s.WebhookCreatedOut(webhook).data, status=201)


class WebhookDetailApi(WebhookRoute):
    @extend_schema(responses={200: s.WebhookOut, **ERRORS})
    def get(self, request: Request, webhook_id: int) -> Response:
        return Response(s.WebhookOut(self.webhook).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request: Request, webhook_id: int) -> Response:
        services.webhook_delete(access=self.access, webhook=self.webhook)
        return Response(status=204)


class WebhookDeliveryListApi(WebhookRoute):
    pagination_class = Pagination  # GET answers pages: the OpenAPI document says so

    @extend_schema(responses={200: s.DeliveryOut(many=True), **ERRORS})
    def get(self, request: Request, webhook_id: int) -> Response:
        return _page(self, request, selectors.deliveries_for(webhook=self.webhook), s.DeliveryOut)
