"""The per-criterion score rule, in one place: every criterion scored from 0 to its maximum, one
decimal at most, only the round's criteria, none twice; the errors name the criterion
(``scores.<name>``). Pure (no database): the online review (``reviews.services.reviewing``) and
the live final's phones (``finals.services.score_submit``) both call it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from reviews.models import Criterion

ONE_DECIMAL = Decimal("0.1")


def _criterion_of(by_id: dict[int, Criterion], key: object) -> Criterion | None:
    try:
        return by_id.get(int(key))
    except (TypeError, ValueError):
        return None


def clean_criterion_scores(
    criteria: Sequence[Criterion], scores: Iterable[dict], *, complete: bool
) -> dict[int, tuple[Decimal, str]]:
    """``scores`` is a list of ``{"criterion": id, "score": value, "comment": text}`` (the
    comment optional). Returns ``{criterion id: (score, comment)}``; raises ``ValidationFailed``
    naming the first criterion at fault. ``complete``: every criterion of the rubric must be
    scored (submitting)."""
    by_id = {c.pk: c for c in criteria}
    clean: dict[int, tuple[Decimal, str]] = {}
    for item in scores:
        criterion = _criterion_of(by_id, item.get("criterion"))
        if criterion is None:
            raise ValidationFailed(
                _("scores: criterion %(criterion)s is not in this round's rubric.")
                % {"criterion": item.get("criterion")},
                fields={
                    "scores": [
                        _("Unknown criterion %(criterion)s.") % {"criterion": item.get("criterion")}
                    ]
                },
            )
        key = f"scores.{criterion.name}"
        try:
            value = Decimal(str(item.get("score")).strip())
        except (InvalidOperation, TypeError):
            value = None
        if value is None or not value.is_finite():
            raise ValidationFailed(
                _("%(name)s: not a number.") % {"name": criterion.name},
                fields={key: [_("Not a number.")]},
            )
        if value < 0 or value > criterion.max_score:
            raise ValidationFailed(
                _("%(name)s: the score must lie between 0 and %(max_score)s.")
                % {"name": criterion.name, "max_score": criterion.max_score},
                fields={
                    key: [_("Between 0 and %(max_score)s.") % {"max_score": criterion.max_score}]
                },
            )
        if value != value.quantize(ONE_DECIMAL):
            raise ValidationFailed(
                _("%(name)s: one decimal place at most.") % {"name": criterion.name},
                fields={key: [_("One decimal place at most.")]},
            )
        if criterion.pk in clean:
            raise ValidationFailed(
                _("%(name)s: scored twice.") % {"name": criterion.name},
                fields={key: [_("Scored twice.")]},
            )
        clean[criterion.pk] = (value.quantize(ONE_DECIMAL), str(item.get("comment", "")))
    if complete:
        missing = [c.name for c in criteria if c.pk not in clean]
        if missing:
            raise ValidationFailed(
                _("%(criterion)s: every criterion needs a score before submitting.")
                % {"criterion": missing[0]},
                fields={f"scores.{name}": [_("Required to submit.")] for name in missing},
            )
    return clean
