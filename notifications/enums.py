"""Kinds, channels and delivery states of notices, and the only moves between the states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    """The kinds this app sends. ``Notice.kind`` is a free string so that other apps add their own
    kinds (with their own templates, see docs/notifications.md) without touching this enum."""

    REVIEW_ASSIGNED = "review_assigned", _("Review assignments confirmed")
    REVIEW_ASSIGNMENT_CHANGED = "review_assignment_changed", _("Review assignments changed")
    REVIEW_DEADLINE_REMINDER = "review_deadline_reminder", _("Review deadline reminder")
    REVIEW_LATE_REMINDER = "review_late_reminder", _("Reminder from staff: reviews overdue")
    ROUND_CLOSED = "round_closed", _("Review round closed")
    REGISTRATION_REMINDER = "registration_reminder", _("Registration closing reminder")


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    INBOX = "inbox", _("In-app inbox")


DEFAULT_CHANNELS = (NoticeChannel.EMAIL.value, NoticeChannel.INBOX.value)


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    # Claimed by one worker that is talking to the mail server right now.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# Every move of ``Notice.state``. The moves out of PENDING/SENDING are atomic conditional UPDATEs
# (claim, mark sent, schedule retry, reclaim) in services.py; the table documents them and is what
# the one human move (staff retrying a failed notice) is checked against.
DELIVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    DeliveryState.PENDING: frozenset({DeliveryState.SENDING, DeliveryState.SENT}),
    DeliveryState.SENDING: frozenset(
        {DeliveryState.SENT, DeliveryState.PENDING, DeliveryState.FAILED}
    ),
    DeliveryState.SENT: frozenset(),
    DeliveryState.FAILED: frozenset({DeliveryState.PENDING}),
}
