"""The reviewer pool of a contest and the declared conflicts of interest (回避)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import Organisation, ReviewerProfile, User
from core.exceptions import ValidationFailed
from core.services import audit_record
from projects.models import Contest
from reviews.enums import ConflictSource
from reviews.models import PoolMember, ReviewerConflict
from reviews.selectors import is_review_staff


def pool_add(
    *,
    contest: Contest,
    reviewers: list[User],
    actor: User,
    min_load: int = 0,
    max_load: int | None = None,
) -> list[PoolMember]:
    """Add reviewers to a contest's pool (re-activating former members). Guarantees each holds
    the reviewer role with an active profile, and ``min_load <= max_load``."""
    if max_load is not None and max_load < min_load:
        raise ValidationFailed(
            _("max_load: must be at least min_load."),
            fields={"max_load": [_("At least min_load.")]},
        )
    ids = [u.pk for u in reviewers]
    eligible = set(
        ReviewerProfile.objects.filter(
            user_id__in=ids, is_active=True, user__role_grants__role=Role.REVIEWER
        ).values_list("user_id", flat=True)
    )
    missing = [pk for pk in ids if pk not in eligible]
    if missing:
        raise ValidationFailed(
            _("reviewers: users %(missing)s are not active reviewers.") % {"missing": missing},
            fields={"reviewers": [f"Not an active reviewer: {pk}" for pk in missing]},
        )
    with transaction.atomic():
        existing = {
            m.reviewer_id: m
            for m in PoolMember.objects.select_for_update().filter(
                contest=contest, reviewer_id__in=ids
            )
        }
        for member in existing.values():
            member.is_active, member.min_load, member.max_load = True, min_load, max_load
        PoolMember.objects.bulk_update(existing.values(), ["is_active", "min_load", "max_load"])
        PoolMember.objects.bulk_create(
            [
                PoolMember(
                    contest=contest,
                    reviewer_id=pk,
                    min_load=min_load,
                    max_load=max_load,
                    added_by=actor,
                )
                for pk in ids
                if pk not in existing
            ]
        )
        for pk in ids:
            audit_record(actor=actor, action="pool.add", target=contest, data={"reviewer": pk})
    return list(PoolMember.objects.filter(contest=contest, reviewer_id__in=ids))


def pool_update(
    *, member: PoolMember, actor: User, min_load: int, max_load: int | None, is_active: bool
) -> PoolMember:
    """Change a member's load bounds or take them out of (or back into) the pool."""
    if max_load is not None and max_load < min_load:
        raise ValidationFailed(
            _("max_load: must be at least min_load."),
            fields={"max_load": [_("At least min_load.")]},
        )
    with transaction.atomic():
        locked = PoolMember.objects.select_for_update().get(pk=member.pk)
        locked.min_load, locked.max_load, locked.is_active = min_load, max_load, is_active
        locked.save(update_fields=["min_load", "max_load", "is_active"])
        audit_record(
            actor=actor,
            action="pool.update",
            target=locked,
            data={"min_load": min_load, "max_load": max_load, "is_active": is_active},
        )
    return locked


def conflict_declare(
    *,
    reviewer: User,
    organisation: Organisation,
    reason: str,
    actor: User,
    contest: Contest | None = None,
) -> ReviewerConflict:
    """Record a conflict (回避) between a reviewer and an organisation, declared by the reviewer
    themself or by staff (a reviewer cannot declare one for somebody else). Declaring the same
    conflict twice returns the existing one."""
    if actor.pk != reviewer.pk and not is_review_staff(actor):
        raise ValidationFailed(
            _("reviewer: you may declare only your own conflicts."),
            fields={"reviewer": [_("Only yourself.")]},
        )
    if not reason.strip():
        raise ValidationFailed(
            _("reason: a conflict needs a reason."), fields={"reason": [_("Required.")]}
        )
    source = ConflictSource.REVIEWER if actor.pk == reviewer.pk else ConflictSource.STAFF
    with transaction.atomic():
        existing = ReviewerConflict.objects.filter(
            reviewer=reviewer, organisation=organisation, contest=contest
        ).first()
        if existing:
            return existing
        conflict = ReviewerConflict.objects.create(
            reviewer=reviewer,
            organisation=organisation,
            contest=contest,
            reason=reason.strip(),
            source=source,
            declared_by=actor,
        )
        audit_record(
            actor=actor,
            action="conflict.declare",
            target=conflict,
            reason=reason,
            data={"reviewer": reviewer.pk, "organisation": organisation.pk},
        )
    return conflict


def conflict_withdraw(*, conflict: ReviewerConflict, actor: User, reason: str = "") -> None:
    """Delete a declared conflict (staff only; the audit row keeps the trace)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="conflict.withdraw",
            target=conflict,
            reason=reason,
            data={"reviewer": conflict.reviewer_id, "organisation": conflict.organisation_id},
        )
        conflict.delete()
