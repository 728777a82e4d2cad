"""Reads of the results notice, scoped to the caller. Visitors (anyone, signed in or not) see
published and final notices only; union staff see drafts and the objections too."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.enums import UNION_STAFF_ROLES
from accounts.permissions import has_any_role
from publicity.enums import DECIDED_STATES, PUBLIC_NOTICE_STATES, NoticeState
from publicity.models import NoticeVersion, Objection, ResultsNotice


def is_notice_staff(user) -> bool:
    return has_any_role(user, UNION_STAFF_ROLES)


def notices_public() -> QuerySet[ResultsNotice]:
    """What a visitor may see: published and final notices, newest first."""
    return (
        ResultsNotice.objects.filter(state__in=PUBLIC_NOTICE_STATES)
        .select_related("contest", "round")
        .order_by("-published_at", "-id")
    )


def notices_visible_to(user) -> QuerySet[ResultsNotice]:
    qs = ResultsNotice.objects.select_related("contest", "round").annotate(
        objections_open=Count("objections", filter=~Q(objections__state__in=DECIDED_STATES)),
        objections_total=Count("objections"),
    )
    if is_notice_staff(user):
        return qs.order_by("-created_at", "-id")
    return qs.filter(state__in=PUBLIC_NOTICE_STATES).order_by("-published_at", "-id")


# The one rule of when a notice takes objections: published, and the server's clock before the
# end of its period (24:00 Beijing time of the last working day). Said once for a row and once
# for a query; every page, the API and objection_submit ask these.


def period_over(notice: ResultsNotice, *, now: dt.datetime | None = None) -> bool:
    return bool(notice.ends_at) and (now or timezone.now()) >= notice.ends_at


def notice_accepts_objections(notice: ResultsNotice, *, now: dt.datetime | None = None) -> bool:
    return (
        notice.state == NoticeState.PUBLISHED
        and bool(notice.ends_at)
        and not period_over(notice, now=now)
    )


def _accepting(now: dt.datetime | None) -> Q:
    return Q(state=NoticeState.PUBLISHED, ends_at__gt=now or timezone.now())


def notice_phase(notice: ResultsNotice, *, now: dt.datetime | None = None) -> str:
    """``final``, ``open`` (taking objections) or ``over`` (period ended, not final yet; or a
    draft) — what the badge beside a notice says."""
    if notice.state == NoticeState.FINAL:
        return "final"
    return "open" if notice_accepts_objections(notice, now=now) else "over"


def notices_open(*, now=None) -> QuerySet[ResultsNotice]:
    return notices_public().filter(_accepting(now))


def notices_past(*, now=None) -> QuerySet[ResultsNotice]:
    return notices_public().exclude(_accepting(now))


def notice_versions(notice: ResultsNotice) -> QuerySet[NoticeVersion]:
    """Every version, newest first (the first one is the current one)."""
    return NoticeVersion.objects.filter(notice=notice).order_by("-number")


def notice_current_version(notice: ResultsNotice) -> NoticeVersion | None:
    return notice_versions(notice).first()


def objections_visible_to(user) -> QuerySet[Objection]:
    """Objections name private persons: union staff only."""
    if not is_notice_staff(user):
        return Objection.objects.none()
    return Objection.objects.select_related(
        "notice", "entry", "entry__organisation", "decided_by"
    ).prefetch_related(Prefetch("steps"))


def notice_final_for_contest(contest_id: int) -> bool:
    return ResultsNotice.objects.filter(contest_id=contest_id, state=NoticeState.FINAL).exists()
