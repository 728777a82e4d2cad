"""The long steps of a review round as background jobs (see jobs/services.py for what a job
guarantees: 202 at once, progress, heartbeat and takeover, cancel, idempotent, one transaction).

Each step has a start service here, ``round_<step>_start(round=, actor=, ...) -> Job``, that checks
the round's state at once (a 409 instead of a failed job) and queues the job; the job's runner
calls the same round service that a synchronous call would (``reviews.services``), which checks
the state again under the round's lock. Pages and API views call only the start services and
poll ``jobs.selectors.job_status``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.enums import UNION_STAFF_ROLES
from core import exports as core_exports
from core.exceptions import Conflict, ValidationFailed
from jobs.models import Job
from jobs.registry import JobKind, register
from jobs.services import JobContext, JobFailed, job_start
from reviews import assignment as solver
from reviews import exports, selectors, services
from reviews.enums import AwardTier, RoundState
from reviews.errors import ReviewError
from reviews.infeasibility import infeasible_reasons
from reviews.models import Round

STAFF = frozenset(UNION_STAFF_ROLES)

ASSIGN = "reviews.round.assign"
CONFIRM = "reviews.round.confirm"
COMPUTE_RESULTS = "reviews.round.compute_results"
FINALIZE = "reviews.round.finalize"
AWARDS_BY_RANK = "reviews.round.awards_by_rank"
PUBLISH = "reviews.round.publish"


def _require_state(round_: Round, state: str, message: str) -> None:
    if Round.objects.values_list("state", flat=True).get(pk=round_.pk) != state:
        raise Conflict(message, code=ReviewError.ROUND_WRONG_STATE)


# --- assignment ---------------------------------------------------------------------------------


def _run_assign(ctx: JobContext) -> dict:
    round_ = ctx.target
    if round_.state != RoundState.ASSIGNING:
        raise JobFailed(
            _("The round is no longer in '%(state)s'.") % {"state": RoundState.ASSIGNING.label}
        )
    ctx.progress("loading", 5)
    loaded = services.load_assignment_problem(round_)
    ctx.progress("solving", 30)
    try:
        result = solver.assign(loaded.problem)
    except solver.AssignmentInfeasible as exc:
        # The findings in the staff's language first (reviews.infeasibility), then the details.
        reasons = infeasible_reasons(exc)
        raise JobFailed(
            reasons[0] if reasons else str(_("No assignment satisfies every rule.")),
            details=reasons,
            code=ReviewError.ASSIGNMENT_INFEASIBLE,
        ) from None
    ctx.progress("storing", 80)
    try:
        return services.store_solution(round_, loaded, result, actor=ctx.actor)
    except solver.AssignmentInfeasible as exc:
        raise JobFailed(exc.reasons[0], details=list(exc.reasons)) from None


def round_assign_start(*, round: Round, actor, send: bool = True) -> Job:
    """Queue the solver for a round in ``assigning`` (staff then adjust and confirm)."""
    _require_state(
        round,
        RoundState.ASSIGNING,
        _("Assignments are computed while the round is in '%(state)s'.")
        % {"state": RoundState.ASSIGNING.label},
    )
    return job_start(kind=ASSIGN, target=round, actor=actor, send=send)


# --- the round's moves and results --------------------------------------------------------------


def _run_confirm(ctx: JobContext) -> dict:
    ctx.progress("checking", 10)
    round_ = services.round_confirm_assignments(
        round=ctx.target,
        actor=ctx.actor,
        blind_override_reason=ctx.params.get("blind_override_reason", ""),
    )
    return {"state": round_.state, "confirmed_at": round_.assignments_confirmed_at.isoformat()}


def round_confirm_start(
    *, round: Round, actor, blind_override_reason: str = "", send: bool = True
) -> Job:
    """assigning -> open as a job: re-check everything, open the round, notify reviewers.
    A blind round whose entrants' free text names them is refused here at once (409
    ``blind_text_flagged``) unless ``blind_override_reason`` says why it may open; the job
    checks again and records the reason in the opening's audit row."""
    _require_state(
        round,
        RoundState.ASSIGNING,
        _("Only a round in '%(state)s' can have its assignments confirmed.")
        % {"state": RoundState.ASSIGNING.label},
    )
    checked = services.blind_opening_check(round=round, override_reason=blind_override_reason)
    params = {"blind_override_reason": checked["blind_override_reason"]} if checked else None
    return job_start(kind=CONFIRM, target=round, actor=actor, params=params, send=send)


def _warnings(round_: Round) -> list[dict]:
    # What staff should know about the results: entries with fewer than k reviews.
    shortfall = selectors.round_review_shortfall(round_)
    return [shortfall] if shortfall else []


def _run_compute(ctx: JobContext) -> dict:
    ctx.progress("computing", 10)
    round_ = services.round_compute_results(round=ctx.target, actor=ctx.actor)
    return {
        "entries": round_.round_entries.count(),
        "computed_at": round_.results_computed_at.isoformat(),
        "warnings": _warnings(round_),
    }


def round_compute_results_start(*, round: Round, actor) -> Job:
    _require_state(round, RoundState.CLOSED, _("Results are computed once the round is closed."))
    return job_start(kind=COMPUTE_RESULTS, target=round, actor=actor)


def _run_finalize(ctx: JobContext) -> dict:
    ctx.progress("computing", 10)
    round_ = services.round_finalize(round=ctx.target, actor=ctx.actor)
    advanced = round_.round_entries.filter(advanced=True).count()
    return {
        "state": round_.state,
        "advanced": advanced,
        "not_advanced": round_.round_entries.count() - advanced,
        "warnings": _warnings(round_),
    }


def round_finalize_start(*, round: Round, actor) -> Job:
    """closed -> finalized as a job: the results (computed first if staff have not), advancement,
    every entry's state."""
    _require_state(round, RoundState.CLOSED, _("Only a closed round can be finalized."))
    return job_start(kind=FINALIZE, target=round, actor=actor)


def _run_awards(ctx: JobContext) -> dict:
    ctx.progress("granting", 10)
    awards = services.awards_grant_by_rank(
        round=ctx.target, tiers=ctx.params["tiers"], actor=ctx.actor
    )
    by_tier: dict[str, int] = {}
    for award in awards:
        by_tier[award.tier] = by_tier.get(award.tier, 0) + 1
    return {"granted": len(awards), "by_tier": by_tier, "award_ids": [a.pk for a in awards][:1000]}


def round_awards_by_rank_start(*, round: Round, actor, tiers: dict[str, int]) -> Job:
    """Grant awards from a finalized final round's ranks (see ``services.awards_grant_by_rank``).
    A round that is not final, or not finalized, is a 409 here, before any job is queued."""
    unknown = sorted(set(tiers) - set(AwardTier.values))
    if unknown:
        raise ValidationFailed(
            _("tiers: unknown tier %(unknown)s.") % {"unknown": unknown[0]},
            fields={"tiers": [f"Unknown: {t}" for t in unknown]},
        )
    _require_state(round, RoundState.FINALIZED, _("Awards are granted from a finalized round."))
    # The award rule is decided up front too (a 409, no job); the job checks it again under lock.
    services.award_source_check(round)
    return job_start(kind=AWARDS_BY_RANK, target=round, actor=actor, params={"tiers": tiers})


def _run_publish(ctx: JobContext) -> dict:
    ctx.progress("publishing", 10)
    round_ = services.round_publish(round=ctx.target, actor=ctx.actor)
    return {"published_at": round_.published_at.isoformat()}


def round_publish_start(*, round: Round, actor) -> Job:
    _require_state(round, RoundState.FINALIZED, _("Only a finalized round can be published."))
    return job_start(kind=PUBLISH, target=round, actor=actor)


EXPORT = "reviews.round.export"


def _run_export(ctx: JobContext) -> dict:
    kind, file_format = ctx.params["kind"], ctx.params["file_format"]
    ctx.progress("exporting", 5)
    dataset = exports.export(ctx.target, kind)
    ctx.progress("exporting", 80)
    file = core_exports.export_file_store(
        [core_exports.dataset_bytes(dataset, file_format)],
        file_format=file_format,
        basename=f"round-{ctx.target.pk}-{kind}",
    )
    return {"rows": len(dataset), "file": file}


def round_export_start(*, round: Round, actor, kind: str, file_format: str) -> Job:
    """One of the round's exports (scoreboard, workload, awards, methods, leniency) made by a job,
    for a round too large to wait for; the file is then downloaded from the job."""
    if kind not in exports.EXPORT_KINDS:
        raise ValidationFailed(
            _("kind: one of %(kinds)s.") % {"kinds": ", ".join(exports.EXPORT_KINDS)},
            fields={"kind": [_("Unknown export.")]},
        )
    if file_format not in core_exports.EXPORT_FORMATS:
        raise ValidationFailed(
            _("file_format: choose one of %(formats)s.")
            % {"formats": ", ".join(core_exports.EXPORT_FORMATS)},
            fields={"file_format": [_("Unknown format.")]},
        )
    return job_start(
        kind=EXPORT, target=round, actor=actor, params={"kind": kind, "file_format": file_format}
    )


# --- registration ---------------------------------------------------------------------------------

_PHASES = {
    "loading": _("Loading reviewers, entries and conflicts"),
    "solving": _("Computing the optimal assignment"),
    "storing": _("Saving the assignment"),
    "checking": _("Checking every assignment and opening the round"),
    "computing": _("Computing scores and ranks"),
    "granting": _("Granting awards"),
    "publishing": _("Publishing the outcomes"),
}

for _kind in (
    JobKind(
        name=ASSIGN,
        label=_("Assign reviewers"),
        target=Round,
        run=_run_assign,
        queue="solver",
        roles=STAFF,
        phases=_PHASES,
    ),
    JobKind(
        name=CONFIRM,
        label=_("Confirm the assignments"),
        target=Round,
        run=_run_confirm,
        roles=STAFF,
        phases=_PHASES,
    ),
    JobKind(
        name=COMPUTE_RESULTS,
        label=_("Compute the results"),
        target=Round,
        run=_run_compute,
        roles=STAFF,
        phases=_PHASES,
    ),
    JobKind(
        name=FINALIZE,
        label=_("Finalize the round"),
        target=Round,
        run=_run_finalize,
        roles=STAFF,
        phases=_PHASES,
    ),
    JobKind(
        name=AWARDS_BY_RANK,
        label=_("Grant awards by rank"),
        target=Round,
        run=_run_awards,
        roles=STAFF,
        phases=_PHASES,
    ),
    JobKind(
        name=PUBLISH,
        label=_("Publish the outcomes"),
        target=Round,
        run=_run_publish,
        roles=STAFF,
        phases=_PHASES,
    ),
    JobKind(
        name=EXPORT,
        label=_("Export the round's figures"),
        target=Round,
        run=_run_export,
        queue="exports",
        # A read: it runs beside any step, and any other export.
        exclusive=False,
        roles=STAFF,
        phases={"exporting": _("Writing the file")},
    ),
):
    register(_kind)
