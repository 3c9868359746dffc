"""Routes under /api/v1/.

The contract names ``.../rubric`` without a trailing slash; the action
routes (rubric, regrade, override, retrain) answer with and without one, and the
schema documents the form without.
"""

from django.urls import path

from server.grading import apis


def both(route: str, view, name: str) -> list:
    """``route`` documented, ``route/`` an undocumented alias."""
    return [path(route, view.as_view(), name=name), path(route + "/", view.as_view(schema=None), name=name + "-slash")]


urlpatterns = [
    path("health/", apis.HealthApi.as_view(), name="health"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("assignments/", apis.AssignmentListApi.as_view(), name="assignments"),
    path("assignments/<slug:slug>/", apis.AssignmentDetailApi.as_view(), name="assignment"),
    *both("assignments/<slug:slug>/rubric", apis.RubricApi, "rubric"),
    path("assignments/<slug:slug>/rubric/versions/", apis.RubricVersionListApi.as_view(), name="rubric-versions"),
    path("assignments/<slug:slug>/members/", apis.MemberListApi.as_view(), name="members"),
    path(
        "assignments/<slug:slug>/submissions/", apis.AssignmentSubmissionsApi.as_view(), name="assignment-submissions"
    ),
    path("assignments/<slug:slug>/results/", apis.ResultsApi.as_view(), name="results"),
    path("assignments/<slug:slug>/review/", apis.ReviewQueueApi.as_view(), name="review"),
    path("assignments/<slug:slug>/overrides/", apis.OverrideListApi.as_view(), name="overrides"),
    *both("assignments/<slug:slug>/regrade", apis.RegradeApi, "regrade"),
    *both("assignments/<slug:slug>/parts/<str:part_id>/retrain", apis.PartRetrainApi, "part-retrain"),
    path("retrains/<uuid:job_id>/", apis.RetrainDetailApi.as_view(), name="retrain"),
    path("assignments/<slug:slug>/export.csv", apis.ExportApi.as_view(), name="export"),
    path("assignments/<slug:slug>/stats/", apis.StatsApi.as_view(), name="stats"),
    path("assignments/<slug:slug>/webhooks/", apis.WebhookListApi.as_view(), name="webhooks"),
    path("submissions/", apis.SubmissionListApi.as_view(), name="submissions"),
    path("submissions/<uuid:submission_id>/", apis.SubmissionDetailApi.as_view(), name="submission"),
    path(
        "submissions/<uuid:submission_id>/overrides/",
        apis.SubmissionOverridesApi.as_view(),
        name="submission-overrides",
    ),
    *both("submissions/<uuid:submission_id>/parts/<str:part_id>/override", apis.PartOverrideApi, "part-override"),
    path("batches/<uuid:batch_id>/", apis.BatchDetailApi.as_view(), name="batch"),
    path("batches/<uuid:batch_id>/changes/", apis.BatchChangesApi.as_view(), name="batch-changes"),
    path("webhooks/<int:webhook_id>/", apis.WebhookDetailApi.as_view(), name="webhook"),
    path("webhooks/<int:webhook_id>/deliveries/", apis.WebhookDeliveryListApi.as_view(), name="webhook-deliveries"),
]
