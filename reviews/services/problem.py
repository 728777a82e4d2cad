"""Loading a round's assignment problem from the database into the solver's plain arrays."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import ExpertiseField, ReviewerProfile
from core.exceptions import Conflict
from projects.models import Category
from reviews import assignment as solver
from reviews.enums import AssignmentSource, AssignmentStatus
from reviews.errors import ReviewError
from reviews.models import Assignment, PoolMember, ReviewerConflict, Round, RoundEntry
from reviews.services._common import CATEGORY_TAG_WEIGHT, KEYWORD_TAG_WEIGHT


@dataclass
class LoadedProblem:
    """An assignment instance read from the database, with the maps back to primary keys."""

    problem: solver.AssignmentProblem
    entry_ids: np.ndarray  # index -> Entry pk (sorted)
    reviewer_ids: np.ndarray  # index -> User pk (sorted)
    existing: list[
        tuple[int, int, int, str, str, bool]
    ]  # pk, entry, reviewer, status, source, has_review

    def entry_index(self, pks) -> np.ndarray:
        return np.searchsorted(self.entry_ids, np.asarray(pks, dtype=np.int64))

    def reviewer_index(self, pks) -> np.ndarray:
        return np.searchsorted(self.reviewer_ids, np.asarray(pks, dtype=np.int64))

    def _index(self, rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pk pairs, index pairs, known mask), vectorised: at 500,000 rows a Python loop of
        scalar searches took 20 s of a confirmation."""
        arr = np.asarray(rows, dtype=np.int64).reshape(-1, 2)
        e = np.searchsorted(self.entry_ids, arr[:, 0])
        r = np.searchsorted(self.reviewer_ids, arr[:, 1])
        known = (e < len(self.entry_ids)) & (r < len(self.reviewer_ids))
        known[known] &= (self.entry_ids[e[known]] == arr[known, 0]) & (
            self.reviewer_ids[r[known]] == arr[known, 1]
        )
        return arr, np.column_stack([e, r]), known

    def _pairs(self, rows) -> np.ndarray:
        _rows, idx, known = self._index(rows)
        return idx[known]

    def _known(self, entry_pk: int, reviewer_pk: int) -> bool:
        return bool(self._index([(entry_pk, reviewer_pk)])[2][0])

    def active_pairs(self) -> np.ndarray:
        rows = [(e, r) for _, e, r, status, _, _ in self.existing if status == "active"]
        arr, idx, known = self._index(rows)
        if not known.all():
            # An active assignment of a reviewer no longer in the pool (or an entry no longer
            # enrolled) is a violation the solver's checker cannot see: report it here.
            e, r = arr[~known][0].tolist()
            raise Conflict(
                _("Reviewer %(r)s is assigned to entry %(e)s but is not an active pool member.")
                % {"r": r, "e": e},
                code=ReviewError.ASSIGNMENT_INVALID,
                fields={
                    "assignments": [
                        _("reviewer %(r)s / entry %(e)s: not in the pool") % {"r": r, "e": e}
                    ]
                },
            )
        return idx


def load_assignment_problem(round_: Round) -> LoadedProblem:
    """Read everything the solver needs about a round into numpy arrays (a fixed number of
    queries whatever the size). Fixed pairs: active manual assignments and active ones a
    reviewer already started; forbidden pairs: removed and recused ones."""
    contest_id = round_.contest_id
    entries = list(
        RoundEntry.objects.filter(round=round_)
        .order_by("entry_id")
        .values_list("entry_id", "entry__organisation_id", "entry__category_id", "entry__keywords")
    )
    members = list(
        PoolMember.objects.filter(
            contest_id=contest_id, is_active=True, reviewer__reviewer_profile__is_active=True
        )
        .order_by("reviewer_id")
        .values_list(
            "reviewer_id",
            "min_load",
            "max_load",
            "reviewer__reviewer_profile__max_load",
            "reviewer__reviewer_profile__employer_id",
        )
    )
    fields = list(ExpertiseField.objects.values_list("pk", "code", "name"))
    field_ids = np.asarray(sorted(pk for pk, _, _ in fields), dtype=np.int64)
    n_fields = len(field_ids)
    by_word: dict[str, int] = {}
    for pk, code, name in fields:
        index = int(np.searchsorted(field_ids, pk))
        by_word[code.lower()] = index
        by_word[name.lower()] = index

    entry_ids = np.asarray([row[0] for row in entries], dtype=np.int64)
    entry_org = np.asarray([row[1] for row in entries], dtype=np.int64)
    category_fields: dict[int, list[int]] = defaultdict(list)
    for category_id, field_id in Category.expertise.through.objects.filter(
        category__contest_id=contest_id
    ).values_list("category_id", "expertisefield_id"):
        category_fields[category_id].append(int(np.searchsorted(field_ids, field_id)))
    # Tag space: [0, F) = "category matches field f", [F, 2F) = "keyword matches field f".
    entry_tags = []
    for _entry, _org, category_id, keywords in entries:
        tags = set(category_fields.get(category_id, ()))
        words = keywords if isinstance(keywords, list) else []
        tags.update(
            n_fields + by_word[w.strip().lower()]
            for w in words
            if isinstance(w, str) and w.strip().lower() in by_word
        )
        entry_tags.append(sorted(tags))

    reviewer_ids = np.asarray([row[0] for row in members], dtype=np.int64)
    reviewer_org = np.asarray([row[4] if row[4] else -1 for row in members], dtype=np.int64)
    min_load = np.asarray([row[1] for row in members], dtype=np.int64)
    max_load = np.asarray(
        [row[2] if row[2] is not None else row[3] for row in members], dtype=np.int64
    )
    min_load = np.minimum(min_load, max_load)
    reviewer_fields: dict[int, list[int]] = defaultdict(list)
    for user_id, field_id in ReviewerProfile.expertise.through.objects.filter(
        reviewerprofile__user_id__in=reviewer_ids.tolist()
    ).values_list("reviewerprofile__user_id", "expertisefield_id"):
        index = int(np.searchsorted(field_ids, field_id))
        reviewer_fields[user_id].extend((index, n_fields + index))
    reviewer_tags = [sorted(reviewer_fields.get(int(pk), ())) for pk in reviewer_ids]

    conflicts = list(
        ReviewerConflict.objects.filter(reviewer_id__in=reviewer_ids.tolist())
        .filter(Q(contest_id=contest_id) | Q(contest__isnull=True))
        .values_list("reviewer_id", "organisation_id")
    )
    existing = [
        (pk, e, r, status, source, has_review)
        for pk, e, r, status, source, has_review in Assignment.objects.filter(
            round=round_
        ).values_list("pk", "entry_id", "reviewer_id", "status", "source", "review__id")
    ]
    existing = [(pk, e, r, s, src, h is not None) for pk, e, r, s, src, h in existing]
    loaded = LoadedProblem(
        problem=None,  # type: ignore[arg-type]
        entry_ids=entry_ids,
        reviewer_ids=reviewer_ids,
        existing=existing,
    )
    fixed = loaded._pairs(
        [
            (e, r)
            for _, e, r, status, source, has_review in existing
            if status == AssignmentStatus.ACTIVE
            and (source == AssignmentSource.MANUAL or has_review)
        ]
    )
    forbidden = loaded._pairs(
        [(e, r) for _, e, r, status, _, _ in existing if status != AssignmentStatus.ACTIVE]
    )
    conflict_pairs = np.asarray(
        [(int(np.searchsorted(reviewer_ids, r)), o) for r, o in conflicts], dtype=np.int64
    ).reshape(-1, 2)
    loaded.problem = solver.AssignmentProblem(
        k=round_.reviewers_per_entry,
        entry_org=entry_org,
        entry_tags=solver.tags_to_csr(entry_tags, max(2 * n_fields, 1)),
        reviewer_org=reviewer_org,
        reviewer_tags=solver.tags_to_csr(reviewer_tags, max(2 * n_fields, 1)),
        min_load=min_load,
        max_load=max_load,
        reviewer_org_conflicts=conflict_pairs,
        forbidden_pairs=forbidden,
        fixed_pairs=fixed,
        same_employer_limit=round_.one_reviewer_per_employer,
        tag_weights=np.asarray(
            [CATEGORY_TAG_WEIGHT] * n_fields + [KEYWORD_TAG_WEIGHT] * n_fields or [1],
            dtype=np.int64,
        ),
        entry_labels=entry_ids.tolist(),
        reviewer_labels=reviewer_ids.tolist(),
    )
    return loaded
