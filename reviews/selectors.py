"""Reads of review rounds, scoped per user. Every list and detail view starts here.

Visibility:
- union staff and admins see everything;
- a reviewer sees only their own active assignments, only in open rounds (anything else: 404);
- an enterprise member sees the outcomes of their organisation's entries in published rounds
  only, with reviewers' comments but never their identity.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.core.cache import cache
from django.db import connections, router
from django.db.models import (
    Avg,
    Count,
    Exists,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import UNION_STAFF_ROLES, Role
from accounts.models import Organisation, User
from accounts.permissions import has_any_role
from accounts.selectors import own_organisation_id
from projects.enums import EntryState
from projects.models import Attachment, Category, Entry, TeamMember
from reviews import blind, fairness
from reviews.enums import ROUND_EDITABLE_STATES, AssignmentStatus, ReviewState, RoundState
from reviews.models import (
    Assignment,
    Award,
    Criterion,
    PledgeAcceptance,
    PoolMember,
    Review,
    ReviewerConflict,
    Round,
    RoundEntry,
)

STAFF = UNION_STAFF_ROLES


def is_review_staff(user: User) -> bool:
    return has_any_role(user, STAFF)


def rounds_visible_to(user: User) -> QuerySet[Round]:
    """Staff: every round. Reviewers: open rounds where they have an assignment. Enterprise
    members: published rounds of contests their organisation entered."""
    qs = Round.objects.select_related("contest").prefetch_related("criteria")
    if not user.is_authenticated:
        return qs.none()
    if is_review_staff(user):
        return qs
    scope = Q(pk__in=[])
    if user.has_role(Role.REVIEWER):
        scope |= Q(
            state=RoundState.OPEN,
            pk__in=Assignment.objects.filter(reviewer=user, status=AssignmentStatus.ACTIVE).values(
                "round_id"
            ),
        )
    # Only as an enterprise member does the user act for their organisation (a bare link to
    # one, e.g. after the role was taken away, opens nothing), as in accounts.selectors.
    if org_id := own_organisation_id(user):
        scope |= Q(published_at__isnull=False, contest__entries__organisation_id=org_id)
    return qs.filter(scope).distinct()


def pool_visible_to(user: User) -> QuerySet[PoolMember]:
    qs = PoolMember.objects.select_related(
        "reviewer", "reviewer__reviewer_profile", "reviewer__reviewer_profile__employer"
    )
    return qs if is_review_staff(user) else qs.none()


def conflicts_visible_to(user: User) -> QuerySet[ReviewerConflict]:
    """Staff: all; a reviewer: the conflicts about themself."""
    qs = ReviewerConflict.objects.select_related("reviewer", "organisation", "contest")
    if not user.is_authenticated:
        return qs.none()
    if is_review_staff(user):
        return qs
    return qs.filter(reviewer=user)


def assignments_for_staff(user: User) -> QuerySet[Assignment]:
    qs = Assignment.objects.select_related("reviewer", "entry", "round").prefetch_related(
        Prefetch("review", queryset=Review.objects.only("id", "state", "assignment_id"))
    )
    return qs if is_review_staff(user) else qs.none()


def assignments_of_reviewer(
    user: User, *, closed_too: bool = False, for_scoring: bool = False, for_queue: bool = False
) -> QuerySet[Assignment]:
    """A reviewer's own active assignments in open rounds, with what the reviewer may read of the
    entry (the serializer decides what to redact in a blind round). ``closed_too``: also those of
    closed and finalized rounds, for the read-only scoring page after the round closed (scores
    are the services' to refuse there). ``for_scoring``: for a request that saves or submits the
    review: neither the review (the scoring service reads it under the assignment's lock and hands
    it back) nor the rubric (:func:`round_criteria` keeps it once frozen) is loaded here.
    ``for_queue``: for the reviewer's home and "save and next": one query, each assignment with
    its round, the entry's title and the review's state, none of the entry's material."""
    if not user.is_authenticated or not user.has_role(Role.REVIEWER):
        return Assignment.objects.none()
    states = [RoundState.OPEN]
    if closed_too:
        states += [RoundState.CLOSED, RoundState.FINALIZED]
    scoped = Assignment.objects.filter(
        reviewer=user, status=AssignmentStatus.ACTIVE, round__state__in=states
    ).order_by("round_id", "entry_id")
    if for_queue:
        return scoped.select_related("round", "round__contest", "entry", "review").defer(
            "entry__summary",
            "entry__innovation_points",
            "entry__expected_benefits",
            "round__contest__description",
            "review__comment",
        )
    # The rubric is not prefetched: the rounds here are past draft, where round_criteria serves
    # the frozen rubric from the cache (a query per page saved).
    related = ["round", "entry", "entry__category", "entry__organisation"]
    prefetches = [
        Prefetch("entry__team", queryset=TeamMember.objects.order_by("position", "id")),
        Prefetch("entry__attachments", queryset=Attachment.objects.order_by("id")),
    ]
    if not for_scoring:
        # The review (at most one per assignment) joined in, its scores in one more query.
        related.append("review")
        prefetches.append("review__scores")
    return scoped.select_related(*related).prefetch_related(*prefetches)


# A frozen rubric is kept in the cache for a day.
_RUBRIC_CACHE_SECONDS = 24 * 60 * 60


def _rubric_cache_key(round: Round) -> str:
    # The rubric changes only in draft, a draft round's is never kept, and leaving draft saves
    # the round: a key with its last save time never meets an older rubric, whatever process
    # kept it (a per-process cache included). The pk and time keep reused ids apart too.
    return f"reviews:rubric:{round.pk}:{round.updated_at.timestamp()}"


def round_criteria(round: Round) -> list[Criterion]:
    """The round's rubric in order: what ``round`` already holds (a prefetch), else, once the
    round has left draft and the rubric can no longer change, the cached copy; a draft round's
    is read afresh. Every scoring request needs the rubric, so this saves a query on each."""
    held = getattr(round, "_prefetched_objects_cache", {}).get("criteria")
    if held is not None:
        return sorted(held, key=lambda c: (c.position, c.pk))
    if round.state in ROUND_EDITABLE_STATES:
        return list(Criterion.objects.filter(round=round).order_by("position", "id"))
    key = _rubric_cache_key(round)
    criteria = cache.get(key)
    if criteria is None:
        criteria = list(Criterion.objects.filter(round=round).order_by("position", "id"))
        cache.set(key, criteria, _RUBRIC_CACHE_SECONDS)
    return criteria


def submitted_reviews_of_reviewer(user: User) -> QuerySet[Review]:
    """A reviewer's own submitted reviews in rounds no longer open (closed, finalized), for
    their read-only history: the entry's title and the total only (nothing that names the
    entrant, whatever the round's blindness)."""
    if not user.is_authenticated or not user.has_role(Role.REVIEWER):
        return Review.objects.none()
    return (
        Review.objects.filter(
            reviewer=user,
            state=ReviewState.SUBMITTED,
            round__state__in=[RoundState.CLOSED, RoundState.FINALIZED],
        )
        .select_related("round", "round__contest")
        .only(
            "id",
            "total",
            "submitted_at",
            "round__id",
            "round__name",
            "round__deadline",
            "round__contest__id",
            "round__contest__name",
            "entry__id",
            "entry__title",
        )
        .select_related("entry")
        .order_by("-round__deadline", "round_id", "entry_id")
    )


def reviews_for_staff(user: User) -> QuerySet[Review]:
    qs = Review.objects.select_related("reviewer", "entry", "round").prefetch_related("scores")
    return qs if is_review_staff(user) else qs.none()


def reviewers_with_unsubmitted(round: Round) -> dict[User, list[Assignment]]:
    """Reviewer -> their active assignments in the round without a submitted review (for
    reminders and the late-reviewers list). Two queries whatever the size."""
    assignments = (
        Assignment.objects.filter(round=round, status=AssignmentStatus.ACTIVE)
        .exclude(review__state=ReviewState.SUBMITTED)
        .select_related("reviewer", "entry")
        # A provincial round has ~500,000 assignments: load only what reminders and the late
        # list use, and one User object per reviewer (not one per row).
        .only(
            "id",
            "round_id",
            "entry_id",
            "reviewer_id",
            "entry__id",
            "entry__title",
            "reviewer__id",
            "reviewer__username",
            "reviewer__full_name",
            "reviewer__email",
            "reviewer__language",
            "reviewer__is_active",
        )
        .order_by("reviewer_id", "entry_id")
    )
    out: dict[User, list[Assignment]] = defaultdict(list)
    reviewers: dict[int, User] = {}
    for assignment in assignments.iterator(chunk_size=5000):
        reviewer = reviewers.setdefault(assignment.reviewer_id, assignment.reviewer)
        assignment.reviewer = reviewer
        out[reviewer].append(assignment)
    return dict(out)


def _progress_counts() -> dict:
    """What progress counts, for the round and per reviewer: active assignments, those with a
    draft review, those submitted."""
    return {
        "assigned": Count("id"),
        "drafted": Count("id", filter=Q(review__state=ReviewState.DRAFT)),
        "submitted": Count("id", filter=Q(review__state=ReviewState.SUBMITTED)),
    }


def round_progress_totals(round: Round) -> dict:
    """The round's assigned / drafted / submitted, the totals of :func:`round_progress` without
    its 5,000 per-reviewer rows (the console's round page: 0.9 s -> 0.35 s at 500,000
    assignments). One aggregate query."""
    return Assignment.objects.filter(round=round, status=AssignmentStatus.ACTIVE).aggregate(
        **_progress_counts()
    )


def round_progress(round: Round) -> dict:
    """Per reviewer and for the round: assigned / drafted / submitted. One aggregate query."""
    rows = (
        Assignment.objects.filter(round=round, status=AssignmentStatus.ACTIVE)
        .values("reviewer_id", "reviewer__username", "reviewer__full_name")
        .annotate(**_progress_counts())
        .order_by("reviewer_id")
    )
    reviewers = [
        {
            "reviewer": r["reviewer_id"],
            "username": r["reviewer__username"],
            "full_name": r["reviewer__full_name"],
            "assigned": r["assigned"],
            "drafted": r["drafted"],
            "submitted": r["submitted"],
        }
        for r in rows
    ]
    totals = {key: sum(r[key] for r in reviewers) for key in ("assigned", "drafted", "submitted")}
    return {"round": round.pk, "totals": totals, "reviewers": reviewers}


def round_progress_by_category(round: Round) -> list[dict]:
    """Per category of the round: entries, and of the active assignments those submitted,
    drafted (a review saved, not submitted) and still to do (no review started). One aggregate
    query."""
    rows = (
        Assignment.objects.filter(round=round, status=AssignmentStatus.ACTIVE)
        .values("entry__category_id", "entry__category__code", "entry__category__name")
        .annotate(
            entries=Count("entry_id", distinct=True),
            assigned=Count("id"),
            drafted=Count("id", filter=Q(review__state=ReviewState.DRAFT)),
            submitted=Count("id", filter=Q(review__state=ReviewState.SUBMITTED)),
        )
        .order_by("entry__category__code")
    )
    return [
        {
            "category": r["entry__category_id"],
            "code": r["entry__category__code"],
            "name": r["entry__category__name"],
            "entries": r["entries"],
            "assigned": r["assigned"],
            "submitted": r["submitted"],
            "drafted": r["drafted"],
            "to_do": r["assigned"] - r["submitted"] - r["drafted"],
        }
        for r in rows
    ]


# How many reviewers at their maximum load a summary names; its counts are always complete.
AT_LIMIT_LISTED = 50


def round_assignment_summary(round: Round) -> dict:
    """What a solve left, for staff: the load of every active pool reviewer (idle ones count as
    0) with min / median / max, the reviewers at their maximum load (the pool member's maximum,
    else the profile's: the solver's rule), those below their minimum, and the mean affinity of
    the active assignments. Two queries whatever the size."""
    load = Subquery(
        Assignment.objects.filter(
            round=round, status=AssignmentStatus.ACTIVE, reviewer=OuterRef("reviewer_id")
        )
        .order_by()
        .values("reviewer")
        .annotate(n=Count("id"))
        .values("n")
    )
    members = list(
        PoolMember.objects.filter(
            contest_id=round.contest_id, is_active=True, reviewer__reviewer_profile__is_active=True
        )
        .annotate(
            load=Coalesce(load, 0),
            limit=Coalesce("max_load", "reviewer__reviewer_profile__max_load"),
        )
        .order_by("reviewer__full_name", "reviewer_id")
        .values(
            "reviewer_id", "reviewer__username", "reviewer__full_name", "min_load", "load", "limit"
        )
    )
    loads = np.asarray([m["load"] for m in members], dtype=np.int64)
    at_limit = [m for m in members if m["limit"] is not None and m["load"] >= m["limit"]]
    affinity = Assignment.objects.filter(round=round, status=AssignmentStatus.ACTIVE).aggregate(
        mean=Avg("affinity"), pairs=Count("id")
    )
    return {
        "reviewers": len(members),
        "with_work": int((loads > 0).sum()),
        "min_load": int(loads.min()) if len(loads) else 0,
        "median_load": float(np.median(loads)) if len(loads) else 0.0,
        "max_load": int(loads.max()) if len(loads) else 0,
        "at_limit_count": len(at_limit),
        "at_limit": [
            {
                "reviewer": m["reviewer_id"],
                "username": m["reviewer__username"],
                "full_name": m["reviewer__full_name"],
                "load": m["load"],
                "limit": m["limit"],
            }
            for m in at_limit[:AT_LIMIT_LISTED]
        ],
        "below_minimum": sum(1 for m in members if m["load"] < min(m["min_load"], m["limit"] or 0)),
        "mean_affinity": None if affinity["mean"] is None else _two_places(affinity["mean"]),
        "pairs": affinity["pairs"],
    }


def _two_places(value) -> float:
    return round(float(value), 2)


def late_reviewers(round: Round, *, now: datetime | None = None) -> list[dict]:
    """Reviewers with unsubmitted assignments, most behind first. 'Late' once the deadline is
    near (within a day) or past; before that the list is the same, staff judge the urgency."""
    now = now or timezone.now()
    pending = reviewers_with_unsubmitted(round)
    rows = [
        {
            "reviewer": reviewer.pk,
            "username": reviewer.username,
            "full_name": reviewer.full_name,
            "email": reviewer.email,
            "unsubmitted": len(items),
            "overdue": now > round.deadline,
        }
        for reviewer, items in pending.items()
    ]
    return sorted(rows, key=lambda r: (-r["unsubmitted"], r["reviewer"]))


# How many short entries a shortfall warning lists by name; its counts are always complete.
SHORTFALL_LISTED = 20


def round_review_shortfall(round_: Round) -> dict | None:
    """The entries of the round with fewer submitted reviews (of active assignments) than the
    round's k, or None when every entry has k. One query: the round's reviews counted per entry
    first, then joined to its entries (joining every entry to all its reviews and counting with
    a filter took seconds at 100,000 entries, and it runs after every results step)."""
    k = round_.reviewers_per_entry
    # the alias the ORM would read from (core.db_routers: the replica only where asked for)
    with connections[router.db_for_read(RoundEntry)].cursor() as cursor:
        cursor.execute(
            "SELECT re.entry_id, e.title, COALESCE(c.n, 0) AS submitted "
            "FROM reviews_roundentry re JOIN projects_entry e ON e.id = re.entry_id "
            "LEFT JOIN (SELECT r.entry_id, COUNT(*) AS n FROM reviews_review r "
            "JOIN reviews_assignment a ON a.id = r.assignment_id "
            "WHERE r.round_id = %s AND r.state = %s AND a.status = %s GROUP BY r.entry_id) c "
            "ON c.entry_id = re.entry_id "
            "WHERE re.round_id = %s AND COALESCE(c.n, 0) < %s "
            "ORDER BY submitted, re.entry_id",
            [
                round_.pk,
                ReviewState.SUBMITTED.value,
                AssignmentStatus.ACTIVE.value,
                round_.pk,
                k,
            ],
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    missing = sum(k - n for _, _, n in rows)
    return {
        "code": "entries_short_of_reviews",
        "detail": (
            f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'} of {round_.name} got fewer than "
            f"{k} reviews ({missing} review(s) missing); their scores rest on fewer reviewers. "
            "Add reviewers (复评) or reopen the round before finalizing."
        ),
        "reviewers_per_entry": k,
        "entry_count": len(rows),
        "missing_reviews": missing,
        "entries": [
            {"id": pk, "title": title, "reviews": n} for pk, title, n in rows[:SHORTFALL_LISTED]
        ],
    }


def round_results(round: Round) -> QuerySet[RoundEntry]:
    return (
        RoundEntry.objects.filter(round=round)
        .select_related("entry", "entry__category", "entry__organisation", "entry__award")
        .order_by("entry__category__code", "rank", "entry_id")
    )


def outcomes_visible_to(user: User) -> QuerySet[RoundEntry]:
    """Outcomes an enterprise member may see: their organisation's entries, in published rounds
    only (staff see every published outcome through this selector too)."""
    qs = (
        RoundEntry.objects.filter(round__published_at__isnull=False)
        .select_related("round", "entry", "entry__category")
        .prefetch_related(
            Prefetch("entry__award", queryset=Award.objects.select_related("round")),
            Prefetch(
                "entry__reviews",
                queryset=Review.objects.filter(state=ReviewState.SUBMITTED)
                .only("id", "entry_id", "round_id", "comment")
                .order_by("id"),
                to_attr="published_reviews",
            ),
        )
        .order_by("round__contest_id", "round__order", "entry_id")
    )
    if not user.is_authenticated:
        return qs.none()
    if is_review_staff(user):
        return qs
    if org_id := own_organisation_id(user):
        return qs.filter(entry__organisation_id=org_id)
    return qs.none()


def awards_visible_to(user: User) -> QuerySet[Award]:
    qs = Award.objects.select_related("round", "entry", "entry__organisation", "entry__category")
    if not user.is_authenticated:
        return qs.none()
    if is_review_staff(user):
        return qs
    if org_id := own_organisation_id(user):
        return qs.filter(round__published_at__isnull=False, entry__organisation_id=org_id)
    return qs.none()


def entries_of_round(round: Round) -> QuerySet[Entry]:
    return Entry.objects.filter(round_entries__round=round)


# --------------------------------------------------------------------------------------------
# the fairness lab
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RoundScores:
    """A round's submitted reviews as arrays for ``reviews.fairness`` (index maps included).

    Entries are every entry enrolled in the round (sorted by pk), reviewers every reviewer with a
    submitted review in it (sorted by pk); ``entry``/``reviewer``/``total`` are the review rows.
    """

    entry_ids: np.ndarray
    category: np.ndarray
    submitted_at: np.ndarray
    advanced: np.ndarray
    reviewer_ids: np.ndarray
    entry: np.ndarray
    reviewer: np.ndarray
    total: np.ndarray
    max_total: float


def round_score_arrays(round: Round) -> RoundScores:
    """Load the submitted reviews of a round (those of active assignments, as the results
    count them) into numpy arrays. Three queries whatever the size."""
    max_total = float(
        sum(w for w in Criterion.objects.filter(round=round).values_list("weight", flat=True))
    )
    rows = list(
        RoundEntry.objects.filter(round=round)
        .order_by("entry_id")
        .values_list("entry_id", "entry__category_id", "entry__submitted_at", "advanced")
    )
    entry_ids = np.asarray([r[0] for r in rows], dtype=np.int64)
    review_rows = np.array(
        list(
            Review.objects.filter(
                round=round,
                state=ReviewState.SUBMITTED,
                assignment__status=AssignmentStatus.ACTIVE,
            )
            .order_by("pk")
            .values_list("entry_id", "reviewer_id", Cast("total", FloatField()))
        ),
        dtype=np.float64,
    ).reshape(-1, 3)
    review_rows = review_rows[np.isin(review_rows[:, 0].astype(np.int64), entry_ids)]
    reviewer_ids, reviewer = np.unique(review_rows[:, 1].astype(np.int64), return_inverse=True)
    return RoundScores(
        entry_ids=entry_ids,
        category=np.asarray([r[1] for r in rows], dtype=np.int64),
        submitted_at=np.asarray(
            [r[2].timestamp() if r[2] else np.nan for r in rows], dtype=np.float64
        ),
        advanced=np.asarray([bool(r[3]) for r in rows], dtype=bool),
        reviewer_ids=reviewer_ids.astype(np.int64),
        entry=np.searchsorted(entry_ids, review_rows[:, 0].astype(np.int64)),
        reviewer=reviewer.astype(np.int64).ravel(),
        total=np.clip(review_rows[:, 2], 0.0, max_total) if max_total else review_rows[:, 2],
        max_total=max_total,
    )


def _num(x, places: int = 3) -> float | None:
    x = float(x)
    return None if np.isnan(x) else round(x, places)


def round_fairness(
    round: Round,
    *,
    threshold: float | None = None,
    bins: int = 20,
    limit: int = 100,
) -> dict:
    """The fairness lab of a round as plain data (for the page, the API and the export):

    - ``methods``: each aggregation method, the round's own marked ``chosen``;
    - ``categories``: per category the agreement (ICC), the score histogram under the chosen
      method and the advancement cut line;
    - ``reviewers``: each reviewer's leniency, most lenient first;
    - ``movers``: the ``limit`` entries that move most between methods (rank per method);
    - ``disputed``: the ``limit`` entries whose range of totals is above ``threshold`` (the
      round's ``disagreement_threshold`` by default), widest first.

    A fixed number of queries whatever the size of the round.
    """
    data = round_score_arrays(round)
    threshold = float(round.disagreement_threshold if threshold is None else threshold)
    n = len(data.entry_ids)
    cmp = fairness.compare_methods(
        data.entry,
        data.reviewer,
        data.total,
        n_entries=n,
        max_total=data.max_total or 1.0,
        category=data.category,
        submitted_at=data.submitted_at,
        entry_id=data.entry_ids,
        chosen=round.aggregation,
    )
    len_ = fairness.reviewer_leniency(
        data.entry, data.reviewer, data.total, n_entries=n, n_reviewers=len(data.reviewer_ids)
    )
    spread = fairness.entry_spread(data.entry, data.total, n_entries=n)
    chosen_score = cmp.scores[round.aggregation]

    categories = []
    names = dict(
        Category.objects.filter(pk__in=set(data.category.tolist())).values_list("pk", "name")
    )
    for cat in sorted(set(data.category.tolist())):
        in_cat = data.category == cat
        rows_in_cat = in_cat[data.entry] if len(data.entry) else np.zeros(0, dtype=bool)
        agreement = fairness.icc_oneway(
            data.entry[rows_in_cat], data.total[rows_in_cat], n_entries=n
        )
        counts, edges = fairness.score_histogram(
            chosen_score[in_cat], max_total=data.max_total or 100.0, bins=bins
        )
        categories.append(
            {
                "category": cat,
                "name": names.get(cat, str(cat)),
                "entries": int(in_cat.sum()),
                "icc1": _num(agreement.icc1),
                "icc1k": _num(agreement.icc1k),
                "n0": _num(agreement.n0, 2),
                "compared_entries": agreement.n_entries,
                "histogram": {
                    "edges": [_num(x, 2) for x in edges],
                    "counts": counts.tolist(),
                    "bins": [
                        {"low": _num(lo, 2), "high": _num(hi, 2), "count": int(n)}
                        for lo, hi, n in zip(edges[:-1], edges[1:], counts, strict=True)
                    ],
                },
                "cut_line": _num(fairness.cut_line(chosen_score[in_cat], data.advanced[in_cat])),
            }
        )

    people = {
        u.pk: u
        for u in User.objects.filter(pk__in=data.reviewer_ids.tolist()).only(
            "id", "username", "full_name"
        )
    }
    reviewers = [
        {
            "reviewer": int(pk),
            "name": str(people[int(pk)]) if int(pk) in people else str(pk),
            "reviews": int(len_.n_reviews[i]),
            "mean": _num(len_.mean[i]),
            "compared": int(len_.n_compared[i]),
            "offset": _num(len_.offset[i]),
            "offset_std": _num(len_.offset_std[i]),
        }
        for i, pk in enumerate(data.reviewer_ids.tolist())
    ]
    reviewers.sort(
        key=lambda r: (-(r["offset"] if r["offset"] is not None else -1e9), r["reviewer"])
    )

    moving = np.flatnonzero(cmp.max_move > 0)
    moving = moving[np.lexsort((data.entry_ids[moving], -cmp.max_move[moving]))][:limit]
    disputed = fairness.disagreements(spread, threshold=threshold, limit=limit)
    picked = sorted(set(moving.tolist()) | set(disputed.tolist()))
    titles = dict(
        Entry.objects.filter(pk__in=data.entry_ids[picked].tolist()).values_list("pk", "title")
    )

    def entry_row(i: int) -> dict:
        pk = int(data.entry_ids[i])
        return {
            "entry": pk,
            "title": titles.get(pk, ""),
            "category": int(data.category[i]),
            "reviews": int(spread.count[i]),
            "scores": {m: _num(cmp.scores[m][i]) for m in cmp.methods},
            "ranks": {m: int(cmp.ranks[m][i]) for m in cmp.methods},
            "max_move": int(cmp.max_move[i]),
            "low": _num(spread.low[i]),
            "high": _num(spread.high[i]),
            "range": _num(spread.range[i]),
            "std": _num(spread.std[i]),
        }

    return {
        "round": round.pk,
        "chosen": round.aggregation,
        "methods": list(cmp.methods),
        "max_total": data.max_total,
        "threshold": threshold,
        "entries": n,
        "reviews": int(len(data.total)),
        "entries_moving": int((cmp.max_move > 0).sum()),
        "categories": categories,
        "reviewers": reviewers,
        "movers": [entry_row(i) for i in moving.tolist()],
        "disputed": [entry_row(i) for i in disputed.tolist()],
        "disputed_total": int(len(fairness.disagreements(spread, threshold=threshold))),
    }


# --------------------------------------------------------------------------------------------
# the reviewers' pledge (评审承诺书)
# --------------------------------------------------------------------------------------------

DEFAULT_PLEDGE_TEXT = _(
    "Pledge of confidentiality and impartiality\n\n"
    "As an expert reviewer of this round I pledge that:\n"
    "1. I keep all entry material, scores and discussions of this review confidential, and do "
    "not copy, disclose or use them for any other purpose, during the review or after it.\n"
    "2. I score independently, objectively and fairly, by the published rubric only, and let "
    "nobody influence me.\n"
    "3. I declare at once any conflict of interest with an entry or its organisation (my "
    "employer, an employer of the last three years, business ties, relatives) and recuse "
    "myself.\n"
    "4. In a blind round I do not try to find out which organisation or people submitted an "
    "entry, and I do not contact entrants about the contest.\n"
    "5. I accept no gift, money or other benefit from entrants.\n\n"
    "If I break this pledge I may be removed from the reviewer pool and my scores voided."
)


def pledge_text_of(round: Round) -> str:
    """The pledge a reviewer of the round reads: the round's own text, or the default."""
    return round.pledge_text.strip() or str(DEFAULT_PLEDGE_TEXT)


def pledge_accepted(round: Round | int, reviewer: User) -> bool:
    return PledgeAcceptance.objects.filter(
        round_id=getattr(round, "pk", round), reviewer=reviewer
    ).exists()


def pledge_accepted_expr(reviewer: User, *, round_ref: str = "round_id") -> Exists:
    """:func:`pledge_accepted` as an expression over a query's ``round_ref`` column, for a
    query that reads the pledge along with the row it needs anyway (the scoring lock)."""
    return Exists(PledgeAcceptance.objects.filter(round_id=OuterRef(round_ref), reviewer=reviewer))


def pledged_round_ids(reviewer: User) -> set[int]:
    """The rounds whose pledge the reviewer accepted (one query, for their home page)."""
    return set(
        PledgeAcceptance.objects.filter(reviewer=reviewer).values_list("round_id", flat=True)
    )


def pledge_for(round: Round, user: User) -> dict:
    """The pledge as ``user`` reads it: once accepted, the very text they accepted."""
    acceptance = PledgeAcceptance.objects.filter(round=round, reviewer=user).first()
    return {
        "round": round.pk,
        "text": acceptance.text if acceptance else pledge_text_of(round),
        "is_default": not round.pledge_text.strip(),
        "accepted": acceptance is not None,
        "accepted_at": acceptance.accepted_at if acceptance else None,
    }


def pledge_acceptances_for_staff(user: User) -> QuerySet[PledgeAcceptance]:
    """Who accepted which round's pledge, when and from where (staff only)."""
    qs = PledgeAcceptance.objects.select_related("reviewer", "round")
    return qs if is_review_staff(user) else qs.none()


# --------------------------------------------------------------------------------------------
# blind rounds: entrant free text that names the entrant
# --------------------------------------------------------------------------------------------


def round_entries_taking_part(round: Round) -> QuerySet[Entry]:
    """The entries of the round: its enrolment once assigning started; before that the ones it
    would enrol (round 1: every submitted entry; later: those the previous round advanced)."""
    if round.state != RoundState.DRAFT:
        return Entry.objects.filter(round_entries__round=round)
    previous = (
        Round.objects.filter(contest_id=round.contest_id, order__lt=round.order)
        .order_by("-order")
        .first()
    )
    if previous is None:
        return Entry.objects.filter(contest_id=round.contest_id, state=EntryState.SUBMITTED)
    return Entry.objects.filter(round_entries__round=previous, round_entries__advanced=True)


def blind_text_flags(round: Round) -> list[dict]:
    """Entries of the round whose free text (what a reviewer reads in a blind round) names the
    submitting organisation, its contact, a team member or a team member's employer — for
    staff to settle with the entrant before the round opens. Two queries, read as plain rows
    and streamed side by side (entries by pk, team members by entry): at 100,000 entries model
    instances and a prefetch per chunk took 100 s of a confirmation. The matching is
    ``reviews.blind.identity_mentions``."""
    taking_part = round_entries_taking_part(round)
    entries = taking_part.order_by("pk").values_list(
        "pk", *blind.FREE_TEXT_FIELDS, "organisation__name", "organisation__contact_name"
    )
    team = (
        TeamMember.objects.filter(entry__in=taking_part.values("pk"))
        .order_by("entry_id", "position", "id")
        .values_list("entry_id", "name", "employer_name", "job_title")
    )
    members = team.iterator(chunk_size=5000)
    pending = next(members, None)
    n_fields = len(blind.FREE_TEXT_FIELDS)
    flags = []
    for row in entries.iterator(chunk_size=2000):
        pk = row[0]
        entry = _BlindRow(*row[1 : 1 + n_fields])
        org_name, contact = row[1 + n_fields :]
        organisation = None if org_name is None else _BlindOrg(org_name, contact or "")
        while pending is not None and pending[0] < pk:
            pending = next(members, None)
        people = []
        while pending is not None and pending[0] == pk:
            people.append(_BlindMember(*pending[1:]))
            pending = next(members, None)
        mentions = blind.identity_mentions(
            blind.reviewer_free_text(entry, people), blind.identity_terms(organisation, people)
        )
        if mentions:
            flags.append(
                {
                    "entry": pk,
                    "title": entry.title,
                    "organisation": org_name,
                    "mentions": mentions,
                }
            )
    return flags


@dataclass(frozen=True, slots=True)
class _BlindRow:
    """What ``reviews.blind`` reads of an entry (``FREE_TEXT_FIELDS``)."""

    title: str
    summary: str
    innovation_points: str
    expected_benefits: str
    keywords: list


@dataclass(frozen=True, slots=True)
class _BlindOrg:
    name: str
    contact_name: str


@dataclass(frozen=True, slots=True)
class _BlindMember:
    name: str
    employer_name: str
    job_title: str


# --------------------------------------------------------------------------------------------
# choosing an organisation to declare a conflict with
# --------------------------------------------------------------------------------------------

CONFLICT_SEARCH_LIMIT = 20


def organisations_for_conflict_search(user: User, query: str) -> QuerySet[Organisation]:
    """Organisations a reviewer may pick when declaring a conflict, without learning which
    organisations exist or entered: a partial name matches only organisations the reviewer
    already knows (their employer, the ones they declared); any other organisation is found
    only by its exact full name or its unified social credit code, i.e. only when the reviewer
    already knows it. Staff search all. (Not the studio directory: reviews may not import
    innovation, docs/architecture.md.)"""
    query = " ".join((query or "").split())
    if not user.is_authenticated or not query:
        return Organisation.objects.none()
    active = Organisation.objects.filter(is_active=True).order_by("name", "pk")
    if is_review_staff(user):
        return active.filter(Q(name__icontains=query) | Q(credit_code=query.upper()))
    if not user.has_role(Role.REVIEWER):
        return Organisation.objects.none()
    exact = Q(name=query) | Q(credit_code=query.upper())
    if len(query) < 2:
        return active.filter(exact)
    known = Q(employed_reviewers__user=user) | Q(reviewer_conflicts__reviewer=user)
    return active.filter(exact | (known & Q(name__icontains=query))).distinct()


# --- what a reviewer may read of an entry (blind rounds) ----------------------------------------


def neutral_attachment_name(attachment, index: int) -> str:
    """``entry-<id>-<kind>-<n><ext>``: tells the reviewer what the file is, not who sent it."""
    ext = posixpath.splitext(attachment.original_name)[1].lower()[:10]
    return f"entry-{attachment.entry_id}-{attachment.kind}-{index}{ext}"


def reviewer_attachment_names(entry: Entry, *, blind: bool) -> dict[int, str]:
    """Attachment id -> the name a reviewer sees: neutral in a blind round (numbered per kind in
    id order, the order the selector prefetches), the original otherwise. The list and the
    download endpoint both use it, so the two names always agree."""
    per_kind: dict[str, int] = {}
    names = {}
    for attachment in entry.attachments.all():
        per_kind[attachment.kind] = per_kind.get(attachment.kind, 0) + 1
        names[attachment.pk] = (
            neutral_attachment_name(attachment, per_kind[attachment.kind])
            if blind
            else attachment.original_name
        )
    return names


def reviewer_entry_view(entry: Entry, *, blind: bool) -> dict:
    """What a reviewer may read of an entry, the one home of the blind-round (盲评) redaction, used
    by the API (``ReviewerEntrySerializer``), the reviewer pages and the attachment downloads.
    In a blind round it leaves out everything that identifies the submitting organisation: the
    organisation itself, team members' names and employers, and original attachment names (files
    get neutral names such as ``entry-12-plan-1.pdf``). Notices to reviewers list titles only."""
    names = reviewer_attachment_names(entry, blind=blind)
    attachments = [
        {
            "id": attachment.pk,
            "kind": attachment.kind,
            "name": names[attachment.pk],
            "content_type": attachment.content_type,
            "size": attachment.size,
        }
        for attachment in entry.attachments.all()
    ]
    return {
        "id": entry.pk,
        "title": entry.title,
        "category": entry.category.name,
        "summary": entry.summary,
        "innovation_points": entry.innovation_points,
        "expected_benefits": entry.expected_benefits,
        "keywords": entry.keywords,
        "organisation": None if blind else entry.organisation.name,
        "team": [
            {
                "name": None if blind else m.name,
                "role": m.role,
                "job_title": m.job_title,
                "honour": m.honour,
                "employer_name": None if blind else m.employer_name,
            }
            for m in entry.team.all()
        ],
        "attachments": attachments,
    }
