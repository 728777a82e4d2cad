"""Review rounds: rubric, reviewer pool and conflicts (回避), assignments, reviews with
per-criterion scores, per-entry results and awards.

Reviewers are ``accounts.User`` rows holding the reviewer role (their standing data is the
``ReviewerProfile``); a review is keyed by (round, reviewer, entry), so the same expert may score
the same entry again in a later round.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from projects.models import Contest, Entry
from reviews.enums import (
    AdvancementRule,
    AggregationMethod,
    AssignmentSource,
    AssignmentStatus,
    AwardTier,
    ConflictSource,
    ReviewState,
    RoundState,
)

User = settings.AUTH_USER_MODEL


class Round(models.Model):
    """One review round of a contest (初赛, 复赛, 决赛). Round ``order`` 1 takes every submitted
    entry; a later round takes the entries advanced by the previous one."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    reviewers_per_entry = models.PositiveSmallIntegerField(
        _("reviewers per entry (k)"), default=5, validators=[MinValueValidator(1)]
    )
    opens_at = models.DateTimeField(_("opens at"))
    deadline = models.DateTimeField(_("deadline"))
    is_blind = models.BooleanField(
        _("blind review"),
        default=True,
        help_text=_("Reviewers never see which organisation submitted (盲评)."),
    )
    aggregation = models.CharField(
        max_length=16, choices=AggregationMethod.choices, default=AggregationMethod.TRIMMED_MEAN
    )
    advancement_rule = models.CharField(
        max_length=16, choices=AdvancementRule.choices, default=AdvancementRule.TOP_SHARE
    )
    advancement_value = models.DecimalField(
        _("advancement value"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("N for top N, a share in (0, 1] for top share, a score for minimum score."),
    )
    one_reviewer_per_employer = models.BooleanField(
        _("at most one reviewer per employer on an entry"), default=False
    )
    pledge_text = models.TextField(
        _("reviewers' pledge"),
        blank=True,
        help_text=_(
            "The pledge of confidentiality and impartiality (评审承诺书) each reviewer accepts "
            "before scoring. Empty = the default pledge."
        ),
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "The fairness lab lists the entries whose highest and lowest total differ by more "
            "than this many points."
        ),
    )
    state = models.CharField(
        max_length=16, choices=RoundState.choices, default=RoundState.DRAFT, db_index=True
    )
    assignments_confirmed_at = models.DateTimeField(null=True, blank=True)
    results_computed_at = models.DateTimeField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Enterprises see outcomes only once this is set.")
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["contest_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "order"], name="unique_round_order"),
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("opens_at")), name="round_window_ordered"
            ),
            models.CheckConstraint(condition=Q(reviewers_per_entry__gte=1), name="round_k_min"),
        ]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")

    def __str__(self) -> str:
        return f"{self.contest} · {self.name}"


class Criterion(models.Model):
    """A rubric line. A review's weighted total is ``sum(weight * score / max_score)``, so with
    weights summing to 100 the total is on a 0..100 scale whatever the maxima are."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    max_score = models.DecimalField(
        _("maximum score"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("999.9"))],
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="unique_criterion_name"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="criterion_max_positive"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="criterion_weight_nonneg"),
        ]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return f"{self.name} ({self.max_score})"


class PoolMember(models.Model):
    """A reviewer taking part in a contest's reviews, with the load bounds used by assignment
    (``max_load`` empty = the profile's default)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="reviewer_pool")
    reviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="review_pools")
    min_load = models.PositiveIntegerField(_("minimum load per round"), default=0)
    max_load = models.PositiveIntegerField(_("maximum load per round"), null=True, blank=True)
    is_active = models.BooleanField(default=True)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contest_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "reviewer"], name="unique_pool_member"),
            models.CheckConstraint(
                condition=Q(max_load__isnull=True) | Q(max_load__gte=models.F("min_load")),
                name="pool_member_loads_ordered",
            ),
        ]
        verbose_name = _("reviewer pool member")

    def __str__(self) -> str:
        return f"{self.reviewer} in {self.contest}"


class ReviewerConflict(models.Model):
    """A declared conflict (回避) between a reviewer and an organisation, for one contest or
    (``contest`` empty) for every contest. The employer conflict is implicit and not stored."""

    reviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="review_conflicts")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="reviewer_conflicts"
    )
    contest = models.ForeignKey(
        Contest, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("reason"))
    source = models.CharField(max_length=16, choices=ConflictSource.choices)
    declared_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "organisation", "contest"],
                condition=Q(contest__isnull=False),
                name="unique_conflict_per_contest",
            ),
            models.UniqueConstraint(
                fields=["reviewer", "organisation"],
                condition=Q(contest__isnull=True),
                name="unique_conflict_everywhere",
            ),
        ]
        verbose_name = _("reviewer conflict")

    def __str__(self) -> str:
        return f"{self.reviewer} ⟂ {self.organisation}"


class RoundEntry(models.Model):
    """An entry taking part in a round, and its result once computed (score, rank within its
    category, the tie-break values that decided the rank, advancement)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_entries")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="round_entries")
    n_reviews = models.PositiveSmallIntegerField(default=0)
    score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    median_total = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    # Mean score per criterion id: the scoreboard's columns and the third tie-break.
    criterion_means = models.JSONField(default=dict, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True, help_text=_("Within the category."))
    advanced = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["round_id", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "entry"], name="unique_round_entry"),
        ]
        indexes = [models.Index(fields=["entry", "round"])]
        verbose_name = _("round entry")
        verbose_name_plural = _("round entries")

    def __str__(self) -> str:
        return f"{self.round_id}:{self.entry_id}"


class PledgeAcceptance(models.Model):
    """A reviewer accepted a round's pledge (评审承诺书): when, from which address, and the very
    text they were shown (the round's text may still change before it opens)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pledge_acceptances")
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="pledge_acceptances")
    text = models.TextField(_("pledge accepted"))
    accepted_at = models.DateTimeField(_("accepted at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["round_id", "accepted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "reviewer"], name="unique_pledge_acceptance"),
        ]
        verbose_name = _("pledge acceptance")
        verbose_name_plural = _("pledge acceptances")

    def __str__(self) -> str:
        return f"{self.reviewer_id} accepted the pledge of round {self.round_id}"


class Assignment(models.Model):
    """A reviewer asked to score one entry in one round. Removed and recused rows are kept: they
    are the history, and the solver never proposes those pairs again in the round."""

    # round and reviewer lead the composite indexes below (and the unique pair); an index of
    # their own would be two more to write for each of a provincial round's 500,000 rows.
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    reviewer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="review_assignments", db_index=False
    )
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="review_assignments")
    status = models.CharField(
        max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE
    )
    source = models.CharField(max_length=16, choices=AssignmentSource.choices)
    affinity = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True, help_text=_("Why it was removed or recused."))
    # Who added the assignment by hand. Empty for the solver's proposals: the job and its audit
    # row (assignment.solve) name who ran the solver, and a provincial round's 500,000 copies
    # of one user id cost 2.7 s of every solve (their foreign-key checks and index entries).
    # The index holds only the hand-made rows (a user's deletion sets them to NULL).
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        help_text=_("Who added it by hand; empty for the solver's proposals."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round_id", "entry_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reviewer", "entry"], name="unique_assignment_pair"
            ),
        ]
        indexes = [
            models.Index(fields=["round", "status", "entry"]),
            models.Index(fields=["reviewer", "round", "status"]),
            models.Index(
                fields=["created_by"],
                name="assignment_by_hand_idx",
                condition=models.Q(created_by__isnull=False),
            ),
        ]
        verbose_name = _("assignment")

    def __str__(self) -> str:
        return f"{self.reviewer_id} → {self.entry_id} ({self.round_id})"


class Review(models.Model):
    """A reviewer's scores of one entry in one round. ``total`` is computed by the server from
    the scores and the rubric; a submitted review is locked until staff reopen it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="reviews")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="reviews")
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    state = models.CharField(max_length=16, choices=ReviewState.choices, default=ReviewState.DRAFT)
    total = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round_id", "entry_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "reviewer", "entry"], name="unique_review"),
        ]
        indexes = [models.Index(fields=["round", "state"])]
        verbose_name = _("review")

    def __str__(self) -> str:
        return f"review {self.reviewer_id} → {self.entry_id} ({self.state})"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(max_digits=4, decimal_places=1)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["review_id", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="unique_review_score"),
            models.CheckConstraint(condition=Q(score__gte=0), name="review_score_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class Award(models.Model):
    """An award of a contest to an entry, granted from a round's ranking or by hand."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="awards")
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="award")
    tier = models.CharField(max_length=16, choices=AwardTier.choices)
    by_rank = models.BooleanField(default=False)
    recommended_provincial = models.BooleanField(
        _("recommended to the provincial contest"), default=False
    )
    note = models.TextField(blank=True)
    granted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_id", "tier", "id"]
        verbose_name = _("award")

    def __str__(self) -> str:
        return f"{self.get_tier_display()}: {self.entry_id}"
