"""All writes to studios, their applications and yearly assessments.

One service per state move (lock, check against the table in innovation/enums.py, save, audit).
Visibility (which studio a caller may touch at all) is decided by the selectors before a service is
called; the services re-check the few rules that do not depend on how they are reached.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import enterprise_members_by_organisation, is_staff_user
from core import storage
from core.exceptions import Conflict, NotPermitted, ValidationFailed
from core.services import audit_record
from core.transitions import check_transition
from core.validation import full_clean_or_400
from innovation import notices
from innovation.enums import (
    APPLICATION_TRANSITIONS,
    ASSESSMENT_TRANSITIONS,
    EDITABLE_APPLICATION_STATES,
    LEVEL_RANK,
    OPEN_APPLICATION_STATES,
    STUDIO_REPORT_REMIND_NOW,
    STUDIO_TRANSITIONS,
    ApplicationKind,
    ApplicationState,
    AssessmentRating,
    AssessmentState,
    StudioState,
)
from innovation.errors import StudioError
from innovation.models import (
    Studio,
    StudioApplication,
    StudioAssessment,
    StudioAttachment,
    StudioMember,
    StudioReviewComment,
)
from innovation.selectors import studios_missing_report
from notifications.reminders import remind_now_blocked_until, remind_now_cooldown
from projects.enums import Honour

STUDIO_FIELDS = (
    "name",
    "field",
    "leader_name",
    "leader_job_title",
    "leader_honours",
    "founding_date",
    "description",
    "facilities",
    "contact_phone",
    "patents",
    "innovations_adopted",
    "economic_benefit",
    "people_trained",
)
FIGURE_FIELDS = ("patents", "innovations_adopted", "economic_benefit", "people_trained")
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


# --- helpers ------------------------------------------------------------------------------------


def _check_studio_values(values: dict[str, Any]) -> None:
    founding = values.get("founding_date")
    if founding and founding > timezone.localdate():
        raise ValidationFailed(
            _("founding_date: the founding date cannot be in the future."),
            fields={"founding_date": [_("The founding date cannot be in the future.")]},
        )
    honours = values.get("leader_honours")
    if honours is not None:
        valid = {h for h in Honour.values if h}
        bad = [h for h in honours if h not in valid]
        if bad or len(set(honours)) != len(honours):
            raise ValidationFailed(
                _("leader_honours: unknown or repeated honour."),
                fields={
                    "leader_honours": [
                        _("Unknown or repeated honour(s): %(value)s.") % {"value": bad or honours}
                    ]
                },
            )


def _members_replace(studio: Studio, members: list[dict[str, Any]]) -> None:
    studio.members.all().delete()
    rows = [
        StudioMember(
            studio=studio,
            name=m["name"],
            job_title=m.get("job_title", ""),
            honour=m.get("honour", ""),
            position=index,
        )
        for index, m in enumerate(members)
    ]
    for row in rows:
        full_clean_or_400(row, exclude=["studio"])
    StudioMember.objects.bulk_create(rows)


def _require_own_organisation(actor: User | None, organisation: Organisation) -> None:
    if actor is None or is_staff_user(actor):
        return
    if actor.organisation_id != organisation.pk:
        raise NotPermitted(
            _("Enterprise members act for their own organisation only."),
            code=StudioError.NOT_YOUR_ORGANISATION,
        )


# --- studios ------------------------------------------------------------------------------------


def studio_register(
    *,
    actor: User | None,
    organisation: Organisation | None,
    level: str,
    data: dict[str, Any],
    members: list[dict[str, Any]] | None = None,
) -> Studio:
    """Register a studio of ``organisation`` with its first application (a draft asking for
    ``level``). An enterprise member may leave ``organisation`` out (their own is the host); staff
    must name it. Guarantees: founding date not in the future, non-negative figures, a unique name
    within the host (409), the studio and its draft application written together or not at all."""
    if organisation is None:
        if actor is None or is_staff_user(actor) or not actor.organisation_id:
            raise ValidationFailed(
                _("organisation: name the host organisation."),
                fields={"organisation": [_("This field is required.")]},
            )
        organisation = actor.organisation
    _require_own_organisation(actor, organisation)
    values = {k: v for k, v in data.items() if k in STUDIO_FIELDS}
    _check_studio_values(values)
    studio = Studio(organisation=organisation, created_by=actor, **values)
    full_clean_or_400(studio, exclude=["created_by"])
    if Studio.objects.filter(organisation=organisation, name=studio.name).exists():
        raise Conflict(
            _("%(organisation)s already has a studio named %(studio)s.")
            % {"organisation": organisation.name, "studio": studio.name},
            code=StudioError.DUPLICATE_STUDIO,
            fields={"name": [_("This organisation already has a studio with this name.")]},
        )
    with transaction.atomic():
        studio.save()
        _members_replace(studio, members or [])
        application = StudioApplication.objects.create(
            studio=studio, kind=ApplicationKind.INITIAL, level=level, created_by=actor
        )
        audit_record(actor=actor, action="studio.register", target=studio, data={"level": level})
        audit_record(
            actor=actor,
            action="studio_application.open",
            target=application,
            to_state=application.state,
            data={"kind": application.kind, "level": level},
        )
    return studio


def studio_update(
    *,
    actor: User | None,
    studio: Studio,
    data: dict[str, Any],
    members: list[dict[str, Any]] | None = None,
) -> Studio:
    """Change a studio's profile. Refused (409) while an application is with the reviewers
    (submitted or under review) and after revocation, so reviewers judge what was submitted."""
    with transaction.atomic():
        locked = Studio.objects.select_for_update().get(pk=studio.pk)
        if locked.state == StudioState.REVOKED:
            raise Conflict(
                _("A revoked studio can no longer be changed."), code=StudioError.STUDIO_REVOKED
            )
        if locked.applications.filter(
            state__in=OPEN_APPLICATION_STATES - EDITABLE_APPLICATION_STATES
        ).exists():
            raise Conflict(
                _(
                    "The studio's application is with the reviewers; wait until it is decided or returned."
                ),
                code=StudioError.STUDIO_IN_REVIEW,
            )
        values = {k: v for k, v in data.items() if k in STUDIO_FIELDS}
        _check_studio_values(values)
        changed = {}
        for key, value in values.items():
            if getattr(locked, key) != value:
                changed[key] = str(value)
                setattr(locked, key, value)
        if changed:
            full_clean_or_400(locked, exclude=["created_by"])
            if (
                "name" in changed
                and Studio.objects.filter(organisation_id=locked.organisation_id, name=locked.name)
                .exclude(pk=locked.pk)
                .exists()
            ):
                raise Conflict(
                    _("This organisation already has a studio with this name."),
                    code=StudioError.DUPLICATE_STUDIO,
                    fields={"name": [_("This organisation already has a studio with this name.")]},
                )
            locked.save()
        if members is not None:
            _members_replace(locked, members)
            changed["members"] = len(members)
        if changed:
            audit_record(actor=actor, action="studio.update", target=locked, data=changed)
    return locked


def _studio_move(
    *, locked: Studio, to_state: str, actor: User | None, action: str, reason: str = ""
) -> None:
    """Move an already locked studio through STUDIO_TRANSITIONS and record it."""
    check_transition(STUDIO_TRANSITIONS, locked.state, to_state, what="studio")
    from_state = locked.state
    locked.state = to_state
    locked.save()
    audit_record(
        actor=actor,
        action=action,
        target=locked,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data={"level": locked.level},
    )


def studio_revoke(*, actor: User | None, studio: Studio, reason: str) -> Studio:
    """Revoke a named studio's title (named → revoked), with the reason recorded. A revoked studio
    leaves the public directory at once. Any open upgrade application can no longer be named."""
    if not reason.strip():
        raise ValidationFailed(
            _("reason: say why the studio is revoked."),
            fields={"reason": [_("This field is required.")]},
        )
    with transaction.atomic():
        locked = Studio.objects.select_for_update().get(pk=studio.pk)
        _studio_move(
            locked=locked,
            to_state=StudioState.REVOKED,
            actor=actor,
            action="studio.revoke",
            reason=reason,
        )
    return locked


def studio_flag_for_revocation(*, actor: User | None, studio: Studio, reason: str) -> Studio:
    """Flag a named studio for revocation (idempotent: an already flagged studio is unchanged).
    The flag is a signal for staff; it changes neither the state nor the directory."""
    with transaction.atomic():
        locked = Studio.objects.select_for_update().get(pk=studio.pk)
        if locked.revocation_flagged_at is not None or locked.state != StudioState.NAMED:
            return locked
        locked.revocation_flagged_at = timezone.now()
        locked.revocation_flag_reason = reason[:300]
        locked.save(update_fields=["revocation_flagged_at", "revocation_flag_reason", "updated_at"])
        audit_record(actor=actor, action="studio.flag_revocation", target=locked, reason=reason)
    return locked


def studio_flag_clear(*, actor: User | None, studio: Studio, reason: str) -> Studio:
    """Staff decide not to revoke a flagged studio: clear the flag, keeping the reason on record."""
    if not reason.strip():
        raise ValidationFailed(
            _("reason: say why the studio keeps its title."),
            fields={"reason": [_("This field is required.")]},
        )
    with transaction.atomic():
        locked = Studio.objects.select_for_update().get(pk=studio.pk)
        if locked.revocation_flagged_at is None:
            raise Conflict(
                _("The studio is not flagged for revocation."), code=StudioError.NOT_FLAGGED
            )
        locked.revocation_flagged_at = None
        locked.revocation_flag_reason = ""
        locked.save(update_fields=["revocation_flagged_at", "revocation_flag_reason", "updated_at"])
        audit_record(actor=actor, action="studio.flag_clear", target=locked, reason=reason)
    return locked


def studio_attachment_add(
    *, actor: User | None, studio: Studio, upload: UploadedFile
) -> StudioAttachment:
    """Store one file of a studio under a random name outside any public path, with the same
    checks as entry attachments (core.storage): the type is read from the content (office
    files are opened to prove they are documents), the name is cleaned, size and count are
    bounded. Nothing half-written stays behind: the file goes if the row cannot be written."""
    max_bytes = settings.STUDIO_ATTACHMENT_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationFailed(
            _("file: larger than %(max_bytes)s MB.") % {"max_bytes": max_bytes // (1024 * 1024)},
            fields={
                "file": [
                    _("The file is larger than %(max_bytes)s bytes.") % {"max_bytes": max_bytes}
                ]
            },
        )
    if studio.attachments.count() >= settings.STUDIO_ATTACHMENTS_MAX:
        raise Conflict(
            _("The studio has as many attachments as allowed."), code=StudioError.TOO_MANY_FILES
        )
    mime = storage.detect_content_type(upload)
    if mime not in ALLOWED_ATTACHMENT_TYPES:
        raise ValidationFailed(
            _("file: only PDF, JPEG, PNG, DOCX and XLSX files are accepted."),
            fields={"file": [_("Only PDF, JPEG, PNG, DOCX and XLSX files are accepted.")]},
        )
    name = storage.clean_filename(upload.name, content_type=mime)
    with storage.file_stored(upload) as stored, transaction.atomic():
        attachment = StudioAttachment.objects.create(
            studio=studio,
            original_name=name,
            storage_name=stored.storage_name,
            content_type=mime,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="studio.attachment_add",
            target=studio,
            data={"attachment": attachment.pk, "name": attachment.original_name},
        )
    return attachment


# --- applications -------------------------------------------------------------------------------


def studio_application_open(*, actor: User | None, studio: Studio, level: str) -> StudioApplication:
    """Open a new draft application for ``studio``: a first application again for a studio that
    was never named (its earlier one was rejected), or an upgrade for a named studio, which must
    ask for a higher level. The studio keeps its current level (and its place in the directory)
    until the new application is named; earlier applications stay as its history."""
    _require_own_organisation(actor, studio.organisation)
    with transaction.atomic():
        locked = Studio.objects.select_for_update().get(pk=studio.pk)
        if locked.state == StudioState.REVOKED:
            raise Conflict(
                _("A revoked studio cannot apply again."), code=StudioError.STUDIO_REVOKED
            )
        if locked.applications.filter(state__in=OPEN_APPLICATION_STATES).exists():
            raise Conflict(
                _("The studio already has an open application."),
                code=StudioError.APPLICATION_ALREADY_OPEN,
            )
        kind = ApplicationKind.INITIAL
        if locked.state == StudioState.NAMED:
            kind = ApplicationKind.UPGRADE
            if LEVEL_RANK[level] <= LEVEL_RANK[locked.level]:
                raise ValidationFailed(
                    _("level: an upgrade must ask for a level above the current one."),
                    fields={
                        "level": [
                            _("Choose a level above '%(level)s'.")
                            % {"level": locked.get_level_display()}
                        ]
                    },
                )
        application = StudioApplication.objects.create(
            studio=locked, kind=kind, level=level, created_by=actor
        )
        audit_record(
            actor=actor,
            action="studio_application.open",
            target=application,
            to_state=application.state,
            data={"kind": kind, "level": level, "from_level": locked.level},
        )
    return application


def _application_move(
    *,
    application: StudioApplication,
    to_state: str,
    actor: User | None,
    comment: str = "",
    comment_required: bool = False,
) -> tuple[StudioApplication, Studio]:
    """Lock the application and its studio, check the move, save, audit. Returns both locked."""
    if comment_required and not comment.strip():
        raise ValidationFailed(
            _("comment: tell the enterprise why."),
            fields={"comment": [_("This field is required.")]},
        )
    locked = StudioApplication.objects.select_for_update().get(pk=application.pk)
    studio = Studio.objects.select_for_update().get(pk=locked.studio_id)
    check_transition(APPLICATION_TRANSITIONS, locked.state, to_state, what="application")
    if studio.state == StudioState.REVOKED:
        raise Conflict(_("The studio has been revoked."), code=StudioError.STUDIO_REVOKED)
    from_state = locked.state
    locked.state = to_state
    now = timezone.now()
    if to_state == ApplicationState.SUBMITTED:
        locked.submitted_at = now
    if to_state in (ApplicationState.NAMED, ApplicationState.RETURNED, ApplicationState.REJECTED):
        locked.decided_at, locked.decided_by, locked.decision_comment = now, actor, comment
    locked.save()
    if comment and to_state != ApplicationState.SUBMITTED:
        StudioReviewComment.objects.create(application=locked, author=actor, body=comment)
    audit_record(
        actor=actor,
        action="studio_application.state",
        target=locked,
        from_state=from_state,
        to_state=to_state,
        reason=comment,
        data={"studio": studio.pk, "level": locked.level},
    )
    return locked, studio


def studio_application_submit(
    *, actor: User | None, application: StudioApplication
) -> StudioApplication:
    """Submit (or resubmit after a return) an application to the union's reviewers."""
    with transaction.atomic():
        locked, _from = _application_move(
            application=application, to_state=ApplicationState.SUBMITTED, actor=actor
        )
    return locked


def studio_application_review_start(
    *, actor: User | None, application: StudioApplication
) -> StudioApplication:
    """A reviewer takes a submitted application (submitted → under review)."""
    with transaction.atomic():
        locked, _from = _application_move(
            application=application, to_state=ApplicationState.UNDER_REVIEW, actor=actor
        )
    return locked


def studio_application_name(
    *,
    actor: User | None,
    application: StudioApplication,
    comment: str = "",
    named_on: date | None = None,
) -> StudioApplication:
    """Name the studio at the application's level. A first application moves the studio from
    pending to named; an upgrade raises the level of a studio that is still named. The studio's
    flag for revocation, if any, stays: a higher title does not erase two failed years."""
    with transaction.atomic():
        locked, studio = _application_move(
            application=application,
            to_state=ApplicationState.NAMED,
            actor=actor,
            comment=comment,
        )
        from_level = studio.level
        studio.level = locked.level
        studio.named_on = named_on or timezone.localdate()
        if locked.kind == ApplicationKind.INITIAL:
            _studio_move(
                locked=studio,
                to_state=StudioState.NAMED,
                actor=actor,
                action="studio.name",
                reason=comment,
            )
        else:
            if studio.state != StudioState.NAMED:
                raise Conflict(
                    _("Only a named studio can be upgraded."), code=StudioError.STUDIO_NOT_NAMED
                )
            studio.save()
            audit_record(
                actor=actor,
                action="studio.upgrade",
                target=studio,
                from_state=studio.state,
                to_state=studio.state,
                reason=comment,
                data={"from_level": from_level, "to_level": studio.level},
            )
    return locked


def studio_application_return(
    *, actor: User | None, application: StudioApplication, comment: str
) -> StudioApplication:
    """Send an application back for changes; the comment tells the enterprise what to change."""
    with transaction.atomic():
        locked, _from = _application_move(
            application=application,
            to_state=ApplicationState.RETURNED,
            actor=actor,
            comment=comment,
            comment_required=True,
        )
    return locked


def studio_application_reject(
    *, actor: User | None, application: StudioApplication, comment: str
) -> StudioApplication:
    """Refuse an application for good (the studio keeps whatever level it already had)."""
    with transaction.atomic():
        locked, _from = _application_move(
            application=application,
            to_state=ApplicationState.REJECTED,
            actor=actor,
            comment=comment,
            comment_required=True,
        )
    return locked


def studio_application_comment_add(
    *, actor: User | None, application: StudioApplication, body: str
) -> StudioReviewComment:
    """A reviewer's comment on an application that is still being decided."""
    if not body.strip():
        raise ValidationFailed(
            _("body: write a comment."), fields={"body": [_("This field is required.")]}
        )
    if application.state not in (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW):
        raise Conflict(
            _("Comments are added while the application is submitted or under review."),
            code=StudioError.APPLICATION_NOT_IN_REVIEW,
        )
    with transaction.atomic():
        comment = StudioReviewComment.objects.create(
            application=application, author=actor, body=body
        )
        audit_record(
            actor=actor,
            action="studio_application.comment",
            target=application,
            data={"comment": comment.pk},
        )
    return comment


# --- yearly assessments ---------------------------------------------------------------------------


def studio_assessment_file(
    *,
    actor: User | None,
    studio: Studio,
    year: int,
    figures: dict[str, Any],
    summary: str = "",
) -> StudioAssessment:
    """File a named studio's report for one year. Guarantees: the studio is named (or flagged, not
    revoked), the year is neither before the naming year nor in the future, the figures are
    non-negative, and one report per studio and year (409 on a second one)."""
    _require_own_organisation(actor, studio.organisation)
    if studio.state != StudioState.NAMED:
        raise Conflict(
            _("Only a named studio files yearly reports."), code=StudioError.STUDIO_NOT_NAMED
        )
    today = timezone.localdate()
    if year > today.year or (studio.named_on and year < studio.named_on.year):
        raise ValidationFailed(
            _("year: report on a year from the naming year up to this year."),
            fields={
                "year": [
                    _("Choose a year between %(first)s and %(last)s.")
                    % {"first": studio.named_on.year if studio.named_on else "", "last": today.year}
                ]
            },
        )
    assessment = StudioAssessment(
        studio=studio,
        year=year,
        summary=summary,
        filed_by=actor,
        **{k: figures[k] for k in FIGURE_FIELDS if k in figures},
    )
    full_clean_or_400(assessment, exclude=["filed_by"])
    try:
        with transaction.atomic():
            assessment.save()
            audit_record(
                actor=actor,
                action="studio_assessment.file",
                target=assessment,
                to_state=assessment.state,
                data={"studio": studio.pk, "year": year},
            )
    except IntegrityError as exc:
        raise Conflict(
            _("The report for %(year)s has already been filed.") % {"year": year},
            code=StudioError.ASSESSMENT_EXISTS,
            fields={"year": [_("A report for this year already exists.")]},
        ) from exc
    return assessment


def two_fails_in_a_row(ratings_by_year: dict[int, str], year: int) -> bool:
    """True when ``year`` is rated fail and so is the rated year just before or just after it.

    "In a row" means neighbours among the rated years: a studio that skips a year's report does not
    escape the rule by the gap (missing reports are chased by the reminders instead)."""
    if ratings_by_year.get(year) != AssessmentRating.FAIL:
        return False
    years = sorted(ratings_by_year)
    index = years.index(year)
    neighbours = years[max(index - 1, 0) : index] + years[index + 1 : index + 2]
    return any(ratings_by_year[y] == AssessmentRating.FAIL for y in neighbours)


def studio_assessment_rate(
    *, actor: User | None, assessment: StudioAssessment, rating: str, comment: str = ""
) -> StudioAssessment:
    """Rate a filed report (excellent / pass / fail). When it makes two fails in a row, the studio
    is flagged for revocation in the same transaction; revoking stays a staff decision."""
    if rating == AssessmentRating.FAIL and not comment.strip():
        raise ValidationFailed(
            _("comment: say why the studio fails."),
            fields={"comment": [_("This field is required.")]},
        )
    with transaction.atomic():
        locked = StudioAssessment.objects.select_for_update().get(pk=assessment.pk)
        check_transition(ASSESSMENT_TRANSITIONS, locked.state, AssessmentState.RATED, what="report")
        locked.state = AssessmentState.RATED
        locked.rating, locked.rating_comment = rating, comment
        locked.rated_by, locked.rated_at = actor, timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action="studio_assessment.rate",
            target=locked,
            from_state=AssessmentState.FILED,
            to_state=AssessmentState.RATED,
            reason=comment,
            data={"rating": rating, "studio": locked.studio_id, "year": locked.year},
        )
        ratings = dict(
            StudioAssessment.objects.filter(
                studio_id=locked.studio_id, state=AssessmentState.RATED
            ).values_list("year", "rating")
        )
        if two_fails_in_a_row(ratings, locked.year):
            studio_flag_for_revocation(
                actor=actor,
                studio=locked.studio,
                reason=f"Two failed yearly assessments in a row (latest: {locked.year}).",
            )
    return locked


# --- reminders by hand ----------------------------------------------------------------------------


def studio_report_remind_now(
    *, actor: User | None, studio: Studio, now: datetime | None = None
) -> int:
    """Staff's "send reminder now" for a named studio that has not filed its report on last year
    (the assessments page, ``POST /studios/{id}/remind-report/``): every active member of the host
    is told at once. Refused (409, in words) when the report is filed or the studio is not named
    (``report_not_missing``), within the cool-down after the last reminder by hand
    (``reminded_recently``, the message says when the next one may go:
    ``notifications.reminders.remind_now_blocked_until``, the rule the list shows), or when the
    host has nobody to tell (``no_one_to_remind``). The studio is locked, so two presses at once
    send one reminder. Audited. Returns how many notices were written."""
    now = now or timezone.now()
    year = timezone.localdate(now).year - 1
    with transaction.atomic():
        locked = Studio.objects.select_for_update().get(pk=studio.pk)
        if not studios_missing_report(year).filter(pk=locked.pk).exists():
            raise Conflict(
                _("%(studio)s owes no report on %(year)s: there is nothing to remind it of.")
                % {"studio": locked.name, "year": year},
                code=StudioError.REPORT_NOT_MISSING,
            )
        until = remind_now_blocked_until(
            kind=STUDIO_REPORT_REMIND_NOW, subjects=[locked], now=now
        ).get(locked.pk)
        if until is not None:
            raise Conflict(
                _(
                    "%(studio)s was reminded less than %(hours)s hours ago. The next reminder "
                    "can be sent in %(left)s (from %(until)s)."
                )
                % {
                    "studio": locked.name,
                    "hours": int(remind_now_cooldown().total_seconds() // 3600),
                    "left": timeuntil(until, now),
                    "until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M"),
                },
                code=StudioError.REMINDED_RECENTLY,
            )
        recipients = enterprise_members_by_organisation([locked.organisation_id]).get(
            locked.organisation_id, []
        )
        if not recipients:
            raise Conflict(
                _("%(host)s has no active member account to remind.")
                % {"host": locked.organisation.name},
                code=StudioError.NO_ONE_TO_REMIND,
            )
        created = notices.studio_report_remind_now(
            studio=locked, year=year, recipients=recipients, now=now
        )
        audit_record(
            actor=actor,
            action="studio.remind_report",
            target=locked,
            data={"year": year, "reminded": created},
        )
    return created
