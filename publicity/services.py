"""Every write of the results notice (公示) and its objections (异议).

One service per state change: lock, check the move against the table in ``publicity.enums``,
save, write an audit row (``core.services.audit_record``), queue side effects on commit.

    notice      draft -> published   notice_publish     the period starts, version 1
                published -> final   notice_finalize    period over and every objection decided
    objection   -> received          objection_submit   anyone, within the period (clock at commit)
                received -> acknowledged                objection_acknowledge
                acknowledged -> investigating           objection_add_note (notes also later)
                -> upheld | dismissed                   objection_decide (remedy: a new version)

An upheld objection changes the results only through the award services of ``reviews``
(``award_withdraw``, ``award_update``) and then publishes a new :class:`NoticeVersion`; versions
are never changed.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import storage
from core.exceptions import Conflict, ValidationFailed
from core.services import audit_record, state_saved
from core.transitions import check_transition
from projects.models import Contest, Entry
from publicity import notices, selectors, workdays
from publicity.enums import (
    DECIDED_STATES,
    NOTE_STATES,
    NOTICE_TRANSITIONS,
    OBJECTION_TRANSITIONS,
    NoticeState,
    ObjectionState,
    Remedy,
    StepKind,
)
from publicity.errors import PublicityError
from publicity.models import NoticeVersion, Objection, ObjectionStep, ResultsNotice
from reviews import services as review_services
from reviews.enums import AwardTier, RoundState
from reviews.models import Award, Round, RoundEntry

logger = logging.getLogger(__name__)

BEIJING = ZoneInfo("Asia/Shanghai")
MAIL_KIND = "objection_decided"


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _lock_notice(notice: ResultsNotice) -> ResultsNotice:
    return ResultsNotice.objects.select_for_update().get(pk=notice.pk)


# --- the notice --------------------------------------------------------------------------------


def _check_scope(contest: Contest, round_: Round | None) -> None:
    if round_ is not None and round_.contest_id != contest.pk:
        raise _invalid("round", _("The round belongs to another contest."))


def _check_period(working_days: Any) -> int:
    if not isinstance(working_days, int) or isinstance(working_days, bool):
        raise _invalid("working_days", _("A whole number of working days."))
    if not 1 <= working_days <= 30:
        raise _invalid("working_days", _("Between 1 and 30 working days."))
    return working_days


def notice_create(
    *,
    actor: User,
    contest: Contest,
    round: Round | None,
    title: str,
    contact: str,
    working_days: int = 5,
    show_score: bool = False,
    intro: str = "",
    entries: list[Entry] | None = None,
) -> ResultsNotice:
    """Draft a notice for a round's results (or the contest's awards). Nothing is public yet."""
    _check_scope(contest, round)
    if not (title or "").strip():
        raise _invalid("title", _("The notice needs a title."))
    if not (contact or "").strip():
        raise _invalid("contact", _("Say who receives objections."))
    _check_period(working_days)
    if entries and any(e.contest_id != contest.pk for e in entries):
        raise _invalid("entries", _("Every entry must belong to the notice's contest."))
    with transaction.atomic():
        notice = ResultsNotice.objects.create(
            contest=contest,
            round=round,
            title=title.strip(),
            contact=contact.strip(),
            working_days=working_days,
            show_score=show_score,
            intro=intro,
            created_by=actor,
        )
        if entries:
            notice.entries.set(entries)
        audit_record(actor=actor, action="notice.create", target=notice, to_state=notice.state)
    return notice


def notice_update(*, actor: User, notice: ResultsNotice, data: dict[str, Any]) -> ResultsNotice:
    """Change a draft (title, intro, contact, period, scores shown, entries)."""
    with transaction.atomic():
        locked = _lock_notice(notice)
        if locked.state != NoticeState.DRAFT:
            raise Conflict(
                _("Only a draft notice can be changed; publish a new version instead."),
                code=PublicityError.NOTICE_NOT_DRAFT,
            )
        changed = {}
        for field in ("title", "intro", "contact", "show_score", "working_days"):
            if field in data and data[field] != getattr(locked, field):
                if field == "working_days":
                    _check_period(data[field])
                if field in ("title", "contact") and not str(data[field]).strip():
                    raise _invalid(field, _("This field is required."))
                changed[field] = data[field]
                setattr(locked, field, data[field])
        if changed:
            locked.save()
        if "entries" in data:
            entries = data["entries"] or []
            if any(e.contest_id != locked.contest_id for e in entries):
                raise _invalid("entries", _("Every entry must belong to the notice's contest."))
            locked.entries.set(entries)
            changed["entries"] = sorted(e.pk for e in entries)
        if changed:
            audit_record(
                actor=actor,
                action="notice.update",
                target=locked,
                data={k: v for k, v in changed.items() if k != "intro"},
            )
    return locked


def notice_rows(notice: ResultsNotice) -> list[dict[str, Any]]:
    """The rows the notice shows now, from the awards as they stand: title, organisation,
    category, team, tier and (if allowed) score. Ordered by tier, then category and rank."""
    awards = Award.objects.filter(round__contest_id=notice.contest_id).select_related(
        "entry__organisation", "entry__category", "round"
    )
    if notice.round_id:
        awards = awards.filter(round_id=notice.round_id)
    entry_ids = list(notice.entries.values_list("pk", flat=True))
    if entry_ids:
        awards = awards.filter(entry_id__in=entry_ids)
    awards = list(awards.prefetch_related("entry__team"))
    outcomes = {
        (r.round_id, r.entry_id): r
        for r in RoundEntry.objects.filter(
            entry_id__in=[a.entry_id for a in awards], round_id__in={a.round_id for a in awards}
        )
    }
    order = {tier: i for i, tier in enumerate(AwardTier.values)}
    rows = []
    for award in awards:
        entry = award.entry
        outcome = outcomes.get((award.round_id, entry.pk))
        score = outcome.score if outcome is not None else None
        rows.append(
            {
                "entry": entry.pk,
                "title": entry.title,
                "organisation": entry.organisation.name,
                "category": entry.category.name,
                "team": [m.name for m in sorted(entry.team.all(), key=lambda m: m.position)],
                "tier": award.tier,
                "tier_label": str(AwardTier(award.tier).label),
                "score": str(score) if notice.show_score and score is not None else None,
                "_rank": outcome.rank if outcome is not None and outcome.rank else 10**9,
            }
        )
    rows.sort(key=lambda r: (order.get(r["tier"], 99), r["category"], r["_rank"], r["entry"]))
    for row in rows:
        del row["_rank"]
    return rows


def _version_add(
    notice: ResultsNotice, *, actor: User | None, reason: str, objection: Objection | None = None
) -> NoticeVersion:
    last = notice.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return NoticeVersion.objects.create(
        notice=notice,
        number=last + 1,
        rows=notice_rows(notice),
        reason=reason,
        objection=objection,
        created_by=actor,
        created_at=timezone.now(),
    )


def period_end(published_at: dt.datetime, working_days: int) -> tuple[dt.date, dt.datetime]:
    """(last day, end instant) of a period published at ``published_at``: it ends at 24:00
    Beijing time of its last working day. Raises ``ValidationFailed`` on ``working_days`` when
    the holiday calendar does not cover the period."""
    published_on = published_at.astimezone(BEIJING).date()
    try:
        last_day = workdays.period_last_day(published_on, working_days)
    except workdays.CalendarNotCovered as exc:
        raise _invalid(
            "working_days",
            _(
                "The period would run into %(year)s, whose official holiday arrangement is not "
                "in the calendar data yet (it covers %(first)s–%(last)s); choose a shorter period, "
                "or ask the administrator to add that year's official arrangement."
            )
            % {"year": exc.year, "first": exc.first, "last": exc.last},
        ) from None
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=BEIJING)
    return last_day, end


def notice_publish(*, actor: User, notice: ResultsNotice) -> ResultsNotice:
    """Put the notice up: its rows become version 1, the period starts (the day of publication
    does not count) and ends at 24:00 of its last working day. The round must be finalized and
    the notice must show at least one award."""
    with transaction.atomic():
        locked = _lock_notice(notice)
        check_transition(
            NOTICE_TRANSITIONS, locked.state, NoticeState.PUBLISHED, what="results notice"
        )
        if locked.round_id and locked.round.state != RoundState.FINALIZED:
            raise Conflict(
                _("The round's results are not finalized yet."), code=PublicityError.ROUND_NOT_FINAL
            )
        now = timezone.now()
        last_day, ends_at = period_end(now, locked.working_days)
        if not notice_rows(locked):
            raise Conflict(_("The notice would show no award."), code=PublicityError.NOTICE_EMPTY)
        from_state = locked.state
        locked.state, locked.published_at = NoticeState.PUBLISHED, now
        locked.period_last_day, locked.ends_at = last_day, ends_at
        version = _version_add(locked, actor=actor, reason="")
        state_saved(
            locked,
            actor=actor,
            action="notice.publish",
            from_state=from_state,
            fields=["published_at", "period_last_day", "ends_at"],
            data={"version": version.number, "ends_at": ends_at.isoformat()},
        )
    return locked


def notice_finalize(*, actor: User | None, notice: ResultsNotice) -> ResultsNotice:
    """Make the results final: only once the period has ended and every objection is decided
    (409 otherwise, saying which). Certificates can be issued from then on."""
    with transaction.atomic():
        locked = _lock_notice(notice)
        check_transition(NOTICE_TRANSITIONS, locked.state, NoticeState.FINAL, what="results notice")
        if not selectors.period_over(locked):
            raise Conflict(
                _("The objection period runs until %(end)s; the results cannot be final before.")
                % {"end": timezone.localtime(locked.ends_at).strftime("%Y-%m-%d %H:%M")},
                code=PublicityError.PERIOD_RUNNING,
            )
        open_count = locked.objections.exclude(state__in=DECIDED_STATES).count()
        if open_count:
            raise Conflict(
                _("%(count)s objection(s) are not decided yet.") % {"count": open_count},
                code=PublicityError.OBJECTIONS_OPEN,
            )
        from_state = locked.state
        locked.state, locked.finalized_at = NoticeState.FINAL, timezone.now()
        state_saved(
            locked,
            actor=actor,
            action="notice.finalize",
            from_state=from_state,
            fields=["finalized_at"],
        )
    return locked


def notices_finalize_due(*, now: dt.datetime | None = None) -> list[int]:
    """Beat: finalize every published notice whose period is over with no objection open.
    Safe to run twice."""
    now = now or timezone.now()
    due = ResultsNotice.objects.filter(state=NoticeState.PUBLISHED, ends_at__lte=now).exclude(
        objections__in=Objection.objects.exclude(state__in=DECIDED_STATES)
    )
    done = []
    for notice in due:
        try:
            notice_finalize(actor=None, notice=notice)
        except (Conflict, ValidationFailed):
            continue  # an objection arrived meanwhile, or staff finalized it first
        done.append(notice.pk)
    return done


# --- objections --------------------------------------------------------------------------------


def _step(
    objection: Objection,
    *,
    kind: str,
    actor: User | None,
    text: str = "",
    from_state: str = "",
    to_state: str = "",
) -> ObjectionStep:
    return ObjectionStep.objects.create(
        objection=objection,
        kind=kind,
        text=text,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )


def _required(data: dict[str, Any], field: str, max_length: int) -> str:
    value = str(data.get(field) or "").strip()
    if not value:
        raise _invalid(field, _("This field is required."))
    if len(value) > max_length:
        raise _invalid(field, _("At most %(n)s characters.") % {"n": max_length})
    return value


def objection_submit(
    *,
    notice: ResultsNotice,
    entry_id: int,
    name: str,
    unit: str,
    contact: str,
    email: str,
    reason: str,
    scan: UploadedFile,
    ip_address: str | None = None,
) -> Objection:
    """File an objection against one entry of a published notice. Anyone may: no account. The
    scan goes through the attachment checks (size, type by content, active content); the period
    is checked under the notice's lock by the server clock at commit (refused from ``ends_at``
    on). Any refusal leaves nothing behind (the stored scan is removed again)."""
    data = {"name": name, "unit": unit, "contact": contact, "email": email, "reason": reason}
    values = {
        "name": _required(data, "name", 100),
        "unit": _required(data, "unit", 200),
        "contact": _required(data, "contact", 50),
        "email": _required(data, "email", 254),
        "reason": _required(data, "reason", 5000),
    }
    try:
        validate_email(values["email"])
    except DjangoValidationError:
        raise _invalid("email", _("Enter a valid e-mail address.")) from None
    max_bytes = int(getattr(settings, "PUBLICITY_SCAN_MAX_BYTES", 10 * 1024 * 1024))
    if scan is None:
        raise _invalid("file", _("Attach the signed or sealed scan of the objection."))
    if scan.size is not None and scan.size > max_bytes:
        raise _invalid("file", _("The scan is larger than %(mb)s MB.") % {"mb": max_bytes >> 20})
    content_type = storage.detect_content_type(scan)
    if content_type not in ("application/pdf", "image/jpeg", "image/png"):
        raise _invalid("file", _("The scan must be a PDF, JPEG or PNG file."))
    scan_name = storage.clean_filename(scan.name or "", content_type=content_type)
    with storage.file_stored(scan) as stored:
        if stored.size > max_bytes:
            raise _invalid(
                "file", _("The scan is larger than %(mb)s MB.") % {"mb": max_bytes >> 20}
            )
        with transaction.atomic():
            locked = _lock_notice(notice)
            if locked.state != NoticeState.PUBLISHED:
                raise Conflict(
                    _("This notice takes no objections."), code=PublicityError.NOTICE_CLOSED
                )
            version = locked.versions.order_by("-number").first()
            if not any(row["entry"] == entry_id for row in version.rows):
                raise _invalid("entry", _("Choose an entry shown on the notice."))
            objection = Objection.objects.create(
                notice=locked,
                entry_id=entry_id,
                **values,
                scan_name=scan_name,
                scan_storage_name=stored.storage_name,
                scan_content_type=content_type,
                scan_size=stored.size,
                scan_sha256=stored.sha256,
                ip_address=ip_address or None,
                submitted_at=timezone.now(),
            )
            _step(objection, kind=StepKind.RECEIVED, actor=None, to_state=objection.state)
            notices.objection_received_notify(objection=objection, notice=locked)
            audit_record(
                actor=None,
                action="objection.submit",
                target=objection,
                to_state=objection.state,
                data={"notice": locked.pk, "entry": entry_id, "ip": ip_address or ""},
            )
            # The server clock at commit decides: the last thing before the commit.
            if selectors.period_over(locked):
                raise Conflict(
                    _(
                        "The objection period of this notice ended on %(end)s; objections are no "
                        "longer accepted."
                    )
                    % {"end": timezone.localtime(locked.ends_at).strftime("%Y-%m-%d %H:%M")},
                    code=PublicityError.PERIOD_OVER,
                )
    return objection


def _lock_objection(objection: Objection) -> tuple[ResultsNotice, Objection]:
    notice = _lock_notice(objection.notice)
    return notice, Objection.objects.select_for_update().get(pk=objection.pk)


def _move(locked: Objection, to_state: str, *, actor: User, text: str, kind: str) -> Objection:
    check_transition(OBJECTION_TRANSITIONS, locked.state, to_state, what="objection")
    from_state = locked.state
    locked.state = to_state
    state_saved(locked, actor=actor, action=f"objection.{kind}", from_state=from_state, reason=text)
    _step(locked, kind=kind, actor=actor, text=text, from_state=from_state, to_state=to_state)
    return locked


def objection_acknowledge(*, actor: User, objection: Objection, note: str = "") -> Objection:
    """received -> acknowledged (the office has it and will look into it)."""
    with transaction.atomic():
        _notice, locked = _lock_objection(objection)
        return _move(
            locked, ObjectionState.ACKNOWLEDGED, actor=actor, text=note, kind=StepKind.ACKNOWLEDGE
        )


def objection_add_note(*, actor: User, objection: Objection, text: str) -> Objection:
    """A note of the investigation; the first one moves it under investigation."""
    if not (text or "").strip():
        raise _invalid("text", _("Write the note."))
    with transaction.atomic():
        _notice, locked = _lock_objection(objection)
        if locked.state not in NOTE_STATES:
            raise Conflict(
                _("Notes are added while the objection is being handled."),
                code=PublicityError.OBJECTION_NOT_IN_HANDLING,
            )
        if locked.state == ObjectionState.ACKNOWLEDGED:
            return _move(
                locked,
                ObjectionState.INVESTIGATING,
                actor=actor,
                text=text.strip(),
                kind=StepKind.NOTE,
            )
        _step(
            locked,
            kind=StepKind.NOTE,
            actor=actor,
            text=text.strip(),
            from_state=locked.state,
            to_state=locked.state,
        )
        audit_record(actor=actor, action="objection.note", target=locked, reason=text.strip())
        return locked


def _apply_remedy(
    notice: ResultsNotice,
    objection: Objection,
    *,
    remedy: str,
    tier: str,
    actor: User,
    reply: str,
) -> str:
    """Withdraw or correct the award; returns what changed in one neutral public sentence."""
    award = Award.objects.filter(entry_id=objection.entry_id).select_related("entry").first()
    on_notice = award is not None and (notice.round_id is None or award.round_id == notice.round_id)
    if not on_notice:
        raise _invalid("remedy", _("The entry holds no award on this notice any more."))
    reason = _("Objection upheld (results notice %(notice)s): %(reply)s") % {
        "notice": notice.pk,
        "reply": reply,
    }
    if remedy == Remedy.WITHDRAW_AWARD:
        review_services.award_withdraw(award=award, actor=actor, reason=reason)
        return _("After an upheld objection the award of “%(title)s” is withdrawn.") % {
            "title": award.entry.title
        }
    if tier not in AwardTier.values:
        raise _invalid("tier", _("Choose the corrected award tier."))
    if tier == award.tier:
        raise _invalid("tier", _("The entry already holds this tier."))
    review_services.award_update(
        award=award,
        actor=actor,
        tier=tier,
        recommended_provincial=award.recommended_provincial,
        note=award.note,
    )
    return _("After an upheld objection the award of “%(title)s” is corrected to %(tier)s.") % {
        "title": award.entry.title,
        "tier": AwardTier(tier).label,
    }


def objection_decide(
    *,
    actor: User,
    objection: Objection,
    upheld: bool,
    reply: str,
    remedy: str = Remedy.NONE,
    tier: str = "",
    public_reason: str = "",
) -> Objection:
    """Decide an acknowledged objection with a written reply. Upheld with a remedy, the award is
    withdrawn or its tier corrected through the reviews award services, and the notice gets a
    new version. The objector is e-mailed the decision after commit.

    The reply is written to the objector and stays between them and the staff (it may name the
    objector or what they sent); the new version shows ``public_reason`` instead, or when that is
    empty a neutral sentence saying what changed (award withdrawn, tier corrected)."""
    if not (reply or "").strip():
        raise _invalid("reply", _("Write the reply to the objector."))
    if remedy not in Remedy.values:
        raise _invalid("remedy", _("Unknown remedy."))
    if not upheld and remedy != Remedy.NONE:
        raise _invalid("remedy", _("A dismissed objection changes no result."))
    reply = reply.strip()
    to_state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    with transaction.atomic():
        notice, locked = _lock_objection(objection)
        if notice.state != NoticeState.PUBLISHED:
            raise Conflict(
                _("The notice is no longer published."), code=PublicityError.NOTICE_NOT_PUBLISHED
            )
        _move(locked, to_state, actor=actor, text=reply, kind=StepKind.DECIDE)
        if upheld and remedy != Remedy.NONE:
            change = _apply_remedy(
                notice, locked, remedy=remedy, tier=tier, actor=actor, reply=reply
            )
            version = _version_add(
                notice,
                actor=actor,
                reason=(public_reason or "").strip() or change,
                objection=locked,
            )
            audit_record(
                actor=actor,
                action="notice.version",
                target=notice,
                data={"version": version.number, "objection": locked.pk, "remedy": remedy},
            )
        locked.reply, locked.remedy = reply, remedy
        locked.decided_at, locked.decided_by = timezone.now(), actor
        locked.save(update_fields=["reply", "remedy", "decided_at", "decided_by"])
        notices.objection_decided_notify(objection=locked, notice=notice)
    return locked
