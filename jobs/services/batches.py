"""Batches: up to settings.JOB_BATCH_MAX jobs created by one request (several projects, or one
screenplay in variants), paid for all together or not at all, and cancelled together."""

import hashlib
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from rest_framework.exceptions import ValidationError

from billing.selectors import credit_balance
from filmstudio.errors import DomainError, PaymentRequired

from .. import state
from ..models import Job, JobBatch
from .actions import job_cancel
from .creation import job_insert_locked, job_price_checked, replay


def _fingerprint(items: list[dict]) -> str:
    body = [
        [item["project"].pk, item["type"], item.get("parameters") or {}, item["priority"]]
        for item in items
    ]
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _price_all(items: list[dict]) -> list[tuple[dict, int, object]]:
    """(cleaned parameters, cost, verdict) per item, each screenplay moderated once; a bad
    item is a 400 naming it (`jobs.<n>.<field>`)."""
    seen: dict[str, tuple] = {}
    priced = []
    for n, item in enumerate(items):
        parameters = item.get("parameters") or {}
        key = json.dumps([item["project"].pk, item["type"], parameters], sort_keys=True)
        try:
            if key not in seen:
                seen[key] = job_price_checked(
                    project=item["project"], job_type=item["type"], parameters=parameters
                )
        except ValidationError as exc:
            raise ValidationError({"jobs": {n: exc.detail}}) from None
        except DomainError as exc:
            raise type(exc)(
                f"jobs[{n}]: {exc.detail}",
                code=exc.code,
                errors={f"jobs.{n}.{field}": msgs for field, msgs in (exc.errors or {}).items()},
            ) from None
        priced.append(seen[key])
    return priced


def job_batch_create(
    *, user, items: list[dict], idempotency_key: str | None = None
) -> tuple[JobBatch, bool]:
    """Create one job per item ({"project": Project of `user`, "type", "parameters",
    "priority"}), at most settings.JOB_BATCH_MAX, as one batch; returns (batch, created).

    Every check runs first (a bad item is a 400 naming it); then all jobs are inserted and
    their credits reserved in ONE transaction: short of credits for all of them raises
    PaymentRequired (402 `insufficient_credits`, saying how many credits are missing) and
    creates none. Jobs past the owner's running limit wait their turn like any other. With
    `idempotency_key`, a replay returns the first batch (created=False), charging nothing
    more; the same key with another body is 422 `idempotency_key_reused`.
    """
    if not 1 <= len(items) <= settings.JOB_BATCH_MAX:
        raise ValidationError({"jobs": [f"Between 1 and {settings.JOB_BATCH_MAX} jobs."]})
    fingerprint = _fingerprint(items)
    existing = replay(user=user, key=idempotency_key, fingerprint=fingerprint, model=JobBatch)
    if existing is not None:
        return existing, False
    priced = _price_all(items)
    total = sum(cost for _, cost, _ in priced)
    try:
        with transaction.atomic():
            batch = JobBatch.objects.create(
                owner=user, idempotency_key=idempotency_key, request_fingerprint=fingerprint
            )
            for item, (parameters, cost, verdict) in zip(items, priced, strict=True):
                job_insert_locked(
                    user=user,
                    project=item["project"],
                    job_type=item["type"],
                    parameters=parameters,
                    priority=item["priority"],
                    cost=cost,
                    verdict=verdict,
                    batch=batch,
                )
    except PaymentRequired:
        short = total - credit_balance(user=user)
        raise PaymentRequired(
            f"The batch costs {total} credits; {short} more are needed. No job was created.",
            errors={"jobs": [f"{short} credits short of {total}."]},
        ) from None
    except IntegrityError:
        existing = replay(user=user, key=idempotency_key, fingerprint=fingerprint, model=JobBatch)
        if existing is not None:  # a concurrent replay of the same key won the insert
            return existing, False
        raise
    return batch, True


def job_batch_cancel(*, batch: JobBatch) -> int:
    """Cancel every live job of the batch (each refunded once, as `job_cancel`), the waiting
    ones first so none of them is started by a slot another frees. Returns how many."""
    live = (
        Job.objects.filter(batch=batch, status__in=state.LIVE)
        .order_by(F("admitted_at").desc(nulls_first=True), "id")
        .only("pk")
    )
    cancelled = 0
    for job in list(live):
        try:
            job_cancel(job=job, message="batch cancelled by the owner")
            cancelled += 1
        except DomainError:  # it finished meanwhile
            continue
    return cancelled
