"""Celery tasks: take ids, call one service. Settings (acks_late, reject on worker loss,
time limits, JSON only) are in server/settings/base.py."""

from __future__ import annotations

from celery import shared_task

from server.grading import pipeline, webhooks


@shared_task(name="server.grading.tasks.grade_submissions", bind=True)
def grade_submissions(self, submission_ids: list[str]) -> dict[str, int]:
    # The task id is the claim token: a redelivery of this same message may take the rows back.
    return pipeline.submissions_grade(ids=submission_ids, token=self.request.id or "")


@shared_task(name="server.grading.tasks.retrain_part")
def retrain_part(job_id: str) -> dict:
    # A RetrainJob id: the part of a rubric version to relearn from the overrides and regrade; resumable.
    return pipeline.retrain_run(job_id=job_id)


@shared_task(name="server.grading.tasks.deliver_webhook")
def deliver_webhook(delivery_id: str) -> None:
    retry_in = webhooks.delivery_attempt(delivery_id=delivery_id)
    if retry_in is not None:
        webhooks.send_delivery(delivery_id, countdown=retry_in)


@shared_task(name="server.grading.tasks.sweep")
def sweep() -> dict[str, int]:
    return pipeline.grading_sweep()
