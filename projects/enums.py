"""States of contests and entries, and the only moves allowed between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for registration")
    CLOSED = "closed", _("Registration closed")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Results published")
    ARCHIVED = "archived", _("Archived")


CONTEST_TRANSITIONS: dict[str, frozenset[str]] = {
    ContestState.DRAFT: frozenset({ContestState.OPEN}),
    # Closing early or reopening (e.g. a deadline extension) are both staff decisions.
    ContestState.OPEN: frozenset({ContestState.CLOSED}),
    ContestState.CLOSED: frozenset({ContestState.OPEN, ContestState.IN_REVIEW}),
    ContestState.IN_REVIEW: frozenset({ContestState.PUBLISHED}),
    ContestState.PUBLISHED: frozenset({ContestState.ARCHIVED}),
    ContestState.ARCHIVED: frozenset(),
}


class EntryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    IN_REVIEW = "in_review", _("In review")
    ADVANCED = "advanced", _("Advanced")
    NOT_ADVANCED = "not_advanced", _("Not advanced")
    AWARDED = "awarded", _("Awarded")


ENTRY_TRANSITIONS: dict[str, frozenset[str]] = {
    EntryState.DRAFT: frozenset({EntryState.SUBMITTED}),
    # Back to draft is a recall (撤回修改): entry_recall allows it only while registration is open.
    EntryState.SUBMITTED: frozenset({EntryState.DRAFT, EntryState.WITHDRAWN, EntryState.IN_REVIEW}),
    EntryState.WITHDRAWN: frozenset(),
    # A round's finalization decides advanced / not advanced; the last round may award directly.
    EntryState.IN_REVIEW: frozenset(
        {EntryState.ADVANCED, EntryState.NOT_ADVANCED, EntryState.AWARDED}
    ),
    # An advanced entry takes part in the next round, or is awarded after the final one.
    EntryState.ADVANCED: frozenset({EntryState.IN_REVIEW, EntryState.AWARDED}),
    # Excellence awards (优秀奖) may go to entries that did not reach the final.
    EntryState.NOT_ADVANCED: frozenset({EntryState.AWARDED}),
    # An award withdrawn after an upheld objection to the results notice (公示异议成立).
    EntryState.AWARDED: frozenset({EntryState.NOT_ADVANCED}),
}

# States in which the entry counts against its organisation's entry limit.
ENTRY_COUNTED_STATES = frozenset(
    {
        EntryState.SUBMITTED,
        EntryState.IN_REVIEW,
        EntryState.ADVANCED,
        EntryState.NOT_ADVANCED,
        EntryState.AWARDED,
    }
)


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    MEMBER = "member", _("Member")


class Honour(models.TextChoices):
    """Titles a team leader may hold (劳模 and 工匠 of several levels)."""

    NONE = "", _("None")
    NATIONAL_MODEL_WORKER = "national_model_worker", "全国劳动模范"
    PROVINCIAL_MODEL_WORKER = "provincial_model_worker", "省部级劳动模范"
    CITY_MODEL_WORKER = "city_model_worker", "市级劳动模范"
    NATIONAL_CRAFTSMAN = "national_craftsman", "大国工匠"
    JINGCHU_CRAFTSMAN = "jingchu_craftsman", "荆楚工匠"
    CHECHENG_CRAFTSMAN = "checheng_craftsman", "车城工匠"


class AttachmentKind(models.TextChoices):
    PLAN = "plan", _("Project plan")
    PICTURE = "picture", _("Picture")
    SUPPORTING = "supporting", _("Supporting document")


# What an organisation may still change about an entry: only drafts, only inside the window.
ENTRY_EDITABLE_STATES = frozenset({EntryState.DRAFT})
