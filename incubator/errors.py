"""The stable codes of the incubator app's refusals (``DomainError.code``, the API's ``code``).
Clients and pages branch on these, never on the (translated) message. ``tests/core/test_rule_homes.py``
checks that every 403/409 raised in the app names a member of this enum."""

from enum import StrEnum


class IncubatorError(StrEnum):
    ALREADY_ADMITTED = "already_admitted"
    ENTRY_NOT_ADMISSIBLE = "entry_not_admissible"
    INCUBATION_ENDED = "incubation_ended"
    NO_ONE_TO_REMIND = "no_one_to_remind"
    PERIOD_NOT_OVER = "period_not_over"
    REMINDED_RECENTLY = "reminded_recently"
    REPORT_NOT_OWED = "report_not_owed"
    START_BEFORE_AWARD = "start_before_award"
    START_DATE_BACKDATED = "start_date_backdated"
