"""States of the live final and the only moves allowed between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DrawState(models.TextChoices):
    DRAFT = "draft", _("Defined")
    DRAWN = "drawn", _("Drawn")
    # The confirmed members sit on the panel: reviewers of the final round, live session made.
    SEATED = "seated", _("Panel seated")


DRAW_TRANSITIONS: dict[str, frozenset[str]] = {
    DrawState.DRAFT: frozenset({DrawState.DRAWN}),
    DrawState.DRAWN: frozenset({DrawState.SEATED}),
    DrawState.SEATED: frozenset(),
}


class MemberStatus(models.TextChoices):
    RESERVE = "reserve", _("Reserve")
    INVITED = "invited", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


MEMBER_TRANSITIONS: dict[str, frozenset[str]] = {
    # A reserve is called up when a drawn expert (or an earlier reserve) declines.
    MemberStatus.RESERVE: frozenset({MemberStatus.INVITED}),
    MemberStatus.INVITED: frozenset({MemberStatus.CONFIRMED, MemberStatus.DECLINED}),
    MemberStatus.CONFIRMED: frozenset({MemberStatus.DECLINED}),
    MemberStatus.DECLINED: frozenset(),
}


class SlotState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    PRESENTING = "presenting", _("Presenting")
    SCORING_OPEN = "scoring_open", _("Scoring open")
    SCORING_CLOSED = "scoring_closed", _("Scoring closed")
    REVEALED = "revealed", _("Score revealed")


# One entry at a time walks this table, in presentation order. Scoring may be opened again
# while the score is not yet shown (the host closed too early); a revealed score is final.
SLOT_TRANSITIONS: dict[str, frozenset[str]] = {
    SlotState.WAITING: frozenset({SlotState.PRESENTING}),
    SlotState.PRESENTING: frozenset({SlotState.SCORING_OPEN}),
    SlotState.SCORING_OPEN: frozenset({SlotState.SCORING_CLOSED}),
    SlotState.SCORING_CLOSED: frozenset({SlotState.REVEALED, SlotState.SCORING_OPEN}),
    SlotState.REVEALED: frozenset(),
}

# The slot on stage: at most one slot of a session is in one of these states.
LIVE_SLOT_STATES = frozenset(
    {SlotState.PRESENTING, SlotState.SCORING_OPEN, SlotState.SCORING_CLOSED}
)
