"""Demo review rounds for the previous contest edition (see core/demo.py for the contract).

For ``ctx.shared["demo_contest_ids"]["previous"]`` (set by projects/demo.py; nothing happens
without it): the expert pool expert01..expert20, one declared conflict, round 1 (初赛, finalized
and published, with results) and round 2 (复赛, open, deadline in a few days, assignments
confirmed, some reviews submitted and some drafts). Everything goes through the services, so the
demo shows real audit trails. Idempotent: a contest that already has rounds is left alone.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from core.demo import DemoContext
from core.exceptions import DomainError
from jobs.enums import JobState
from jobs.services import job_run
from projects.models import Contest, Entry
from reviews import jobs as review_jobs
from reviews import pledges, services
from reviews.enums import AdvancementRule, AggregationMethod, ReviewState
from reviews.models import Criterion, Round

RUBRIC = [
    ("创新性", "技术、工艺或管理上的创新程度与原创性", Decimal("30")),
    ("技术水平", "技术先进性、成熟度与难度", Decimal("25")),
    ("经济社会效益", "已产生或预期的经济效益与社会效益", Decimal("25")),
    ("可行性与前景", "实施条件、推广价值与市场前景", Decimal("20")),
]
COMMENTS = [
    "创新点明确，建议补充应用数据。",
    "技术路线清晰，效益测算略显乐观。",
    "具有较好的推广价值，建议加强知识产权保护。",
    "方案可行，团队结构合理。",
]


def _rubric(round_: Round, actor: User) -> None:
    services.rubric_set(
        round=round_,
        criteria=[{"name": n, "description": d, "weight": w, "max_score": w} for n, d, w in RUBRIC],
        actor=actor,
    )


def _solve(round_: Round, actor: User, ctx: DemoContext) -> bool:
    # The same jobs that staff start, run here in-process (the seed is one transaction).
    for start in (review_jobs.round_assign_start, review_jobs.round_confirm_start):
        job = job_run(job_id=start(round=round_, actor=actor, send=False).pk)
        if job.state != JobState.SUCCEEDED:
            ctx.log(f"  reviews: {job.kind} of {round_.name} failed: {job.error}")
            return False
    round_.refresh_from_db()
    return True


def _score(round_: Round, ctx: DemoContext, *, share_submitted: float, share_draft: float) -> None:
    rng = ctx.rng
    criteria = list(Criterion.objects.filter(round=round_))
    assignments = list(round_.assignments.select_related("reviewer").order_by("id"))
    pledged: set[int] = set()
    for a in assignments:
        roll = rng.random()
        if roll >= share_submitted + share_draft:
            continue
        quality = rng.uniform(0.55, 0.95)
        scores = [
            {
                "criterion": c.pk,
                "score": str(
                    min(
                        c.max_score,
                        Decimal(
                            str(round(float(c.max_score) * quality * rng.uniform(0.9, 1.05), 1))
                        ),
                    )
                ),
            }
            for c in criteria
        ]
        if a.reviewer_id not in pledged:  # a reviewer accepts the round's pledge before scoring
            pledges.pledge_accept(round=round_, reviewer=a.reviewer, ip_address=None)
            pledged.add(a.reviewer_id)
        write = services.review_submit if roll < share_submitted else services.review_save_draft
        write(assignment=a, reviewer=a.reviewer, scores=scores, comment=rng.choice(COMMENTS))


def seed(ctx: DemoContext) -> None:
    contest_id = ctx.shared.get("demo_contest_ids", {}).get("previous")
    if contest_id is None:
        return
    contest = Contest.objects.filter(pk=contest_id).first()
    if contest is None or Round.objects.filter(contest=contest).exists():
        return
    staff = User.objects.filter(username="union_zhang").first()
    experts = list(User.objects.filter(username__regex=r"^expert\d\d$").order_by("username"))
    if staff is None or not experts:
        return
    services.pool_add(contest=contest, reviewers=experts, actor=staff)
    entrant = (
        Organisation.objects.filter(entries__contest=contest)
        .exclude(employed_reviewers__user=experts[0])
        .first()
    )
    if entrant is not None:
        services.conflict_declare(
            reviewer=experts[0],
            organisation=entrant,
            contest=contest,
            reason="曾在该单位担任技术顾问（三年内）",
            actor=experts[0],
        )
    if not Entry.objects.filter(contest=contest, state="submitted").exists():
        ctx.log("  reviews: the previous contest has no submitted entry; no rounds seeded")
        return
    now = timezone.now()
    try:
        first = services.round_create(
            contest=contest,
            actor=staff,
            name="初赛",
            order=1,
            reviewers_per_entry=3,
            opens_at=now - timedelta(days=1),
            deadline=now + timedelta(days=1),
            is_blind=True,
            aggregation=AggregationMethod.TRIMMED_MEAN,
            advancement_rule=AdvancementRule.TOP_SHARE,
            advancement_value=Decimal("0.5"),
        )
        _rubric(first, staff)
        services.round_start_assigning(round=first, actor=staff)
        if not _solve(first, staff, ctx):
            return
        _score(first, ctx, share_submitted=1.0, share_draft=0.0)
        # The round happened weeks ago: move its window into the past, then close it.
        Round.objects.filter(pk=first.pk).update(
            opens_at=now - timedelta(days=40), deadline=now - timedelta(days=30)
        )
        services.round_close(round=first, actor=None)
        services.round_finalize(round=first, actor=staff)
        services.round_publish(round=first, actor=staff)

        second = services.round_create(
            contest=contest,
            actor=staff,
            name="复赛",
            order=2,
            reviewers_per_entry=5,
            opens_at=now - timedelta(days=2),
            deadline=now + timedelta(days=4),
            is_blind=False,
            aggregation=AggregationMethod.ZSCORE,
            advancement_rule=AdvancementRule.TOP_N,
            advancement_value=Decimal("3"),
        )
        _rubric(second, staff)
        services.round_start_assigning(round=second, actor=staff)
        if _solve(second, staff, ctx):
            _score(second, ctx, share_submitted=0.5, share_draft=0.2)
    except DomainError as exc:
        ctx.log(f"  reviews: demo rounds stopped: {exc.detail}")
        return
    submitted = second.reviews.filter(state=ReviewState.SUBMITTED).count()
    ctx.log(f"  reviews: 初赛 finalized and published, 复赛 open ({submitted} reviews submitted)")
