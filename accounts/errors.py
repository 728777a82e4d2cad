"""The stable codes of the accounts app's refusals (``DomainError.code``, the API's ``code``).
Clients and pages branch on these, never on the (translated) message. ``tests/core/test_rule_homes.py``
checks that every 403/409 raised in the app names a member of this enum."""

from enum import StrEnum


class AccountError(StrEnum):
    DUPLICATE = "duplicate"
    DUPLICATE_ORGANISATION = "duplicate_organisation"
    DUPLICATE_USERNAME = "duplicate_username"
    REVIEWER_STAFF_FIELDS = "reviewer_staff_fields"
    USER_IN_OTHER_ORGANISATION = "user_in_other_organisation"
