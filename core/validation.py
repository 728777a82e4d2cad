from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed


def full_clean_or_400(
    instance: models.Model,
    *,
    exclude: Iterable[str] = (),
    validate_unique: bool = False,
    validate_constraints: bool = False,
) -> None:
    """Run the model's field validators; turn their messages into a 400 naming each field.

    Uniqueness and constraints are off by default: services check those themselves and answer
    with a 409 that says what clashes (the database constraints stay as the last guard).
    """
    try:
        instance.full_clean(
            exclude=list(exclude),
            validate_unique=validate_unique,
            validate_constraints=validate_constraints,
        )
    except ValidationError as exc:
        raise ValidationFailed(
            "; ".join(
                _("%(field)s: %(messages)s") % {"field": k, "messages": " ".join(v)}
                for k, v in exc.message_dict.items()
            ),
            fields=exc.message_dict,
        ) from exc
