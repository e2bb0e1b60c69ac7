"""What a screenplay holds and what a job would cost, before anything exists: the live
breakdown and the price a client shows while its user writes. Nothing here writes, reserves
or moderates; the same pricing as `job_create` (creation.job_quote) decides the numbers."""

from billing.selectors import credit_balance
from projects.models import Project

from .creation import job_quote, script_seconds_estimate, script_validate


def script_analyse(*, text: str) -> dict:
    """The breakdown of a screenplay as counts per scene and in all, with how long its film
    would run. An unusable screenplay raises InvalidScript (400, `script_<reason>`, the
    message under `errors.script`)."""
    breakdown = script_validate(text=text)
    scenes = [
        {
            "index": scene.index,
            "heading": scene.heading,
            "characters": list(scene.characters),
            "shots": len(scene.shots),
            "lines": sum(len(shot.lines) for shot in scene.shots),
        }
        for scene in breakdown.scenes
    ]
    return {
        "title": breakdown.title,
        "format": breakdown.format,
        "characters": list(breakdown.characters),
        "scenes": scenes,
        "shots": len(breakdown.shots),
        "lines": len(breakdown.lines),
        "words": sum(len(line.text.split()) for line in breakdown.lines),
        "estimated_seconds": script_seconds_estimate(breakdown),
    }


def job_estimate(
    *, user, project: Project, job_type: str, parameters: dict, script: str | None = None
) -> dict:
    """The credits a job of `job_type` on the project would reserve now (for `script` instead
    of the saved screenplay when given), the user's balance and whether it covers them.
    Raises what job_create would for the same input (ValidationError, InvalidScript)."""
    _, seconds, cost = job_quote(
        project=project, job_type=job_type, parameters=parameters, script=script
    )
    balance = credit_balance(user=user)
    return {
        "type": job_type,
        "cost": cost,
        "seconds": seconds,
        "balance": balance,
        "can_pay": balance >= cost,
    }
