"""All writes of review rounds. One service per state change (see reviews/enums.py).

Round moves: ``round_set_state(round=, to_state=, actor=)`` is the single entry point for a
state move and dispatches to the service of that move, which is also public:

    draft -> assigning      round_start_assigning   enrols the entries taking part
    assigning -> draft      round_back_to_draft     drops enrolment and the proposal
    assigning -> open       round_confirm_assignments  re-checks, makes assignments visible
    open -> closed          round_close             (actor None = the system at the deadline)
    closed -> open          round_reopen            a deadline extension
    closed -> finalized     round_finalize          results, advancement, entry states

Heavy work (assignment, aggregation, ranking) is done by the pure functions of
``reviews.assignment`` and ``reviews.scoring`` over numpy arrays; the services here only load
arrays from the database, call them once, and store the outcome in bulk.

The services live in one module per concern; import them from here
(``from reviews import services``; ``services.round_close(...)``)::

    _common      the round lock, the checked move, bulk entry moves
    rounds       rounds, rubric, every round move
    pool         reviewer pool, conflicts of interest
    problem      loading the assignment problem
    assignments  the solver's proposal stored, manual changes
    reviewing    drafts, submit, reopen
    results      scores, ranks, advancement
    awards       awards by rank and by hand
"""

from __future__ import annotations

from reviews.services._common import CATEGORY_TAG_WEIGHT, KEYWORD_TAG_WEIGHT
from reviews.services.assignments import (
    assignment_add,
    assignment_recuse,
    assignment_remove,
    assignment_swap,
    store_solution,
)
from reviews.services.awards import (
    award_by_hand_blocked,
    award_grant,
    award_source_check,
    award_update,
    award_withdraw,
    awards_grant_by_rank,
)
from reviews.services.pool import conflict_declare, conflict_withdraw, pool_add, pool_update
from reviews.services.problem import LoadedProblem, load_assignment_problem
from reviews.services.results import round_compute_results
from reviews.services.reviewing import (
    review_reopen,
    review_save_draft,
    review_submit,
    weighted_total,
)
from reviews.services.rounds import (
    BLIND_OVERRIDE_MAX_CHARS,
    blind_opening_check,
    close_due_rounds,
    round_back_to_draft,
    round_close,
    round_confirm_assignments,
    round_create,
    round_finalize,
    round_publish,
    round_remind_late_reviewers,
    round_reopen,
    round_set_state,
    round_start_assigning,
    round_update,
    rubric_set,
)

__all__ = [
    "BLIND_OVERRIDE_MAX_CHARS",
    "blind_opening_check",
    "CATEGORY_TAG_WEIGHT",
    "KEYWORD_TAG_WEIGHT",
    "LoadedProblem",
    "assignment_add",
    "assignment_recuse",
    "assignment_remove",
    "assignment_swap",
    "award_by_hand_blocked",
    "award_grant",
    "award_source_check",
    "award_update",
    "award_withdraw",
    "awards_grant_by_rank",
    "close_due_rounds",
    "conflict_declare",
    "conflict_withdraw",
    "load_assignment_problem",
    "pool_add",
    "pool_update",
    "review_reopen",
    "review_save_draft",
    "review_submit",
    "round_back_to_draft",
    "round_close",
    "round_compute_results",
    "round_confirm_assignments",
    "round_create",
    "round_finalize",
    "round_publish",
    "round_remind_late_reviewers",
    "round_reopen",
    "round_set_state",
    "round_start_assigning",
    "round_update",
    "rubric_set",
    "store_solution",
    "weighted_total",
]
