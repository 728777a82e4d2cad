"""Reads of contests and entries, scoped to what the caller may see.

Every list and detail view of this app starts from one of these functions, so a forgotten check in
a view cannot leak another organisation's entry (it is simply not in the queryset: a 404).
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.enums import STAFF_ROLES, UNION_STAFF_ROLES, Role
from accounts.models import User
from accounts.permissions import has_any_role
from projects.enums import ContestState, TeamRole
from projects.models import Attachment, Category, Contest, Entry, TeamMember

# Union staff run the contest; incubator staff take winners in and need to read entries too.
ENTRY_STAFF_ROLES = tuple(STAFF_ROLES)
CONTEST_STAFF_ROLES = UNION_STAFF_ROLES


def is_contest_staff(user: User) -> bool:
    return has_any_role(user, CONTEST_STAFF_ROLES)


def is_entry_staff(user: User) -> bool:
    return has_any_role(user, ENTRY_STAFF_ROLES)


def contests_visible_to(user: User) -> QuerySet[Contest]:
    """Union staff and admins see every contest; any other signed-in user sees the non-draft
    ones (a draft contest is still being prepared)."""
    qs = Contest.objects.all()
    if not user or not user.is_authenticated:
        return qs.none()
    if is_contest_staff(user):
        return qs
    return qs.exclude(state=ContestState.DRAFT)


def contests_open_to_the_public() -> QuerySet[Contest]:
    """What a visitor of the home page sees: contests open for registration (state ``open``),
    soonest deadline first. Public information, so no user is needed."""
    return Contest.objects.filter(state=ContestState.OPEN).order_by("registration_closes_at", "pk")


def categories_visible_to(user: User) -> QuerySet[Category]:
    return Category.objects.filter(
        contest__in=contests_visible_to(user).values("pk")
    ).prefetch_related("expertise")


def entries_visible_to(user: User) -> QuerySet[Entry]:
    """Enterprise members: their own organisation's entries. Union/incubator staff and admins: all.
    Everyone else, reviewers included: none — reviewers reach entries only through their review
    assignments, which the reviews app serves."""
    qs = Entry.objects.all()
    if not user or not user.is_authenticated:
        return qs.none()
    if is_entry_staff(user):
        return qs
    if user.organisation_id and user.has_role(Role.ENTERPRISE):
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def _leader_subquery(field: str) -> Subquery:
    return Subquery(
        TeamMember.objects.filter(entry=OuterRef("pk"), role=TeamRole.LEADER)
        .order_by()
        .values(field)[:1]
    )


def entry_list_for(user: User) -> QuerySet[Entry]:
    """The rows of entry lists and exports: one query whatever the page size (joins for contest,
    category and organisation; the leader and the attachment count as subqueries)."""
    return (
        entries_visible_to(user)
        .select_related("contest", "category", "organisation")
        # The list shows none of the long texts: do not read them.
        .defer("summary", "innovation_points", "expected_benefits", "contest__description")
        .annotate(
            leader_name=_leader_subquery("name"),
            leader_honour=_leader_subquery("honour"),
            attachment_count=Coalesce(
                Subquery(
                    Attachment.objects.filter(entry=OuterRef("pk"))
                    .order_by()
                    .values("entry")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            ),
        )
    )


def entry_detail_for(user: User) -> QuerySet[Entry]:
    """Entries with everything the detail view shows, in a fixed number of queries."""
    return (
        entries_visible_to(user)
        .select_related("contest", "category", "organisation")
        .prefetch_related(
            Prefetch("team", queryset=TeamMember.objects.order_by("position", "id")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
        )
    )


def attachments_visible_to(user: User) -> QuerySet[Attachment]:
    """Attachments of the entries the caller may see (see :func:`entries_visible_to`)."""
    return Attachment.objects.filter(entry__in=entries_visible_to(user).values("pk"))
