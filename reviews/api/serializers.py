"""Parse input and render output; rules live in reviews.services.

Blind rounds: ``ReviewerEntrySerializer`` is the only shape of an entry a reviewer receives
through the API; it renders ``reviews.selectors.reviewer_entry_view``, the one home of the
blind-round redaction (the pages use the same function).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation, User
from core.api import fields as core_fields
from projects.models import Contest, Entry
from reviews import scoring, selectors
from reviews.enums import AwardTier, RoundState
from reviews.models import (
    Assignment,
    Award,
    Criterion,
    PledgeAcceptance,
    PoolMember,
    Review,
    ReviewerConflict,
    ReviewScore,
    Round,
    RoundEntry,
)


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ("id", "name", "description", "weight", "max_score", "position")
        read_only_fields = ("id", "position")


class RoundSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    tie_break_rule = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = (
            "id",
            "contest",
            "name",
            "order",
            "reviewers_per_entry",
            "opens_at",
            "deadline",
            "is_blind",
            "aggregation",
            "advancement_rule",
            "advancement_value",
            "one_reviewer_per_employer",
            "disagreement_threshold",
            "state",
            "assignments_confirmed_at",
            "results_computed_at",
            "finalized_at",
            "published_at",
            "criteria",
            "tie_break_rule",
        )
        read_only_fields = (
            "state",
            "assignments_confirmed_at",
            "results_computed_at",
            "finalized_at",
            "published_at",
        )
        # The service checks the unique order and names the field; DRF's validator would not.
        validators = []

    @extend_schema_field(serializers.CharField())
    def get_tie_break_rule(self, obj: Round) -> str:
        return scoring.TIE_BREAK_RULE


class ShortEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    reviews = serializers.IntegerField(help_text="Submitted reviews of active assignments.")


class ReviewShortfallSerializer(serializers.Serializer):
    """Entries with fewer than k submitted reviews (``selectors.round_review_shortfall``)."""

    code = serializers.CharField()
    detail = serializers.CharField()
    reviewers_per_entry = serializers.IntegerField()
    entry_count = serializers.IntegerField()
    missing_reviews = serializers.IntegerField()
    entries = ShortEntrySerializer(many=True, help_text="The first 20, fewest reviews first.")


class RoundMovedSerializer(RoundSerializer):
    """A round after a move, with what staff should know about it (entries short of reviews)."""

    warnings = ReviewShortfallSerializer(many=True, read_only=True)

    class Meta(RoundSerializer.Meta):
        fields = (*RoundSerializer.Meta.fields, "warnings")


class RoundUpdateSerializer(RoundSerializer):
    class Meta(RoundSerializer.Meta):
        read_only_fields = (*RoundSerializer.Meta.read_only_fields, "contest")


class RubricSerializer(serializers.Serializer):
    criteria = CriterionSerializer(many=True)


class TransitionSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=RoundState.choices)


class AddReviewersSerializer(serializers.Serializer):
    """复评: entries (ids) that get one more reviewer each; a deadline reopens a closed round."""

    entries = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=1000
    )
    reason = serializers.CharField()
    deadline = core_fields.DateTimeField(required=False, allow_null=True, default=None)


class AddReviewersResultSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.IntegerField())
    unserved = serializers.ListField(child=serializers.CharField())


class RoundReopenSerializer(serializers.Serializer):
    deadline = core_fields.DateTimeField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RoundConfirmSerializer(serializers.Serializer):
    """Confirming the assignments (assigning -> open). ``blind_override_reason``: a blind round
    whose entrants' free text names them opens only with it (else 409 ``blind_text_flagged``);
    it is recorded in the audit row."""

    blind_override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=1000
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PoolMemberSerializer(serializers.ModelSerializer):
    reviewer_name = serializers.CharField(source="reviewer.full_name", read_only=True)
    employer = serializers.CharField(
        source="reviewer.reviewer_profile.employer.name", read_only=True, default=None
    )

    class Meta:
        model = PoolMember
        fields = (
            "id",
            "contest",
            "reviewer",
            "reviewer_name",
            "employer",
            "min_load",
            "max_load",
            "is_active",
            "added_at",
        )
        read_only_fields = ("id", "contest", "reviewer", "added_at")


class PoolAddSerializer(serializers.Serializer):
    contest = core_fields.PrimaryKeyRelatedField(queryset=Contest.objects.all())
    reviewers = core_fields.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, allow_empty=False
    )
    min_load = serializers.IntegerField(min_value=0, default=0)
    max_load = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class ConflictSerializer(serializers.ModelSerializer):
    reviewer = core_fields.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, help_text="Staff only; default: yourself."
    )
    organisation = core_fields.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    contest = core_fields.PrimaryKeyRelatedField(
        queryset=Contest.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = ReviewerConflict
        fields = ("id", "reviewer", "organisation", "contest", "reason", "source", "created_at")
        read_only_fields = ("id", "source", "created_at")
        # Declaring an existing conflict again returns it (see conflict_declare).
        validators = []


class AssignmentSerializer(serializers.ModelSerializer):
    review_state = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = (
            "id",
            "round",
            "reviewer",
            "entry",
            "status",
            "source",
            "affinity",
            "reason",
            "created_at",
            "status_changed_at",
            "review_state",
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_review_state(self, obj: Assignment) -> str | None:
        review = getattr(obj, "review", None)
        return review.state if review else None


class AssignmentAddSerializer(serializers.Serializer):
    round = core_fields.PrimaryKeyRelatedField(queryset=Round.objects.all())
    reviewer = core_fields.PrimaryKeyRelatedField(queryset=User.objects.all())
    entry = core_fields.PrimaryKeyRelatedField(queryset=Entry.objects.all())


class AssignmentSwapSerializer(serializers.Serializer):
    reviewer = core_fields.PrimaryKeyRelatedField(queryset=User.objects.all())
    reason = serializers.CharField(max_length=2000)


# --- reviewer side ----------------------------------------------------------------------------


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewScore
        fields = ("criterion", "score", "comment")


class ReviewSerializer(serializers.ModelSerializer):
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = ("id", "state", "total", "comment", "scores", "submitted_at", "updated_at")


class StaffReviewSerializer(ReviewSerializer):
    class Meta(ReviewSerializer.Meta):
        fields = ("round", "reviewer", "entry", *ReviewSerializer.Meta.fields)


class ScoreInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    # Wide enough to parse anything sensible; the service checks the range and the single
    # decimal and names the criterion in its error.
    score = serializers.DecimalField(max_digits=8, decimal_places=4)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReviewInputSerializer(serializers.Serializer):
    scores = ScoreInputSerializer(many=True, required=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class ReviewerTeamMemberSerializer(serializers.Serializer):
    name = serializers.CharField(allow_null=True)
    role = serializers.CharField()
    job_title = serializers.CharField()
    honour = serializers.CharField()
    employer_name = serializers.CharField(allow_null=True)


class ReviewerAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class ReviewerEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField()
    summary = serializers.CharField()
    innovation_points = serializers.CharField()
    expected_benefits = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
    organisation = serializers.CharField(allow_null=True)
    team = ReviewerTeamMemberSerializer(many=True)
    attachments = ReviewerAttachmentSerializer(many=True)


class ReviewerRoundSerializer(serializers.ModelSerializer):
    criteria = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = ("id", "name", "deadline", "is_blind", "criteria")

    @extend_schema_field(CriterionSerializer(many=True))
    def get_criteria(self, obj: Round) -> list[dict]:
        # A reviewer's list repeats the round on every row: its rubric is serialized once per
        # response (this serializer lives for one response; the rubric is frozen once open).
        memo = self.__dict__.setdefault("_criteria_by_round", {})
        if obj.pk not in memo:
            memo[obj.pk] = CriterionSerializer(selectors.round_criteria(obj), many=True).data
        return memo[obj.pk]


class MyAssignmentSerializer(serializers.ModelSerializer):
    round = ReviewerRoundSerializer(read_only=True)
    entry = serializers.SerializerMethodField()
    # A nested field, built once per list (a serializer made per row in a method field rebuilt
    # its fields for every row: a quarter of a reviewer's list request). No review yet: null.
    review = ReviewSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = ("id", "round", "entry", "review")

    @extend_schema_field(ReviewerEntrySerializer)
    def get_entry(self, obj: Assignment) -> dict:
        return selectors.reviewer_entry_view(obj.entry, blind=obj.round.is_blind)


def _decimal_field(model, name: str) -> serializers.DecimalField:
    """The DecimalField a ModelSerializer maps the model field to (same digits and places)."""
    field = model._meta.get_field(name)
    return serializers.DecimalField(
        max_digits=field.max_digits, decimal_places=field.decimal_places
    )


_REVIEW_TOTAL = _decimal_field(Review, "total")
_CRITERION_SCORE = _decimal_field(ReviewScore, "score")


def my_assignment_rows(assignments) -> list[dict]:
    """``MyAssignmentSerializer(assignments, many=True).data``, built as plain dicts from the
    assignments ``selectors.assignments_of_reviewer`` loaded. The reviewer's list and every draft
    save and submit answer with it, and DRF's field-by-field walk over the nested round, review
    and scores was a fifth of those requests' time. The serializer stays the documented shape
    (the OpenAPI schema is generated from it); ``tests/reviews/test_my_assignment_rows.py``
    holds the two equal, blind and open rounds, with and without a review."""
    stamp = core_fields.datetime_representer()
    total = _REVIEW_TOTAL.to_representation
    score = _CRITERION_SCORE.to_representation
    rounds: dict[int, dict] = {}
    rows = []
    for assignment in assignments:
        round_ = assignment.round
        round_row = rounds.get(round_.pk)
        if round_row is None:
            round_row = rounds[round_.pk] = {
                "id": round_.pk,
                "name": round_.name,
                "deadline": stamp(round_.deadline),
                "is_blind": round_.is_blind,
                "criteria": CriterionSerializer(selectors.round_criteria(round_), many=True).data,
            }
        # No review yet: the reverse one-to-one raises a subclass of AttributeError.
        review = getattr(assignment, "review", None)
        rows.append(
            {
                "id": assignment.pk,
                "round": round_row,
                "entry": selectors.reviewer_entry_view(assignment.entry, blind=round_.is_blind),
                "review": None
                if review is None
                else {
                    "id": review.pk,
                    "state": review.state,
                    "total": None if review.total is None else total(review.total),
                    "comment": review.comment,
                    "scores": [
                        {
                            "criterion": row.criterion_id,
                            "score": score(row.score),
                            "comment": row.comment,
                        }
                        for row in review.scores.all()
                    ],
                    "submitted_at": stamp(review.submitted_at),
                    "updated_at": stamp(review.updated_at),
                },
            }
        )
    return rows


# --- results ----------------------------------------------------------------------------------


class ResultSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="entry.title")
    category = serializers.CharField(source="entry.category.name")
    organisation = serializers.CharField(source="entry.organisation.name")
    award = serializers.SerializerMethodField()

    class Meta:
        model = RoundEntry
        fields = (
            "entry",
            "title",
            "category",
            "organisation",
            "n_reviews",
            "score",
            "median_total",
            "criterion_means",
            "rank",
            "advanced",
            "award",
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_award(self, obj: RoundEntry) -> str | None:
        award = getattr(obj.entry, "award", None)
        return award.tier if award and award.round_id == obj.round_id else None


class OutcomeSerializer(serializers.ModelSerializer):
    """What an enterprise sees of its entry in a published round: no reviewer identity."""

    round_name = serializers.CharField(source="round.name")
    title = serializers.CharField(source="entry.title")
    category = serializers.CharField(source="entry.category.name")
    award = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()

    class Meta:
        model = RoundEntry
        fields = (
            "round",
            "round_name",
            "entry",
            "title",
            "category",
            "n_reviews",
            "score",
            "rank",
            "advanced",
            "award",
            "comments",
        )

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_award(self, obj: RoundEntry) -> dict | None:
        award = getattr(obj.entry, "award", None)
        if not award or award.round_id != obj.round_id:
            return None
        return {
            "tier": award.tier,
            "tier_label": award.get_tier_display(),
            "recommended_provincial": award.recommended_provincial,
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_comments(self, obj: RoundEntry) -> list[str]:
        return [
            r.comment
            for r in getattr(obj.entry, "published_reviews", [])
            if r.round_id == obj.round_id and r.comment
        ]


class AwardSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="entry.title", read_only=True)
    organisation = serializers.CharField(source="entry.organisation.name", read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)

    class Meta:
        model = Award
        fields = (
            "id",
            "round",
            "entry",
            "title",
            "organisation",
            "tier",
            "tier_label",
            "by_rank",
            "recommended_provincial",
            "note",
            "granted_at",
        )
        read_only_fields = ("id", "round", "entry", "by_rank", "granted_at")


class AwardGrantSerializer(serializers.Serializer):
    round = core_fields.PrimaryKeyRelatedField(queryset=Round.objects.all())
    entry = core_fields.PrimaryKeyRelatedField(queryset=Entry.objects.all())
    tier = serializers.ChoiceField(choices=AwardTier.choices)
    recommended_provincial = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AwardsByRankSerializer(serializers.Serializer):
    tiers = serializers.DictField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        help_text='Cumulative rank per tier in each category, e.g. {"first": 1, "second": 3}.',
    )


class ProgressRowSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    assigned = serializers.IntegerField()
    drafted = serializers.IntegerField()
    submitted = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    totals = serializers.DictField(child=serializers.IntegerField())
    reviewers = ProgressRowSerializer(many=True)


class LateReviewerSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.CharField()
    unsubmitted = serializers.IntegerField()
    overdue = serializers.BooleanField()


# --- pledge, blind check, conflict search -----------------------------------------------------


class PledgeSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    text = serializers.CharField(
        help_text="The text the reviewer reads (the round's or the default)."
    )
    is_default = serializers.BooleanField()
    accepted = serializers.BooleanField()
    accepted_at = serializers.DateTimeField(allow_null=True, read_only=True)


class PledgeTextSerializer(serializers.Serializer):
    pledge_text = serializers.CharField(
        allow_blank=True, max_length=20_000, help_text="Empty = the default pledge."
    )


class PledgeAcceptanceSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="reviewer.username", read_only=True)
    full_name = serializers.CharField(source="reviewer.full_name", read_only=True)

    class Meta:
        model = PledgeAcceptance
        fields = ("id", "round", "reviewer", "username", "full_name", "accepted_at", "ip_address")


class BlindMentionSerializer(serializers.Serializer):
    field = serializers.CharField()
    kind = serializers.ChoiceField(choices=["organisation", "contact", "team_member", "employer"])
    term = serializers.CharField()


class BlindFlagSerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.CharField()
    mentions = BlindMentionSerializer(many=True)


class ConflictOrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ("id", "name")


class LateReminderResultSerializer(serializers.Serializer):
    """What "remind late reviewers now" did."""

    reminded = serializers.IntegerField(help_text="Reviewers reminded now.")
    in_cooldown = serializers.IntegerField(
        help_text="Reviewers skipped: reminded this way within the cool-down."
    )
