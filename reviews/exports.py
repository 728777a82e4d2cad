"""CSV/XLSX exports of a round (tablib): scoreboard with every criterion, reviewer workload,
awards list. Each is built from a fixed number of queries."""

from __future__ import annotations

import numpy as np
import tablib
from django.db.models import Count, Q

from reviews.enums import AWARD_TIER_ORDER, AssignmentStatus, ReviewState
from reviews.models import Assignment, Award, Criterion, Round, RoundEntry

EXPORT_KINDS = ("scoreboard", "workload", "awards", "methods", "leniency")


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


def methods(round_: Round) -> tablib.Dataset:
    """The fairness lab's numbers for every entry: score and rank under each aggregation
    method (the round's own first), places moved, and the spread of the reviewers' totals."""
    from projects.models import Category, Entry
    from reviews import fairness, scoring
    from reviews.selectors import round_score_arrays

    data = round_score_arrays(round_)
    n = len(data.entry_ids)
    names = [round_.aggregation, *(m for m in scoring.METHODS if m != round_.aggregation)]
    cmp = fairness.compare_methods(
        data.entry,
        data.reviewer,
        data.total,
        n_entries=n,
        max_total=data.max_total or 1.0,
        category=data.category,
        submitted_at=data.submitted_at,
        entry_id=data.entry_ids,
        chosen=round_.aggregation,
        methods=names,
    )
    spread = fairness.entry_spread(data.entry, data.total, n_entries=n)
    out = tablib.Dataset(
        headers=[
            "category",
            "entry_id",
            "title",
            "reviews",
            "lowest",
            "highest",
            "range",
            *[f"score_{m}" for m in names],
            *[f"rank_{m}" for m in names],
            "max_move",
        ],
        title="methods",
    )
    titles = dict(Entry.objects.filter(round_entries__round=round_).values_list("pk", "title"))
    categories = dict(
        Category.objects.filter(contest_id=round_.contest_id).values_list("pk", "name")
    )

    def num(x):
        return None if x != x else round(float(x), 3)

    order = np.lexsort((cmp.ranks[round_.aggregation], data.category))
    for i in order.tolist():
        out.append(
            [
                categories.get(int(data.category[i]), ""),
                int(data.entry_ids[i]),
                titles.get(int(data.entry_ids[i]), ""),
                int(spread.count[i]),
                num(spread.low[i]),
                num(spread.high[i]),
                num(spread.range[i]),
                *[num(cmp.scores[m][i]) for m in names],
                *[int(cmp.ranks[m][i]) for m in names],
                int(cmp.max_move[i]),
            ]
        )
    return out


def leniency(round_: Round) -> tablib.Dataset:
    """Each reviewer's mean total and their offset against the others on the same entries."""
    from reviews.selectors import round_fairness

    out = tablib.Dataset(
        headers=["reviewer_id", "name", "reviews", "mean", "compared", "offset", "offset_std"],
        title="leniency",
    )
    for r in round_fairness(round_, limit=0)["reviewers"]:
        out.append(
            [
                r["reviewer"],
                r["name"],
                r["reviews"],
                r["mean"],
                r["compared"],
                r["offset"],
                r["offset_std"],
            ]
        )
    return out


BUILDERS = {
    "scoreboard": scoreboard,
    "workload": workload,
    "awards": awards,
    "methods": methods,
    "leniency": leniency,
}


def export(round_: Round, kind: str) -> tablib.Dataset:
    return BUILDERS[kind](round_)
