"""Pricing (reviews.assignment, "Pricing"): the pruned solve, once priced, is the exact optimum of
the full problem — compared with the dense optimum (every eligible pair in the flow, and the
MILP) on small instances, with a pruned graph deliberately too thin to contain it."""

from dataclasses import replace

import numpy as np
import pytest

from reviews.assignment import (
    AssignmentProblem,
    assign,
    check_assignment,
)
from reviews.assignment.oracles import contest_instance, exact_optimum

THIN = 6  # candidates per entry: k + 1, far too few for the optimum


def _dense(problem: AssignmentProblem, **kwargs):
    return assign(problem, candidates_per_entry=problem.n_reviewers, **kwargs)


@pytest.mark.parametrize(
    ("n_e", "n_r", "tight", "same_employer", "seed"),
    [
        (400, 40, False, False, 11),
        (400, 40, True, False, 2),
        (400, 40, False, True, 3),
        (600, 60, True, False, 4),
    ],
)
def test_priced_result_equals_the_dense_optimum(n_e, n_r, tight, same_employer, seed):
    problem = contest_instance(
        n_e, n_r, seed=seed, tight_loads=tight, same_employer_limit=same_employer
    )
    dense = _dense(problem)
    thin_unpriced = assign(
        problem, candidates_per_entry=THIN, prove_optimal=False, target_gap_percent=100
    )
    priced = assign(problem, candidates_per_entry=THIN)
    assert check_assignment(problem, priced.pairs) == []
    # the thin graph alone misses the optimum: pricing had work to do
    assert not thin_unpriced.complete_graph and not priced.complete_graph
    assert (thin_unpriced.total_affinity, -thin_unpriced.sum_squared_loads) < (
        dense.total_affinity,
        -dense.sum_squared_loads,
    )
    assert priced.pricing.certified and priced.pricing.pairs_added > 0
    assert priced.pricing.rounds >= 2
    # the lexicographic optimum of the full problem: affinity, then the most even loads
    assert priced.total_affinity == dense.total_affinity
    assert priced.sum_squared_loads == dense.sum_squared_loads
    assert priced.upper_bound == priced.total_affinity and priced.certified_optimal


def test_priced_result_equals_the_milp_optimum():
    problem = contest_instance(150, 20, seed=5)
    priced = assign(problem, candidates_per_entry=THIN)
    assert priced.pricing.certified
    assert priced.total_affinity == exact_optimum(problem)


def test_pricing_respects_fixed_and_forbidden_pairs():
    problem = contest_instance(300, 30, seed=6)
    first = _dense(problem).pairs
    fixed = first[::7][:40]
    forbidden = first[3::11][:40]
    forbidden = forbidden[
        ~np.isin(forbidden[:, 0] * 30 + forbidden[:, 1], fixed[:, 0] * 30 + fixed[:, 1])
    ]
    problem = replace(problem, fixed_pairs=fixed, forbidden_pairs=forbidden)
    priced = assign(problem, candidates_per_entry=THIN)
    dense = _dense(problem)
    assert check_assignment(problem, priced.pairs) == []
    assert priced.pricing.certified
    assert (priced.total_affinity, priced.sum_squared_loads) == (
        dense.total_affinity,
        dense.sum_squared_loads,
    )


def test_pricing_without_balance_gives_the_maximum_affinity():
    problem = contest_instance(400, 40, seed=7)
    priced = assign(problem, candidates_per_entry=THIN, balance_weight=0)
    assert priced.pricing.certified
    assert priced.total_affinity == _dense(problem, balance_weight=0).total_affinity


def test_complete_graph_and_opt_out_are_not_priced():
    problem = contest_instance(200, 40, seed=8)
    assert _dense(problem).pricing is None  # every pair in the graph: nothing to price
    unpriced = assign(problem, prove_optimal=False)
    assert unpriced.pricing is None and not unpriced.certified_optimal
