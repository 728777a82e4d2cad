from __future__ import annotations

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
