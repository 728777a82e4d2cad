"""States of the results notice (公示) and of an objection (异议), and the only moves between
them (checked by ``core.transitions.check_transition`` in ``publicity.services``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NoticeState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("notice", "Draft")
    # Put up in public: the objection period runs until ends_at, then staff decide what is left.
    PUBLISHED = "published", _("Under public notice")
    # The period has ended and every objection is decided: the results are final.
    FINAL = "final", _("Results final")


NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    NoticeState.DRAFT: frozenset({NoticeState.PUBLISHED}),
    NoticeState.PUBLISHED: frozenset({NoticeState.FINAL}),
    NoticeState.FINAL: frozenset(),
}

PUBLIC_NOTICE_STATES = frozenset({NoticeState.PUBLISHED, NoticeState.FINAL})


class ObjectionState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Under investigation")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


OBJECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ObjectionState.RECEIVED: frozenset({ObjectionState.ACKNOWLEDGED}),
    # A note moves an acknowledged objection under investigation; a decision may come at once.
    ObjectionState.ACKNOWLEDGED: frozenset(
        {ObjectionState.INVESTIGATING, ObjectionState.UPHELD, ObjectionState.DISMISSED}
    ),
    ObjectionState.INVESTIGATING: frozenset({ObjectionState.UPHELD, ObjectionState.DISMISSED}),
    ObjectionState.UPHELD: frozenset(),
    ObjectionState.DISMISSED: frozenset(),
}

DECIDED_STATES = frozenset({ObjectionState.UPHELD, ObjectionState.DISMISSED})
# Notes may be added while the objection is being handled.
NOTE_STATES = frozenset({ObjectionState.ACKNOWLEDGED, ObjectionState.INVESTIGATING})


class StepKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGE = "acknowledge", _("Acknowledged")
    NOTE = "note", _("Investigation note")
    DECIDE = "decide", _("Decision")


class Remedy(models.TextChoices):
    """What an upheld objection changes in the results."""

    NONE = "none", _("No change to the results")
    WITHDRAW_AWARD = "withdraw_award", _("Withdraw the award")
    CHANGE_TIER = "change_tier", _("Correct the award tier")


class MailState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
