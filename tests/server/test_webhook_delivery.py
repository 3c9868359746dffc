"""Delivering webhooks safely: outside every request, within one deadline, only to addresses that are allowed,
and no more webhooks per assignment than the cap."""

from __future__ import annotations

import json
import socket

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone
from svc_support import FULL_ANSWERS, QUIZ_YAML, Receiver, client_with_token, wait_until

from server.grading import background, services, webhooks
from server.grading.models import Assignment, Webhook, WebhookDelivery
from server.grading.sweep import embedded_sweeper_start, grading_sweep


def add_hook(client, url, slug="quiz"):
    return client.post(f"/api/v1/assignments/{slug}/webhooks/", {"url": url, "secret": "s" * 32}, format="json")


def submit(client):
    response = client.post(
        "/api/v1/assignments/quiz/submissions/", {"student": "s1", "answers": FULL_ANSWERS}, format="json"
    )
    assert response.status_code == 202
    return response.json()["id"]


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def strict(settings):
    """No private addresses, except the networks a test allows."""
    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOW_PRIVATE_HOSTS": False, "ALLOWED_NETWORKS": []}
    return settings


def allow(settings, *networks):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "ALLOWED_NETWORKS": list(networks)}


# --- never inside a request ------------------------------------------------------------


def test_no_delivery_runs_inside_the_request_that_graded(quiz, instructor, receiver):
    assert add_hook(instructor, receiver.url).status_code == 201
    sid = submit(instructor)
    assert instructor.get(f"/api/v1/submissions/{sid}/").json()["status"] == "graded"  # graded in the request
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().attempts == 0


@pytest.mark.django_db(transaction=True)
def test_the_embedded_mode_delivers_on_its_background_thread(receiver, settings):
    instructor = client_with_token(services.user_token_create(username="instructor", role="instructor"))
    assert (
        instructor.post("/api/v1/assignments/", {"slug": "quiz", "rubric": QUIZ_YAML}, format="json").status_code == 201
    )
    settings.GRADING = {**settings.GRADING, "SWEEP_EVERY_SECONDS": 3600}  # only a wake-up can explain a delivery
    runner = embedded_sweeper_start()
    try:
        assert runner is not None
        add_hook(instructor, receiver.url)
        submit(instructor)
        wait_until(lambda: WebhookDelivery.objects.filter(status="delivered").exists(), what="the background delivery")
    finally:
        background.stop()
    assert len(receiver.requests) == 1


# --- one deadline for the whole request, and every attempt counted ------------------------


def test_a_receiver_that_drips_its_answer_costs_one_attempt_with_the_reason(quiz, instructor, settings):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "TIMEOUT_SECONDS": 1}
    dripping = Receiver(drip=0.2)  # about 10 s for its whole answer, a byte at a time
    try:
        add_hook(instructor, dripping.url)
        submit(instructor)
        grading_sweep()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
        assert "timed out" in delivery.last_error
        assert delivery.next_attempt_at > timezone.now()
        wait_until(lambda: dripping.cut_off == 1, what="the receiver to notice the caller gave up")
    finally:
        dripping.close()


def test_an_attempt_stopped_from_outside_still_counts(quiz, instructor, receiver, monkeypatch):
    """Celery's soft time limit (raised here by a stand-in for the send) stops the task mid-attempt."""
    add_hook(instructor, receiver.url)
    submit(instructor)

    def stopped(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(webhooks, "post", stopped)
    with pytest.raises(SoftTimeLimitExceeded):
        grading_sweep()
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.status == "pending" and "did not finish" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()  # held past the deadline, then the sweep tries again


def test_the_attempt_cap_holds_when_the_last_attempt_never_finished(quiz, instructor, receiver, settings):
    add_hook(instructor, receiver.url)
    submit(instructor)
    WebhookDelivery.objects.update(attempts=settings.WEBHOOKS["MAX_ATTEMPTS"], next_attempt_at=timezone.now())
    grading_sweep()
    assert WebhookDelivery.objects.get().status == "failed" and receiver.requests == []


# --- addresses: what is checked is what is connected to ---------------------------------


def hook_without_check(slug, url):
    assignment = Assignment.objects.get(slug=slug)
    return Webhook.objects.create(assignment=assignment, url=url, secret="s" * 32, created_by=assignment.created_by)


@pytest.mark.parametrize(
    "url",
    [
        "http://[64:ff9b::7f00:1]/hook",  # NAT64 of 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/latest",  # NAT64 of the metadata service
        "http://[64:ff9b:1::a00:1]/hook",  # the local-use NAT64 prefix
        "http://[2002:7f00:1::]/hook",  # 6to4 of 127.0.0.1
        "http://[::127.0.0.1]/hook",  # IPv4-compatible
        "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped
        "http://[::ffff:8.8.8.8]/hook",  # mapped, even of a public address: use the address itself
        "http://192.0.0.8/hook",  # IETF protocol assignments
        "http://198.18.0.1/hook",  # benchmarking
        "http://100.64.0.1/hook",  # shared address space (carrier NAT)
        "http://224.0.0.1/hook",  # multicast
        "http://240.0.0.1/hook",  # reserved
        "http://[2001::1]/hook",  # Teredo
        "http://[fec0::1]/hook",  # site-local
        "http://[ff02::1]/hook",  # multicast
        "http://0.0.0.0/hook",
        "http://[::]/hook",
    ],
)
def test_special_purpose_addresses_are_refused_in_every_form(quiz, instructor, strict, url):
    response = add_hook(instructor, url)
    assert response.status_code == 400, response.json()
    assert "special-purpose" in response.json()["errors"][0]["reason"] or "IPv4-mapped" in str(response.json())
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("url", ["http://[64:ff9b::808:808]/hook", "http://[2002:808:808::]/hook", "http://8.8.8.8/"])
def test_translated_forms_of_public_addresses_are_accepted(quiz, instructor, strict, url):
    assert add_hook(instructor, url).status_code == 201


def test_the_address_checked_is_the_address_connected_to(quiz, instructor, strict, monkeypatch):
    """A host that answers one address, then another (DNS rebinding): the delivery resolves once per hop and
    connects to what it checked. The resolver is a test double: real DNS cannot be steered here."""
    inside = Receiver(host="127.0.0.2")
    checked = Receiver(host="127.0.0.1", port=inside.port)
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def rebinding(host, port, *args, **kwargs):
        if host != "lms.test":
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.2"), port))]

    allow(strict, "127.0.0.1/32")
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    try:
        hook_without_check(quiz, f"http://lms.test:{inside.port}/hook")  # as if it had resolved publicly then
        submit(instructor)
        grading_sweep()
        assert len(checked.requests) == 1 and inside.requests == []
        assert WebhookDelivery.objects.get().status == "delivered"
    finally:
        inside.close()
        checked.close()


def test_every_redirect_hop_is_checked(quiz, instructor, strict):
    inside = Receiver(host="127.0.0.2")
    redirecting = Receiver(codes=(307,), location=inside.url)
    allow(strict, "127.0.0.1/32")
    try:
        assert add_hook(instructor, redirecting.url).status_code == 201
        submit(instructor)
        grading_sweep()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "failed" and "127.0.0.2" in delivery.last_error
        assert len(redirecting.requests) == 1 and inside.requests == []
    finally:
        inside.close()
        redirecting.close()


def test_a_307_is_followed_with_the_same_body_and_signature_to_an_allowed_address(quiz, instructor, strict):
    target = Receiver(host="127.0.0.2")
    redirecting = Receiver(codes=(307,), location=target.url)
    allow(strict, "127.0.0.0/8")
    try:
        add_hook(instructor, redirecting.url)
        submit(instructor)
        grading_sweep()
        assert WebhookDelivery.objects.get().status == "delivered"
        first, second = redirecting.requests[0], target.requests[0]
        assert first["body"] == second["body"] and json.loads(second["body"])["reason"] == "graded"
        signature = {k.lower(): v for k, v in second["headers"].items()}["x-handgrade-signature"]
        assert signature == {k.lower(): v for k, v in first["headers"].items()}["x-handgrade-signature"]
    finally:
        target.close()
        redirecting.close()


# --- the cap -------------------------------------------------------------------------------


def test_webhooks_per_assignment_are_capped(quiz, instructor, receiver, settings):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "MAX_PER_ASSIGNMENT": 2}
    assert [add_hook(instructor, receiver.url).status_code for _ in range(2)] == [201, 201]
    refused = add_hook(instructor, receiver.url)
    assert refused.status_code == 400 and "at most 2 webhooks" in refused.json()["errors"][0]["reason"]
    assert Webhook.objects.count() == 2


def test_a_failing_receiver_costs_one_attempt_and_holds_back_only_its_own_deliveries(
    quiz, instructor, receiver, settings
):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "TIMEOUT_SECONDS": 1}
    dripping = Receiver(drip=0.2)
    try:
        add_hook(instructor, dripping.url)
        add_hook(instructor, receiver.url)
        for n in range(3):
            instructor.post(
                "/api/v1/assignments/quiz/submissions/", {"student": f"s{n}", "answers": FULL_ANSWERS}, format="json"
            )
        grading_sweep()
        slow = WebhookDelivery.objects.filter(webhook__url=dripping.url)
        assert sorted(slow.values_list("attempts", flat=True)) == [0, 0, 1]  # one try, the others held back
        assert all(d.next_attempt_at > timezone.now() for d in slow)
        assert len(receiver.requests) == 3  # the other LMS got every event meanwhile
    finally:
        dripping.close()
