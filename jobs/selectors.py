"""Reads of background jobs: who sees which job, and the progress body that the API and the
pages show (one home, so that a progress bar says the same thing everywhere)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from accounts.permissions import has_any_role
from jobs.enums import FINISHED_STATES, LIVE_STATES, JobState
from jobs.models import Job
from jobs.registry import all_kinds, get_kind


def _kinds_for(user) -> list[str]:
    return [name for name, kind in all_kinds().items() if has_any_role(user, kind.roles)]


def jobs_visible_to(user) -> QuerySet[Job]:
    """Staff of a kind see every job of that kind; anyone sees the jobs they started."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(Q(kind__in=_kinds_for(user)) | Q(requested_by=user)).select_related(
        "target_type"
    )


def job_may_cancel(*, job: Job, user) -> bool:
    """Staff of the kind may cancel (a requester without the role may only watch)."""
    try:
        return has_any_role(user, get_kind(job.kind).roles)
    except LookupError:
        return bool(getattr(user, "is_superuser", False))


def jobs_of_target(*, user, target: models.Model, kind: str | None = None) -> QuerySet[Job]:
    """The jobs on one object (newest first), e.g. the round page's job history."""
    qs = jobs_visible_to(user).filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
    )
    return qs.filter(kind=kind) if kind else qs


def job_live_for(*, user, target: models.Model, kind: str) -> Job | None:
    """The queued or running job of a step on an object, if any (a page shows its progress bar
    instead of the start button)."""
    return jobs_of_target(user=user, target=target, kind=kind).filter(state__in=LIVE_STATES).first()


def target_key(target: models.Model) -> str:
    """The key a writing step holds its target by (``Job.lock_key``)."""
    return f"{target._meta.label_lower}:{target.pk}"


def job_holding(target: models.Model) -> Job | None:
    """The queued or running writing step that holds ``target``, if any: meanwhile every other
    write on it is refused (``jobs.services.job_check_target_free``), so a page offers none."""
    return Job.objects.filter(lock_key=target_key(target), state__in=LIVE_STATES).first()


def job_file(job: Job) -> dict | None:
    """The file a succeeded export job made (``core.exports.export_file_store``), if any."""
    file = (job.result or {}).get("file")
    return file if job.state == JobState.SUCCEEDED and isinstance(file, dict) else None


def _public_result(result: dict) -> dict:
    file = (result or {}).get("file")
    if not isinstance(file, dict):
        return result
    return {**result, "file": {k: v for k, v in file.items() if k != "name"}}


def job_status(job: Job) -> dict[str, Any]:
    """The progress body of a job, in words: what the API returns and what a page renders."""
    try:
        kind = get_kind(job.kind)
        kind_label, phase_label = str(kind.label), kind.phase_label(job.phase)
    except LookupError:
        kind_label, phase_label = job.kind, job.phase
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": kind_label,
        "target_type": job.target_type.model_class()._meta.label_lower
        if job.target_type.model_class()
        else "",
        "target_id": job.target_id,
        "params": job.params,
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "phase": job.phase,
        "phase_label": phase_label,
        "percent": job.percent,
        "finished": job.state in FINISHED_STATES,
        # An export's file is downloaded from the job; its storage name stays on the server.
        "result": _public_result(job.result),
        "download_url": f"/api/v1/jobs/{job.pk}/download/" if job_file(job) else None,
        "error": job.error,
        "error_code": job.error_code,
        "error_details": job.error_details,
        "attempts": job.attempts,
        "cancel_requested": job.cancel_requested_at is not None,
        "heartbeat_at": job.heartbeat_at,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "url": f"/api/v1/jobs/{job.pk}/",
    }
