"""The stable codes of the core app's refusals (``DomainError.code``, the API's ``code``).
Clients and pages branch on these, never on the (translated) message. ``tests/core/test_rule_homes.py``
checks that every 403/409 raised in the app names a member of this enum."""

from enum import StrEnum


class CoreError(StrEnum):
    DOCUMENT_UNREADABLE = "document_unreadable"
    # a state move the app's transition table does not allow (``core.transitions``)
    INVALID_TRANSITION = "invalid_transition"
