"""The one mechanism behind every state machine in the product.

Each app declares its allowed moves as a plain mapping in its ``enums.py``::

    ENTRY_TRANSITIONS = {EntryState.DRAFT: {EntryState.SUBMITTED}, ...}

and every state-changing service calls :func:`check_transition` before saving.

The refusal is user-facing text: it names the states by their translated labels (the ``label`` of
the choices, one label per state in each language) and the object by a translated noun, in the
language of the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from core.exceptions import InvalidTransition

# The object a refused move is about, by the stable key the services pass as ``what`` (every
# key used in the code must be here: tests/core/test_error_messages.py).
SUBJECTS = {
    "application": pgettext_lazy("transition subject", "application"),
    "assignment": pgettext_lazy("transition subject", "assignment"),
    "contest": pgettext_lazy("transition subject", "contest"),
    "draw": pgettext_lazy("transition subject", "draw"),
    "entry on stage": pgettext_lazy("transition subject", "entry on stage"),
    "entry": pgettext_lazy("transition subject", "entry"),
    "incubation": pgettext_lazy("transition subject", "incubation"),
    "job": pgettext_lazy("transition subject", "job"),
    "milestone": pgettext_lazy("transition subject", "milestone"),
    "notice": pgettext_lazy("transition subject", "notice"),
    "objection": pgettext_lazy("transition subject", "objection"),
    "panel member": pgettext_lazy("transition subject", "panel member"),
    "report": pgettext_lazy("transition subject", "report"),
    "results notice": pgettext_lazy("transition subject", "results notice"),
    "review": pgettext_lazy("transition subject", "review"),
    "round": pgettext_lazy("transition subject", "round"),
    "studio": pgettext_lazy("transition subject", "studio"),
}


def _label(state: object) -> str:
    return str(getattr(state, "label", None) or getattr(state, "value", state))


def _member(table: Mapping[object, set | frozenset], state: object) -> object:
    """The table's own member for ``state``: a model field gives the stored value (a plain
    ``str``), which has no label; the choices member equal to it has."""
    if hasattr(state, "label"):
        return state
    for key, targets in table.items():
        for member in (key, *targets):
            if member == state and hasattr(member, "label"):
                return member
    return state


def check_transition(
    table: Mapping[object, set | frozenset], current: object, target: object, *, what: str
) -> None:
    """Raise :class:`InvalidTransition` (HTTP 409) unless ``current -> target`` is in ``table``."""
    allowed = table.get(current, set())
    if target not in allowed:
        current, target = _member(table, current), _member(table, target)
        names = {"current": _label(current), "target": _label(target)}
        options = ", ".join(sorted(_label(s) for s in allowed)) or pgettext(
            "transition options", "none"
        )
        raise InvalidTransition(
            _(
                "Cannot move %(what)s from '%(current)s' to '%(target)s'. "
                "Allowed from '%(current)s': %(options)s."
            )
            % {**names, "what": str(SUBJECTS.get(what, what)), "options": options},
            fields={"state": [_("'%(target)s' is not reachable from '%(current)s'.") % names]},
        )


def allowed_targets(table: Mapping[object, set | frozenset], current: object) -> list[str]:
    return sorted(s.value if isinstance(s, Enum) else str(s) for s in table.get(current, set()))
