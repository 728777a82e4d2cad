"""The one mechanism behind every state machine in the product.

Each app declares its allowed moves as a plain mapping in its ``enums.py``::

    ENTRY_TRANSITIONS = {EntryState.DRAFT: {EntryState.SUBMITTED}, ...}

and every state-changing service calls :func:`check_transition` before saving.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from core.exceptions import InvalidTransition


def _label(state: object) -> str:
    return str(getattr(state, "label", None) or getattr(state, "value", state))


def check_transition(
    table: Mapping[object, set | frozenset], current: object, target: object, *, what: str
) -> None:
    """Raise :class:`InvalidTransition` (HTTP 409) unless ``current -> target`` is in ``table``."""
    allowed = table.get(current, set())
    if target not in allowed:
        options = ", ".join(sorted(_label(s) for s in allowed)) or "none"
        raise InvalidTransition(
            f"Cannot move {what} from '{_label(current)}' to '{_label(target)}'. "
            f"Allowed from '{_label(current)}': {options}.",
            fields={"state": [f"'{_label(target)}' is not reachable from '{_label(current)}'."]},
        )


def allowed_targets(table: Mapping[object, set | frozenset], current: object) -> list[str]:
    return sorted(s.value if isinstance(s, Enum) else str(s) for s in table.get(current, set()))
