"""The reviewer's queue, for display: their assignments grouped by round, what still needs them
first (to do, then drafted, then done). Pure functions over what
``reviews.selectors.assignments_of_reviewer`` returned (reviews prefetched)."""

from __future__ import annotations

from reviews.enums import ReviewState

TODO, DRAFTED, DONE = "todo", "drafted", "done"
_ORDER = {TODO: 0, DRAFTED: 1, DONE: 2}


def progress_of(assignment) -> str:
    review = getattr(assignment, "review", None)
    if review is None:
        return TODO
    return DONE if review.state == ReviewState.SUBMITTED else DRAFTED


def rounds_with_queues(assignments: list, *, accepted_round_ids: set[int]) -> list[dict]:
    rounds: dict[int, dict] = {}
    for a in assignments:
        group = rounds.setdefault(
            a.round_id,
            {
                "round": a.round,
                "pledge_accepted": a.round_id in accepted_round_ids,
                "items": [],
                TODO: 0,
                DRAFTED: 0,
                DONE: 0,
            },
        )
        state = progress_of(a)
        group[state] += 1
        group["items"].append({"assignment": a, "state": state})
    for group in rounds.values():
        group["items"].sort(key=lambda i: (_ORDER[i["state"]], i["assignment"].entry_id))
        group["total"] = len(group["items"])
    return sorted(rounds.values(), key=lambda g: (g["round"].deadline, g["round"].pk))


def next_in_queue(assignments: list, current) -> object | None:
    """The next entry of the same round that is not submitted, after ``current`` in entry
    order (wrapping round), or None."""
    same = [
        a
        for a in assignments
        if a.round_id == current.round_id and a.pk != current.pk and progress_of(a) != DONE
    ]
    if not same:
        return None
    later = [a for a in same if a.entry_id > current.entry_id]
    return min(later or same, key=lambda a: a.entry_id)
