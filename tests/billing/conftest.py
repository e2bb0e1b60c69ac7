"""Billing against the fake Stripe API (tests/fakes/stripe_server.py): the official client and
dj-stripe talk to it over HTTP, and its events reach the webhook signed as Stripe signs them."""

import io
import json
import threading
import time

import pytest
import stripe
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from billing.models import CreditPack, Plan
from tests.factories import UserFactory
from tests.fakes.stripe_server import running_fake_stripe

WEBHOOK = "/api/v1/subscriptions/webhook"


@pytest.fixture
def superuser_client(client):
    client.force_login(
        get_user_model().objects.create_superuser(email="root@example.com", password="x")
    )
    return client


@pytest.fixture
def stripe_server():
    with running_fake_stripe() as server:
        yield server


@pytest.fixture
def stripe_on(settings, stripe_server, monkeypatch):
    """Stripe configured (keys of the fake) and the client pointed at the fake server."""
    settings.STRIPE_SECRET_KEY = stripe_server.api_key
    settings.STRIPE_WEBHOOK_SECRET = stripe_server.webhook_secret
    monkeypatch.setattr(stripe, "api_base", stripe_server.base_url)
    return stripe_server


@pytest.fixture
def catalogue(stripe_on, db):
    """The seeded plans and packs on sale: `billing_sync --create-missing` made their Stripe
    prices at the fake and tied them."""
    call_command("billing_sync", "--create-missing", stdout=io.StringIO())
    plans = {plan.code: plan for plan in Plan.objects.all()}
    packs = {pack.code: pack for pack in CreditPack.objects.all()}
    assert plans["pro"].stripe_price_id and packs["500-credits"].stripe_price_id
    return {"plans": plans, "packs": packs}


def post_event(client, server, event: dict, *, timestamp: int | None = None, secret=None):
    """Deliver one event to the webhook as Stripe does: the raw JSON body, signed."""
    body = json.dumps(event)
    header = server.signature_header(body, timestamp=timestamp, secret=secret)
    return client.post(
        WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


@pytest.fixture
def deliver(stripe_on):
    """deliver(client, *events) posts each event and asserts Stripe would see a 2xx."""

    def send(client, *events):
        for event in events:
            response = post_event(client, stripe_on, event)
            assert response.status_code == 200, (event["type"], response.content)

    return send


def stale(seconds: int = 3600) -> int:
    return int(time.time()) - seconds


def checkout(client, body: dict, path: str = "/api/v1/subscriptions/checkout") -> dict:
    response = client.post(path, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def subscribe(stripe_on, deliver):
    """subscribe(client, plan): checkout, the customer pays, every event Stripe sends for it is
    delivered in Stripe's order. Returns the events."""

    def run(client, plan: str = "pro") -> list[dict]:
        session = checkout(client, {"plan": plan})
        events = stripe_on.world.complete_checkout(session["id"])
        deliver(client, *events)
        return events

    return run


@pytest.fixture
def top_up(stripe_on, deliver):
    """top_up(client, pack, quantity): checkout, payment, events delivered. Returns them."""

    def run(client, pack: str = "500-credits", quantity: int = 1) -> list[dict]:
        session = checkout(client, {"pack": pack, "quantity": quantity}, "/api/v1/credits/topup")
        events = stripe_on.world.complete_checkout(session["id"])
        deliver(client, *events)
        return events

    return run


def of_type(events: list[dict], event_type: str) -> dict:
    return next(event for event in events if event["type"] == event_type)


@pytest.fixture
def buyer(settings):
    """(user, API client) made inside the test: transactional tests cannot use `user`'s."""
    settings.CREDITS_SIGNUP_GRANT = 0
    user = UserFactory()
    client = APIClient()
    client.force_authenticate(user)
    return user, client


def run_at_once(*work) -> None:
    """Start every callable together (a barrier), each in its own thread and connection."""
    barrier = threading.Barrier(len(work))

    def run(job):
        try:
            barrier.wait()
            job()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
