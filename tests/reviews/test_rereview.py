"""复评 picks (pure): one more reviewer per disputed entry, under the solver's rules."""

import numpy as np
import pytest

from reviews.assignment import AssignmentProblem
from reviews.rereview import pick_extra_reviewers


def problem(**kw):
    # 2 entries (org 100, org 101), 4 reviewers; tags: entry 0 has tag 0, entry 1 tag 1
    base = dict(
        k=2,
        entry_org=[100, 101],
        entry_tags=[[0], [1]],
        reviewer_org=[-1, 100, -1, -1],
        reviewer_tags=[[], [0], [0], [1]],
        min_load=[0, 0, 0, 0],
        max_load=[5, 5, 5, 5],
    )
    base.update(kw)
    return AssignmentProblem(**base)


ACTIVE = np.array([[0, 0], [0, 3], [1, 0], [1, 1]])


def test_pick_prefers_affinity_and_skips_own_employer():
    # entry 0: reviewer 1 matches the tag but works for org 100 -> reviewer 2 (tag 0)
    pick = pick_extra_reviewers(problem(), ACTIVE, [0])
    assert pick.pairs.tolist() == [[0, 2]]


def test_pick_skips_declared_conflicts_and_forbidden_pairs():
    p = problem(reviewer_org_conflicts=[[2, 100]])
    pick = pick_extra_reviewers(p, ACTIVE, [0])
    assert pick.unserved and 0 in pick.unserved  # 0, 3 on it; 1 employer; 2 declared
    p = problem(forbidden_pairs=[[1, 3]])
    assert pick_extra_reviewers(p, ACTIVE, [1]).pairs.tolist() == [[1, 2]]


def test_pick_respects_the_maximum_load_and_counts_its_own_picks():
    p = problem(
        max_load=[5, 1, 5, 5],
        entry_tags=[[0], [0]],
        entry_org=[200, 201],
        reviewer_tags=[[], [0], [], [1]],
    )
    active = np.array([[0, 0], [0, 3], [1, 0], [1, 3]])
    pick = pick_extra_reviewers(p, active, [0, 1])
    # reviewer 1 (the only match) takes entry 0 and is then full: entry 1 gets reviewer 2
    assert pick.pairs.tolist() == [[0, 1], [1, 2]]


def test_pick_keeps_one_reviewer_per_employer_when_the_round_says_so():
    p = problem(reviewer_org=[-1, 300, 300, -1], entry_org=[200, 201], same_employer_limit=True)
    active = np.array([[0, 1], [0, 3], [1, 0], [1, 3]])
    pick = pick_extra_reviewers(p, active, [0])
    assert pick.pairs.tolist() == [[0, 0]]  # reviewer 2 shares employer 300 with reviewer 1


def test_pick_for_an_entry_that_already_had_one_more():
    active = np.vstack([ACTIVE, [[0, 2]]])
    p = problem(entry_org=[200, 101])
    assert pick_extra_reviewers(p, active, [0]).pairs.tolist() == [[0, 1]]


def test_pick_refuses_an_entry_index_out_of_range():
    with pytest.raises(ValueError):
        pick_extra_reviewers(problem(), ACTIVE, [7])
