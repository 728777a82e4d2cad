"""States of review rounds and reviews, the only moves allowed between them, and the round's
choices (aggregation method, advancement rule, award tiers)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # Entries are enrolled; the solver runs, staff adjust the proposal by hand.
    ASSIGNING = "assigning", _("Assigning reviewers")
    # Assignments confirmed and visible to reviewers; scoring until the deadline.
    OPEN = "open", _("Open for scoring")
    CLOSED = "closed", _("Closed")
    # Results computed, advancement decided and fed to the next round.
    FINALIZED = "finalized", _("Finalized")


ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundState.DRAFT: frozenset({RoundState.ASSIGNING}),
    # Back to draft to change the rubric or k before anyone has seen an assignment.
    RoundState.ASSIGNING: frozenset({RoundState.DRAFT, RoundState.OPEN}),
    RoundState.OPEN: frozenset({RoundState.CLOSED}),
    # Reopening a closed round (e.g. a deadline extension) is a staff decision.
    RoundState.CLOSED: frozenset({RoundState.OPEN, RoundState.FINALIZED}),
    RoundState.FINALIZED: frozenset(),
}

# States in which the rubric and the round's settings may still change.
ROUND_EDITABLE_STATES = frozenset({RoundState.DRAFT})
# States in which staff may change assignments by hand.
ROUND_ASSIGNABLE_STATES = frozenset({RoundState.ASSIGNING, RoundState.OPEN})


class AggregationMethod(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    # 去掉一个最高分和一个最低分 when there are at least 5 reviews.
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean")
    # Per-reviewer z-scores rescaled to the raw range (removes harsh/lenient reviewers).
    ZSCORE = "zscore", _("Per-reviewer z-score")


class AdvancementRule(models.TextChoices):
    NONE = "none", _("No advancement (final round)")
    TOP_N = "top_n", _("Top N per category")
    TOP_SHARE = "top_share", _("Top share per category")
    MIN_SCORE = "min_score", _("Minimum score")


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    # Removed by staff; kept (and forbidden for re-runs of the solver) for the history.
    REMOVED = "removed", _("Removed")
    # The reviewer declined with a reason; the pair is never proposed again in this round.
    RECUSED = "recused", _("Recused")


ASSIGNMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AssignmentStatus.ACTIVE: frozenset({AssignmentStatus.REMOVED, AssignmentStatus.RECUSED}),
    # Staff may put back a pair they removed; a recusal is the reviewer's word and stays.
    AssignmentStatus.REMOVED: frozenset({AssignmentStatus.ACTIVE}),
    AssignmentStatus.RECUSED: frozenset(),
}


class AssignmentSource(models.TextChoices):
    SOLVER = "solver", _("Solver")
    MANUAL = "manual", _("Manual")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewState.DRAFT: frozenset({ReviewState.SUBMITTED}),
    # Only staff reopen, with a reason.
    ReviewState.SUBMITTED: frozenset({ReviewState.DRAFT}),
}


class ConflictSource(models.TextChoices):
    REVIEWER = "reviewer", _("Declared by the reviewer")
    STAFF = "staff", _("Added by staff")


class AwardTier(models.TextChoices):
    FIRST = "first", "一等奖"
    SECOND = "second", "二等奖"
    THIRD = "third", "三等奖"
    EXCELLENCE = "excellence", "优秀奖"


# Highest first: the order in which rank ranges are handed out.
AWARD_TIER_ORDER = (AwardTier.FIRST, AwardTier.SECOND, AwardTier.THIRD, AwardTier.EXCELLENCE)
