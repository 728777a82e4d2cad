"""Awards: by rank from a finalized round, or by hand, under the award rule."""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, ValidationFailed
from core.services import audit_record
from projects.enums import EntryState
from projects.models import Entry
from reviews import scoring
from reviews.enums import AdvancementRule, AwardTier, RoundState
from reviews.errors import ReviewError
from reviews.models import Award, Round, RoundEntry
from reviews.services._common import _entries_bulk_set_state, _lock_round


def _award_entries(round_: Round, grants: dict[int, str], *, actor: User, by_rank: bool) -> list:
    entries = Entry.objects.filter(pk__in=list(grants))
    taken = set(Award.objects.filter(entry__in=entries).values_list("entry_id", flat=True))
    awards = Award.objects.bulk_create(
        [
            Award(round=round_, entry_id=pk, tier=tier, by_rank=by_rank, granted_by=actor)
            for pk, tier in grants.items()
            if pk not in taken
        ]
    )
    _entries_bulk_set_state(
        entry_ids=[a.entry_id for a in awards],
        to_state=EntryState.AWARDED,
        actor=actor,
        reason=f"Awarded after {round_.name}.",
    )
    for award in awards:
        audit_record(
            actor=actor,
            action="award.grant",
            target=award,
            to_state=award.tier,
            data={"entry": award.entry_id, "by_rank": by_rank},
        )
    return awards


# The award rule: an awarded entry never sits in a later round. So awards by rank come only from
# a contest's final round (advancement rule "none": nobody advances from it), and an award by
# hand from an earlier round goes only to an entry that did not advance from it (an excellence
# award to an entry that stops there). An award moves the entry to "awarded", which a later round
# could neither enrol nor confirm (the 409 of issue 10).
def award_by_hand_blocked(round_: Round, *, advanced: bool | None) -> bool:
    """The award rule for one entry by hand, on what a page already holds (the entry's
    ``RoundEntry.advanced``): an entry that advanced from a round that sends entries on gets
    no award from it. ``award_source_check`` asks this same function."""
    return round_.advancement_rule != AdvancementRule.NONE and bool(advanced)


def award_source_check(round_: Round, *, entry_ids: list[int] | None = None) -> None:
    """Raise ``Conflict`` (``award_not_final_round``) when awards from ``round_`` would break the
    award rule; by rank when ``entry_ids`` is None, else by hand to those entries."""
    if round_.advancement_rule == AdvancementRule.NONE:
        return
    if entry_ids is None:
        raise Conflict(
            _(
                "Awards by rank come from the contest's final round; %(name)s advances entries to a later round (its advancement rule is not 'none')."
            )
            % {"name": round_.name},
            code=ReviewError.AWARD_NOT_FINAL_ROUND,
        )
    advanced = RoundEntry.objects.filter(round=round_, entry_id__in=entry_ids).values_list(
        "advanced", flat=True
    )
    if any(award_by_hand_blocked(round_, advanced=a) for a in advanced):
        raise Conflict(
            _(
                "The entry advanced from %(name)s to a later round; award it from the round where its contest ends."
            )
            % {"name": round_.name},
            code=ReviewError.AWARD_NOT_FINAL_ROUND,
        )


def awards_grant_by_rank(*, round: Round, tiers: dict[str, int], actor: User) -> list[Award]:
    """Grant awards from a finalized final round's ranks, per category. ``tiers`` maps a tier to
    the cumulative rank it reaches (e.g. first 1, second 3, third 6, excellence 10). Entries that
    already hold an award keep it. Refused (409) on a round that advances entries to a later one
    (``award_source_check``)."""
    unknown = set(tiers) - set(AwardTier.values)
    if unknown:
        raise ValidationFailed(
            _("tiers: unknown tier %(tier)s.") % {"tier": sorted(unknown)[0]},
            fields={"tiers": [_("Unknown: %(tier)s") % {"tier": t} for t in sorted(unknown)]},
        )
    ordered = {t: tiers[t] for t in AwardTier.values if t in tiers}
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != RoundState.FINALIZED:
            raise Conflict(
                _("Awards are granted from a finalized round."),
                code=ReviewError.ROUND_NOT_FINALIZED,
            )
        award_source_check(locked)
        rows = list(
            RoundEntry.objects.filter(round=locked).values_list("entry_id", "rank", "n_reviews")
        )
        if not rows:
            return []
        arr = np.asarray(rows, dtype=np.int64)
        try:
            names = scoring.award_tiers(arr[:, 1], arr[:, 2], ordered)
        except ValueError as exc:
            raise ValidationFailed(
                _("tiers: %(reason)s") % {"reason": exc}, fields={"tiers": [str(exc)]}
            ) from None
        grants = {int(e): t for e, t in zip(arr[:, 0].tolist(), names.tolist(), strict=True) if t}
        return _award_entries(locked, grants, actor=actor, by_rank=True)


def award_grant(
    *,
    round: Round,
    entry: Entry,
    tier: str,
    actor: User,
    recommended_provincial: bool = False,
    note: str = "",
) -> Award:
    """Grant one award by hand (e.g. an excellence award to an entry that did not advance). From
    a round that is not the contest's final one, only to an entry that did not advance from it."""
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.state != RoundState.FINALIZED:
            raise Conflict(
                _("Awards are granted from a finalized round."),
                code=ReviewError.ROUND_NOT_FINALIZED,
            )
        award_source_check(locked, entry_ids=[entry.pk])
        if not RoundEntry.objects.filter(round=locked, entry=entry).exists():
            raise ValidationFailed(
                _("entry: the entry did not take part in this round."),
                fields={"entry": [_("Not in this round.")]},
            )
        if Award.objects.filter(entry=entry).exists():
            raise Conflict(_("The entry already holds an award."), code=ReviewError.AWARD_EXISTS)
        (award,) = _award_entries(locked, {entry.pk: tier}, actor=actor, by_rank=False)
        if recommended_provincial or note:
            award.recommended_provincial, award.note = recommended_provincial, note
            award.save(update_fields=["recommended_provincial", "note"])
    return award


def award_update(
    *, award: Award, actor: User, tier: str, recommended_provincial: bool, note: str
) -> Award:
    """Change an award's tier, its recommendation to the provincial contest, or its note."""
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        from_tier = locked.tier
        locked.tier, locked.recommended_provincial, locked.note = tier, recommended_provincial, note
        locked.save(update_fields=["tier", "recommended_provincial", "note"])
        audit_record(
            actor=actor,
            action="award.update",
            target=locked,
            from_state=from_tier,
            to_state=tier,
            data={"recommended_provincial": recommended_provincial},
        )
    return locked


def award_withdraw(*, award: Award, actor: User | None, reason: str) -> dict:
    """Withdraw an award (e.g. an objection to the results notice was upheld): the award row
    goes, the entry moves from "awarded" to "not advanced", and the audit trail keeps what the
    award was (tier, round, note) and why it went. Returns that record. ``reason`` is required."""
    if not (reason or "").strip():
        message = _("Say why the award is withdrawn.")
        raise ValidationFailed(message, fields={"reason": [message]})
    with transaction.atomic():
        locked = Award.objects.select_for_update().select_related("round").get(pk=award.pk)
        record = {
            "award": locked.pk,
            "entry": locked.entry_id,
            "round": locked.round_id,
            "tier": locked.tier,
            "by_rank": locked.by_rank,
            "recommended_provincial": locked.recommended_provincial,
            "note": locked.note,
        }
        audit_record(
            actor=actor,
            action="award.withdraw",
            target=locked,
            from_state=locked.tier,
            reason=reason,
            data=record,
        )
        entry_id = locked.entry_id
        locked.delete()
        _entries_bulk_set_state(
            entry_ids=[entry_id], to_state=EntryState.NOT_ADVANCED, actor=actor, reason=reason
        )
    return record
