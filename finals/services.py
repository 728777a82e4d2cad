"""Every write of the live final. One service per state change: lock, check the move against the
table in ``finals/enums.py``, save, audit row (``core.services.audit_record``).

    draw_create           define a draw (experts per field, reserves, avoidance rules)
    draw_run              draft -> drawn: the pure draw (finals.draw) over the pool, seed recorded
    member_respond        a drawn expert confirms or declines; a decline calls up the next reserve
    draw_seat             drawn -> seated: the confirmed members become reviewers of the final
                          round (reviews.services.assignment_add, whose conflict rule blanks the
                          pairs it refuses) and the live session is made, entries in order
    sign_in_code_issue    a QR sign-in code for one member (the previous ones revoked)
    sign_in_code_revoke   revoke a member's codes
    sign_in_redeem        a phone accepts the pledge with a code: bound to that browser
    slot_move             the host moves the entry on stage (the session row is locked: two hosts
                          clicking at once make one move, the other gets 409)
    score_submit          a member's score of the entry on stage: one row however often sent,
                          refused once scoring is closed (server clock, under the session lock)
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ExpertiseField, ReviewerProfile, User
from core.exceptions import Conflict, NotPermitted, ValidationFailed
from core.models import AuditEvent
from core.services import audit_record, state_saved
from core.transitions import check_transition
from finals import draw as drawing
from finals.aggregation import Mark, live_result
from finals.enums import (
    DRAW_TRANSITIONS,
    LIVE_SLOT_STATES,
    MEMBER_TRANSITIONS,
    SLOT_TRANSITIONS,
    DrawState,
    MemberStatus,
    SlotState,
)
from finals.errors import FinalError
from finals.models import LiveScore, LiveSession, LiveSlot, PanelDraw, PanelMember, SignInCode
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.enums import ROUND_ASSIGNABLE_STATES, AssignmentStatus, ReviewState, RoundState
from reviews.models import (
    Assignment,
    Criterion,
    PledgeAcceptance,
    PoolMember,
    Review,
    ReviewerConflict,
    ReviewScore,
    Round,
    RoundEntry,
)
from reviews.score_rules import clean_criterion_scores

SIGN_IN_CODE_HOURS = getattr(settings, "FINALS_SIGN_IN_CODE_HOURS", 12)


def _require_staff(actor: User) -> None:
    if not review_selectors.is_review_staff(actor):
        raise NotPermitted(_("Only union staff run the live final."), code=FinalError.STAFF_ONLY)


# ---------------------------------------------------------------- the draw


def draw_create(
    *,
    round: Round,
    per_field: dict,
    reserves_per_field: int,
    actor: User,
    avoid_own_employer: bool = True,
    avoid_declared: bool = True,
    avoid_same_district: bool = False,
    avoid_same_union: bool = False,
) -> PanelDraw:
    """Define a draw for a final round that is not finalized. ``per_field`` maps expertise
    field ids to counts; the counts add up to the round's reviewers per entry (every panel
    member scores every finalist)."""
    _require_staff(actor)
    if round.state == RoundState.FINALIZED:
        raise Conflict(_("The round is finalized."), code=FinalError.ROUND_FINALIZED)
    clean: dict[str, int] = {}
    known = set(ExpertiseField.objects.values_list("pk", flat=True))
    for key, value in (per_field or {}).items():
        try:
            field_id, count = int(key), int(value)
        except (TypeError, ValueError):
            raise ValidationFailed(
                _("per_field: field ids and counts are whole numbers."),
                fields={"per_field": [_("Field ids and counts are whole numbers.")]},
            ) from None
        if field_id not in known:
            raise ValidationFailed(
                _("per_field: there is no expertise field %(id)s.") % {"id": field_id},
                fields={"per_field": [_("No expertise field %(id)s.") % {"id": field_id}]},
            )
        if count < 0 or count > 50:
            raise ValidationFailed(
                _("per_field: a count lies between 0 and 50."),
                fields={"per_field": [_("Between 0 and 50.")]},
            )
        if count:
            clean[str(field_id)] = count
    seats = sum(clean.values())
    if seats == 0:
        raise ValidationFailed(
            _("per_field: ask for at least one expert."),
            fields={"per_field": [_("At least one expert.")]},
        )
    if seats != round.reviewers_per_entry:
        message = _(
            "The panel would have %(seats)s members but the round has %(k)s reviewers per entry."
        ) % {"seats": seats, "k": round.reviewers_per_entry}
        raise ValidationFailed(message, fields={"per_field": [message]})
    if not 0 <= int(reserves_per_field) <= 20:
        raise ValidationFailed(
            _("reserves_per_field: between 0 and 20."),
            fields={"reserves_per_field": [_("Between 0 and 20.")]},
        )
    with transaction.atomic():
        draw = PanelDraw.objects.create(
            round=round,
            per_field=clean,
            reserves_per_field=int(reserves_per_field),
            avoid_own_employer=avoid_own_employer,
            avoid_declared=avoid_declared,
            avoid_same_district=avoid_same_district,
            avoid_same_union=avoid_same_union,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="panel_draw.create",
            target=draw,
            to_state=DrawState.DRAFT,
            data={
                "round": round.pk,
                "per_field": clean,
                "reserves_per_field": draw.reserves_per_field,
                "rules": sorted(draw.rules),
            },
        )
    return draw


def _draw_inputs(draw: PanelDraw) -> dict:
    """The pool, the finalists and the declared conflicts, as plain data (recorded)."""
    round_ = draw.round
    finalists = list(
        review_selectors.round_entries_taking_part(round_)
        .order_by("pk")
        .values_list("pk", "organisation_id", "organisation__district")
    )
    members = list(
        PoolMember.objects.filter(contest_id=round_.contest_id)
        .order_by("reviewer_id")
        .values_list(
            "reviewer_id",
            "is_active",
            "reviewer__reviewer_profile__is_active",
            "reviewer__reviewer_profile__employer_id",
            "reviewer__reviewer_profile__employer__district",
        )
    )
    ids = [row[0] for row in members]
    fields: dict[int, list[int]] = {pk: [] for pk in ids}
    for user_id, field_id in ReviewerProfile.expertise.through.objects.filter(
        reviewerprofile__user_id__in=ids
    ).values_list("reviewerprofile__user_id", "expertisefield_id"):
        fields[user_id].append(field_id)
    orgs = {org for _, org, _ in finalists}
    declared = sorted(
        ReviewerConflict.objects.filter(reviewer_id__in=ids, organisation_id__in=orgs)
        .filter(Q(contest_id=round_.contest_id) | Q(contest__isnull=True))
        .values_list("reviewer_id", "organisation_id")
        .distinct()
    )
    return {
        "experts": [
            {
                "id": pk,
                "employer": employer,
                "fields": sorted(fields[pk]),
                "district": district or "",
                "union": "",  # no industry-union data on organisations yet
                "active": bool(active and profile_active),
            }
            for pk, active, profile_active, employer, district in members
        ],
        "finalists": [
            {"id": pk, "organisation": org, "district": district or "", "union": ""}
            for pk, org, district in finalists
        ],
        "declared": [list(pair) for pair in declared],
    }


def _run_pure(draw: PanelDraw, inputs: dict, seed: int) -> drawing.DrawResult:
    return drawing.draw_panel(
        experts=[
            drawing.Expert(
                id=x["id"],
                employer=x["employer"],
                fields=frozenset(x["fields"]),
                district=x["district"],
                union=x["union"],
                active=x["active"],
            )
            for x in inputs["experts"]
        ],
        finalists=[drawing.Finalist(**f) for f in inputs["finalists"]],
        declared=[tuple(pair) for pair in inputs["declared"]],
        spec=drawing.DrawSpec(
            per_field={int(k): v for k, v in draw.per_field.items()},
            reserves_per_field=draw.reserves_per_field,
            rules=draw.rules,
        ),
        seed=seed,
        field_names=dict(ExpertiseField.objects.values_list("pk", "name")),
    )


def shortage_text(shortage: drawing.Shortage) -> str:
    return (
        _(
            "Field %(field)s: %(needed)s experts are needed but only %(eligible)s can be drawn "
            "(%(excluded)s of the field are excluded by the avoidance rules, %(taken)s are "
            "drawn for another field): add experts of this field to the pool, relax a rule or "
            "ask for fewer."
        )
        % shortage.params
    )


def draw_run(*, draw: PanelDraw, actor: User, seed: int | None = None) -> PanelDraw:
    """Draw the panel: a fresh random seed (or the given one), recorded with the inputs and the
    outcome, so that ``selectors.draw_replay`` gives the same panel again. Drawn experts await
    confirmation, reserves wait in order. An impossible draw is a 409 ``draw_impossible`` saying
    per field what is short, and writes nothing."""
    _require_staff(actor)
    if seed is None:
        seed = secrets.randbits(62)
    with transaction.atomic():
        locked = PanelDraw.objects.select_for_update().select_related("round").get(pk=draw.pk)
        check_transition(DRAW_TRANSITIONS, locked.state, DrawState.DRAWN, what="draw")
        inputs = _draw_inputs(locked)
        if not inputs["finalists"]:
            raise Conflict(_("The round has no finalists yet."), code=FinalError.NO_FINALISTS)
        try:
            result = _run_pure(locked, inputs, seed)
        except drawing.DrawImpossible as exc:
            texts = [shortage_text(s) for s in exc.shortages]
            raise Conflict(
                " ".join(texts), code=FinalError.DRAW_IMPOSSIBLE, fields={"per_field": texts}
            ) from None
        PanelMember.objects.bulk_create(
            [
                PanelMember(
                    draw=locked,
                    reviewer_id=p.expert,
                    field_id=p.field,
                    status=MemberStatus.INVITED,
                    draw_position=p.position,
                )
                for p in result.panel
            ]
            + [
                PanelMember(
                    draw=locked,
                    reviewer_id=p.expert,
                    field_id=p.field,
                    status=MemberStatus.RESERVE,
                    reserve_position=p.position,
                    draw_position=p.position,
                )
                for p in result.reserves
            ]
        )
        from_state = locked.state
        locked.state = DrawState.DRAWN
        locked.seed, locked.algorithm = seed, result.algorithm
        locked.inputs, locked.result = inputs, result.as_data()
        locked.drawn_at, locked.drawn_by = timezone.now(), actor
        state_saved(
            locked,
            actor=actor,
            action="panel_draw.run",
            from_state=from_state,
            fields=["seed", "algorithm", "inputs", "result", "drawn_at", "drawn_by"],
            data={"seed": seed, "algorithm": result.algorithm, "result": locked.result},
        )
    return locked


def member_respond(
    *, member: PanelMember, confirmed: bool, actor: User, note: str = ""
) -> tuple[PanelMember, PanelMember | None]:
    """Record a drawn expert's answer. A decline calls up the next reserve of the same field (in
    reserve order), who then awaits confirmation. Returns (member, the reserve called up or
    None when the field has no reserve left)."""
    _require_staff(actor)
    to_state = MemberStatus.CONFIRMED if confirmed else MemberStatus.DECLINED
    with transaction.atomic():
        draw = PanelDraw.objects.select_for_update().get(pk=member.draw_id)
        if draw.state != DrawState.DRAWN:
            raise Conflict(
                _("Answers are recorded only while the panel is drawn and not yet seated."),
                code=FinalError.DRAW_NOT_DRAWN,
            )
        locked = PanelMember.objects.select_for_update().get(pk=member.pk)
        check_transition(MEMBER_TRANSITIONS, locked.status, to_state, what="panel member")
        from_state = locked.status
        locked.status, locked.responded_at, locked.note = to_state, timezone.now(), note.strip()
        locked.save(update_fields=["status", "responded_at", "note"])
        audit_record(
            actor=actor,
            action="panel_member.respond",
            target=draw,
            from_state=from_state,
            to_state=to_state,
            reason=note,
            data={"member": locked.pk, "reviewer": locked.reviewer_id},
        )
        called = None
        if not confirmed:
            called = (
                PanelMember.objects.select_for_update()
                .filter(draw=draw, field_id=locked.field_id, status=MemberStatus.RESERVE)
                .order_by("reserve_position", "id")
                .first()
            )
            if called is not None:
                check_transition(
                    MEMBER_TRANSITIONS, called.status, MemberStatus.INVITED, what="panel member"
                )
                called.status, called.replaces = MemberStatus.INVITED, locked
                called.save(update_fields=["status", "replaces"])
                audit_record(
                    actor=actor,
                    action="panel_member.call_reserve",
                    target=draw,
                    from_state=MemberStatus.RESERVE,
                    to_state=MemberStatus.INVITED,
                    data={
                        "member": called.pk,
                        "reviewer": called.reviewer_id,
                        "replaces": locked.pk,
                        "reserve_position": called.reserve_position,
                    },
                )
    return locked, called


def draw_seat(
    *,
    draw: PanelDraw,
    actor: User,
    order: list[int] | None = None,
    anonymise: bool = True,
    draw_order: bool = False,
) -> LiveSession:
    """Seat the confirmed panel: seats 1..N, each member a reviewer of every finalist of the
    final round (``reviews.services.assignment_add`` — a pair its conflict rule refuses is
    blanked: that member does not score that entry), and the live session with the finalists
    in presentation ``order`` (entry ids; or, with ``draw_order``, drawn by lot (出场顺序抽签)
    with the draw's recorded seed, so it replays too; default: by entry id). The round must be
    assigning or
    open (its finalists enrolled); every drawn seat must be answered and filled."""
    _require_staff(actor)
    with transaction.atomic():
        locked = PanelDraw.objects.select_for_update().select_related("round").get(pk=draw.pk)
        check_transition(DRAW_TRANSITIONS, locked.state, DrawState.SEATED, what="draw")
        round_ = locked.round
        if round_.state not in ROUND_ASSIGNABLE_STATES:
            raise Conflict(
                _("Start assigning the round first, so that its finalists are enrolled."),
                code=FinalError.ROUND_NOT_ASSIGNING,
            )
        members = list(
            PanelMember.objects.select_for_update()
            .filter(draw=locked)
            .select_related("reviewer")
            .order_by("field_id", "draw_position", "reserve_position", "id")
        )
        if any(m.status == MemberStatus.INVITED for m in members):
            raise Conflict(
                _("Some drawn experts have not answered yet."), code=FinalError.PANEL_UNANSWERED
            )
        confirmed = [m for m in members if m.status == MemberStatus.CONFIRMED]
        if len(confirmed) != locked.seats:
            raise Conflict(
                _("Only %(n)s of the %(seats)s seats are filled: no reserve is left.")
                % {"n": len(confirmed), "seats": locked.seats},
                code=FinalError.PANEL_INCOMPLETE,
            )
        entry_ids = list(
            RoundEntry.objects.filter(round=round_)
            .order_by("entry_id")
            .values_list("entry_id", flat=True)
        )
        if order:
            if sorted(order) != entry_ids:
                raise ValidationFailed(
                    _("order: list every finalist of the round once."),
                    fields={"order": [_("Every finalist of the round, once each.")]},
                )
            entry_ids = list(order)
        elif draw_order:
            entry_ids = drawing.presentation_order(entry_ids, seed=locked.seed)
        for seat, member in enumerate(confirmed, start=1):
            member.seat = seat
        PanelMember.objects.bulk_update(confirmed, ["seat"])
        blanked: list[list[int]] = []
        entries = {e.pk: e for e in review_selectors.entries_of_round(round_)}
        for member in confirmed:
            for entry_id in entry_ids:
                try:
                    review_services.assignment_add(
                        round=round_, reviewer=member.reviewer, entry=entries[entry_id], actor=actor
                    )
                except Conflict as exc:
                    if exc.code != "conflict_of_interest":
                        raise
                    blanked.append([member.pk, entry_id])
        session = LiveSession.objects.create(
            round=round_, draw=locked, anonymise=anonymise, created_by=actor
        )
        LiveSlot.objects.bulk_create(
            [
                LiveSlot(session=session, entry_id=entry_id, position=i)
                for i, entry_id in enumerate(entry_ids, start=1)
            ]
        )
        from_state = locked.state
        locked.state, locked.seated_at = DrawState.SEATED, timezone.now()
        state_saved(
            locked,
            actor=actor,
            action="panel_draw.seat",
            from_state=from_state,
            fields=["seated_at"],
            data={
                "seats": {m.seat: m.reviewer_id for m in confirmed},
                "order": entry_ids,
                "order_drawn": bool(draw_order and not order),
                "blanked": blanked,
                "session": session.pk,
            },
        )
    return session


# ---------------------------------------------------------------- sign-in codes


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in_code_issue(*, member: PanelMember, actor: User) -> tuple[SignInCode, str]:
    """A new sign-in code for one seated member (the QR code); the member's earlier codes are
    revoked. Returns the row and the token, which is stored only as its hash."""
    _require_staff(actor)
    if member.seat is None:
        raise Conflict(
            _("Only a seated panel member gets a sign-in code."), code=FinalError.NOT_SEATED
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        SignInCode.objects.filter(member=member, revoked_at__isnull=True).update(revoked_at=now)
        code = SignInCode.objects.create(
            member=member,
            token_hash=_hash(token),
            created_by=actor,
            expires_at=now + timedelta(hours=SIGN_IN_CODE_HOURS),
        )
        audit_record(
            actor=actor,
            action="panel_member.code_issue",
            target=member,
            data={"code": code.pk, "expires_at": code.expires_at.isoformat()},
        )
    return code, token


def sign_in_code_revoke(*, member: PanelMember, actor: User) -> int:
    """Revoke every code of the member: their phone is signed out at its next request."""
    _require_staff(actor)
    with transaction.atomic():
        n = SignInCode.objects.filter(member=member, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit_record(actor=actor, action="panel_member.code_revoke", target=member, data={"n": n})
    return n


def sign_in_redeem(*, token: str, ip_address: str | None) -> SignInCode:
    """A phone accepts the round's pledge with a code: the pledge is recorded on the member (the
    exact text, time, address; audited) and the code is used up — it signs in this browser only
    (the page keeps the code's id in its session). 409 for an unknown, expired, revoked or
    used code."""
    try:
        ip_address = str(ipaddress.ip_address((ip_address or "").strip()))
    except ValueError:
        ip_address = None
    now = timezone.now()
    with transaction.atomic():
        code = (
            SignInCode.objects.select_for_update()
            .select_related("member__draw__round")
            .filter(token_hash=_hash(token or ""))
            .first()
        )
        problem = sign_in_code_problem(code, now=now)
        if problem is None and code.used_at is not None:
            problem = _("This code has been used. Ask the host for a new one.")
        if problem:
            raise Conflict(problem, code=FinalError.SIGN_IN_CODE_INVALID)
        member = PanelMember.objects.select_for_update().get(pk=code.member_id)
        if member.pledged_at is None:
            member.pledged_at, member.pledge_ip = now, ip_address
            member.pledge_text = review_selectors.pledge_text_of(code.member.draw.round)
            member.save(update_fields=["pledged_at", "pledge_ip", "pledge_text"])
        code.used_at = now
        code.save(update_fields=["used_at"])
        audit_record(
            actor=member.reviewer,
            action="panel_member.pledge",
            target=member,
            data={"code": code.pk, "ip_address": ip_address},
        )
    return code


def sign_in_code_problem(code: SignInCode | None, *, now=None) -> str | None:
    """Why a code does not sign in (None: it does)."""
    now = now or timezone.now()
    if code is None:
        return _("This sign-in code is not valid.")
    if code.revoked_at is not None:
        return _("This sign-in code was withdrawn. Ask the host for a new one.")
    if code.expires_at <= now:
        return _("This sign-in code has expired. Ask the host for a new one.")
    if code.member.seat is None:
        return _("This sign-in code is not valid.")
    return None


# ---------------------------------------------------------------- the live session


def _bump(session: LiveSession) -> None:
    LiveSession.objects.filter(pk=session.pk).update(version=F("version") + 1)


def _lock_session(session: LiveSession) -> LiveSession:
    return LiveSession.objects.select_for_update().select_related("round").get(pk=session.pk)


def _blanked_members(session: LiveSession, entry_id: int) -> list[int]:
    """Seated members without an active assignment to the entry: the conflict rule refused the
    pair at seating (own employer, declared conflict) or the member recused since."""
    seated = dict(
        PanelMember.objects.filter(draw_id=session.draw_id, seat__isnull=False).values_list(
            "reviewer_id", "pk"
        )
    )
    assigned = set(
        Assignment.objects.filter(
            round_id=session.round_id, entry_id=entry_id, status=AssignmentStatus.ACTIVE
        ).values_list("reviewer_id", flat=True)
    )
    return sorted(pk for reviewer, pk in seated.items() if reviewer not in assigned)


def slot_result(session: LiveSession, slot: LiveSlot) -> dict:
    members = list(
        PanelMember.objects.filter(draw_id=session.draw_id, seat__isnull=False).order_by("seat")
    )
    totals = dict(LiveScore.objects.filter(slot=slot).values_list("member_id", "total"))
    marks = [
        Mark(seat=m.seat, total=totals.get(m.pk), blanked=m.pk in set(slot.blanked))
        for m in members
    ]
    result = live_result(marks, session.round.aggregation)
    data = result.as_data()
    data["marks"] = [
        {
            "seat": m.seat,
            "total": None if m.total is None else str(m.total),
            "blanked": m.blanked,
        }
        for m in marks
    ]
    return data


def slot_move(
    *, session: LiveSession, to_state: str, actor: User, slot: LiveSlot | None = None
) -> LiveSlot:
    """Move an entry on stage: waiting → presenting → scoring open → scoring closed → revealed
    (and closed → open again before the reveal). ``slot`` empty = the entry on stage, or for
    ``presenting`` the next waiting one in order. The session row is locked first, so two hosts
    clicking at once make one move; the second gets 409. On reveal the result is computed once,
    from the scores of the members not blanked, and stored with the slot."""
    _require_staff(actor)
    with transaction.atomic():
        locked = _lock_session(session)
        slots = LiveSlot.objects.select_for_update().filter(session=locked)
        on_stage = slots.filter(state__in=LIVE_SLOT_STATES).first()
        if slot is None:
            if to_state == SlotState.PRESENTING and on_stage is None:
                slot = slots.filter(state=SlotState.WAITING).order_by("position").first()
            else:
                slot = on_stage
            if slot is None:
                raise Conflict(_("No entry is on stage."), code=FinalError.NOTHING_ON_STAGE)
        else:
            slot = slots.get(pk=slot.pk)
        check_transition(SLOT_TRANSITIONS, slot.state, to_state, what="entry on stage")
        if to_state == SlotState.PRESENTING and on_stage is not None:
            raise Conflict(
                _("Finish entry %(position)s first.") % {"position": on_stage.position},
                code=FinalError.ENTRY_ON_STAGE,
            )
        from_state, now = slot.state, timezone.now()
        slot.state = to_state
        if to_state == SlotState.PRESENTING:
            slot.presenting_at = now
        elif to_state == SlotState.SCORING_OPEN:
            slot.opened_at = now
            slot.blanked = _blanked_members(locked, slot.entry_id)
        elif to_state == SlotState.SCORING_CLOSED:
            slot.closed_at = now
        elif to_state == SlotState.REVEALED:
            slot.revealed_at = now
            slot.result = slot_result(locked, slot)
            final = slot.result["final"]
            slot.final_score = Decimal(final) if final is not None else None
        state_saved(
            slot,
            actor=actor,
            action="live_slot.move",
            from_state=from_state,
            fields=[
                "presenting_at",
                "opened_at",
                "blanked",
                "closed_at",
                "revealed_at",
                "result",
                "final_score",
            ],
            data={"session": locked.pk, "entry": slot.entry_id, "result": slot.result or None},
        )
        _bump(locked)
    return slot


def clean_live_scores(criteria: list[Criterion], scores: dict) -> dict[int, Decimal]:
    """The phone's ``{criterion id: score}``, checked by the review's own rule
    (``reviews.score_rules.clean_criterion_scores``: 0..max, one decimal, known criteria, none
    twice, every one scored; errors name the criterion, ``scores.<name>``)."""
    if not isinstance(scores, dict):
        raise ValidationFailed(
            _("scores: one score per criterion."),
            fields={"scores": [_("One score per criterion.")]},
        )
    clean = clean_criterion_scores(
        criteria,
        [{"criterion": key, "score": raw} for key, raw in scores.items()],
        complete=True,
    )
    return {pk: value for pk, (value, _comment) in clean.items()}


def score_submit(
    *, session: LiveSession, member: PanelMember, slot: LiveSlot, scores: dict
) -> tuple[LiveScore, bool]:
    """Store the member's score of the entry on stage. Sent again while scoring is open, it
    replaces the earlier one (one row per member and entry, however often a phone retries);
    after the host closed scoring — by the server's clock, under the session's lock, which the
    close takes too — it is a 409 ``scoring_closed``; before the member accepted the pledge, a
    409 ``pledge_required``. A member blanked for the entry (回避) is
    refused with 409 ``conflict_of_interest``. Returns (score, created)."""
    criteria = list(Criterion.objects.filter(round_id=session.round_id).order_by("position", "id"))
    clean = clean_live_scores(criteria, scores)
    with transaction.atomic():
        locked = _lock_session(session)
        current = LiveSlot.objects.filter(session=locked, pk=slot.pk).first()
        if current is None or member.draw_id != locked.draw_id or member.seat is None:
            raise NotPermitted(_("You are not on this panel."), code=FinalError.NOT_ON_PANEL)
        if member.pledged_at is None:
            raise Conflict(_("Accept the pledge first."), code=FinalError.PLEDGE_REQUIRED)
        if current.state != SlotState.SCORING_OPEN:
            raise Conflict(
                _("Scoring of entry %(position)s is not open.") % {"position": current.position},
                code=FinalError.SCORING_CLOSED,
            )
        if member.pk in current.blanked:
            raise Conflict(
                _("You do not score this entry (回避)."), code=FinalError.CONFLICT_OF_INTEREST
            )
        total = review_services.weighted_total(criteria, clean)
        values = {str(pk): str(v) for pk, v in clean.items()}
        score = LiveScore.objects.filter(slot=current, member=member).first()
        created = score is None
        if created:
            score = LiveScore.objects.create(
                slot=current, member=member, scores=values, total=total
            )
        elif score.scores != values:
            score.scores, score.total = values, total
            score.save(update_fields=["scores", "total", "updated_at"])
        _bump(locked)
        audit_record(
            actor=member.reviewer,
            action="live_score.submit",
            target=current,
            data={"member": member.pk, "scores": values, "total": str(total)},
        )
    return score, created


def session_record_reviews(*, session: LiveSession, actor: User) -> dict:
    """Once every finalist is revealed, write the on-the-spot scores into the final round as the
    panel's submitted reviews, so that staff close and finalize the round and grant awards by
    rank from the final's scores as for any round. The round must be open (its assignments
    confirmed) and before its deadline. Each member who scored gets the round's pledge recorded
    (the address they pledged from, as ``reviews.pledges.pledge_accept``), each score becomes a
    submitted review (the rubric's rule, ``reviews.score_rules``; the weighted total,
    ``reviews.services.weighted_total``; audited as ``review.submit``). Reviews already
    submitted are left alone, so running it again writes nothing twice. Set-based: a constant
    number of queries however large the panel and the final (the round and the assignments are
    locked, as the one-by-one review writes lock them). Returns counts."""
    _require_staff(actor)
    session = LiveSession.objects.select_related("round").get(pk=session.pk)
    if session.round.state != RoundState.OPEN:
        raise Conflict(
            _("Open the final round (confirm its assignments) before recording the scores."),
            code=FinalError.ROUND_NOT_OPEN,
        )
    if LiveSlot.objects.filter(session=session).exclude(state=SlotState.REVEALED).exists():
        raise Conflict(
            _("Every finalist must be revealed before the scores are recorded."),
            code=FinalError.SESSION_UNFINISHED,
        )
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=session.round_id)
        if round_.state != RoundState.OPEN:
            raise Conflict(
                _("Open the final round (confirm its assignments) before recording the scores."),
                code=FinalError.ROUND_NOT_OPEN,
            )
        now = timezone.now()
        if now > round_.deadline:
            raise Conflict(
                _("The deadline has passed; scores can no longer change."),
                code=FinalError.DEADLINE,
            )
        criteria = review_selectors.round_criteria(round_)
        marks = list(
            LiveScore.objects.filter(slot__session=session)
            .order_by("slot__position", "member__seat")
            .values_list("member__reviewer_id", "member__pledge_ip", "slot__entry_id", "scores")
        )
        assignments = {
            (a.reviewer_id, a.entry_id): a
            for a in Assignment.objects.select_for_update(of=("self",))
            .filter(
                round=round_,
                status=AssignmentStatus.ACTIVE,
                reviewer_id__in={reviewer for reviewer, *_rest in marks},
            )
            .select_related("review")
        }
        pledged = set(
            PledgeAcceptance.objects.filter(round=round_).values_list("reviewer_id", flat=True)
        )
        pledge_text = review_selectors.pledge_text_of(round_)
        new_pledges: dict[int, PledgeAcceptance] = {}
        new_reviews: list[Review] = []
        drafts: list[Review] = []
        values: dict[int, dict[int, Decimal]] = {}  # id(review) -> criterion -> score
        for reviewer_id, pledge_ip, entry_id, scores in marks:
            assignment = assignments.get((reviewer_id, entry_id))
            review = getattr(assignment, "review", None) if assignment else None
            if assignment is None or (review is not None and review.state == ReviewState.SUBMITTED):
                continue
            clean = clean_criterion_scores(
                criteria,
                [{"criterion": int(k), "score": v} for k, v in scores.items()],
                complete=True,
            )
            if reviewer_id not in pledged and reviewer_id not in new_pledges:
                new_pledges[reviewer_id] = PledgeAcceptance(
                    round=round_,
                    reviewer_id=reviewer_id,
                    text=pledge_text,
                    accepted_at=now,
                    ip_address=pledge_ip or None,
                )
            if review is None:
                review = Review(
                    round=round_,
                    reviewer_id=reviewer_id,
                    entry_id=entry_id,
                    assignment=assignment,
                )
                new_reviews.append(review)
            else:
                drafts.append(review)
            values[id(review)] = {pk: value for pk, (value, _comment) in clean.items()}
            review.total = review_services.weighted_total(criteria, values[id(review)])
            review.state, review.submitted_at, review.updated_at = (
                ReviewState.SUBMITTED,
                now,
                now,
            )
        PledgeAcceptance.objects.bulk_create(new_pledges.values())
        Review.objects.bulk_create(new_reviews)
        Review.objects.bulk_update(drafts, ["state", "total", "submitted_at", "updated_at"])
        written = [*new_reviews, *drafts]
        ReviewScore.objects.bulk_create(
            [
                ReviewScore(review=review, criterion_id=pk, score=value, comment="")
                for review in written
                for pk, value in values[id(review)].items()
            ],
            update_conflicts=True,
            unique_fields=["review", "criterion"],
            update_fields=["score", "comment"],
        )
        AuditEvent.objects.bulk_create(
            [
                *(
                    _audit_row(
                        actor_id=reviewer_id,
                        action="round.pledge_accept",
                        target=round_,
                        data={"ip_address": pledge.ip_address},
                    )
                    for reviewer_id, pledge in new_pledges.items()
                ),
                *(
                    _audit_row(
                        actor_id=review.reviewer_id,
                        action="review.submit",
                        target=review,
                        from_state=ReviewState.DRAFT,
                        to_state=ReviewState.SUBMITTED,
                        data={
                            "scores": {str(k): str(v) for k, v in values[id(review)].items()},
                            "total": str(review.total),
                        },
                    )
                    for review in written
                ),
            ]
        )
        counts = {"written": len(written), "skipped": len(marks) - len(written)}
        audit_record(actor=actor, action="live_session.record_reviews", target=session, data=counts)
    return counts


def _audit_row(*, actor_id: int, action: str, target, data: dict, **states) -> AuditEvent:
    """``core.services.audit_record``'s row, unsaved, for one bulk insert."""
    return AuditEvent(
        actor_id=actor_id,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        from_state=str(states.get("from_state", "")),
        to_state=str(states.get("to_state", "")),
        data=data,
    )
