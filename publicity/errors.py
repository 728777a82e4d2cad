"""The stable codes of the publicity app's refusals (``DomainError.code``, the API's ``code``).
Clients and pages branch on these, never on the (translated) message. ``tests/core/test_rule_homes.py``
checks that every 403/409 raised in the app names a member of this enum."""

from enum import StrEnum


class PublicityError(StrEnum):
    NOTICE_CLOSED = "notice_closed"
    NOTICE_EMPTY = "notice_empty"
    NOTICE_NOT_DRAFT = "notice_not_draft"
    NOTICE_NOT_PUBLISHED = "notice_not_published"
    OBJECTION_NOT_IN_HANDLING = "objection_not_in_handling"
    OBJECTIONS_OPEN = "objections_open"
    PERIOD_OVER = "period_over"
    PERIOD_RUNNING = "period_running"
    ROUND_NOT_FINAL = "round_not_final"
