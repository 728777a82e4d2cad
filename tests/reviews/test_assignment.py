"""Tests of reviews.assignment: pure computation, no Django, no database.

The optimality oracle below is written independently of the module: it builds the full
0/1 programme straight from the rules (loops over every pair, sets for conflicts) and
solves it with scipy's MILP solver.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from reviews.assignment import (
    AssignmentInfeasible,
    AssignmentProblem,
    assign,
    check_assignment,
    pair_affinity,
)
from reviews.assignment.oracles import exact_optimum, random_instance

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)


# ----------------------------------------------------------------------------- helpers


def oracle(p: AssignmentProblem) -> int | None:
    """Optimal total affinity by brute-force MILP over all pairs, or None if infeasible."""
    n_e, n_r, k = p.n_entries, p.n_reviewers, p.k
    et = p.entry_tags.toarray().astype(bool)
    rt = p.reviewer_tags.toarray().astype(bool)
    w = np.ones(et.shape[1]) if p.tag_weights is None else p.tag_weights[: et.shape[1]]
    declared = {(int(r), int(o)) for r, o in p.reviewer_org_conflicts}
    forbidden = {(int(e), int(r)) for e, r in p.forbidden_pairs}
    fixed = {(int(e), int(r)) for e, r in p.fixed_pairs}
    variables = []
    for e in range(n_e):
        for r in range(n_r):
            eo, ro = int(p.entry_org[e]), int(p.reviewer_org[r])
            conflicted = (eo >= 0 and ro == eo) or (r, eo) in declared or (e, r) in forbidden
            if conflicted:
                if (e, r) in fixed:
                    return None
                continue
            variables.append((e, r, float(w[et[e] & rt[r]].sum())))
    nv = len(variables)
    if nv == 0:
        return None
    rows, lb, ub = [], [], []
    for e in range(n_e):
        rows.append([1.0 if v[0] == e else 0.0 for v in variables])
        lb.append(k)
        ub.append(k)
    for r in range(n_r):
        rows.append([1.0 if v[1] == r else 0.0 for v in variables])
        lb.append(p.min_load[r])
        ub.append(p.max_load[r])
    if p.same_employer_limit:
        for e in range(n_e):
            for o in set(int(x) for x in p.reviewer_org if x >= 0):
                rows.append(
                    [1.0 if v[0] == e and p.reviewer_org[v[1]] == o else 0.0 for v in variables]
                )
                lb.append(0)
                ub.append(1)
    lo = np.array([1.0 if (v[0], v[1]) in fixed else 0.0 for v in variables])
    res = milp(
        c=-np.array([v[2] for v in variables]),
        constraints=LinearConstraint(np.array(rows), lb, ub),
        integrality=np.ones(nv),
        bounds=Bounds(lo, np.ones(nv)),
    )
    if res.status == 2:
        return None
    assert res.success, res.message
    return int(round(-res.fun))


@st.composite
def problems(draw, same_employer: bool | None = None, with_fixed: bool = True):
    """Small random instances, most of them feasible."""
    n_e = draw(st.integers(1, 7))
    n_r = draw(st.integers(1, 6))
    k = draw(st.integers(1, min(3, n_r)))
    n_tags = draw(st.integers(1, 5))
    n_org = 4
    ints = st.integers
    entry_org = draw(st.lists(ints(-1, n_org - 1), min_size=n_e, max_size=n_e))
    reviewer_org = draw(st.lists(ints(-1, n_org - 1), min_size=n_r, max_size=n_r))
    tagset = st.lists(ints(0, n_tags - 1), max_size=3)
    entry_tags = draw(st.lists(tagset, min_size=n_e, max_size=n_e))
    reviewer_tags = draw(st.lists(tagset, min_size=n_r, max_size=n_r))
    mean = n_e * k / n_r
    max_load = draw(st.lists(ints(math.ceil(mean), n_e), min_size=n_r, max_size=n_r))
    min_load = [draw(ints(0, min(m, math.floor(mean)))) for m in max_load]
    pair = st.tuples(ints(0, n_e - 1), ints(0, n_r - 1))
    conflicts = draw(st.lists(st.tuples(ints(0, n_r - 1), ints(0, n_org - 1)), max_size=2))
    forbidden = draw(st.lists(pair, max_size=2))
    fixed = draw(st.lists(pair, max_size=2, unique=True)) if with_fixed else []
    same = draw(st.booleans()) if same_employer is None else same_employer
    return AssignmentProblem(
        k=k,
        entry_org=entry_org,
        entry_tags=entry_tags,
        reviewer_org=reviewer_org,
        reviewer_tags=reviewer_tags,
        min_load=min_load,
        max_load=max_load,
        reviewer_org_conflicts=np.array(conflicts, dtype=np.int64).reshape(-1, 2),
        forbidden_pairs=np.array(forbidden, dtype=np.int64).reshape(-1, 2),
        fixed_pairs=np.array(fixed, dtype=np.int64).reshape(-1, 2),
        same_employer_limit=same,
    )


def feasible(p: AssignmentProblem):
    """Solve p, skipping (hypothesis.assume) the infeasible draws."""
    assume(oracle(p) is not None)
    return assign(p)


def tiny(**overrides) -> AssignmentProblem:
    """4 entries of distinct orgs, 4 independent reviewers, k=2, no tags."""
    base = dict(
        k=2,
        entry_org=[0, 1, 2, 3],
        entry_tags=[[], [], [], []],
        reviewer_org=[-1, -1, -1, -1],
        reviewer_tags=[[], [], [], []],
        min_load=[0, 0, 0, 0],
        max_load=[4, 4, 4, 4],
    )
    base.update(overrides)
    return AssignmentProblem(**base)


# ------------------------------------------------------------------ property-based tests


@PROPERTY
@given(problems())
def test_assignment_gives_every_entry_exactly_k_reviewers(p):
    res = feasible(p)
    counts = np.bincount(res.pairs[:, 0], minlength=p.n_entries)
    assert (counts == p.k).all()
    assert res.pairs.shape == (p.n_entries * p.k, 2)


@PROPERTY
@given(problems())
def test_assignment_loads_within_bounds(p):
    res = feasible(p)
    loads = np.bincount(res.pairs[:, 1], minlength=p.n_reviewers)
    assert (loads >= p.min_load).all() and (loads <= p.max_load).all()
    assert (res.loads == loads).all()


@PROPERTY
@given(problems())
def test_assignment_has_no_conflicts(p):
    res = feasible(p)
    declared = {(int(r), int(o)) for r, o in p.reviewer_org_conflicts}
    forbidden = {(int(e), int(r)) for e, r in p.forbidden_pairs}
    for e, r in res.pairs:
        eo = int(p.entry_org[e])
        assert not (eo >= 0 and p.reviewer_org[r] == eo)
        assert (int(r), eo) not in declared
        assert (int(e), int(r)) not in forbidden


@PROPERTY
@given(problems())
def test_assignment_has_no_duplicate_pairs(p):
    res = feasible(p)
    assert len({(int(e), int(r)) for e, r in res.pairs}) == len(res.pairs)


@PROPERTY
@given(problems())
def test_assignment_keeps_fixed_pairs(p):
    res = feasible(p)
    got = {(int(e), int(r)) for e, r in res.pairs}
    assert {(int(e), int(r)) for e, r in p.fixed_pairs} <= got


@PROPERTY
@given(problems(same_employer=True))
def test_assignment_same_employer_limit_honoured(p):
    res = feasible(p)
    for e in range(p.n_entries):
        emps = [int(p.reviewer_org[r]) for r in res.pairs[res.pairs[:, 0] == e, 1]]
        emps = [o for o in emps if o >= 0]
        assert len(emps) == len(set(emps))


@PROPERTY
@given(problems())
def test_assignment_total_affinity_equals_exact_optimum(p):
    best = oracle(p)
    assume(best is not None)
    res = assign(p)
    assert res.complete_graph  # n_reviewers <= candidates_per_entry: nothing pruned
    assert res.total_affinity == best
    assert res.total_affinity == int(pair_affinity(p, res.pairs).sum())
    assert exact_optimum(p) == best


@PROPERTY
@given(problems())
def test_assignment_raises_exactly_when_problem_infeasible(p):
    best = oracle(p)
    if best is None:
        with pytest.raises(AssignmentInfeasible) as info:
            assign(p)
        assert info.value.reasons and all(isinstance(s, str) for s in info.value.reasons)
    else:
        assert check_assignment(p, assign(p).pairs) == []


@PROPERTY
@given(problems(with_fixed=False), st.data())
def test_recusal_after_assignment_keeps_other_pairs_and_drops_recused(p, data):
    first = feasible(p)
    i = data.draw(st.integers(0, len(first.pairs) - 1))
    recused = first.pairs[i]
    kept = np.delete(first.pairs, i, axis=0)
    p2 = dataclasses.replace(
        p, forbidden_pairs=np.vstack([p.forbidden_pairs, recused[None, :]]), fixed_pairs=kept
    )
    assume(oracle(p2) is not None)
    second = assign(p2)
    got = {(int(e), int(r)) for e, r in second.pairs}
    assert {(int(e), int(r)) for e, r in kept} <= got
    assert (int(recused[0]), int(recused[1])) not in got
    assert second.total_affinity == oracle(p2)


# ------------------------------------------------------------------------ infeasibility


def test_infeasible_when_max_loads_too_small_names_slot_shortage():
    p = tiny(max_load=[1, 1, 1, 1])  # 4 entries x 2 = 8 slots, capacity 4
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    assert "need 8 review slots but reviewers' max loads total 4" in str(info.value)


def test_infeasible_when_min_loads_exceed_slots_names_min_loads():
    p = tiny(min_load=[3, 3, 3, 3])  # min loads 12 > 8 slots
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    assert "min loads total 12, exceeding the 8 review slots" in str(info.value)


def test_infeasible_when_entry_lacks_eligible_reviewers_names_entry():
    # reviewers 0-2 work for org 0, the organisation of entry 0: one eligible reviewer left
    p = tiny(reviewer_org=[0, 0, 0, -1])
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    assert "entry 0 has only 1 eligible reviewers, needs 2" in info.value.reasons


def test_infeasible_message_uses_labels_when_given():
    p = tiny(reviewer_org=[0, 0, 0, -1], entry_labels=["E-100", "E-101", "E-102", "E-103"])
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    assert "entry E-100 has only 1 eligible reviewers, needs 2" in info.value.reasons


def test_infeasible_when_declared_conflicts_block_entry():
    conflicts = np.array([[0, 1], [1, 1], [2, 1]])  # reviewers 0-2 conflicted with org 1
    p = tiny(reviewer_org_conflicts=conflicts)
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    assert "entry 1 has only 1 eligible reviewers, needs 2" in info.value.reasons


def test_infeasible_when_reviewer_cannot_reach_min_load_names_reviewer():
    # reviewer 3 is forbidden on 3 of 4 entries but must review 2
    p = tiny(min_load=[0, 0, 0, 2], forbidden_pairs=[[0, 3], [1, 3], [2, 3]])
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    assert "reviewer 3 has only 1 eligible entries" in str(info.value)


def test_infeasible_when_same_employer_leaves_too_few_employers_names_entry():
    # all four reviewers work for org 9 -> at most one of them per entry, k=2
    p = tiny(reviewer_org=[9, 9, 9, 9], same_employer_limit=True)
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    assert "entry 0 has eligible reviewers from only 1 distinct employers, needs 2" in str(
        info.value
    )


def test_infeasible_hall_shortage_found_by_solver_names_slots_and_entries():
    # Counts look fine (each entry has 1 eligible reviewer, capacity 2 >= 2 slots) but both
    # entries can only use reviewer 0, whose max load is 1.
    p = AssignmentProblem(
        k=1,
        entry_org=[0, 0],
        entry_tags=[[], []],
        reviewer_org=[-1, 0],
        reviewer_tags=[[], []],
        min_load=[0, 0],
        max_load=[1, 1],
    )
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    text = str(info.value)
    assert "only 1 of the 2 review slots can be filled" in text
    assert info.value.findings[0].code == "slots_short"
    # which entry ends up short depends on the flow: only true counts are stated
    assert "can get only" not in text
    assert "entry 0 has 1 eligible reviewers for 1 places" in info.value.reasons


def test_infeasible_when_fixed_pair_conflicts():
    p = tiny(reviewer_org=[0, -1, -1, -1], fixed_pairs=[[0, 0]])
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    assert "fixed pair (entry 0, reviewer 0) violates a conflict" in str(info.value)


def test_infeasible_when_fixed_pairs_exceed_max_load():
    p = tiny(max_load=[1, 4, 4, 4], fixed_pairs=[[0, 0], [1, 0]])
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    assert "reviewer 0 has 2 kept assignments, above max load 1" in str(info.value)


# ---------------------------------------------------------------- behaviour of the model


def test_fixed_pairs_count_towards_k_and_load():
    p = tiny(max_load=[2, 4, 4, 4], fixed_pairs=[[0, 0], [1, 0]])
    res = assign(p)
    assert res.loads[0] == 2  # reviewer 0 is full with its two kept pairs
    assert (np.bincount(res.pairs[:, 0]) == 2).all()


def test_loads_even_when_affinities_tie():
    # no tags at all: every assignment has affinity 0, so balance decides
    p = tiny(
        entry_org=list(range(12)),
        entry_tags=[[]] * 12,
        reviewer_org=[-1] * 5,
        reviewer_tags=[[]] * 5,
        min_load=[0] * 5,
        max_load=[24] * 5,
    )
    res = assign(p)
    assert sorted(res.loads.tolist()) == [4, 5, 5, 5, 5]  # 24 slots over 5 reviewers


def test_affinity_dominates_balance():
    # reviewer 0 matches every entry; the others match nothing
    p = tiny(
        reviewer_tags=[[0], [], [], []],
        entry_tags=[[0], [0], [0], [0]],
        max_load=[4, 4, 4, 4],
    )
    res = assign(p)
    assert res.loads[0] == 4 and res.total_affinity == 4
    assert sorted(res.loads[1:].tolist()) == [1, 1, 2]  # the rest as even as possible


def test_soft_balance_weight_trades_affinity_for_balance():
    p = tiny(
        reviewer_tags=[[0], [], [], []],
        entry_tags=[[0], [0], [0], [0]],
        k=1,
    )
    # lexicographic: reviewer 0 takes all 4 entries (affinity 4)
    assert assign(p).loads[0] == 4
    # w=1: load 4 -> 3 saves 2*4-1=7 squared units (7 points) for 1 affinity point
    soft = assign(p, balance_weight=1.0)
    assert soft.loads.max() == 1 and soft.total_affinity == 1


def test_tag_weights_scale_affinity():
    p = tiny(entry_tags=[[0, 1]] * 4, reviewer_tags=[[0, 1]] * 4, tag_weights=[3, 1])
    res = assign(p)
    assert res.total_affinity == 8 * 4  # 8 pairs, each sharing tags worth 3 + 1


def test_pruned_graph_gives_valid_assignment_within_bound():
    p = random_instance(400, 40, 3, 0.05, 40, seed=5)
    res = assign(p, candidates_per_entry=5)  # far fewer than 40 reviewers
    assert not res.complete_graph
    assert check_assignment(p, res.pairs) == []
    best = exact_optimum(p)
    assert res.total_affinity <= best <= res.upper_bound
    assert res.total_affinity >= 0.98 * best


def test_pruned_graph_widens_when_infeasible():
    # A perfect matching is required (min = max = 1).  Every entry prefers reviewer 0, so
    # the one-candidate-per-entry graph has no perfect matching and must be widened.
    n = 12
    p = AssignmentProblem(
        k=1,
        entry_org=list(range(n)),
        entry_tags=[[0]] * n,
        reviewer_org=[-1] * n,
        reviewer_tags=[[0]] + [[]] * (n - 1),
        min_load=[1] * n,
        max_load=[1] * n,
    )
    res = assign(p, candidates_per_entry=1, reviewer_slack=1.0)
    assert res.attempts > 1
    assert check_assignment(p, res.pairs) == []
    assert res.total_affinity == 1


def test_upper_bound_not_below_optimum_on_random_instances():
    for seed in range(5):
        p = random_instance(60, 10, 3, 0.1, 20, seed=seed)
        res = assign(p)
        assert res.total_affinity == exact_optimum(p) <= res.upper_bound


def test_assignment_deterministic_for_seed():
    p = random_instance(300, 30, 3, 0.05, 30, seed=2)
    a = assign(p, candidates_per_entry=6, seed=4)
    b = assign(p, candidates_per_entry=6, seed=4)
    assert np.array_equal(a.pairs, b.pairs)


def test_random_instance_deterministic_for_seed():
    a = random_instance(50, 8, 2, 0.1, 12, seed=3)
    b = random_instance(50, 8, 2, 0.1, 12, seed=3)
    assert np.array_equal(a.entry_org, b.entry_org)
    assert (a.entry_tags != b.entry_tags).nnz == 0
    assert np.array_equal(a.reviewer_org_conflicts, b.reviewer_org_conflicts)


# ------------------------------------------------------------------- check_assignment


def test_check_assignment_accepts_valid_assignment():
    p = tiny()
    assert check_assignment(p, assign(p).pairs) == []


def test_check_assignment_reports_each_violation_kind():
    p = tiny(
        entry_org=[0, 1, 2, 3],
        reviewer_org=[0, 5, 5, -1],
        reviewer_org_conflicts=[[3, 1]],
        forbidden_pairs=[[2, 3]],
        fixed_pairs=[[3, 3]],
        min_load=[0, 0, 0, 1],
        max_load=[1, 4, 4, 4],
        same_employer_limit=True,
    )
    pairs = [
        [0, 0],  # own employer
        [0, 0],  # duplicate
        [1, 3],  # declared conflict
        [2, 3],  # forbidden
        [2, 1],
        [2, 2],  # same employer (org 5) on entry 2 -> also 3 reviewers on entry 2
        [1, 0],  # reviewer 0 load 2 > max 1
        [9, 0],  # out of range
    ]
    kinds = {v.kind for v in check_assignment(p, pairs)}
    assert kinds == {
        "index",
        "duplicate",
        "entry_count",
        "load_high",
        "conflict_employer",
        "conflict_declared",
        "forbidden",
        "fixed_missing",
        "same_employer",
    }


def test_check_assignment_reports_low_load():
    p = tiny(min_load=[0, 0, 0, 1])
    pairs = [[e, r] for e in range(4) for r in (0, 1)]
    kinds = [v.kind for v in check_assignment(p, pairs)]
    assert kinds == ["load_low"]


def test_check_assignment_partial_mode_ignores_missing_reviewers():
    p = tiny(min_load=[1, 0, 0, 0])
    assert check_assignment(p, [[0, 1]], require_complete=False) == []


def test_employer_limit_counting_bound_is_said_before_any_flow():
    """Most reviewers at one employer with one reviewer per employer on an entry: their minimum
    loads cannot fit in the entries of other organisations. A counting bound says so in words
    (no "retry with more candidates", which could not help)."""
    p = AssignmentProblem(
        k=1,
        entry_org=[7, 7, 1, 2],
        entry_tags=[[], [], [], []],
        reviewer_org=[7, 7, 7, -1],
        reviewer_tags=[[], [], [], []],
        min_load=[1, 1, 1, 0],
        max_load=[2, 2, 2, 4],
        same_employer_limit=True,
    )
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    finding = info.value.findings[0]
    assert finding.code == "employer_limit"
    assert finding.params == {"reviewers": 3, "org": 7, "need": "3", "available": "2"}
    assert info.value.reasons[0].startswith("The 3 reviewers employed by organisation 7 need")
    assert "retry" not in str(info.value)


def test_min_loads_above_the_work_are_said_in_words():
    # 2 entries x k=1, minimum loads 2 + 1: more than the 2 reviews to do.
    p = AssignmentProblem(
        k=1,
        entry_org=[0, 0],
        entry_tags=[[], []],
        reviewer_org=[-1, -1],
        reviewer_tags=[[], []],
        min_load=[2, 1],
        max_load=[2, 2],
    )
    with pytest.raises(AssignmentInfeasible) as info:
        assign(p)
    assert [f.code for f in info.value.findings] == ["min_loads_excess"]
    assert info.value.reasons[0] == (
        "The minimum loads add up to 3 reviews, more than the 2 to be done: lower the "
        "minimum loads."
    )
