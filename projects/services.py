"""All writes to contests and entries. One service per state change (see projects/enums.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.services import audit_record
from core.transitions import check_transition
from projects.enums import ENTRY_TRANSITIONS, EntryState
from projects.models import Entry


def entry_set_state(
    *, entry: Entry, to_state: str, actor: User | None, reason: str = "", data: dict | None = None
) -> Entry:
    """Move one entry to ``to_state`` through the transition table.

    Locks the row, checks the move (409 on a bad one), saves, and records who/when/from/to in the
    audit trail, all in one transaction. Moving to the current state changes nothing. Window and
    completeness rules of submission live in the submit service, which calls this one.
    """
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(pk=entry.pk)
        if locked.state == to_state:
            return locked
        check_transition(ENTRY_TRANSITIONS, locked.state, to_state, what="entry")
        from_state = locked.state
        locked.state = to_state
        fields = ["state", "updated_at"]
        if to_state == EntryState.SUBMITTED:
            locked.submitted_at = timezone.now()
            fields.append("submitted_at")
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="entry.state",
            target=locked,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data,
        )
    entry.state, entry.submitted_at = locked.state, locked.submitted_at
    return locked
