"""All writes to incubations, milestones, support records and reports.

One service per move (lock, check against the tables in incubator/enums.py, save, audit). Which
records a caller may touch is decided by the selectors before a service is called.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import enterprise_members_by_organisation
from core.exceptions import Conflict, ValidationFailed
from core.services import audit_record
from core.transitions import check_transition
from core.validation import full_clean_or_400
from incubator import notices
from incubator.enums import (
    ACTIVE_STAGES,
    ADMISSIBLE_ENTRY_STATES,
    ADMISSIBLE_WITH_REASON_ENTRY_STATES,
    INCUBATION_REPORT_REMIND_NOW,
    INCUBATION_TRANSITIONS,
    MILESTONE_TRANSITIONS,
    REPORT_TRANSITIONS,
    IncubationStage,
    MilestoneStatus,
    ReportState,
)
from incubator.errors import IncubatorError
from incubator.models import Incubation, IncubationReport, Milestone, SupportRecord
from incubator.periods import report_periods
from incubator.selectors import report_can_be_filed
from notifications.reminders import remind_now_blocked_until, remind_now_cooldown
from projects.models import Entry

INCUBATION_EDITABLE = (
    "mentor_name",
    "mentor_contact",
    "workspace",
    "admission_note",
    "report_interval_months",
)
REPORT_FIGURES = (
    "revenue",
    "jobs_created",
    "patents_filed",
    "patents_granted",
    "financing_raised",
    "products_launched",
)


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        _("%(field)s: %(message)s") % {"field": field, "message": message},
        fields={field: [message]},
    )


# --- incubations --------------------------------------------------------------------------------


def incubation_admit(
    *,
    actor: User | None,
    entry: Entry,
    start_date: date,
    mentor_name: str = "",
    mentor_contact: str = "",
    workspace: str = "",
    admission_note: str = "",
    report_interval_months: int | None = None,
    confirm_backdated: bool = False,
) -> Incubation:
    """Admit a contest entry into the maker space. Guarantees: the entry was awarded, or was
    reviewed and ``admission_note`` says why it comes in without an award; one record per entry
    (409); the record belongs to the entry's organisation; the start is neither before the
    contest year nor before the award, and a start more than ``INCUBATION_ADMIT_BACKDATE_DAYS``
    ago is refused unless ``confirm_backdated`` (the refusal says how many reports it would make
    overdue at once); the report periods that have begun are scheduled at once."""
    if entry.state not in ADMISSIBLE_ENTRY_STATES | ADMISSIBLE_WITH_REASON_ENTRY_STATES:
        raise Conflict(
            _(
                "Entry '%(title)s' is %(state)s; only reviewed entries (award winners as a rule) can be admitted."
            )
            % {"title": entry.title, "state": entry.get_state_display()},
            code=IncubatorError.ENTRY_NOT_ADMISSIBLE,
            fields={"entry": [_("This entry has not been through review.")]},
        )
    if entry.state not in ADMISSIBLE_ENTRY_STATES and not admission_note.strip():
        raise _field_error("admission_note", _("Say why an entry without an award is admitted."))
    if start_date.year < entry.contest.year:
        raise _field_error(
            "start_date",
            _("Incubation cannot start before the contest year (%(year)s).")
            % {"year": entry.contest.year},
        )
    interval = report_interval_months or settings.INCUBATION_REPORT_INTERVAL_MONTHS
    _check_admission_start(
        entry=entry, start_date=start_date, interval=interval, confirmed=confirm_backdated
    )
    incubation = Incubation(
        entry=entry,
        organisation_id=entry.organisation_id,
        start_date=start_date,
        mentor_name=mentor_name,
        mentor_contact=mentor_contact,
        workspace=workspace,
        admission_note=admission_note,
        report_interval_months=interval,
        admitted_by=actor,
    )
    full_clean_or_400(incubation, exclude=["admitted_by", "entry", "organisation"])
    with transaction.atomic():
        # Lock the entry so that two staff admitting it at once produce one record and one 409.
        Entry.objects.select_for_update().filter(pk=entry.pk).first()
        if Incubation.objects.filter(entry=entry).exists():
            raise Conflict(
                _("This entry has already been admitted."),
                code=IncubatorError.ALREADY_ADMITTED,
                fields={"entry": [_("This entry already has an incubation record.")]},
            )
        incubation.save()
        audit_record(
            actor=actor,
            action="incubation.admit",
            target=incubation,
            to_state=incubation.stage,
            reason=admission_note,
            data={"entry": entry.pk, "entry_state": entry.state},
        )
        incubation_reports_schedule(incubation=incubation)
    return incubation


def award_date(entry: Entry) -> date | None:
    """The day the entry's award was granted (local date), or None without an award."""
    award = getattr(entry, "award", None)  # the reverse one-to-one raises AttributeError
    return timezone.localdate(award.granted_at) if award is not None else None


def reports_overdue_at_admission(*, start_date: date, interval: int, today: date) -> int:
    """How many report periods a start on ``start_date`` makes overdue the day it is recorded."""
    periods = report_periods(
        start=start_date,
        every_months=interval,
        until=today,
        grace_days=settings.INCUBATION_REPORT_GRACE_DAYS,
    )
    return sum(1 for _s, _e, due in periods if due < today)


def _check_admission_start(*, entry: Entry, start_date: date, interval: int, confirmed: bool):
    awarded_on = award_date(entry)
    if awarded_on is not None and start_date < awarded_on:
        raise ValidationFailed(
            _("start_date: the incubation cannot start before the award (%(awarded_on)s).")
            % {"awarded_on": awarded_on},
            code=IncubatorError.START_BEFORE_AWARD,
            fields={
                "start_date": [
                    _("Choose a date on or after the award (%(awarded_on)s).")
                    % {"awarded_on": awarded_on}
                ]
            },
        )
    today = timezone.localdate()
    if confirmed or start_date >= today - timedelta(days=settings.INCUBATION_ADMIT_BACKDATE_DAYS):
        return
    overdue = reports_overdue_at_admission(start_date=start_date, interval=interval, today=today)
    message = _(
        "The start date lies %(days)s days in the past and would make %(overdue)s reports "
        "overdue at once; confirm the backdated start to admit it."
    ) % {"days": (today - start_date).days, "overdue": overdue}
    raise ValidationFailed(
        _("start_date: %(message)s") % {"message": message},
        code=IncubatorError.START_DATE_BACKDATED,
        fields={"start_date": [message], "confirm_backdated": [_("Confirm the backdated start.")]},
    )


def incubation_update(*, actor: User | None, incubation: Incubation, data: dict) -> Incubation:
    """Change mentor, workspace, note or report interval (not the stage: see the stage moves)."""
    with transaction.atomic():
        locked = Incubation.objects.select_for_update().get(pk=incubation.pk)
        changed = {}
        for key, value in data.items():
            if key in INCUBATION_EDITABLE and getattr(locked, key) != value:
                changed[key] = str(value)
                setattr(locked, key, value)
        if not changed:
            return locked
        full_clean_or_400(locked, exclude=["admitted_by", "entry", "organisation"])
        locked.save()
        audit_record(actor=actor, action="incubation.update", target=locked, data=changed)
    return locked


def _stage_move(
    *,
    incubation: Incubation,
    to_stage: str,
    actor: User | None,
    reason: str = "",
    on_date: date | None = None,
) -> Incubation:
    with transaction.atomic():
        locked = Incubation.objects.select_for_update().get(pk=incubation.pk)
        check_transition(INCUBATION_TRANSITIONS, locked.stage, to_stage, what="incubation")
        from_stage = locked.stage
        locked.stage, locked.stage_reason = to_stage, reason
        if to_stage not in ACTIVE_STAGES:
            ended = on_date or timezone.localdate()
            if ended < locked.start_date:
                raise _field_error("on_date", _("The end date cannot be before the start date."))
            if ended > timezone.localdate():
                raise _field_error("on_date", _("The end date cannot be in the future."))
            locked.ended_on = ended
            # Nothing is owed for periods that begin after the project left.
            waived = IncubationReport.objects.filter(
                incubation=locked, state=ReportState.PENDING, period_start__gt=ended
            ).update(state=ReportState.WAIVED, waived_reason=f"Incubation {to_stage} on {ended}.")
        else:
            waived = 0
        locked.save()
        audit_record(
            actor=actor,
            action="incubation.stage",
            target=locked,
            from_state=from_stage,
            to_state=to_stage,
            reason=reason,
            data={"ended_on": str(locked.ended_on or ""), "reports_waived": waived},
        )
    return locked


def incubation_start(*, actor: User | None, incubation: Incubation) -> Incubation:
    """The project moves in (admitted → incubating)."""
    return _stage_move(incubation=incubation, to_stage=IncubationStage.INCUBATING, actor=actor)


def incubation_graduate(
    *, actor: User | None, incubation: Incubation, reason: str = "", on_date: date | None = None
) -> Incubation:
    """The project graduates (incubating → graduated); reports for later periods are waived."""
    return _stage_move(
        incubation=incubation,
        to_stage=IncubationStage.GRADUATED,
        actor=actor,
        reason=reason,
        on_date=on_date,
    )


def incubation_exit(
    *, actor: User | None, incubation: Incubation, reason: str, on_date: date | None = None
) -> Incubation:
    """The project leaves without graduating; the reason is required and kept."""
    if not reason.strip():
        raise _field_error("reason", _("Say why the project leaves the incubator."))
    return _stage_move(
        incubation=incubation,
        to_stage=IncubationStage.EXITED,
        actor=actor,
        reason=reason,
        on_date=on_date,
    )


# --- support and milestones ---------------------------------------------------------------------


def support_record_add(
    *,
    actor: User | None,
    incubation: Incubation,
    kind: str,
    provided_on: date,
    description: str,
    amount=None,
) -> SupportRecord:
    """Record support given; its date lies between the start and today; amounts are ≥ 0."""
    if provided_on < incubation.start_date:
        raise _field_error(
            "provided_on", _("Support cannot be given before the incubation starts.")
        )
    if provided_on > timezone.localdate():
        raise _field_error("provided_on", _("The date cannot be in the future."))
    record = SupportRecord(
        incubation=incubation,
        kind=kind,
        provided_on=provided_on,
        description=description,
        recorded_by=actor,
        **({"amount": amount} if amount is not None else {}),
    )
    full_clean_or_400(record, exclude=["recorded_by", "incubation"])
    with transaction.atomic():
        record.save()
        audit_record(
            actor=actor,
            action="incubation.support",
            target=incubation,
            data={"support": record.pk, "kind": kind, "amount": str(record.amount)},
        )
    return record


def milestone_add(
    *,
    actor: User | None,
    incubation: Incubation,
    title: str,
    due_date: date,
    description: str = "",
) -> Milestone:
    """Plan a milestone of an active incubation, due after the incubation starts."""
    if incubation.stage not in ACTIVE_STAGES:
        raise Conflict(_("The incubation has ended."), code=IncubatorError.INCUBATION_ENDED)
    if due_date <= incubation.start_date:
        raise _field_error(
            "due_date",
            _("The due date must be after the incubation start (%(start)s).")
            % {"start": incubation.start_date},
        )
    milestone = Milestone(
        incubation=incubation, title=title, due_date=due_date, description=description
    )
    full_clean_or_400(milestone, exclude=["incubation"])
    with transaction.atomic():
        milestone.save()
        audit_record(
            actor=actor,
            action="milestone.add",
            target=milestone,
            to_state=milestone.status,
            data={"incubation": incubation.pk, "due_date": str(due_date)},
        )
    return milestone


def milestone_set_status(
    *,
    actor: User | None,
    milestone: Milestone,
    to_status: str,
    on_date: date | None = None,
    note: str = "",
) -> Milestone:
    """Move a milestone (pending → achieved | missed | cancelled; missed → achieved). An
    achievement date lies between the incubation start and today."""
    with transaction.atomic():
        locked = (
            Milestone.objects.select_for_update().select_related("incubation").get(pk=milestone.pk)
        )
        check_transition(MILESTONE_TRANSITIONS, locked.status, to_status, what="milestone")
        if to_status == MilestoneStatus.ACHIEVED:
            achieved = on_date or timezone.localdate()
            if achieved < locked.incubation.start_date or achieved > timezone.localdate():
                raise _field_error(
                    "on_date",
                    _("The achievement date lies between the incubation start and today."),
                )
            locked.achieved_on = achieved
        from_status = locked.status
        locked.status = to_status
        if note:
            locked.note = note
        locked.save()
        audit_record(
            actor=actor,
            action="milestone.status",
            target=locked,
            from_state=from_status,
            to_state=to_status,
            reason=note,
        )
    return locked


# --- reports --------------------------------------------------------------------------------------


def incubation_reports_schedule(*, incubation: Incubation, today: date | None = None) -> int:
    """Create the pending report rows of every period that has begun by ``today`` (and not after
    the incubation ended). Idempotent: existing periods are left alone. Returns how many rows were
    new."""
    today = today or timezone.localdate()
    until = min(today, incubation.ended_on) if incubation.ended_on else today
    periods = report_periods(
        start=incubation.start_date,
        every_months=incubation.report_interval_months,
        until=until,
        grace_days=settings.INCUBATION_REPORT_GRACE_DAYS,
    )
    existing = set(
        IncubationReport.objects.filter(incubation=incubation).values_list(
            "period_start", flat=True
        )
    )
    rows = [
        IncubationReport(incubation=incubation, period_start=s, period_end=e, due_date=d)
        for s, e, d in periods
        if s not in existing
    ]
    IncubationReport.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def incubation_report_file(
    *,
    actor: User | None,
    report: IncubationReport,
    figures: dict[str, Any],
    narrative: str = "",
) -> IncubationReport:
    """File the outcome figures of one period (pending → filed), or file them again after staff
    asked for a correction (correction requested → filed). Guarantees: the period is over
    and the figures are non-negative (400 naming the field, nothing written). Figures are the
    period's own, not running totals, so that they add up over periods and projects."""
    with transaction.atomic():
        locked = IncubationReport.objects.select_for_update().get(pk=report.pk)
        check_transition(REPORT_TRANSITIONS, locked.state, ReportState.FILED, what="report")
        from_state = locked.state
        if locked.period_end > timezone.localdate():
            raise Conflict(
                _("The period ends on %(period_end)s; report on it after that.")
                % {"period_end": locked.period_end},
                code=IncubatorError.PERIOD_NOT_OVER,
            )
        for key in REPORT_FIGURES:
            if key in figures:
                setattr(locked, key, figures[key])
        locked.narrative = narrative
        full_clean_or_400(locked, exclude=["filed_by", "incubation"])
        locked.state = ReportState.FILED
        locked.filed_by, locked.filed_at = actor, timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action="incubation_report.file",
            target=locked,
            from_state=from_state,
            to_state=ReportState.FILED,
            data={k: str(getattr(locked, k)) for k in REPORT_FIGURES},
        )
    return locked


def incubation_report_waive(
    *, actor: User | None, report: IncubationReport, reason: str
) -> IncubationReport:
    """Staff excuse a report (pending → waived), with the reason kept."""
    if not reason.strip():
        raise _field_error("reason", _("Say why the report is waived."))
    with transaction.atomic():
        locked = IncubationReport.objects.select_for_update().get(pk=report.pk)
        check_transition(REPORT_TRANSITIONS, locked.state, ReportState.WAIVED, what="report")
        locked.state, locked.waived_reason = ReportState.WAIVED, reason
        locked.save()
        audit_record(
            actor=actor,
            action="incubation_report.waive",
            target=locked,
            from_state=ReportState.PENDING,
            to_state=ReportState.WAIVED,
            reason=reason,
        )
    return locked


def _report_review(
    *, actor: User | None, report: IncubationReport, to_state: str, comment: str
) -> IncubationReport:
    with transaction.atomic():
        locked = IncubationReport.objects.select_for_update().get(pk=report.pk)
        check_transition(REPORT_TRANSITIONS, locked.state, to_state, what="report")
        from_state = locked.state
        locked.state, locked.review_comment = to_state, comment
        locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action="incubation_report.review",
            target=locked,
            from_state=from_state,
            to_state=to_state,
            reason=comment,
        )
    return locked


def incubation_report_accept(
    *, actor: User | None, report: IncubationReport, comment: str = ""
) -> IncubationReport:
    """Incubator staff accept a filed report (filed → accepted); its figures stay counted."""
    return _report_review(
        actor=actor, report=report, to_state=ReportState.ACCEPTED, comment=comment
    )


def incubation_report_request_correction(
    *, actor: User | None, report: IncubationReport, comment: str
) -> IncubationReport:
    """Send a filed report back (filed → correction requested); the comment, required, tells the
    enterprise what to correct. Its figures stop counting in outcomes until it is filed again."""
    if not comment.strip():
        raise _field_error("comment", _("Say what needs correcting."))
    return _report_review(
        actor=actor, report=report, to_state=ReportState.CORRECTION_REQUESTED, comment=comment
    )


# --- reminders by hand ----------------------------------------------------------------------------


def incubation_report_remind_now(
    *, actor: User | None, report: IncubationReport, now: datetime | None = None
) -> int:
    """Incubator staff's "send reminder now" for a report the enterprise owes and can file now
    (the reports page, ``POST /incubation-reports/{id}/remind/``): every active member of the
    incubated organisation is told at once. Refused (409, in words) when the report cannot be
    filed now (``report_not_owed``: filed, accepted, waived, or its period not over), within the
    cool-down after the last reminder by hand (``reminded_recently``, the message says when the
    next one may go: ``notifications.reminders.remind_now_blocked_until``, the rule the list
    shows), or when the organisation has nobody to tell (``no_one_to_remind``). The report is
    locked, so two presses at once send one reminder. Audited. Returns how many notices were
    written."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            IncubationReport.objects.select_for_update(of=("self",))
            .select_related("incubation", "incubation__entry", "incubation__organisation")
            .get(pk=report.pk)
        )
        title = locked.incubation.entry.title
        if not report_can_be_filed(locked, timezone.localdate(now)):
            raise Conflict(
                _(
                    "The report of %(project)s for %(start)s to %(end)s is not owed now: "
                    "there is nothing to remind."
                )
                % {"project": title, "start": locked.period_start, "end": locked.period_end},
                code=IncubatorError.REPORT_NOT_OWED,
            )
        until = remind_now_blocked_until(
            kind=INCUBATION_REPORT_REMIND_NOW, subjects=[locked], now=now
        ).get(locked.pk)
        if until is not None:
            raise Conflict(
                _(
                    "This report of %(project)s was reminded less than %(hours)s hours ago. The "
                    "next reminder can be sent in %(left)s (from %(until)s)."
                )
                % {
                    "project": title,
                    "hours": int(remind_now_cooldown().total_seconds() // 3600),
                    "left": timeuntil(until, now),
                    "until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M"),
                },
                code=IncubatorError.REMINDED_RECENTLY,
            )
        organisation = locked.incubation.organisation
        recipients = enterprise_members_by_organisation([organisation.pk]).get(organisation.pk, [])
        if not recipients:
            raise Conflict(
                _("%(organisation)s has no active member account to remind.")
                % {"organisation": organisation.name},
                code=IncubatorError.NO_ONE_TO_REMIND,
            )
        created = notices.incubation_report_remind_now(
            report=locked, recipients=recipients, now=now
        )
        audit_record(
            actor=actor,
            action="incubation_report.remind",
            target=locked,
            data={"reminded": created},
        )
    return created
