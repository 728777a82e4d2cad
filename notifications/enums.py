"""Channels and delivery states of notices, and the only moves between the states.

A notice's kind (``Notice.kind``) is a free string owned by the app that writes it, next to its
templates: ``reviews/notices.py``, ``projects/notices.py``, ``innovation/notices.py``,
``incubator/notices.py``. This app knows none of them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
