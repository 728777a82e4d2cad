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
from reviews.assignment.flow import _build_graph, _make_solver, _reviewer_limits
from reviews.assignment.oracles import contest_instance, exact_optimum
from reviews.assignment.pricing import _potentials, _Pricer
from reviews.assignment.problem import _TIE_Q
from reviews.assignment.pruning import _keys_block, _prepare, _scan

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


# ---- pricing in blocks (reviews.assignment.pricing._Pricer): bounded memory, same pairs


def _first_pricing_state(problem, seed=0):
    """The pruned (THIN) graph solved once, its potentials, and a pricer factory."""
    prep = _prepare(problem, seed)
    sc = _scan(prep, THIN, _reviewer_limits(prep, 2.0))
    g = _build_graph(prep, sc, None)
    smcf = _make_solver(g)
    assert smcf.solve() == smcf.OPTIMAL
    flows = smcf.flows(np.arange(len(g.tails), dtype=np.int32))
    d = _potentials(g, flows, prep.n_e)

    def pricer(chunk, add_per_entry):
        return _Pricer(
            n_e=prep.n_e,
            n_r=prep.n_r,
            active=prep.active,
            keys_block=lambda ents: _keys_block(prep, ents),
            q=_TIE_Q,
            employer=prep.rev_empc,
            same_employer=problem.same_employer_limit,
            chunk=chunk,
            add_per_entry=add_per_entry,
        )

    def price(p, deadline=None):
        return p.price(
            cand_e=sc.cand_e,
            cand_r=sc.cand_r,
            cand_a=sc.cand_a,
            flows_c=flows[: g.n_cand],
            d=d,
            big=g.big,
            deadline=deadline,
        )

    return prep, sc, g, flows, d, pricer, price


def _reference_negatives(problem, prep, sc, g, flows, d):
    """Every eligible pair outside the graph with a negative exact reduced cost, from the
    complete scan, one pair at a time (the group-aware tail potential D(e, employer) = the
    potential of the flowing reviewer of that employer plus its affinity's cost)."""
    full = _scan(prep, prep.n_r, None)
    in_graph = set(zip(sc.cand_e.tolist(), sc.cand_r.tolist(), strict=True))
    n_e, big = prep.n_e, g.big
    group = {}
    if problem.same_employer_limit:
        for e, r, a, f in zip(
            sc.cand_e.tolist(),
            sc.cand_r.tolist(),
            sc.cand_a.tolist(),
            flows[: g.n_cand].tolist(),
            strict=True,
        ):
            if f > 0 and prep.rev_empc[r] >= 0:
                group[(e, int(prep.rev_empc[r]))] = int(d[n_e + r]) + a * big
    out = {}
    for e, r, a in zip(
        full.cand_e.tolist(), full.cand_r.tolist(), full.cand_a.tolist(), strict=True
    ):
        if (e, r) in in_graph:
            continue
        base = int(d[e])
        emp = int(prep.rev_empc[r])
        if emp >= 0 and (e, emp) in group:
            base = max(base, group[(e, emp)])
        rc = -a * big + base - int(d[n_e + r])
        if rc < 0:
            out[(e, r, a)] = rc
    return out


@pytest.mark.parametrize(("same_employer", "seed"), [(False, 11), (True, 3)])
def test_blocked_pricing_finds_the_same_pairs_as_one_pass(same_employer, seed):
    problem = contest_instance(400, 40, seed=seed, same_employer_limit=same_employer)
    prep, sc, g, flows, d, pricer, price = _first_pricing_state(problem)
    reference = _reference_negatives(problem, prep, sc, g, flows, d)
    assert reference  # the thin graph leaves pairs to add back
    found = {}
    for chunk in (1, 7, 64, prep.n_e):
        e, r, a, priced, n_full, negative = price(pricer(chunk, None))
        pairs = set(zip(e.tolist(), r.tolist(), a.tolist(), strict=True))
        assert len(pairs) == len(e)  # no pair twice
        found[chunk] = (pairs, priced, n_full, negative)
    assert all(v == found[prep.n_e] for v in found.values())
    pairs, priced, n_full, negative = found[prep.n_e]
    assert pairs == set(reference) and negative == len(reference)
    assert n_full == len(prep.active)
    # every eligible pair priced once (the graph's own included: the count is of the scan)
    assert priced == int(_scan(prep, prep.n_r, None).elig_entry.sum())


@pytest.mark.parametrize(("same_employer", "seed"), [(False, 11), (True, 3)])
def test_cut_pricing_keeps_the_most_negative_pairs_of_each_entry(same_employer, seed):
    problem = contest_instance(400, 40, seed=seed, same_employer_limit=same_employer)
    prep, sc, g, flows, d, pricer, price = _first_pricing_state(problem)
    reference = _reference_negatives(problem, prep, sc, g, flows, d)
    per_entry = {}
    for (e, _r, _a), rc in reference.items():
        per_entry.setdefault(e, []).append(rc)
    cap = 2
    assert max(len(v) for v in per_entry.values()) > cap  # the cut has work to do
    for chunk in (1, 7, prep.n_e):
        e, r, a, _priced, _n_full, negative = price(pricer(chunk, cap))
        # every negative pair is counted, kept or not: the certificate never rests on the cut
        assert negative == len(reference)
        kept = list(zip(e.tolist(), r.tolist(), a.tolist(), strict=True))
        assert set(kept) <= set(reference) and len(set(kept)) == len(kept)
        got = {}
        for pair in kept:
            got.setdefault(pair[0], []).append(reference[pair])
        assert set(got) == set(per_entry)  # every entry with a negative pair gets some
        for entry, values in per_entry.items():
            best = sorted(values)[:cap]
            assert sorted(got[entry]) == best  # the most negative ones (values; ties alike)


def test_a_tight_cut_still_ends_certified_at_the_dense_optimum(monkeypatch):
    """One pair per entry and round: more rounds, the same certified optimum."""
    from reviews.assignment import pricing

    monkeypatch.setattr(pricing, "_ADD_PER_ENTRY", 1)
    problem = contest_instance(400, 40, seed=11)
    dense = _dense(problem)
    priced = assign(problem, candidates_per_entry=THIN, time_budget_seconds=1e9)
    assert check_assignment(problem, priced.pairs) == []
    assert priced.pricing.certified and priced.pricing.rounds >= 3
    assert priced.pricing.negative_left == 0 and priced.pricing.last_pass_complete
    assert (priced.total_affinity, priced.sum_squared_loads) == (
        dense.total_affinity,
        dense.sum_squared_loads,
    )


def test_a_spent_time_budget_says_not_certified():
    """A budget spent before pricing: no block is priced, nothing is certified, and the result
    is the pruned graph's optimum (valid)."""
    problem = contest_instance(400, 40, seed=11)
    priced = assign(problem, candidates_per_entry=THIN, time_budget_seconds=0)
    assert check_assignment(problem, priced.pairs) == []
    assert not priced.pricing.certified and not priced.certified_optimal
    assert not priced.pricing.last_pass_complete
    assert priced.pricing.rounds == 1 and priced.pricing.pairs_added == 0
    assert priced.upper_bound >= priced.total_affinity


def test_a_pass_cut_by_its_deadline_certifies_nothing():
    """The deadline stops a pass between blocks: the negative pairs of the blocks read so far
    are returned, the pass says it is incomplete, even when those blocks had no negative pair."""
    problem = contest_instance(400, 40, seed=11)
    prep, sc, g, flows, d, pricer, price = _first_pricing_state(problem)
    p = pricer(7, None)
    e, _r, _a, priced, n_full, negative = price(p, deadline=0.0)
    assert not p.last_pass_complete and priced == 0 and negative == 0 and len(e) == 0
    assert n_full == 0  # no entry was read
    assert p.reserve is None  # an incomplete pass leaves no reserve to trust
    _e, _r, _a, priced, _n_full, negative = price(p)
    assert p.last_pass_complete and priced > 0 and negative > 0


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_a_pass_projected_to_end_past_its_deadline_stops_after_its_first_blocks(threads):
    """An incomplete pass adds nothing, so once its pace says it cannot end before the
    deadline it stops at once instead of running until the deadline; a deadline it can meet
    lets it end."""
    import time

    from reviews.assignment import pricing

    problem = contest_instance(400, 40, seed=11)
    prep, _sc, _g, _flows, _d, pricer, price = _first_pricing_state(problem)

    def run(deadline_in):
        p = pricer(7, None)  # 58 blocks of 7 entries
        p.threads = threads
        slow_keys = p.keys_block

        def keys_block(ents):
            time.sleep(0.02)  # a slow machine: 0.4-1.2 s for the whole pass
            return slow_keys(ents)

        p.keys_block = keys_block
        started = time.perf_counter()
        _e, _r, _a, _priced, n_full, _negative = price(p, deadline=started + deadline_in)
        return p.last_pass_complete, n_full, time.perf_counter() - started

    complete, n_full, seconds = run(0.3)
    assert not complete
    # stopped at the first wave of blocks after its pace was known
    waves = -(-pricing._PACE_BLOCKS // threads)
    assert n_full == waves * threads * 7
    assert seconds < 0.3
    complete, n_full, _seconds = run(60)
    assert complete and n_full == len(prep.active)


@pytest.mark.parametrize("same_employer", [False, True])
@pytest.mark.parametrize("pruned", [True, False])
def test_the_scan_does_not_depend_on_its_number_of_threads(monkeypatch, same_employer, pruned):
    from reviews.assignment import pruning

    problem = contest_instance(600, 60, seed=8, same_employer_limit=same_employer)
    prep = _prepare(problem, 0)
    monkeypatch.setattr(pruning, "_CHUNK_CELLS", 600)  # 60 chunks of 10 entries
    m, limits = (THIN, _reviewer_limits(prep, 2.0)) if pruned else (prep.n_r, None)
    one = _scan(prep, m, limits, threads=1)
    for threads in (2, 3):
        other = _scan(prep, m, limits, threads=threads)
        for field in (
            "cand_e",
            "cand_r",
            "cand_a",
            "elig_entry",
            "elig_rev",
            "distinct_entry",
        ):
            assert np.array_equal(getattr(one, field), getattr(other, field)), field
        assert (other.ub_new, other.complete) == (one.ub_new, one.complete)
    assert one.complete is not pruned and len(one.cand_e) > 0


@pytest.mark.parametrize("same_employer", [False, True])
def test_a_pricing_pass_does_not_depend_on_its_number_of_threads(same_employer):
    problem = contest_instance(
        400, 40, seed=3 if same_employer else 11, same_employer_limit=same_employer
    )
    _prep, _sc, _g, _flows, _d, pricer, price = _first_pricing_state(problem)
    results = []
    for threads in (1, 2, 3):
        p = pricer(7, 3)
        p.threads = threads
        e, r, a, priced, n_full, negative = price(p)
        results.append((e, r, a, priced, n_full, negative, p.reserve))
    first = results[0]
    assert first[5] > 0 and len(first[0]) > 0  # the pass had negative pairs to return
    for other in results[1:]:
        for x, y in zip(first[:3], other[:3], strict=True):
            assert np.array_equal(x, y)
        assert other[3:6] == first[3:6]
        for field in ("ptr", "rev", "aff", "margin", "scanned"):
            assert np.array_equal(getattr(first[6], field), getattr(other[6], field)), field
