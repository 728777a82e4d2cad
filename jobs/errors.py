"""The stable codes of the jobs app's refusals (``DomainError.code``, the API's ``code``).
Clients and pages branch on these, never on the (translated) message. ``tests/core/test_rule_homes.py``
checks that every 403/409 raised in the app names a member of this enum."""

from enum import StrEnum


class JobError(StrEnum):
    JOB_CANCEL_NOT_PERMITTED = "job_cancel_not_permitted"
    JOB_RUNNING = "job_running"
    JOB_NO_FILE = "job_no_file"
