"""Writes of the reviewers' pledge (评审承诺书): staff set a round's text, a reviewer accepts it
once per round before their first score. Reads are in ``reviews.selectors``
(``pledge_text_of``, ``pledge_accepted``, ``pledge_acceptances_for_staff``).

Scoring checks :func:`pledge_require` inside the transaction that writes the review, so the page
and the API (both call ``review_save_draft`` / ``review_submit``) refuse a score alike.
"""

from __future__ import annotations

import ipaddress

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, NotPermitted, ValidationFailed
from core.services import audit_record
from reviews.enums import AssignmentStatus, RoundState
from reviews.errors import ReviewError
from reviews.models import Assignment, PledgeAcceptance, Round
from reviews.selectors import is_review_staff, pledge_accepted, pledge_text_of

# The text can change until reviewers can see the round; after that every acceptance must be
# of the same text.
PLEDGE_EDITABLE_STATES = frozenset({RoundState.DRAFT, RoundState.ASSIGNING})
PLEDGE_MAX_CHARS = 20_000


def pledge_set(*, round: Round, text: str, actor: User) -> Round:
    """Set the round's pledge text (empty = the default pledge), before the round opens.
    Audited; 409 ``pledge_frozen`` once reviewers may have read it."""
    if not is_review_staff(actor):
        raise NotPermitted(
            _("Only union staff set the pledge."), code=ReviewError.PLEDGE_STAFF_ONLY
        )
    text = (text or "").strip()
    if len(text) > PLEDGE_MAX_CHARS:
        raise ValidationFailed(
            _("pledge_text: at most %(max)s characters.") % {"max": PLEDGE_MAX_CHARS},
            fields={"pledge_text": [_("At most %(max)s characters.") % {"max": PLEDGE_MAX_CHARS}]},
        )
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.state not in PLEDGE_EDITABLE_STATES:
            raise Conflict(
                _("The pledge can change only before the round opens."),
                code=ReviewError.PLEDGE_FROZEN,
            )
        if locked.pledge_text == text:
            return locked
        old = locked.pledge_text
        locked.pledge_text = text
        locked.save(update_fields=["pledge_text", "updated_at"])
        audit_record(
            actor=actor, action="round.pledge_set", target=locked, data={"old": old, "new": text}
        )
    return locked


def pledge_accept(*, round: Round, reviewer: User, ip_address: str | None) -> PledgeAcceptance:
    """Record that the reviewer accepted the round's pledge, with the server's time, the
    client's address and the exact text shown. Only a reviewer with an active assignment in
    the open round may accept (anything else: 404 at the view, 409 here); accepting twice
    returns the first acceptance unchanged."""
    try:
        ip_address = str(ipaddress.ip_address((ip_address or "").strip()))
    except ValueError:
        ip_address = None
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.state != RoundState.OPEN:
            raise Conflict(_("The round is not open."), code=ReviewError.ROUND_NOT_OPEN)
        assigned = Assignment.objects.filter(
            round=locked, reviewer=reviewer, status=AssignmentStatus.ACTIVE
        ).exists()
        if not assigned:
            raise NotPermitted(
                _("You have no assignment in this round."), code=ReviewError.NOT_ASSIGNED
            )
        existing = PledgeAcceptance.objects.filter(round=locked, reviewer=reviewer).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                acceptance = PledgeAcceptance.objects.create(
                    round=locked,
                    reviewer=reviewer,
                    text=pledge_text_of(locked),
                    accepted_at=timezone.now(),
                    ip_address=ip_address or None,
                )
        except IntegrityError:  # accepted concurrently in another tab
            return PledgeAcceptance.objects.get(round=locked, reviewer=reviewer)
        audit_record(
            actor=reviewer,
            action="round.pledge_accept",
            target=locked,
            data={"ip_address": ip_address or None},
        )
    return acceptance


def pledge_require(*, round_id: int, reviewer: User, accepted: bool | None = None) -> None:
    """Refuse (409 ``pledge_required``) a score by a reviewer who has not accepted the round's
    pledge. Called by the scoring services inside their transaction; ``accepted`` is the answer
    when the caller's query already read it (``selectors.pledge_accepted_expr``)."""
    if accepted is None:
        accepted = pledge_accepted(round_id, reviewer)
    if not accepted:
        raise Conflict(
            _("Accept the round's pledge of confidentiality and impartiality before scoring."),
            code=ReviewError.PLEDGE_REQUIRED,
        )
