"""The stable codes of the reviews app's refusals (``DomainError.code``, the API's ``code`` and a
page's error). Clients and pages branch on these, never on the message, which is translated.

A refused *input* (400) is ``validation_error`` with the field named in ``fields``; a refused
*move or state* (403, 409) carries one of the codes below. ``tests/core/test_rule_homes.py``
checks that every 403/409 raised in the app names a member of this enum.
"""

from enum import StrEnum


class ReviewError(StrEnum):
    # rounds and their settings
    ROUND_NOT_DRAFT = "round_not_draft"
    RUBRIC_MISSING = "rubric_missing"
    PREVIOUS_ROUND_NOT_FINALIZED = "previous_round_not_finalized"
    ROUND_WITHOUT_ENTRIES = "round_without_entries"
    ROUND_NOT_OPEN = "round_not_open"
    ROUND_NOT_CLOSED = "round_not_closed"
    ROUND_NOT_FINALIZED = "round_not_finalized"
    ROUND_NOT_REVIEWING = "round_not_reviewing"
    # a step (job) started on a round that is not in the state it needs
    ROUND_WRONG_STATE = "round_wrong_state"
    BLIND_TEXT_FLAGGED = "blind_text_flagged"
    # assignments
    ROUND_NOT_ASSIGNABLE = "round_not_assignable"
    ASSIGNMENT_INVALID = "assignment_invalid"
    ASSIGNMENT_INFEASIBLE = "assignment_infeasible"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    ALREADY_ASSIGNED = "already_assigned"
    ENTRY_FULL = "entry_full"
    REVIEWER_LOAD_FULL = "reviewer_load_full"
    SAME_EMPLOYER = "same_employer"
    NOT_YOUR_ASSIGNMENT = "not_your_assignment"
    ASSIGNMENT_INACTIVE = "assignment_inactive"
    # reviewing
    PLEDGE_REQUIRED = "pledge_required"
    PLEDGE_FROZEN = "pledge_frozen"
    PLEDGE_STAFF_ONLY = "pledge_staff_only"
    NOT_ASSIGNED = "not_assigned"
    DEADLINE = "deadline"
    REVIEW_LOCKED = "review_locked"
    # awards
    AWARD_NOT_FINAL_ROUND = "award_not_final_round"
    AWARD_EXISTS = "award_exists"
