"""All writes of background jobs. What a job guarantees:

- **202 at once.** ``job_start`` writes a queued row and sends its id to the kind's Celery queue
  after commit; the request returns at once with the job (``jobs/<id>/`` to poll).
- **Idempotent.** Starting the same step (kind + target + params) while it is queued or running
  returns that job (a partial unique index makes this hold under concurrent requests). A kind
  that changes its target also holds the target: another writing step on it is a 409 meanwhile.
- **Nothing half-written.** The step runs inside one database transaction together with the
  job's move to ``succeeded``; a failure, a cancellation or a dead worker rolls all of it back.
- **Progress and heartbeat.** ``ctx.progress(phase, percent)`` is published by a heartbeat thread
  on its own database connection (visible while the step's transaction is still open), which
  also refreshes ``heartbeat_at`` every ``JOBS_HEARTBEAT_SECONDS``.
- **Takeover.** A running job whose heartbeat is older than ``JOBS_STALE_AFTER_SECONDS`` is
  queued again by ``jobs_sweep`` (beat, every minute, and each worker as it starts) and claimed
  by the next worker with a new lease; the old lease can never commit (checked under the job
  row's lock just before commit). After ``JOBS_MAX_ATTEMPTS`` claims the job fails, in words.
- **Cancel.** Staff cancel a queued job at once, a running one at its next progress report (or
  just before it would commit); a cancelled step has written nothing.

Moves follow ``jobs.enums.JOB_TRANSITIONS``; each move writes an audit row on the job.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import threading
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, DomainError
from core.services import audit_record
from core.transitions import check_transition
from jobs.enums import JOB_TRANSITIONS, LIVE_STATES, JobState
from jobs.errors import JobError
from jobs.models import Job
from jobs.registry import JobKind, get_kind
from jobs.selectors import target_key

logger = logging.getLogger(__name__)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def heartbeat_seconds() -> float:
    return _setting("JOBS_HEARTBEAT_SECONDS", 5)


def stale_after_seconds() -> float:
    return _setting("JOBS_STALE_AFTER_SECONDS", 120)


def max_attempts() -> int:
    return int(_setting("JOBS_MAX_ATTEMPTS", 3))


class JobFailed(DomainError):
    """Raised by a step to end its job as failed with a message for staff (and details)."""

    code = "job_failed"

    def __init__(self, detail: str, *, details: list[str] | None = None, code: str | None = None):
        super().__init__(detail, code=code)
        self.details = list(details or [])


class JobCancelled(Exception):
    """Staff asked to cancel: the step stops and its transaction rolls back."""


class JobLost(Exception):
    """Another worker took the job over: this attempt must not commit."""


# --------------------------------------------------------------------------------------------
# start, cancel, sweep
# --------------------------------------------------------------------------------------------


def _dedupe_key(kind: str, target: models.Model, params: dict) -> str:
    digest = hashlib.sha1(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()
    return f"{kind}|{target_key(target)}|{digest[:16]}"


def _send(job: Job) -> None:
    from jobs.tasks import run_job

    try:
        run_job.apply_async(args=[job.pk], queue=job.queue)
    except Exception:  # broker down: the row is queued, jobs_sweep sends it again later
        logger.warning("Could not queue job %s; the sweep will.", job.pk, exc_info=True)


def _move(job: Job, to_state: str, *, actor: Any | None = None, reason: str = "", **fields) -> Job:
    """Check and apply a move on a locked job row, with its audit row."""
    check_transition(JOB_TRANSITIONS, job.state, to_state, what="job")
    from_state = job.state
    job.state = to_state
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["state", *fields])
    audit_record(
        actor=actor,
        action="job.state",
        target=job,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data={"kind": job.kind, "attempt": job.attempts},
    )
    return job


def job_start(
    *,
    kind: str,
    target: models.Model,
    actor: Any | None,
    params: dict | None = None,
    send: bool = True,
) -> Job:
    """Queue one run of the step ``kind`` on ``target`` and return the job (202 for the caller).

    Starting the same step again while its job is queued or running returns that job. A writing
    step while another writing step on the same target is live: ``Conflict`` (409) naming it.
    The caller checks the step's own preconditions first (e.g. the round's state), so that a
    request that cannot succeed is refused at once instead of making a failed job.
    ``send=False`` queues no message: the caller runs it in-process with ``job_run`` (the demo
    seeder and the benchmarks)."""
    spec = get_kind(kind)
    params = params or {}
    dedupe_key = _dedupe_key(kind, target, params)
    lock_key = target_key(target) if spec.exclusive else None
    live = Job.objects.filter(dedupe_key=dedupe_key, state__in=LIVE_STATES).first()
    if live:
        return live
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
                target_id=str(target.pk),
                params=params,
                dedupe_key=dedupe_key,
                lock_key=lock_key,
                queue=spec.queue,
                phase="queued",
                requested_by=actor if getattr(actor, "is_authenticated", False) else None,
                queued_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action="job.start",
                target=job,
                to_state=job.state,
                data={"kind": kind, "target": target_key(target), "params": params},
            )
            if send:
                transaction.on_commit(lambda: _send(job))
    except IntegrityError:
        # A concurrent request won the race: return its job, or name the step holding the target.
        live = Job.objects.filter(dedupe_key=dedupe_key, state__in=LIVE_STATES).first()
        if live:
            return live
        holder = Job.objects.filter(lock_key=lock_key, state__in=LIVE_STATES).first()
        if holder:
            raise _busy(holder) from None
        raise
    return job


def _busy(holder: Job) -> Conflict:
    label = get_kind(holder.kind).label
    return Conflict(
        _("Another step is running on this object: %(label)s (job %(id)s, %(state)s).")
        % {"label": label, "id": holder.pk, "state": holder.get_state_display()},
        code=JobError.JOB_RUNNING,
        fields={"job": [str(holder.pk)]},
    )


# The job whose runner is executing in this thread (set by ``job_run``): the services it calls may
# lock their target although the job itself holds it.
_running_job: ContextVar[int | None] = ContextVar("running_job", default=None)


def job_check_target_free(*, target: models.Model, kind: str = "") -> None:
    """Raise 409 if a writing step (other than ``kind``) is live on ``target``. Services of short,
    synchronous moves call it after locking their target, so that they never interleave with a
    long step; inside a job's own runner that job does not count."""
    holder = Job.objects.filter(lock_key=target_key(target), state__in=LIVE_STATES)
    if kind:
        holder = holder.exclude(kind=kind)
    running = _running_job.get()
    if running is not None:
        holder = holder.exclude(pk=running)
    holder = holder.first()
    if holder:
        raise _busy(holder)


def _is_stale(job: Job, now) -> bool:
    beat = job.heartbeat_at or job.started_at or job.created_at
    return beat < now - timedelta(seconds=stale_after_seconds())


def job_cancel(*, job: Job, actor: Any) -> Job:
    """Cancel a job. Queued (or running on a dead worker): cancelled at once. Running: marked,
    and the worker stops at its next progress report with nothing written. Finished: 409."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        check_transition(JOB_TRANSITIONS, locked.state, JobState.CANCELLED, what="job")
        now = timezone.now()
        locked.cancel_requested_at, locked.cancel_requested_by = now, actor
        locked.save(update_fields=["cancel_requested_at", "cancel_requested_by"])
        if locked.state == JobState.QUEUED or _is_stale(locked, now):
            _move(
                locked,
                JobState.CANCELLED,
                actor=actor,
                reason="Cancelled by staff.",
                phase="cancelled",
                lease="",
                error=_("Cancelled by %(who)s.") % {"who": actor},
                error_code="cancelled",
                finished_at=now,
            )
        else:
            audit_record(actor=actor, action="job.cancel_requested", target=locked)
    return locked


def jobs_sweep(*, now=None) -> dict[str, int]:
    """Take over jobs whose worker died and send again jobs whose message was lost.

    Running with a stale heartbeat: queued again (a new worker claims it with a new lease), or
    failed after ``JOBS_MAX_ATTEMPTS`` claims. Queued for longer than the stale time: its
    message is sent again (a duplicate message is harmless: only a queued job is claimed)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_after_seconds())
    requeued = failed = resent = 0
    stale_ids = list(
        Job.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    to_send: list[Job] = []
    for pk in stale_ids:
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=JobState.RUNNING, heartbeat_at__lt=cutoff)
                .first()
            )
            if job is None:
                continue
            words = _("The worker running this job stopped (no heartbeat since %(at)s).") % {
                "at": timezone.localtime(job.heartbeat_at).strftime("%Y-%m-%d %H:%M:%S")
            }
            if job.cancel_requested_at:
                _move(
                    job,
                    JobState.CANCELLED,
                    reason=words,
                    phase="cancelled",
                    lease="",
                    error=_("Cancelled."),
                    error_code="cancelled",
                    finished_at=now,
                )
            elif job.attempts >= max_attempts():
                _move(
                    job,
                    JobState.FAILED,
                    reason=words,
                    phase="failed",
                    lease="",
                    error=_(
                        "Stopped %(n)s times because its worker died (out of memory or "
                        "killed?). Start it again; if it stops again, ask the administrator "
                        "to look at the worker logs."
                    )
                    % {"n": job.attempts},
                    error_code="worker_lost",
                    finished_at=now,
                )
                failed += 1
            else:
                _move(
                    job,
                    JobState.QUEUED,
                    reason=words,
                    phase="taken_over",
                    lease="",
                    worker="",
                    queued_at=now,
                )
                to_send.append(job)
                requeued += 1
    for job in Job.objects.filter(state=JobState.QUEUED, queued_at__lt=cutoff):
        to_send.append(job)
        resent += 1
    for job in to_send:
        _send(job)
    return {"requeued": requeued, "failed": failed, "resent": resent}


# --------------------------------------------------------------------------------------------
# running a job (in a Celery worker)
# --------------------------------------------------------------------------------------------


@dataclass
class _Shared:
    phase: str = "starting"
    percent: int = 0
    cancel: bool = False
    lost: bool = False
    dirty: threading.Event = field(default_factory=threading.Event)


class _Heartbeat(threading.Thread):
    """Publishes progress and the heartbeat from its own database connection, so that staff see
    them while the step's transaction is still open, and reads back a cancellation request."""

    def __init__(self, job_id: int, lease: str, shared: _Shared):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.lease, self.shared = job_id, lease, shared
        self._stop_event = threading.Event()

    def beat(self) -> None:
        updated = Job.objects.filter(
            pk=self.job_id, lease=self.lease, state=JobState.RUNNING
        ).update(heartbeat_at=timezone.now(), phase=self.shared.phase, percent=self.shared.percent)
        row = Job.objects.filter(pk=self.job_id).values_list("cancel_requested_at", "lease")
        row = row.first()
        if row is None:
            return  # not visible from here (a test's uncommitted job): nothing to learn
        if row[0] is not None:
            self.shared.cancel = True
        if not updated and row[1] != self.lease:
            self.shared.lost = True

    def run(self) -> None:
        interval = heartbeat_seconds()
        try:
            while not self._stop_event.is_set():
                try:
                    self.beat()
                except Exception:
                    logger.warning("Heartbeat of job %s failed", self.job_id, exc_info=True)
                self.shared.dirty.wait(interval)
                self.shared.dirty.clear()
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.shared.dirty.set()
        self.join(timeout=30)


@dataclass
class JobContext:
    """What a step's ``run`` receives."""

    job: Job
    kind: JobKind
    target: Any
    _shared: _Shared

    @property
    def params(self) -> dict:
        return self.job.params

    @property
    def actor(self):
        return self.job.requested_by

    def progress(self, phase: str, percent: int | float) -> None:
        """Report the phase and percent (published within a heartbeat interval, at once when
        the phase changes); stops the step here if staff cancelled or the job was taken over."""
        percent = max(0, min(99, int(percent)))
        changed = phase != self._shared.phase
        self._shared.phase, self._shared.percent = phase, percent
        if changed:
            self._shared.dirty.set()
        self.check()

    def check(self) -> None:
        if self._shared.lost:
            raise JobLost()
        if self._shared.cancel:
            raise JobCancelled()


def _worker_name(worker: str) -> str:
    return f"{worker or socket.gethostname()}:{os.getpid()}"


def _claim(job_id: int, worker: str = "") -> tuple[Job | None, str]:
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, state=JobState.QUEUED)
            .first()
        )
        if job is None:
            return None, ""
        now = timezone.now()
        if job.cancel_requested_at:
            _move(
                job,
                JobState.CANCELLED,
                phase="cancelled",
                error=_("Cancelled."),
                error_code="cancelled",
                finished_at=now,
            )
            return None, ""
        lease = uuid.uuid4().hex
        _move(
            job,
            JobState.RUNNING,
            phase="starting",
            lease=lease,
            worker=_worker_name(worker),
            attempts=job.attempts + 1,
            heartbeat_at=now,
            started_at=job.started_at or now,
        )
        return job, lease


def _finish_locked(job_id: int, lease: str) -> Job:
    """Inside the step's transaction, just before commit: lock the job row and make sure this
    attempt still owns it and nobody cancelled it."""
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.state != JobState.RUNNING or job.lease != lease:
        raise JobLost()
    if job.cancel_requested_at:
        raise JobCancelled()
    return job


def _end(job_id: int, lease: str, to_state: str, **fields) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.state != JobState.RUNNING or job.lease != lease:
            return None  # taken over meanwhile: the new attempt reports
        return _move(job, to_state, lease="", finished_at=timezone.now(), **fields)


def job_run(*, job_id: int, worker: str = "") -> Job:
    """Run a queued job in this process (the Celery task calls it with its worker's name). Safe
    to call twice: only a queued job is claimed; a second delivery returns the job as it is."""
    job, lease = _claim(job_id, worker)
    if job is None:
        return Job.objects.get(pk=job_id)
    spec = get_kind(job.kind)
    shared = _Shared()
    # Inside a caller's transaction (the demo seeder, a test) nobody else can see the job, and a
    # second connection could only wait on the caller's locks: no heartbeat thread then.
    heartbeat = None if connection.in_atomic_block else _Heartbeat(job.pk, lease, shared)
    if heartbeat:
        heartbeat.start()
    outcome: tuple[str, dict] | None = None
    try:
        target = spec.target._default_manager.get(pk=job.target_id)
        ctx = JobContext(job=job, kind=spec, target=target, _shared=shared)
        token = _running_job.set(job.pk)
        try:
            with transaction.atomic():
                result = spec.run(ctx) or {}
                locked = _finish_locked(job.pk, lease)
                _move(
                    locked,
                    JobState.SUCCEEDED,
                    phase="done",
                    percent=100,
                    result=result,
                    lease="",
                    finished_at=timezone.now(),
                )
        finally:
            _running_job.reset(token)
    except JobLost:
        logger.warning("Job %s was taken over by another worker; this attempt stops.", job_id)
    except JobCancelled:
        outcome = (
            JobState.CANCELLED,
            {"phase": "cancelled", "error": _("Cancelled by staff."), "error_code": "cancelled"},
        )
    except JobFailed as exc:
        outcome = (
            JobState.FAILED,
            {
                "phase": "failed",
                "error": exc.detail,
                "error_code": exc.code,
                "error_details": exc.details,
            },
        )
    except DomainError as exc:
        details = [f"{k}: {m}" for k, msgs in exc.fields.items() for m in msgs]
        outcome = (
            JobState.FAILED,
            {
                "phase": "failed",
                "error": exc.detail,
                "error_code": exc.code,
                "error_details": details,
            },
        )
    except Exception as exc:
        logger.exception("Job %s (%s) crashed", job_id, job.kind)
        outcome = (
            JobState.FAILED,
            {
                "phase": "failed",
                "error": _(
                    "Unexpected error (%(type)s); nothing was changed. Details are in the "
                    "worker log."
                )
                % {"type": type(exc).__name__},
                "error_code": "error",
            },
        )
    finally:
        if heartbeat:
            heartbeat.stop()
    if outcome is not None:
        _end(job.pk, lease, outcome[0], **outcome[1])
    return Job.objects.get(pk=job_id)
