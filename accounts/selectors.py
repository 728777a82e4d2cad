"""Reads and per-user scoping for accounts. Every list and detail view starts from these."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.enums import STAFF_ROLES, UNION_STAFF_ROLES, Role
from accounts.models import Organisation, ReviewerProfile, User
from accounts.permissions import has_any_role


def is_staff_user(user: User) -> bool:
    return has_any_role(user, STAFF_ROLES)


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Staff see every organisation; anyone else only their own."""
    qs = Organisation.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if is_staff_user(user):
        return qs
    if user.organisation_id:
        return qs.filter(pk=user.organisation_id)
    return qs.none()


def users_visible_to(user: User) -> QuerySet[User]:
    qs = User.objects.select_related("organisation").prefetch_related("role_grants")
    if not user.is_authenticated:
        return qs.none()
    if has_any_role(user, STAFF_ROLES):
        return qs
    return qs.filter(pk=user.pk)


def reviewer_profiles_visible_to(user: User) -> QuerySet[ReviewerProfile]:
    qs = ReviewerProfile.objects.select_related("user", "employer").prefetch_related("expertise")
    if not user.is_authenticated:
        return qs.none()
    if has_any_role(user, UNION_STAFF_ROLES):
        return qs
    return qs.filter(user=user)


def users_holding(roles) -> QuerySet[User]:
    """Active users who hold any of ``roles``, superusers included (the recipients of a notice
    to "staff"), in a stable order."""
    return (
        User.objects.filter(Q(role_grants__role__in=list(roles)) | Q(is_superuser=True))
        .filter(is_active=True)
        .distinct()
        .order_by("pk")
    )


def own_organisation_id(user: User) -> int | None:
    """The organisation an enterprise member acts for, or None for anyone else."""
    if user.is_authenticated and user.has_role(Role.ENTERPRISE) and user.organisation_id:
        return user.organisation_id
    return None


def scope_by_organisation(qs: QuerySet, user: User, org_path: str) -> QuerySet:
    """Staff keep ``qs`` whole; an enterprise member keeps the rows whose ``org_path`` is their
    organisation; anyone else (anonymous, reviewers) gets nothing."""
    if not user.is_authenticated:
        return qs.none()
    if is_staff_user(user):
        return qs
    org_id = own_organisation_id(user)
    return qs.filter(**{org_path: org_id}) if org_id else qs.none()


def enterprise_members_by_organisation(organisation_ids) -> dict[int, list[User]]:
    """Active enterprise members of each organisation, in one query (reminder recipients)."""
    out: dict[int, list[User]] = {}
    for user in User.objects.filter(
        organisation_id__in=set(organisation_ids),
        is_active=True,
        role_grants__role=Role.ENTERPRISE,
    ).order_by("id"):
        out.setdefault(user.organisation_id, []).append(user)
    return out


def reviewer_profiles_matching(qs: QuerySet[ReviewerProfile], q: str) -> QuerySet[ReviewerProfile]:
    """Narrow ``qs`` to profiles where every word of ``q`` (five at most) is in the name,
    login, title, employer or a field of expertise."""
    for word in q.split()[:5]:
        qs = qs.filter(
            Q(user__full_name__icontains=word)
            | Q(user__username__icontains=word)
            | Q(title__icontains=word)
            | Q(employer__name__icontains=word)
            | Q(
                pk__in=ReviewerProfile.expertise.through.objects.filter(
                    expertisefield__name__icontains=word
                ).values("reviewerprofile_id")
            )
        )
    return qs


def reviewers_search(
    user: User, *, q: str = "", expertise: int | None = None, active_only: bool = True
) -> QuerySet[ReviewerProfile]:
    """Expert reviewers a staff member may pick, found by words in their name, login, title,
    employer or fields of expertise (every word must match somewhere), optionally in one field
    of expertise. Staff only (anyone else gets nothing); ordered by name."""
    qs = reviewer_profiles_visible_to(user).filter(user__role_grants__role=Role.REVIEWER)
    if not has_any_role(user, UNION_STAFF_ROLES):
        return qs.none()
    if active_only:
        qs = qs.filter(is_active=True, user__is_active=True)
    qs = reviewer_profiles_matching(qs, q)
    if expertise is not None:
        qs = qs.filter(expertise__pk=expertise)
    return qs.distinct().order_by("user__full_name", "user_id")
