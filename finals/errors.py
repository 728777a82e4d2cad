"""The stable codes of the finals app's refusals (``DomainError.code``, the API's ``code``).
Clients and pages branch on these, never on the (translated) message. ``tests/core/test_rule_homes.py``
checks that every 403/409 raised in the app names a member of this enum."""

from enum import StrEnum


class FinalError(StrEnum):
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    # the final round's deadline has passed (the same code as the online review's refusal)
    DEADLINE = "deadline"
    DRAW_IMPOSSIBLE = "draw_impossible"
    DRAW_NOT_DRAWN = "draw_not_drawn"
    ENTRY_ON_STAGE = "entry_on_stage"
    NO_FINALISTS = "no_finalists"
    NOT_ON_PANEL = "not_on_panel"
    NOT_SEATED = "not_seated"
    NOTHING_ON_STAGE = "nothing_on_stage"
    PANEL_INCOMPLETE = "panel_incomplete"
    PANEL_UNANSWERED = "panel_unanswered"
    PLEDGE_REQUIRED = "pledge_required"
    ROUND_FINALIZED = "round_finalized"
    ROUND_NOT_ASSIGNING = "round_not_assigning"
    ROUND_NOT_OPEN = "round_not_open"
    SCORING_CLOSED = "scoring_closed"
    SESSION_UNFINISHED = "session_unfinished"
    SIGN_IN_CODE_INVALID = "sign_in_code_invalid"
    STAFF_ONLY = "staff_only"
