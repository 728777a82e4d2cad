"""Generating a contest's certificates as a background job (202, progress, one transaction;
see jobs/services.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.enums import UNION_STAFF_ROLES
from certificates import services
from jobs.models import Job
from jobs.registry import JobKind, register
from jobs.services import JobContext, job_start
from projects.models import Contest

GENERATE = "certificates.contest.generate"


def _run(ctx: JobContext) -> dict:
    ctx.progress("rendering", 1)
    issued = services.certificates_issue(
        contest=ctx.target,
        actor=ctx.actor,
        progress=lambda done, total: ctx.progress("rendering", 1 + 98 * done / max(total, 1)),
    )
    return {"issued": len(issued), "numbers": [c.number for c in issued][:50]}


register(
    JobKind(
        name=GENERATE,
        label=_("Generate the award certificates"),
        target=Contest,
        run=_run,
        queue="exports",
        roles=frozenset(UNION_STAFF_ROLES),
        phases={"rendering": _("Rendering the certificates")},
    )
)


def certificates_generate_start(*, contest: Contest, actor, send: bool = True) -> Job:
    """Queue the job; refused at once (409) while the results are not final."""
    services.check_results_final(contest)
    return job_start(kind=GENERATE, target=contest, actor=actor, send=send)
