"""Admin for staff: every review model, read-mostly where a service owns the writes."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyTabularInline
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


class CriterionInline(ReadOnlyTabularInline):
    model = Criterion
    extra = 0


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("name", "contest", "order", "state", "reviewers_per_entry", "deadline")
    list_filter = ("state", "is_blind", "aggregation", "contest")
    search_fields = ("name", "contest__name")
    # State moves go through reviews.services so that they are checked and audited.
    readonly_fields = (
        "state",
        "assignments_confirmed_at",
        "results_computed_at",
        "finalized_at",
        "published_at",
    )
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ("name", "round", "weight", "max_score", "position")
    list_filter = ("round__contest",)


@admin.register(PoolMember)
class PoolMemberAdmin(ReadOnlyAdmin):
    list_display = ("reviewer", "contest", "min_load", "max_load", "is_active")
    list_filter = ("contest", "is_active")
    search_fields = ("reviewer__username", "reviewer__full_name")
    raw_id_fields = ("reviewer", "added_by")


@admin.register(ReviewerConflict)
class ReviewerConflictAdmin(ReadOnlyAdmin):
    list_display = ("reviewer", "organisation", "contest", "source", "created_at")
    list_filter = ("source", "contest")
    search_fields = ("reviewer__username", "organisation__name")
    raw_id_fields = ("reviewer", "organisation", "declared_by")


@admin.register(RoundEntry)
class RoundEntryAdmin(ReadOnlyAdmin):
    list_display = ("entry", "round", "score", "rank", "n_reviews", "advanced")
    list_filter = ("round", "advanced")
    raw_id_fields = ("entry",)
    readonly_fields = ("score", "median_total", "criterion_means", "rank")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("reviewer", "entry", "round", "status", "source", "affinity")
    list_filter = ("round", "status", "source")
    search_fields = ("reviewer__username", "entry__title")
    raw_id_fields = ("reviewer", "entry", "created_by")
    readonly_fields = ("status", "status_changed_at")


class ReviewScoreInline(ReadOnlyTabularInline):
    model = ReviewScore
    extra = 0
    readonly_fields = ("criterion", "score", "comment")
    can_delete = False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("reviewer", "entry", "round", "state", "total", "submitted_at")
    list_filter = ("round", "state")
    search_fields = ("reviewer__username", "entry__title")
    raw_id_fields = ("reviewer", "entry", "assignment")
    # Scores change only through the scoring services (deadline, lock, audit).
    readonly_fields = ("state", "total", "submitted_at")
    inlines = [ReviewScoreInline]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ("entry", "tier", "round", "by_rank", "recommended_provincial", "granted_at")
    list_filter = ("tier", "recommended_provincial", "round__contest")
    raw_id_fields = ("entry", "granted_by")


@admin.register(PledgeAcceptance)
class PledgeAcceptanceAdmin(ReadOnlyAdmin):
    """Acceptances are the reviewers' own act (reviews.pledges.pledge_accept)."""

    list_display = ("reviewer", "round", "accepted_at", "ip_address")
    list_filter = ("round__contest", "round")
    search_fields = ("reviewer__username", "reviewer__full_name")
