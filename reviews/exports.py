"""CSV/XLSX exports of a round (tablib): scoreboard with every criterion, reviewer workload,
awards list. Each is built from a fixed number of queries."""

from __future__ import annotations

import tablib
from django.db.models import Count, Q

from reviews.enums import AWARD_TIER_ORDER, AssignmentStatus, ReviewState
from reviews.models import Assignment, Award, Criterion, Round, RoundEntry

EXPORT_KINDS = ("scoreboard", "workload", "awards")


def scoreboard(round_: Round) -> tablib.Dataset:
    criteria = list(Criterion.objects.filter(round=round_).order_by("position", "id"))
    data = tablib.Dataset(
        headers=[
            "category",
            "rank",
            "entry_id",
            "title",
            "organisation",
            "reviews",
            "score",
            "median_total",
            *[c.name for c in criteria],
            "advanced",
        ],
        title="scoreboard",
    )
    rows = (
        RoundEntry.objects.filter(round=round_)
        .select_related("entry__category", "entry__organisation")
        .order_by("entry__category__code", "rank", "entry_id")
    )
    for r in rows.iterator(chunk_size=2000):
        means = r.criterion_means or {}
        data.append(
            [
                r.entry.category.name,
                r.rank,
                r.entry_id,
                r.entry.title,
                r.entry.organisation.name,
                r.n_reviews,
                r.score,
                r.median_total,
                *[means.get(str(c.pk)) for c in criteria],
                {True: "yes", False: "no"}.get(r.advanced, ""),
            ]
        )
    return data


def workload(round_: Round) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=["reviewer_id", "username", "full_name", "assigned", "drafted", "submitted"],
        title="workload",
    )
    rows = (
        Assignment.objects.filter(round=round_, status=AssignmentStatus.ACTIVE)
        .values("reviewer_id", "reviewer__username", "reviewer__full_name")
        .annotate(
            assigned=Count("id"),
            drafted=Count("id", filter=Q(review__state=ReviewState.DRAFT)),
            submitted=Count("id", filter=Q(review__state=ReviewState.SUBMITTED)),
        )
        .order_by("reviewer_id")
    )
    for r in rows:
        data.append(
            [
                r["reviewer_id"],
                r["reviewer__username"],
                r["reviewer__full_name"],
                r["assigned"],
                r["drafted"],
                r["submitted"],
            ]
        )
    return data


def awards(round_: Round) -> tablib.Dataset:
    data = tablib.Dataset(
        headers=["tier", "entry_id", "title", "organisation", "category", "recommended_provincial"],
        title="awards",
    )
    order = {t.value: i for i, t in enumerate(AWARD_TIER_ORDER)}
    rows = sorted(
        Award.objects.filter(round=round_).select_related("entry__organisation", "entry__category"),
        key=lambda a: (order[a.tier], a.entry_id),
    )
    for a in rows:
        data.append(
            [
                a.get_tier_display(),
                a.entry_id,
                a.entry.title,
                a.entry.organisation.name,
                a.entry.category.name,
                "yes" if a.recommended_provincial else "no",
            ]
        )
    return data


BUILDERS = {"scoreboard": scoreboard, "workload": workload, "awards": awards}


def export(round_: Round, kind: str) -> tablib.Dataset:
    return BUILDERS[kind](round_)
