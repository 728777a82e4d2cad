"""Every read of the live final, scoped to the caller. Staff see draws and sessions; a panel
member sees their own seat through their sign-in code only; nobody sees a member's score of an
entry before it is revealed except that member."""

from __future__ import annotations

import math
from collections import defaultdict
from statistics import fmean

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from finals import services
from finals.aggregation import Revealed, running_ranking
from finals.enums import LIVE_SLOT_STATES, SlotState
from finals.models import LiveScore, LiveSession, LiveSlot, PanelDraw, PanelMember, SignInCode
from reviews import selectors as review_selectors
from reviews.models import Criterion


def draws_visible_to(user: User) -> QuerySet[PanelDraw]:
    if not review_selectors.is_review_staff(user):
        return PanelDraw.objects.none()
    return PanelDraw.objects.select_related("round__contest")


def members_of_draw(draw: PanelDraw) -> QuerySet[PanelMember]:
    return draw.members.select_related("reviewer__reviewer_profile__employer", "field")


def sessions_visible_to(user: User) -> QuerySet[LiveSession]:
    """Staff: every session; a reviewer: the sessions where they hold a seat; others: none."""
    sessions = LiveSession.objects.select_related("round__contest", "draw")
    if review_selectors.is_review_staff(user):
        return sessions
    if not getattr(user, "is_authenticated", False):
        return LiveSession.objects.none()
    return sessions.filter(draw__members__reviewer=user, draw__members__seat__isnull=False)


def seat_of(session: LiveSession, user: User) -> PanelMember | None:
    return (
        PanelMember.objects.select_related("draw__session", "reviewer")
        .filter(draw_id=session.draw_id, reviewer=user, seat__isnull=False)
        .first()
    )


def draw_replay(draw: PanelDraw) -> bool:
    """Run the recorded draw again from its recorded inputs and seed: True when it gives the
    recorded outcome (what an auditor checks)."""
    if draw.seed is None:
        return False
    result = services._run_pure(draw, draw.inputs, draw.seed)
    return result.as_data() == draw.result


def exclusions_of(draw: PanelDraw) -> list[dict]:
    """The experts kept out of the draw, with their reasons in words."""
    ids = [x["expert"] for x in draw.result.get("excluded", [])]
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}
    titles = dict(review_selectors.round_entries_taking_part(draw.round).values_list("pk", "title"))
    out = []
    for x in draw.result.get("excluded", []):
        out.append(
            {
                "expert": x["expert"],
                "name": names.get(x["expert"], ""),
                "reasons": [reason_text(rule, titles.get(f, f)) for rule, f in x["reasons"]],
            }
        )
    return out


def reason_text(rule: str, finalist) -> str:
    from django.utils.translation import gettext as _

    texts = {
        "own_employer": _("works for the organisation of finalist %(finalist)s"),
        "declared": _("declared a conflict with the organisation of finalist %(finalist)s"),
        "same_district": _("employer in the same district as finalist %(finalist)s"),
        "same_union": _("employer in the same industry union as finalist %(finalist)s"),
        "inactive": _("not an active member of the pool"),
    }
    return texts[rule] % {"finalist": finalist}


def _signed_in_codes(code_id: int, now) -> QuerySet[SignInCode]:
    """The phone's code while it signs in: used (the pledge accepted on this browser), not
    revoked, not expired, its member still seated — ``services.sign_in_code_problem`` as a
    filter."""
    return SignInCode.objects.filter(
        pk=code_id,
        used_at__isnull=False,
        revoked_at__isnull=True,
        expires_at__gt=now,
        member__seat__isnull=False,
    )


def member_of_code(code_id: int | None) -> PanelMember | None:
    """The panel member a phone's session signs in, while its code is valid."""
    if not code_id:
        return None
    code = (
        _signed_in_codes(code_id, timezone.now())
        .select_related("member__draw__session", "member__reviewer")
        .first()
    )
    return code.member if code is not None else None


def phone_status(code_id: int | None) -> dict | None:
    """What the phone polls every second: the session's version and the entry on stage with its
    state, or None when the phone is signed out. One query (the code's validity, the version and
    the stage read together), whatever the number of finalists and scores."""
    if not code_id:
        return None
    stage = LiveSlot.objects.filter(
        session_id=OuterRef("member__draw__session__id"), state__in=LIVE_SLOT_STATES
    ).order_by("position")
    row = (
        _signed_in_codes(code_id, timezone.now())
        .filter(member__draw__session__isnull=False)
        .annotate(
            stage_id=Subquery(stage.values("pk")[:1]),
            stage_state=Subquery(stage.values("state")[:1]),
        )
        .values("member__draw__session__version", "stage_id", "stage_state")
        .first()
    )
    if row is None:
        return None
    return {
        "version": row["member__draw__session__version"],
        "slot": row["stage_id"],
        "state": row["stage_state"],
    }


def code_for_token(token: str) -> SignInCode | None:
    return (
        SignInCode.objects.select_related("member__draw__round", "member__reviewer")
        .filter(token_hash=services._hash(token or ""))
        .first()
    )


def session_version(session_id: int) -> int | None:
    """The one cheap read the pages poll every second."""
    return LiveSession.objects.filter(pk=session_id).values_list("version", flat=True).first()


def criteria_of(session: LiveSession) -> list[Criterion]:
    return list(Criterion.objects.filter(round_id=session.round_id).order_by("position", "id"))


def on_stage(session: LiveSession) -> LiveSlot | None:
    return (
        LiveSlot.objects.filter(session=session, state__in=LIVE_SLOT_STATES)
        .select_related("entry__category")
        .first()
    )


def _label(session: LiveSession, member: PanelMember) -> str:
    from django.utils.translation import gettext as _

    if session.anonymise:
        return _("Judge %(n)s") % {"n": member.seat}
    return str(member.reviewer)


def _ranking(session: LiveSession, revealed: list[LiveSlot]) -> list:
    """The running ranking of the revealed finalists (``finals.aggregation.running_ranking``),
    from their members' scores: two queries whatever the number of finalists."""
    if not revealed:
        return []
    criteria = criteria_of(session)
    totals: dict[int, list[float]] = defaultdict(list)
    marks: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for slot_id, total, scores in LiveScore.objects.filter(slot__in=revealed).values_list(
        "slot_id", "total", "scores"
    ):
        totals[slot_id].append(float(total))
        for key, value in scores.items():
            marks[slot_id][int(key)].append(float(value))
    rows = [
        Revealed(
            entry=s.entry_id,
            final=s.final_score,
            totals=tuple(totals[s.pk]),
            criterion_means=tuple(
                fmean(marks[s.pk][c.pk]) if marks[s.pk][c.pk] else math.nan for c in criteria
            ),
            submitted_at=s.entry.submitted_at.timestamp() if s.entry.submitted_at else math.nan,
        )
        for s in revealed
    ]
    return running_ranking(rows, [float(c.weight) for c in criteria], session.round.aggregation)


def board(session: LiveSession) -> dict:
    """What the big screen shows (and the host sees): the entry on stage without any score
    until it is revealed; the last revealed entry with each member's total (评委1…N when the
    session anonymises), the dropped ones marked, the final score; the running ranking."""
    slots = list(
        LiveSlot.objects.filter(session=session).select_related("entry").order_by("position")
    )
    members = list(
        PanelMember.objects.filter(draw_id=session.draw_id, seat__isnull=False)
        .select_related("reviewer")
        .order_by("seat")
    )
    labels = {m.seat: _label(session, m) for m in members}
    stage = next((s for s in slots if s.state in LIVE_SLOT_STATES), None)
    revealed = [s for s in slots if s.state == SlotState.REVEALED]
    last = max(revealed, key=lambda s: s.revealed_at, default=None)
    shown = None
    if last is not None:
        dropped = set(last.result.get("dropped", []))
        shown = {
            "slot": last,
            "final": last.final_score,
            "method": last.result.get("method"),
            "marks": [
                {
                    "seat": m["seat"],
                    "label": labels.get(m["seat"], m["seat"]),
                    "total": m["total"],
                    "blanked": m["blanked"],
                    "dropped": m["seat"] in dropped,
                }
                for m in last.result.get("marks", [])
            ],
        }
    by_entry = {s.entry_id: s for s in slots}
    ranking = [
        {"rank": st.rank, "slot": by_entry[st.entry], "final": st.final}
        for st in _ranking(session, revealed)
    ]
    scored = 0
    if stage is not None:
        scored = LiveScore.objects.filter(slot=stage).count()
    return {
        "session": session,
        "slots": slots,
        "stage": stage,
        "stage_scored": scored,
        "stage_expected": len(members) - (len(stage.blanked) if stage else 0),
        "shown": shown,
        "ranking": ranking,
        "members": members,
        "version": session.version,
        "finished": bool(slots) and all(s.state == SlotState.REVEALED for s in slots),
    }


def phone_view(member: PanelMember) -> dict:
    """What a member's phone shows: the entry on stage, whether they may score it now, and their
    own score of it (never anybody else's)."""
    session = member.draw.session
    stage = on_stage(session)
    own = None
    if stage is not None:
        own = LiveScore.objects.filter(slot=stage, member=member).first()
    return {
        "session": session,
        "member": member,
        "stage": stage,
        "blanked": bool(stage and member.pk in stage.blanked),
        "open": bool(stage and stage.state == SlotState.SCORING_OPEN),
        "own": own,
        "criteria": criteria_of(session),
        "version": LiveSession.objects.filter(pk=session.pk).values_list("version", flat=True)[0],
        "now": timezone.now(),
    }
