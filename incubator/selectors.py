"""Reads of the incubator: per-user scoping, overdue reports, outcomes and due reminders.

Enterprise members see only their own organisation's incubation records (another's is a 404);
incubator staff and admins see all, union staff read all (they answer "what became of our
winners")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accounts.models import User
from accounts.selectors import scope_by_organisation
from incubator.enums import (
    INCUBATION_REPORT_REMIND_NOW,
    INCUBATION_TRANSITIONS,
    MILESTONE_TRANSITIONS,
    RECEIVED_REPORT_STATES,
    REPORT_TRANSITIONS,
    IncubationStage,
    ReportState,
)
from incubator.models import Incubation, IncubationReport, Milestone, SupportRecord
from notifications.reminders import remind_now_blocked_until
from projects.enums import EntryState
from projects.models import Contest, Entry

REPORT_SUMS = {
    "revenue": Sum("revenue"),
    "jobs_created": Sum("jobs_created"),
    "patents_filed": Sum("patents_filed"),
    "patents_granted": Sum("patents_granted"),
    "financing_raised": Sum("financing_raised"),
    "products_launched": Sum("products_launched"),
}


def incubations_visible_to(user: User) -> QuerySet[Incubation]:
    qs = Incubation.objects.select_related("entry", "entry__contest", "organisation").annotate(
        reports_overdue=Count(
            "reports",
            filter=Q(
                reports__state=ReportState.PENDING, reports__due_date__lt=timezone.localdate()
            ),
        )
    )
    return scope_by_organisation(qs, user, "organisation_id")


def milestones_visible_to(user: User) -> QuerySet[Milestone]:
    return scope_by_organisation(
        Milestone.objects.select_related("incubation", "incubation__entry"),
        user,
        "incubation__organisation_id",
    )


def support_visible_to(user: User) -> QuerySet[SupportRecord]:
    return scope_by_organisation(
        SupportRecord.objects.select_related("incubation", "incubation__entry"),
        user,
        "incubation__organisation_id",
    )


def reports_visible_to(user: User) -> QuerySet[IncubationReport]:
    return scope_by_organisation(
        IncubationReport.objects.select_related(
            "incubation", "incubation__entry", "incubation__organisation"
        ),
        user,
        "incubation__organisation_id",
    )


def reports_overdue(qs: QuerySet[IncubationReport], today: date | None = None):
    """Reports still owed after their due date (pending, due before ``today``)."""
    return qs.filter(state=ReportState.PENDING, due_date__lt=today or timezone.localdate())


def reports_due(qs: QuerySet[IncubationReport], today: date | None = None):
    """Reports that can be filed now and are not late yet (pending, the period over, the due
    date not passed): ``ReportStanding.DUE`` as a query."""
    today = today or timezone.localdate()
    return qs.filter(state=ReportState.PENDING, period_end__lte=today, due_date__gte=today)


def reports_owed_now(qs: QuerySet[IncubationReport], today: date | None = None):
    """Reports the enterprise owes and can file now: overdue (``reports_overdue``) or due
    (``reports_due``), i.e. pending with the period over."""
    return qs.filter(state=ReportState.PENDING, period_end__lte=today or timezone.localdate())


def report_reminders_blocked(reports, now: datetime | None = None) -> dict[int, datetime]:
    """For each of ``reports`` reminded by hand within the cool-down, when the next "send
    reminder now" may go (the rule ``services.incubation_report_remind_now`` refuses by)."""
    return remind_now_blocked_until(
        kind=INCUBATION_REPORT_REMIND_NOW, subjects=reports, now=now or timezone.now()
    )


class ReportStanding:
    """Where a report stands for the enterprise that owes it (report_standing)."""

    OVERDUE = "overdue"  # pending after its due date (what reports_overdue counts)
    DUE = "due"  # pending, the period over, the due date not passed yet
    UPCOMING = "upcoming"  # the period is not over: it cannot be filed yet
    SENT_BACK = "sent_back"  # staff asked for a correction: file it again
    DONE = "done"  # filed, accepted or waived: nothing to do


def report_standing(report: IncubationReport, today: date | None = None) -> str:
    """One ReportStanding value for ``report``: the same dates and states as ``reports_overdue``
    and ``incubation_report_file`` (which refuses a period that is not over), so a page that says
    "due" offers a form the service accepts."""
    today = today or timezone.localdate()
    if ReportState.FILED not in REPORT_TRANSITIONS[report.state]:
        return ReportStanding.DONE
    if report.state == ReportState.CORRECTION_REQUESTED:
        return ReportStanding.SENT_BACK
    if report.period_end > today:
        return ReportStanding.UPCOMING
    return ReportStanding.OVERDUE if report.due_date < today else ReportStanding.DUE


def report_can_be_filed(report: IncubationReport, today: date | None = None) -> bool:
    return report_standing(report, today) in (
        ReportStanding.OVERDUE,
        ReportStanding.DUE,
        ReportStanding.SENT_BACK,
    )


def portfolio_visible_to(user: User, today: date | None = None) -> QuerySet[Incubation]:
    """The portfolio: the incubations ``user`` may see, each with its reports received (filed or
    accepted), waiting for review (filed), sent back, due (pending, not yet late), overdue, its
    milestones still pending, and the support given (records, funding in yuan). One query
    whatever the number of projects."""
    today = today or timezone.localdate()
    pending = Q(reports__state=ReportState.PENDING)
    return incubations_visible_to(user).annotate(
        reports_received=Count(
            "reports", filter=Q(reports__state__in=RECEIVED_REPORT_STATES), distinct=True
        ),
        reports_to_review=Count(
            "reports", filter=Q(reports__state=ReportState.FILED), distinct=True
        ),
        reports_sent_back=Count(
            "reports", filter=Q(reports__state=ReportState.CORRECTION_REQUESTED), distinct=True
        ),
        reports_due=Count(
            "reports", filter=pending & Q(reports__due_date__gte=today), distinct=True
        ),
        milestones_pending=Count(
            "milestones", filter=Q(milestones__status="pending"), distinct=True
        ),
        support_given=Count("support", distinct=True),
        # A subquery, not Sum over the joins above (each support row is joined once per report).
        funding_given=Subquery(
            SupportRecord.objects.filter(incubation=OuterRef("pk"))
            .order_by()
            .values("incubation")
            .annotate(total=Sum("amount"))
            .values("total")[:1]
        ),
    )


def incubation_next_stages(incubation: Incubation) -> frozenset[str]:
    """The stages ``incubation`` may move to now (``INCUBATION_TRANSITIONS``): what the project
    page offers, the moves ``services._stage_move`` accepts."""
    return INCUBATION_TRANSITIONS[incubation.stage]


def milestone_next_statuses(milestone: Milestone) -> frozenset[str]:
    """The statuses ``milestone`` may move to now (``MILESTONE_TRANSITIONS``)."""
    return MILESTONE_TRANSITIONS[milestone.status]


def entries_awaiting_admission() -> QuerySet[Entry]:
    """Award winners not yet admitted, newest edition first, with what the admission form shows
    (entry, team leader, organisation, award). Staff-only: the caller checks the role."""
    return (
        Entry.objects.filter(state=EntryState.AWARDED, incubations__isnull=True)
        .select_related("contest", "organisation", "award")
        .order_by("-contest__edition", "title", "id")
    )


def incubation_timeline(incubation: Incubation) -> list[dict[str, Any]]:
    """A project's whole story from its contest entry to today, oldest first: submission, each
    review round's result, the award, admission, stage changes, milestones, support and reports.
    A fixed number of queries (one per source)."""
    from core.services import audit_trail
    from reviews.models import Award, RoundEntry

    entry = incubation.entry
    events: list[dict[str, Any]] = []

    def add(when, kind, title, detail=""):
        if when is not None:
            day = (
                when
                if isinstance(when, date) and not hasattr(when, "hour")
                else (timezone.localdate(when))
            )
            events.append({"date": day, "kind": kind, "title": title, "detail": detail})

    add(entry.submitted_at, "entry", f"提交参赛项目《{entry.title}》", entry.contest.name)
    for row in RoundEntry.objects.filter(entry=entry, score__isnull=False).select_related("round"):
        detail = f"得分 {row.score}，组内第 {row.rank} 名" if row.rank else f"得分 {row.score}"
        if row.advanced is not None:
            detail += "，晋级" if row.advanced else "，未晋级"
        add(row.round.finalized_at or row.round.deadline, "round", row.round.name, detail)
    award = Award.objects.filter(entry=entry).first()
    if award is not None:
        add(
            award.granted_at,
            "award",
            f"获{award.get_tier_display()}",
            "推荐参加省赛" if award.recommended_provincial else "",
        )
    add(incubation.start_date, "admit", "入驻众创空间", incubation.admission_note)
    for event in audit_trail(incubation).filter(action="incubation.stage"):
        label = dict(IncubationStage.choices).get(event.to_state, event.to_state)
        add(event.created_at, "stage", f"阶段：{label}", event.reason)
    for m in incubation.milestones.all():
        state = m.get_status_display()
        add(m.achieved_on or m.due_date, "milestone", f"里程碑：{m.title}", str(state))
    for record in incubation.support.all():
        add(
            record.provided_on,
            "support",
            f"扶持：{record.get_kind_display()}",
            f"{record.description}" + (f"（{record.amount} 元）" if record.amount else ""),
        )
    for report in incubation.reports.filter(
        state__in=[*RECEIVED_REPORT_STATES, ReportState.CORRECTION_REQUESTED]
    ):
        add(
            report.filed_at,
            "report",
            f"报告 {report.period_start}–{report.period_end}（{report.get_state_display()}）",
            f"营业收入 {report.revenue} 元，新增就业 {report.jobs_created}，"
            f"专利申请 {report.patents_filed}",
        )
    events.sort(key=lambda e: e["date"])
    return events


# --- outcomes -----------------------------------------------------------------------------------


def incubation_outcome_totals(incubation: Incubation) -> dict[str, Any]:
    """What one project achieved over all its filed reports (one aggregate query)."""
    totals = IncubationReport.objects.filter(
        incubation=incubation, state__in=RECEIVED_REPORT_STATES
    ).aggregate(reports_filed=Count("id"), **REPORT_SUMS)
    return {k: (v if v is not None else 0) for k, v in totals.items()}


def outcomes_by_contest() -> list[dict[str, Any]]:
    """Per contest edition: award winners, how many entries were incubated, are incubating,
    graduated, exited, and the sums of their filed outcome figures. Three aggregate queries (one
    per source table) merged by contest id."""
    winners = dict(
        Entry.objects.filter(state=EntryState.AWARDED)
        .values_list("contest_id")
        .annotate(n=Count("id"))
        .values_list("contest_id", "n")
    )
    counts = {
        row["contest_id"]: row
        for row in Incubation.objects.values(contest_id=F("entry__contest_id")).annotate(
            incubated=Count("id"),
            incubated_winners=Count("id", filter=Q(entry__state=EntryState.AWARDED)),
            incubating=Count("id", filter=Q(stage=IncubationStage.INCUBATING)),
            graduated=Count("id", filter=Q(stage=IncubationStage.GRADUATED)),
            exited=Count("id", filter=Q(stage=IncubationStage.EXITED)),
        )
    }
    sums = {
        row["contest_id"]: row
        for row in IncubationReport.objects.filter(state__in=RECEIVED_REPORT_STATES)
        .values(contest_id=F("incubation__entry__contest_id"))
        .annotate(**REPORT_SUMS)
    }
    contests = Contest.objects.filter(pk__in=set(counts)).order_by("edition")
    out = []
    for contest in contests:
        row = counts[contest.pk]
        figures = sums.get(contest.pk, {})
        out.append(
            {
                "contest": contest.pk,
                "contest_name": contest.name,
                "edition": contest.edition,
                "year": contest.year,
                "winners": winners.get(contest.pk, 0),
                **{
                    k: row[k]
                    for k in ("incubated", "incubated_winners", "incubating", "graduated", "exited")
                },
                **{k: figures.get(k) or 0 for k in REPORT_SUMS},
            }
        )
    return out


def outcomes_by_year() -> list[dict[str, Any]]:
    """Sums of filed outcome figures per calendar year (of the period's end)."""
    return [
        {**row, **{k: row[k] or 0 for k in REPORT_SUMS}}
        for row in IncubationReport.objects.filter(state__in=RECEIVED_REPORT_STATES)
        .values(year=ExtractYear("period_end"))
        .annotate(reports=Count("id"), **REPORT_SUMS)
        .order_by("year")
    ]
