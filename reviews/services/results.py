"""Results: scores, ranks and proposed advancement, computed by ``reviews.scoring`` over arrays
and stored in bulk."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.db.models import Avg, FloatField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict
from core.services import audit_record
from reviews import notices, scoring
from reviews.enums import AdvancementRule, AssignmentStatus, ReviewState, RoundState
from reviews.errors import ReviewError
from reviews.models import Criterion, Review, ReviewScore, Round, RoundEntry
from reviews.services._common import _lock_round, _refresh


def _advancement_rule(round_: Round) -> scoring.AdvancementRule | None:
    if round_.advancement_rule == AdvancementRule.NONE:
        return None
    return scoring.AdvancementRule(round_.advancement_rule, float(round_.advancement_value))


def _compute_results(round_: Round) -> int:
    """Aggregate, rank and apply the advancement rule for a whole round in bulk."""
    criteria = list(Criterion.objects.filter(round=round_).order_by("position", "id"))
    criterion_ids = np.asarray([c.pk for c in criteria], dtype=np.int64)
    order = np.argsort(criterion_ids)
    max_total = float(sum(c.weight for c in criteria))
    rows = list(
        RoundEntry.objects.filter(round=round_)
        .order_by("entry_id")
        .values_list("pk", "entry_id", "entry__category_id", "entry__submitted_at")
    )
    entry_ids = np.asarray([r[1] for r in rows], dtype=np.int64)
    n = len(rows)
    reviews = Review.objects.filter(
        round=round_, state=ReviewState.SUBMITTED, assignment__status=AssignmentStatus.ACTIVE
    )
    # Numbers come out of the database as floats (not Decimal objects) straight into numpy: at
    # 100,000 entries x 5 reviews building Python Decimals was most of the time.
    review_rows = np.array(
        list(
            reviews.order_by("pk").values_list(
                "entry_id", "reviewer_id", Cast("total", FloatField())
            )
        ),
        dtype=np.float64,
    ).reshape(-1, 3)
    entry_index = np.searchsorted(entry_ids, review_rows[:, 0].astype(np.int64))
    reviewer = review_rows[:, 1].astype(np.int64)
    total = np.clip(review_rows[:, 2], 0.0, max_total)
    agg = scoring.aggregate(entry_index, reviewer, total, n, max_total, round_.aggregation)
    # Criterion means per entry are averaged by the database (entries x criteria rows instead of
    # reviews x criteria); entries without submitted reviews stay NaN.
    means = np.full((n, len(criteria)), np.nan)
    mean_rows = np.array(
        list(
            # the reviews' filter as joins (not ``review__in``: a semi-join, then the reviews
            # joined again for their entry)
            ReviewScore.objects.filter(
                review__round=round_,
                review__state=ReviewState.SUBMITTED,
                review__assignment__status=AssignmentStatus.ACTIVE,
            )
            .values("review__entry_id", "criterion_id")
            .annotate(mean=Avg(Cast("score", FloatField())))
            .values_list("review__entry_id", "criterion_id", "mean")
        ),
        dtype=np.float64,
    ).reshape(-1, 3)
    if len(mean_rows):
        e_idx = np.searchsorted(entry_ids, mean_rows[:, 0].astype(np.int64))
        c_idx = order[np.searchsorted(criterion_ids[order], mean_rows[:, 1].astype(np.int64))]
        means[e_idx, c_idx] = mean_rows[:, 2]
    submitted = np.asarray([r[3].timestamp() if r[3] else np.nan for r in rows], dtype=np.float64)
    category = np.asarray([r[2] for r in rows], dtype=np.int64)
    rank = scoring.rank_in_category(
        agg.score,
        agg.median_raw,
        category,
        submitted,
        entry_ids,
        criterion_means=means,
        criterion_weights=np.asarray([float(c.weight) for c in criteria]),
    )
    rule = _advancement_rule(round_)
    advanced = (
        scoring.select_advancing(agg.score, agg.count, category, rank, rule)
        if rule is not None
        else np.zeros(n, dtype=bool)
    )
    _store_results(
        pks=[r[0] for r in rows],
        count=agg.count,
        score=agg.score,
        median=agg.median_raw,
        rank=rank,
        advanced=advanced,
        means=means,
        criterion_ids=criterion_ids,
    )
    round_.results_computed_at = timezone.now()
    return n


def _decimal_list(values: np.ndarray) -> list[Decimal | None]:
    return [None if np.isnan(v) else Decimal(f"{v:.3f}") for v in values.tolist()]


_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags 0, no extension
_COPY_TRAILER = b"\xff\xff"


def _binary_copy(columns: list[tuple[str, np.ndarray]]) -> bytes:
    """PostgreSQL's binary COPY of fixed-width columns (name, numpy array) built by numpy at
    once: per row a field count, then each field's length and big-endian value."""
    n = len(columns[0][1])
    fields = [("count", ">i2")]
    for name, values in columns:
        fields += [(f"len_{name}", ">i4"), (name, values.dtype.newbyteorder(">"))]
    rows = np.zeros(n, dtype=np.dtype(fields))
    rows["count"] = len(columns)
    for name, values in columns:
        rows[f"len_{name}"] = values.dtype.itemsize
        rows[name] = values
    return _COPY_HEADER + rows.tobytes() + _COPY_TRAILER


def _store_results_pg(pks, count, score, median, rank, advanced, rounded, keys) -> None:
    """One binary COPY into a temporary table, then one UPDATE ... FROM it: Django's bulk_update
    builds a CASE per row, and quoting 100,000-element arrays (the means as JSON texts) into the
    statements was a fifth of a finalize. A missing score is NaN in the copy, NULL in the table; the
    database builds each entry's criterion_means object."""
    means = [
        (f"c{i}", np.ascontiguousarray(rounded[:, i], dtype=np.float64)) for i in range(len(keys))
    ]
    data = _binary_copy(
        [
            ("id", np.asarray(pks, dtype=np.int64)),
            ("n", np.asarray(count, dtype=np.int32)),
            ("s", np.asarray(score, dtype=np.float64)),
            ("m", np.asarray(median, dtype=np.float64)),
            ("r", np.asarray(rank, dtype=np.int32)),
            ("a", np.asarray(advanced, dtype=np.bool_)),
            *means,
        ]
    )
    extra = "".join(f", c{i} float8" for i in range(len(keys)))
    # a whole mean keeps its ".0" (75.0, as json.dumps wrote it), the others their shortest
    # form, which float8 and Python print alike
    pairs = ", ".join(
        f"%s::text, CASE WHEN v.c{i} = trunc(v.c{i}) THEN to_jsonb(round(v.c{i}::numeric, 1)) "
        f"ELSE to_jsonb(v.c{i}) END"
        for i in range(len(keys))
    )
    nulled = "".join(f", NULLIF(c{i}, 'NaN') AS c{i}" for i in range(len(keys)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS _round_results")
        cursor.execute(
            "CREATE TEMPORARY TABLE _round_results (id bigint, n int, s float8, m float8, "
            f"r int, a boolean{extra}) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY _round_results FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(data)
        cursor.execute(
            "UPDATE reviews_roundentry AS re SET n_reviews = v.n, "
            "score = round(v.s::numeric, 3), median_total = round(v.m::numeric, 3), "
            f"rank = v.r, advanced = v.a, criterion_means = jsonb_build_object({pairs}) "
            "FROM (SELECT id, n, NULLIF(s, 'NaN') AS s, NULLIF(m, 'NaN') AS m, r, a"
            f"{nulled} FROM _round_results) AS v WHERE re.id = v.id",
            keys,
        )
        cursor.execute("DROP TABLE _round_results")


def _store_results(*, pks, count, score, median, rank, advanced, means, criterion_ids) -> None:
    keys = [str(pk) for pk in criterion_ids.tolist()]
    rounded = np.round(means, 3)
    if connection.vendor == "postgresql":
        _store_results_pg(pks, count, score, median, rank, advanced, rounded, keys)
        return
    means_json = [
        json.dumps({k: (None if np.isnan(v) else v) for k, v in zip(keys, row, strict=True)})
        for row in rounded.tolist()
    ]
    columns = (
        pks,
        count.astype(int).tolist(),
        score,
        median,
        rank.astype(int).tolist(),
        advanced.astype(bool).tolist(),
        means_json,
    )
    objs = [
        RoundEntry(
            pk=pk,
            n_reviews=n,
            score=s,
            median_total=m,
            rank=r,
            advanced=a,
            criterion_means=json.loads(cm),
        )
        for pk, n, s, m, r, a, cm in zip(
            columns[0],
            columns[1],
            _decimal_list(score),
            _decimal_list(median),
            *columns[4:],
            strict=True,
        )
    ]
    RoundEntry.objects.bulk_update(
        objs,
        ["n_reviews", "score", "median_total", "rank", "advanced", "criterion_means"],
        batch_size=500,
    )


def round_compute_results(*, round: Round, actor: User) -> Round:
    """Compute (or recompute) the scores, ranks and proposed advancement of a closed round, so
    that staff can look before finalizing. Bulk: a fixed number of queries."""
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != RoundState.CLOSED:
            raise Conflict(
                _("Results are computed once the round is closed."),
                code=ReviewError.ROUND_NOT_CLOSED,
            )
        n = _compute_results(locked)
        locked.save(update_fields=["results_computed_at", "updated_at"])
        audit_record(actor=actor, action="round.results", target=locked, data={"entries": n})
        notices.round_shortfall_warn(round=locked, event="results")
    return _refresh(round, locked)
