"""The stable codes of the projects app's refusals (``DomainError.code``, the API's ``code``).
Clients and pages branch on these, never on the (translated) message. ``tests/core/test_rule_homes.py``
checks that every 403/409 raised in the app names a member of this enum."""

from enum import StrEnum


class ProjectError(StrEnum):
    CONTEST_FROZEN = "contest_frozen"
    CONTEST_INCOMPLETE = "contest_incomplete"
    DUPLICATE_CATEGORY = "duplicate_category"
    DUPLICATE_EDITION = "duplicate_edition"
    ENTRY_LIMIT_REACHED = "entry_limit_reached"
    ENTRY_NOT_EDITABLE = "entry_not_editable"
    EXPORT_TOO_LARGE = "export_too_large"
    INCOMPLETE_ENTRY = "incomplete_entry"
    NOT_AN_ENTERPRISE_MEMBER = "not_an_enterprise_member"
    NOT_YOUR_ORGANISATION = "not_your_organisation"
    REGISTRATION_CLOSED = "registration_closed"
