"""All writes to contests, categories, entries and attachments.

One service per state change (see projects/enums.py): lock, check the move, save, audit. The
registration window is decided by the server's clock, read after the locks are taken, just before
the write commits. Lock order, everywhere: organisation row, then entry row (no deadlocks).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Func, OuterRef, QuerySet, Sum, TextField, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import ExpertiseField, Organisation, User
from core import storage
from core.exceptions import Conflict, NotPermitted, ValidationFailed
from core.services import audit_record, model_update, state_saved
from core.transitions import check_transition
from core.validation import full_clean_or_400
from projects.enums import (
    CONTEST_TRANSITIONS,
    ENTRY_COUNTED_STATES,
    ENTRY_EDITABLE_STATES,
    ENTRY_TRANSITIONS,
    AttachmentKind,
    ContestState,
    EntryState,
    TeamRole,
)
from projects.errors import ProjectError
from projects.models import Attachment, Category, Contest, Entry, TeamMember

CONTEST_FIELDS = (
    "name",
    "edition",
    "year",
    "description",
    "registration_opens_at",
    "registration_closes_at",
    "max_entries_per_org",
)
CATEGORY_FIELDS = ("code", "name", "description")
ENTRY_FIELDS = ("title", "summary", "innovation_points", "expected_benefits", "keywords")
TEAM_FIELDS = ("name", "role", "job_title", "employer_name", "honour")
# Contest data and categories are frozen once reviewing starts (rounds and results depend on them).
CONTEST_EDITABLE_STATES = frozenset({ContestState.DRAFT, ContestState.OPEN, ContestState.CLOSED})


# --- Contests ----------------------------------------------------------------------------------


def _check_window_ordered(contest: Contest) -> None:
    if contest.registration_closes_at <= contest.registration_opens_at:
        raise ValidationFailed(
            _("Registration must close after it opens."),
            fields={"registration_closes_at": [_("Must be later than registration_opens_at.")]},
        )


def _check_edition_free(contest: Contest) -> None:
    if Contest.objects.filter(edition=contest.edition).exclude(pk=contest.pk).exists():
        raise Conflict(
            _("Edition %(edition)s already exists.") % {"edition": contest.edition},
            code=ProjectError.DUPLICATE_EDITION,
            fields={"edition": [_("A contest with this edition already exists.")]},
        )


def contest_create(*, actor: User | None, data: dict[str, Any]) -> Contest:
    """Create a contest in draft. Guarantees an ordered registration window and a unique edition
    number (409 otherwise)."""
    contest = Contest(**{k: v for k, v in data.items() if k in CONTEST_FIELDS}, created_by=actor)
    full_clean_or_400(contest, exclude=["created_by"])
    _check_window_ordered(contest)
    _check_edition_free(contest)
    with transaction.atomic():
        try:
            contest.save()
        except IntegrityError as exc:  # a concurrent create took the edition
            raise Conflict(
                _("Edition %(edition)s already exists.") % {"edition": contest.edition},
                code=ProjectError.DUPLICATE_EDITION,
            ) from exc
        audit_record(actor=actor, action="contest.create", target=contest)
    return contest


def contest_update(*, actor: User | None, contest: Contest, data: dict[str, Any]) -> Contest:
    """Change a contest's data while it is in draft, open or closed (e.g. extend the deadline).
    From review on, the contest is frozen (409)."""
    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        if locked.state not in CONTEST_EDITABLE_STATES:
            raise Conflict(
                _("A contest in state '%(state)s' can no longer be changed.")
                % {"state": locked.get_state_display()},
                code=ProjectError.CONTEST_FROZEN,
            )
        changed = model_update(instance=locked, data=data, fields=CONTEST_FIELDS)
        if not changed:
            return locked
        full_clean_or_400(locked, exclude=["created_by"])
        _check_window_ordered(locked)
        _check_edition_free(locked)
        locked.save()
        audit_record(actor=actor, action="contest.update", target=locked, data=changed)
    return locked


def contest_set_state(
    *, contest: Contest, to_state: str, actor: User | None, reason: str = ""
) -> Contest:
    """Move a contest through CONTEST_TRANSITIONS (409 on a move the table does not allow).

    Extra rules: a contest opens only with at least one category, and is (re)opened only while its
    closing time is still ahead (extend it first). Entries are not moved here: the reviews app
    moves them into review round by round. Moving to the current state changes nothing.
    """
    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        if locked.state == to_state:
            return locked
        check_transition(CONTEST_TRANSITIONS, locked.state, to_state, what="contest")
        if to_state == ContestState.OPEN:
            if not locked.categories.exists():
                raise ValidationFailed(
                    _("Add at least one category before opening registration."),
                    code=ProjectError.CONTEST_INCOMPLETE,
                    fields={"categories": [_("At least one category is required.")]},
                )
            if locked.registration_closes_at <= timezone.now():
                raise Conflict(
                    _("The registration closing time has passed; extend it before opening."),
                    code=ProjectError.REGISTRATION_CLOSED,
                    fields={"registration_closes_at": [_("Must be in the future.")]},
                )
        from_state = locked.state
        locked.state = to_state
        state_saved(
            locked, actor=actor, action="contest.state", from_state=from_state, reason=reason
        )
    contest.state = locked.state
    return locked


def _check_contest_editable(contest: Contest) -> None:
    if contest.state not in CONTEST_EDITABLE_STATES:
        raise Conflict(
            _("A contest in state '%(state)s' can no longer be changed.")
            % {"state": contest.get_state_display()},
            code=ProjectError.CONTEST_FROZEN,
        )


def category_create(
    *,
    actor: User | None,
    contest: Contest,
    data: dict[str, Any],
    expertise: Iterable[ExpertiseField] = (),
) -> Category:
    """Add a category (track) to a contest that is not yet in review; codes are unique per
    contest (409)."""
    _check_contest_editable(contest)
    category = Category(contest=contest, **{k: v for k, v in data.items() if k in CATEGORY_FIELDS})
    full_clean_or_400(category, exclude=["contest"])
    if Category.objects.filter(contest=contest, code=category.code).exists():
        raise Conflict(
            _("Category code '%(code)s' is already used in this contest.")
            % {"code": category.code},
            code=ProjectError.DUPLICATE_CATEGORY,
            fields={"code": [_("Already used in this contest.")]},
        )
    with transaction.atomic():
        category.save()
        category.expertise.set(list(expertise))
        audit_record(actor=actor, action="category.create", target=category)
    return category


def category_update(
    *,
    actor: User | None,
    category: Category,
    data: dict[str, Any],
    expertise: Iterable[ExpertiseField] | None = None,
) -> Category:
    """Change a category's name, description, code or expertise while its contest is editable."""
    _check_contest_editable(category.contest)
    for key, value in data.items():
        if key in CATEGORY_FIELDS:
            setattr(category, key, value)
    full_clean_or_400(category, exclude=["contest"])
    if (
        Category.objects.filter(contest_id=category.contest_id, code=category.code)
        .exclude(pk=category.pk)
        .exists()
    ):
        raise Conflict(
            _("Category code '%(code)s' is already used in this contest.")
            % {"code": category.code},
            code=ProjectError.DUPLICATE_CATEGORY,
            fields={"code": [_("Already used in this contest.")]},
        )
    with transaction.atomic():
        category.save()
        if expertise is not None:
            category.expertise.set(list(expertise))
        audit_record(actor=actor, action="category.update", target=category)
    return category


# --- Entries -------------------------------------------------------------------------------------


def registration_is_open(contest: Contest, *, now: datetime | None = None) -> bool:
    """Open for registration: the contest is in state ``open`` and ``now`` lies inside
    [registration_opens_at, registration_closes_at)."""
    now = now or timezone.now()
    return (
        contest.state == ContestState.OPEN
        and contest.registration_opens_at <= now < contest.registration_closes_at
    )


def _check_registration_open(contest: Contest) -> None:
    """409 unless registration is open now. Pass a contest loaded inside the current transaction
    (a stale instance could miss a staff member closing it a moment ago)."""
    now = timezone.now()
    if registration_is_open(contest, now=now):
        return
    if contest.state == ContestState.OPEN and now < contest.registration_opens_at:
        message = _("Registration for this contest opens at %(opens_at)s.") % {
            "opens_at": format(contest.registration_opens_at, "%Y-%m-%d %H:%M %Z")
        }
    else:
        message = _("Registration for this contest is closed: entries can no longer be changed.")
    raise Conflict(message, code=ProjectError.REGISTRATION_CLOSED)


def _check_actor_org(actor: User, organisation_id: int) -> None:
    if not (actor and actor.has_role(Role.ENTERPRISE) and actor.organisation_id == organisation_id):
        raise NotPermitted(
            _("Only members of the entering organisation may change its entries."),
            code=ProjectError.NOT_YOUR_ORGANISATION,
        )


def _lock_entry(entry: Entry) -> Entry:
    """Lock the organisation row, then the entry row (the lock order of every entry write)."""
    Organisation.objects.select_for_update().filter(pk=entry.organisation_id).first()
    # of=("self",): lock the entry only, not its contest (which every submission joins).
    return Entry.objects.select_for_update(of=("self",)).select_related("contest").get(pk=entry.pk)


def _check_editable(entry: Entry) -> None:
    if entry.state not in ENTRY_EDITABLE_STATES:
        raise Conflict(
            _("Only draft entries can be changed; this one is '%(state)s'.")
            % {"state": entry.get_state_display()},
            code=ProjectError.ENTRY_NOT_EDITABLE,
        )


def _team_validate(team: list[dict[str, Any]]) -> None:
    leaders = sum(1 for m in team if m.get("role") == TeamRole.LEADER)
    if leaders > 1:
        raise ValidationFailed(
            _("A team has exactly one leader."), fields={"team": [_("More than one leader.")]}
        )


def _team_replace(entry: Entry, team: list[dict[str, Any]]) -> None:
    entry.team.all().delete()
    TeamMember.objects.bulk_create(
        [
            TeamMember(entry=entry, position=i, **{k: v for k, v in m.items() if k in TEAM_FIELDS})
            for i, m in enumerate(team)
        ]
    )


def entry_create(
    *,
    actor: User,
    contest: Contest,
    category: Category,
    data: dict[str, Any],
    team: list[dict[str, Any]] | None = None,
) -> Entry:
    """Create a draft entry for the actor's own organisation while registration is open.

    Guarantees: the category belongs to the contest (400), the actor is an enterprise member (403),
    the window is open by the server's clock (409), at most one team leader (400). Drafts do not
    count against the organisation's limit; submitting does.
    """
    if not actor.organisation_id or not actor.has_role(Role.ENTERPRISE):
        raise NotPermitted(
            _("Only members of an organisation can create entries."),
            code=ProjectError.NOT_AN_ENTERPRISE_MEMBER,
        )
    if category.contest_id != contest.pk:
        raise ValidationFailed(
            _("The category does not belong to this contest."),
            fields={"category": [_("Not a category of the chosen contest.")]},
        )
    team = team or []
    _team_validate(team)
    entry = Entry(
        contest=contest,
        category=category,
        organisation_id=actor.organisation_id,
        created_by=actor,
        **{k: v for k, v in data.items() if k in ENTRY_FIELDS},
    )
    full_clean_or_400(entry, exclude=["contest", "category", "organisation", "created_by"])
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=actor.organisation_id).first()
        contest.refresh_from_db(fields=["state", "registration_opens_at", "registration_closes_at"])
        _check_registration_open(contest)
        entry.save()
        _team_replace(entry, team)
        audit_record(actor=actor, action="entry.create", target=entry, to_state=entry.state)
    return entry


def entry_update(
    *,
    actor: User,
    entry: Entry,
    data: dict[str, Any],
    team: list[dict[str, Any]] | None = None,
    category: Category | None = None,
) -> Entry:
    """Change a draft entry of the actor's organisation while registration is open (409 once
    submitted or after the window). ``team``, when given, replaces the whole team."""
    _check_actor_org(actor, entry.organisation_id)
    if category is not None and category.contest_id != entry.contest_id:
        raise ValidationFailed(
            _("The category does not belong to this contest."),
            fields={"category": [_("Not a category of this entry's contest.")]},
        )
    if team is not None:
        _team_validate(team)
    with transaction.atomic():
        locked = _lock_entry(entry)
        _check_editable(locked)
        _check_registration_open(locked.contest)
        changed: dict[str, Any] = {}
        for key, value in data.items():
            if key in ENTRY_FIELDS and getattr(locked, key) != value:
                changed[key] = True
                setattr(locked, key, value)
        if category is not None and category.pk != locked.category_id:
            changed["category"] = [locked.category_id, category.pk]
            locked.category = category
        if team is not None:
            _team_replace(locked, team)
            changed["team"] = len(team)
        if not changed:
            return locked
        full_clean_or_400(locked, exclude=["contest", "category", "organisation", "created_by"])
        locked.save()
        audit_record(
            actor=actor, action="entry.update", target=locked, data={"changed": sorted(changed)}
        )
    return locked


# What "complete" means for a submission, in one place: the submit service (one entry) and the
# registration reminders (tens of thousands of drafts) both read it through entries_missing().
_REQUIRED_TEXTS = ("title", "summary", "innovation_points", "expected_benefits")
# Python's str.strip() whitespace (ASCII, NBSP, ideographic space U+3000, ...): a text made of
# these only counts as empty, in SQL exactly as in Python. All of them lie below U+3001.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


class _Strip(Func):
    """``BTRIM(text, characters)``: trims the given characters from both ends."""

    function = "BTRIM"
    arity = 2
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="TRIM", **extra_context)


def _blank(field: str) -> Exact:
    return Exact(_Strip(Coalesce(F(field), Value("")), Value(_WHITESPACE)), Value(""))


def entries_missing(entries: QuerySet[Entry]) -> dict[int, dict[str, list[str]]]:
    """What each entry of ``entries`` still lacks to be submitted, by field (an empty dict when
    complete); every entry of the queryset is a key.

    One query whatever the number of entries: blank texts are found by PostgreSQL (trimming the
    same whitespace as ``str.strip()``), the team leader and the plan attachment with ``EXISTS``;
    the long texts themselves are never read. ``entry_missing`` is this function for one entry,
    so the submit service and the reminders can never disagree.
    """
    rows = (
        entries.order_by()
        .annotate(
            **{f"_{field}_blank": _blank(field) for field in _REQUIRED_TEXTS},
            _has_leader=Exists(
                TeamMember.objects.filter(entry=OuterRef("pk"), role=TeamRole.LEADER)
            ),
            _has_plan=Exists(
                Attachment.objects.filter(entry=OuterRef("pk"), kind=AttachmentKind.PLAN)
            ),
        )
        .values_list(
            "pk",
            *(f"_{field}_blank" for field in _REQUIRED_TEXTS),
            "keywords",
            "_has_leader",
            "_has_plan",
        )
    )
    result: dict[int, dict[str, list[str]]] = {}
    for pk, *blanks, keywords, has_leader, has_plan in rows.iterator(chunk_size=5000):
        missing: dict[str, list[str]] = {}
        for field, blank in zip(_REQUIRED_TEXTS, blanks, strict=True):
            if blank:
                missing[field] = [_("This field is required to submit.")]
        if not keywords:
            missing["keywords"] = [_("Give at least one keyword.")]
        if not has_leader:
            missing["team"] = [_("Name the team leader.")]
        if not has_plan:
            missing["attachments"] = [_("Upload at least one project plan document.")]
        result[pk] = missing
    return result


def entry_missing(entry: Entry) -> dict[str, list[str]]:
    """What a submission still lacks, by field (empty when complete), as stored in the database
    (one query; see :func:`entries_missing`)."""
    return entries_missing(Entry.objects.filter(pk=entry.pk))[entry.pk]


def entry_submit(*, entry: Entry, actor: User) -> Entry:
    """Submit a draft of the actor's organisation.

    Guarantees, in one transaction holding the organisation's row lock (so two submissions of the
    same organisation are serialised and the limit cannot be overrun by a race):
    the registration window is open by the server's clock (409 ``registration_closed``), the entry
    is complete (400 ``incomplete_entry`` naming each missing item), and the organisation has fewer
    than ``contest.max_entries_per_org`` entries that count (409 ``entry_limit_reached``).
    """
    _check_actor_org(actor, entry.organisation_id)
    with transaction.atomic():
        locked = _lock_entry(entry)
        check_transition(ENTRY_TRANSITIONS, locked.state, EntryState.SUBMITTED, what="entry")
        _check_registration_open(locked.contest)
        missing = entry_missing(locked)
        if missing:
            raise ValidationFailed(
                _("The entry is incomplete: %(missing)s.") % {"missing": ", ".join(missing)},
                code=ProjectError.INCOMPLETE_ENTRY,
                fields=missing,
            )
        counted = (
            Entry.objects.filter(
                organisation_id=locked.organisation_id,
                contest_id=locked.contest_id,
                state__in=ENTRY_COUNTED_STATES,
            )
            .exclude(pk=locked.pk)
            .count()
        )
        limit = locked.contest.max_entries_per_org
        if counted >= limit:
            raise Conflict(
                _(
                    "Your organisation has already submitted %(counted)s entries to this contest; the limit is %(limit)s."
                )
                % {"counted": counted, "limit": limit},
                code=ProjectError.ENTRY_LIMIT_REACHED,
            )
        submitted = entry_set_state(entry=locked, to_state=EntryState.SUBMITTED, actor=actor)
    entry.state, entry.submitted_at = submitted.state, submitted.submitted_at
    return submitted


def entry_recall(*, entry: Entry, actor: User, reason: str = "") -> Entry:
    """Take a submitted entry back to draft to correct it, only while registration is open
    (409 after). It stops counting against the limit until submitted again."""
    _check_actor_org(actor, entry.organisation_id)
    with transaction.atomic():
        locked = _lock_entry(entry)
        # Only "submitted" may go back to draft (the table says so; 409 from any other state).
        check_transition(ENTRY_TRANSITIONS, locked.state, EntryState.DRAFT, what="entry")
        _check_registration_open(locked.contest)
        recalled = entry_set_state(
            entry=locked, to_state=EntryState.DRAFT, actor=actor, reason=reason
        )
    entry.state, entry.submitted_at = recalled.state, recalled.submitted_at
    return recalled


def entry_withdraw(*, entry: Entry, actor: User, reason: str = "") -> Entry:
    """Withdraw a submitted entry from the contest for good (also after the window, until review
    starts). A withdrawn entry no longer counts against the limit."""
    _check_actor_org(actor, entry.organisation_id)
    return entry_set_state(entry=entry, to_state=EntryState.WITHDRAWN, actor=actor, reason=reason)


def entry_set_state(
    *, entry: Entry, to_state: str, actor: User | None, reason: str = "", data: dict | None = None
) -> Entry:
    """Move one entry to ``to_state`` through the transition table.

    Locks the row, checks the move (409 on a bad one), saves, and records who/when/from/to in the
    audit trail, all in one transaction. Moving to the current state changes nothing. Window,
    limit and completeness rules of enterprise moves live in entry_submit / entry_recall, which
    call this one; the reviews app calls it directly for review outcomes.
    """
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(pk=entry.pk)
        if locked.state == to_state:
            return locked
        check_transition(ENTRY_TRANSITIONS, locked.state, to_state, what="entry")
        from_state = locked.state
        locked.state = to_state
        if to_state == EntryState.SUBMITTED:
            locked.submitted_at = timezone.now()
        elif to_state == EntryState.DRAFT:
            locked.submitted_at = None
        state_saved(
            locked,
            actor=actor,
            action="entry.state",
            from_state=from_state,
            fields=["submitted_at"],
            reason=reason,
            data=data,
        )
    entry.state, entry.submitted_at = locked.state, locked.submitted_at
    return locked


# --- Attachments ---------------------------------------------------------------------------------


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def attachment_store(
    *, entry: Entry, uploaded_file: UploadedFile, kind: str, actor: User
) -> Attachment:
    """Store a file for a draft entry of the actor's organisation while registration is open.

    The type is decided from the bytes (storage.detect_content_type), the name is cleaned, and the
    limits (file size, count and total size per entry and per organisation in the contest, all
    from settings) are checked under the organisation lock; any refusal is a 400 on ``file``
    saying why (409 when the entry is not editable). The file is written before the transaction
    and removed again if the transaction fails, so no orphan stays behind.
    """
    _check_actor_org(actor, entry.organisation_id)
    if kind not in AttachmentKind.values:
        raise ValidationFailed(
            _("Unknown attachment kind '%(kind)s'.") % {"kind": kind},
            fields={"kind": [_("Invalid.")]},
        )
    max_bytes = _limit("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise _file_refused(
            _("The file is larger than %(max_bytes)s MB.")
            % {"max_bytes": max_bytes // (1024 * 1024)}
        )
    content_type = storage.detect_content_type(uploaded_file)
    original_name = storage.clean_filename(uploaded_file.name or "", content_type=content_type)
    with storage.file_stored(uploaded_file) as stored:
        if stored.size > max_bytes:
            raise _file_refused(
                _("The file is larger than %(max_bytes)s MB.")
                % {"max_bytes": max_bytes // (1024 * 1024)}
            )
        with transaction.atomic():
            locked = _lock_entry(entry)
            _check_editable(locked)
            _check_registration_open(locked.contest)
            _check_attachment_limits(locked, new_size=stored.size)
            attachment = Attachment.objects.create(
                entry=locked,
                kind=kind,
                original_name=original_name,
                storage_name=stored.storage_name,
                content_type=content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="attachment.add",
                target=locked,
                data={
                    "attachment": attachment.pk,
                    "name": original_name,
                    "kind": kind,
                    "content_type": content_type,
                    "size": stored.size,
                },
            )
    return attachment


def _file_refused(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_file", fields={"file": [message]})


def _check_attachment_limits(entry: Entry, *, new_size: int) -> None:
    per_entry = Attachment.objects.filter(entry=entry).aggregate(n=Count("pk"), b=Sum("size"))
    max_entry_count = _limit("ATTACHMENTS_MAX_PER_ENTRY", 10)
    if per_entry["n"] >= max_entry_count:
        raise _file_refused(
            _("An entry may have at most %(max_entry_count)s attachments.")
            % {"max_entry_count": max_entry_count}
        )
    max_entry_bytes = _limit("ATTACHMENTS_MAX_BYTES_PER_ENTRY", 100 * 1024 * 1024)
    if (per_entry["b"] or 0) + new_size > max_entry_bytes:
        raise _file_refused(
            _("The attachments of an entry may total at most %(max_entry_bytes)s MB.")
            % {"max_entry_bytes": max_entry_bytes // (1024 * 1024)}
        )
    per_org = Attachment.objects.filter(
        entry__organisation_id=entry.organisation_id, entry__contest_id=entry.contest_id
    ).aggregate(n=Count("pk"), b=Sum("size"))
    max_org_count = _limit("ATTACHMENTS_MAX_PER_ORG", 100)
    if per_org["n"] >= max_org_count:
        raise _file_refused(
            _(
                "Your organisation has reached its limit of %(max_org_count)s attachments in this contest."
            )
            % {"max_org_count": max_org_count}
        )
    max_org_bytes = _limit("ATTACHMENTS_MAX_BYTES_PER_ORG", 1024 * 1024 * 1024)
    if (per_org["b"] or 0) + new_size > max_org_bytes:
        raise _file_refused(
            _(
                "Your organisation's attachments in this contest may total at most %(max_org_bytes)s MB."
            )
            % {"max_org_bytes": max_org_bytes // (1024 * 1024)}
        )


def attachment_delete(*, attachment: Attachment, actor: User) -> None:
    """Remove an attachment of a draft entry while registration is open; the file goes once the
    transaction has committed."""
    _check_actor_org(actor, attachment.entry.organisation_id)
    storage_name = attachment.storage_name
    with transaction.atomic():
        locked = _lock_entry(attachment.entry)
        _check_editable(locked)
        _check_registration_open(locked.contest)
        audit_record(
            actor=actor,
            action="attachment.delete",
            target=locked,
            data={"attachment": attachment.pk, "name": attachment.original_name},
        )
        attachment.delete()
        transaction.on_commit(lambda: storage.file_delete(storage_name))
