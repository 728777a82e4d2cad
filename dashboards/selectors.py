"""The programme figures behind the dashboards (数据看板) and their "do scores predict outcomes?"
question. Every figure is an aggregate query (``values().annotate()``), so the number of queries
is fixed whatever the number of entries, studios or reports (tests/dashboards checks it).

Who may read them is decided by the caller (staff only: accounts.permissions.IsAnyStaff on the
API, the staff mixin on the pages); the figures are programme-wide totals with no row of any
organisation in them.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from dashboards.predictors import RankCorrelation, rank_correlation
from incubator import selectors as incubator_selectors
from incubator.enums import RECEIVED_REPORT_STATES
from incubator.models import Incubation
from innovation.enums import StudioState
from innovation.models import Studio
from projects.enums import EntryState
from projects.models import Contest, Entry
from reviews.enums import AWARD_TIER_ORDER
from reviews.models import Award, RoundEntry

# Entries that were really entered: submitted at some point and not withdrawn.
ENTERED_STATES = frozenset(set(EntryState.values) - {EntryState.DRAFT, EntryState.WITHDRAWN})
# Award tier as a rank for correlation: first prize highest, no award 0.
TIER_RANK = {tier: len(AWARD_TIER_ORDER) - i for i, tier in enumerate(AWARD_TIER_ORDER)}
OUTCOMES = ("revenue", "patents", "jobs_created", "financing_raised")
PREDICTORS = ("tier", "final_score")


def studios_by_level_and_district() -> list[dict[str, Any]]:
    """Named studios counted by level and by the host's district (one query)."""
    return list(
        Studio.objects.filter(state=StudioState.NAMED)
        .values("level", district=F("organisation__district"))
        .annotate(count=Count("id"))
        .order_by("district", "level")
    )


def studios_named_per_year() -> list[dict[str, Any]]:
    """Studios still named, by the year they were named (at their current level), one query."""
    return list(
        Studio.objects.filter(state=StudioState.NAMED, named_on__isnull=False)
        .values("level", year=ExtractYear("named_on"))
        .annotate(count=Count("id"))
        .order_by("year", "level")
    )


def entries_per_edition() -> list[dict[str, Any]]:
    """Per contest edition: entries really entered and how many organisations entered them."""
    entered = Q(state__in=ENTERED_STATES)
    return list(
        Entry.objects.values(
            "contest_id",
            edition=F("contest__edition"),
            year=F("contest__year"),
            contest_name=F("contest__name"),
        )
        .annotate(
            entries=Count("id", filter=entered),
            organisations=Count("organisation_id", filter=entered, distinct=True),
        )
        .order_by("edition")
    )


def entries_totals() -> dict[str, int]:
    """All editions together: entries entered and distinct organisations (one query)."""
    return Entry.objects.filter(state__in=ENTERED_STATES).aggregate(
        entries=Count("id"), organisations=Count("organisation_id", distinct=True)
    )


def awards_per_edition() -> list[dict[str, Any]]:
    """Per contest edition and tier: awards granted and how many were recommended to the
    provincial contest (one query)."""
    return list(
        Award.objects.values("tier", contest_id=F("round__contest_id"))
        .annotate(
            awards=Count("id"), recommended=Count("id", filter=Q(recommended_provincial=True))
        )
        .order_by("contest_id", "tier")
    )


def contests_by_id() -> dict[int, dict[str, Any]]:
    return {c["id"]: c for c in Contest.objects.values("id", "name", "edition", "year")}


def dashboard_figures() -> dict[str, Any]:
    """Every figure of the programme dashboard, in a fixed number of aggregate queries."""
    return {
        "contests": contests_by_id(),
        "studios_by_level_district": studios_by_level_and_district(),
        "studios_per_year": studios_named_per_year(),
        "entries_per_edition": entries_per_edition(),
        "entries_totals": entries_totals(),
        "awards_per_edition": awards_per_edition(),
        "incubation_by_edition": incubator_selectors.outcomes_by_contest(),
        "incubation_by_year": incubator_selectors.outcomes_by_year(),
    }


# --- do contest scores predict outcomes? --------------------------------------------------------


def score_outcome_rows() -> list[dict[str, Any]]:
    """One row per incubated project: its edition, award tier, final score (the score of the
    last round that scored it) and its outcome totals over received reports. One query."""
    final_score = (
        RoundEntry.objects.filter(entry_id=OuterRef("entry_id"), score__isnull=False)
        .order_by("-round__order")
        .values("score")[:1]
    )
    received = Q(reports__state__in=RECEIVED_REPORT_STATES)
    money = DecimalField(max_digits=20, decimal_places=2)
    return list(
        Incubation.objects.values(
            "id",
            contest_id=F("entry__contest_id"),
            edition=F("entry__contest__edition"),
            title=F("entry__title"),
            tier=F("entry__award__tier"),
        )
        .annotate(
            final_score=Subquery(final_score),
            revenue=Coalesce(
                Sum("reports__revenue", filter=received), Value(Decimal(0)), output_field=money
            ),
            patents=Coalesce(Sum("reports__patents_filed", filter=received), 0),
            jobs_created=Coalesce(Sum("reports__jobs_created", filter=received), 0),
            financing_raised=Coalesce(
                Sum("reports__financing_raised", filter=received),
                Value(Decimal(0)),
                output_field=money,
            ),
        )
        .order_by("edition", "id")
    )


def _predictor_value(row: dict[str, Any], predictor: str) -> float | None:
    if predictor == "tier":
        return float(TIER_RANK.get(row["tier"], 0))
    return float(row["final_score"]) if row["final_score"] is not None else None


def score_outcome_correlations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each edition (and all editions together, for the award tier only: scores of different
    editions are on different rubrics), each predictor against each outcome: the rank
    correlation with its caveat. Pure over the rows of :func:`score_outcome_rows`."""
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["edition"]].append(row)
    out = []
    scopes = [(edition, groups[edition], PREDICTORS) for edition in sorted(groups)]
    if len(groups) > 1:
        scopes.append((None, rows, ("tier",)))
    for edition, members, predictors in scopes:
        for predictor in predictors:
            for outcome in OUTCOMES:
                pairs = [
                    (x, float(r[outcome]))
                    for r in members
                    if (x := _predictor_value(r, predictor)) is not None
                ]
                result: RankCorrelation = rank_correlation(
                    [p[0] for p in pairs], [p[1] for p in pairs]
                )
                out.append(
                    {
                        "edition": edition,
                        "predictor": predictor,
                        "outcome": outcome,
                        "n": result.n,
                        "spearman": result.spearman,
                        "spearman_p": result.spearman_p,
                        "kendall": result.kendall,
                        "kendall_p": result.kendall_p,
                        "caveat": result.caveat,
                    }
                )
    return out
