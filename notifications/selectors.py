"""Reads of notices. The inbox shows only the caller's own notices; the delivery list is staff's."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import is_staff_user
from notifications.models import Notice


def notices_of(user: User) -> QuerySet[Notice]:
    """The caller's inbox: their own notices and nobody else's (another's is a 404)."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(recipient=user).select_related("subject_type")


def notices_unread_count(user: User) -> int:
    return notices_of(user).filter(read_at__isnull=True).count()


def notice_deliveries_visible_to(user: User) -> QuerySet[Notice]:
    """Every notice with its delivery state, for staff watching failures."""
    if not is_staff_user(user):
        return Notice.objects.none()
    return Notice.objects.select_related("recipient", "subject_type")
