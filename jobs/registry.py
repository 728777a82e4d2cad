"""The kinds of job, registered by the app that owns each step.

An app declares a kind once (usually in its ``jobs.py``, imported by its ``AppConfig.ready``)::

    register(JobKind(
        name="reviews.round.finalize", label=_("Finalize the round"), target=Round,
        run=_run_finalize, queue="celery", roles=STAFF, phases={"ranking": _("Ranking")},
    ))

``run(ctx)`` does the whole step and returns a JSON-able result. It runs inside ONE database
transaction opened by the job runner, so a failure, a cancellation or a lost worker leaves
nothing of it behind; it reports progress with ``ctx.progress(phase, percent)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from jobs.services import JobContext

# Phases every job goes through, whatever its kind.
COMMON_PHASES: dict[str, Any] = {
    "queued": _("Waiting for a worker"),
    "taken_over": _("Waiting for a worker (the previous one stopped)"),
    "starting": _("Starting"),
    "done": _("Done"),
    "failed": _("Failed"),
    "cancelled": _("Cancelled"),
}


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Any
    target: type[models.Model]
    run: Callable[[JobContext], dict]
    # Celery queue: "solver" for the assignment solver, "exports" for files, "celery" otherwise.
    queue: str = "celery"
    # A kind that changes its target holds it: no other such job on the same target meanwhile.
    exclusive: bool = True
    # Who may see and cancel jobs of this kind (besides the user who started one).
    roles: frozenset[str] = frozenset()
    phases: Mapping[str, Any] = field(default_factory=dict)

    def phase_label(self, phase: str) -> str:
        label = self.phases.get(phase) or COMMON_PHASES.get(phase) or phase
        return str(label)


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Register a kind (registering the same name again replaces it: module reloads in tests)."""
    _KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"Unknown job kind {name!r}.") from None


def all_kinds() -> dict[str, JobKind]:
    return dict(_KINDS)
