"""The stable codes of the innovation app's refusals (``DomainError.code``, the API's ``code``).
Clients and pages branch on these, never on the (translated) message. ``tests/core/test_rule_homes.py``
checks that every 403/409 raised in the app names a member of this enum."""

from enum import StrEnum


class StudioError(StrEnum):
    APPLICATION_ALREADY_OPEN = "application_already_open"
    APPLICATION_NOT_IN_REVIEW = "application_not_in_review"
    ASSESSMENT_EXISTS = "assessment_exists"
    DUPLICATE_STUDIO = "duplicate_studio"
    NOT_FLAGGED = "not_flagged"
    NOT_YOUR_ORGANISATION = "not_your_organisation"
    NO_ONE_TO_REMIND = "no_one_to_remind"
    REMINDED_RECENTLY = "reminded_recently"
    REPORT_NOT_MISSING = "report_not_missing"
    STUDIO_IN_REVIEW = "studio_in_review"
    STUDIO_NOT_NAMED = "studio_not_named"
    STUDIO_REVOKED = "studio_revoked"
    TOO_MANY_FILES = "too_many_files"
