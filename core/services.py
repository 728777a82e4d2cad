from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import AuditEvent


def audit_record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Write one audit row. Call it inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        reason=reason,
        data=data or {},
    )


def audit_trail(target: models.Model):
    """The history of one object, newest first."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
    ).select_related("actor")


def model_update(
    *, instance: models.Model, data: dict[str, Any], fields: Iterable[str]
) -> dict[str, list[str]]:
    """Set on ``instance`` those of ``fields`` that ``data`` holds with a new value, without
    saving (the caller validates the whole object, saves and audits in its transaction).
    Returns ``{field: [old, new]}`` of what changed, as text for the audit row; empty when
    nothing did."""
    changed: dict[str, list[str]] = {}
    for name in fields:
        if name in data and getattr(instance, name) != data[name]:
            changed[name] = [str(getattr(instance, name)), str(data[name])]
            setattr(instance, name, data[name])
    return changed


def state_saved(
    instance: models.Model,
    *,
    actor: Any | None,
    action: str,
    from_state: str,
    fields: Iterable[str] = (),
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """The end of every checked state move (lock, check the move against the table, set the
    state: the caller; then this): save the state with ``fields`` (and ``updated_at`` when the
    model has one) and write the audit row from ``from_state`` to the new state."""
    extra = ["updated_at"] if any(f.name == "updated_at" for f in instance._meta.fields) else []
    instance.save(update_fields=["state", *fields, *extra])
    return audit_record(
        actor=actor,
        action=action,
        target=instance,
        from_state=from_state,
        to_state=instance.state,
        reason=reason,
        data=data,
    )
