"""The stable codes of the certificates app's refusals (``DomainError.code``, the API's ``code``).
Clients and pages branch on these, never on the (translated) message. ``tests/core/test_rule_homes.py``
checks that every 403/409 raised in the app names a member of this enum."""

from enum import StrEnum


class CertificateError(StrEnum):
    RESULTS_NOT_FINAL = "results_not_final"
