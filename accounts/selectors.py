"""Reads and per-user scoping for accounts. Every list and detail view starts from these."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.enums import STAFF_ROLES, Role
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
    if has_any_role(user, (Role.ADMIN, Role.UNION_STAFF)):
        return qs
    return qs.filter(user=user)
