"""Optimal reviewer assignment for the innovation contest (pure Python + numpy/scipy/OR-Tools).

No Django, no database: the caller maps model instances to integer indices and back.

Problem
=======
Give every entry exactly ``k`` reviewers such that

* each reviewer's load (number of entries reviewed, fixed pairs included) lies in
  ``[min_load[r], max_load[r]]``;
* no pair is *conflicted*:  a reviewer never reviews an entry of their own employer
  organisation, nor an entry of an organisation they declared a conflict with, nor a
  ``forbidden_pairs`` pair (recusals, manual bans);
* optionally (``same_employer_limit=True``) at most one reviewer per employer
  organisation on one entry (reviewers with employer ``-1`` are independent);
* ``fixed_pairs`` (kept assignments) stay, count towards ``k`` and towards loads;

and, among all such assignments, **maximise the total affinity**; among the
assignments with maximal affinity, **minimise the sum of squared loads** (the most even
load distribution).  Affinity of (entry, reviewer) is the number of tags they share, or
with ``tag_weights`` the sum of the (non-negative integer) weights of the shared tags.
Typical use: category tag weight 3, keyword tag weight 1.

Model
=====
A min-cost flow solved by OR-Tools ``SimpleMinCostFlow`` (cost-scaling push-relabel, exact
on integers)::

    entry e (supply k - fixed_e) --1--> [group (e, employer)] --1--> reviewer r --> sink

* Entry -> reviewer arcs have capacity 1 and cost ``-affinity * BIG``.
* Same-employer limit: candidates of one entry that share an employer hang below a
  group node fed by a single capacity-1 arc.  This is a laminar (tree) structure, so the
  model stays a pure network flow and stays exact.
* Lower load bounds are modelled exactly by the standard supply transformation: reviewer
  r gets demand ``min_load - fixed`` and the sink's demand shrinks accordingly, so every
  feasible flow meets every minimum load.
* Load balancing: the remaining capacity of r is split into unit arcs r -> sink; the unit
  that brings r's *total* load to ``l`` costs ``2l - 1`` (the marginal cost of ``l**2``).
  The cost is convex, so the solver fills cheaper units first and the flow minimises
  ``sum(load**2)``.

Affinity versus balance
-----------------------
With ``balance_weight=None`` (default) the objective is lexicographic: affinity first,
balance as a tie-break.  ``BIG = (largest unit cost - smallest unit cost) + 1`` suffices:
any improvement of an optimal flow decomposes into residual cycles; a cycle that gains
at least 1 affinity point passes the sink at most once, so its balance cost changes by
less than ``BIG`` and the cycle would have negative total cost, contradicting
optimality.  Hence the result has maximal affinity within the candidate graph, and the
smallest ``sum(load**2)`` among such solutions.  Costs stay small (a few thousand), far
from the solver's overflow limits.

With ``balance_weight=w > 0`` the trade-off is soft: one unit of ``sum(load**2)`` is worth
``w`` affinity points (e.g. ``w=0.05``: moving one review from a reviewer at load 60 to one
at load 40 changes ``sum(load**2)`` by ``(59**2 + 41**2) - (60**2 + 40**2) = -38``, worth
1.9 affinity points, so it happens unless it loses 2 or more).  ``w=0`` ignores balance
entirely (any maximum-affinity assignment).

Pruning (why 100,000 x 5,000 fits in seconds)
=============================================
The full bipartite graph would have 5e8 arcs.  Instead one chunked, vectorised pass
computes the dense affinity block of a few hundred entries against all reviewers
(``entry_tags @ reviewer_tags.T``), marks conflicts, and keeps

1. per entry the ``candidates_per_entry`` best eligible reviewers (default ``max(4k, k+10)``);
2. per reviewer the ``ceil(reviewer_slack * cap)`` best eligible entries (streamed top-M
   per column), where ``cap = min(remaining max load, max(remaining min load,
   4 * mean load))``.  This guarantees reviewers that nobody ranks first (narrow
   expertise, or only zero-affinity matches) still get enough arcs to reach their
   minimum load and to absorb overflow.

Ties (above all the many zero-affinity pairs) are broken by a seeded pseudo-random key:
``key = affinity * 65536 + ((h_e + h_r) mod 65536)`` with per-entry/per-reviewer 16-bit
random numbers from ``numpy.random.default_rng(seed)``.  For each entry this visits
equal-affinity reviewers in a random rotation of one fixed random order, so low-affinity
candidates are spread evenly over all reviewers, deterministically for a given seed.

The same pass yields exact per-entry and per-reviewer eligibility counts (for the
infeasibility explanations) and an upper bound on the optimum of the *full* problem:
``fixed affinity + min(sum_e top-(k - fixed_e) eligible affinities of e,
sum_r top-(remaining max load) eligible affinities of r)``.

If the pruned graph turns out infeasible although the pre-checks passed, both candidate
sets are doubled and the solve is retried; when the widened set covers every eligible
pair (``complete_graph``) an infeasible verdict is definitive.  The same widening is
used, within a time budget, when the gap to the upper bound exceeds
``target_gap_percent`` (tight load bounds with many equal affinities need deeper
candidate lists).  With ``candidates_per_entry >= n_reviewers`` the graph is complete from
the start and the result is the exact optimum of the full problem.

Pricing (the optimality certificate)
====================================
After the pruned graph is solved, every pruned-away eligible pair is priced against the
flow's dual potentials (``pricing``): a pair whose reduced cost is negative could improve the
flow, so it goes back into the graph and the flow is solved again. A pass that finds no
negative pair certifies the result as the exact optimum of the full problem
(``result.pricing.certified``). The pass reads entries in blocks of ``_CHUNK_CELLS`` cells (one
dense, vectorised block of reduced costs at a time) and keeps of each block only the negative
pairs to add back, at most ``_ADD_PER_ENTRY`` per entry, the most negative (partial pricing):
memory stays bounded whatever the instance (a provincial round's first pass finds ~100 M
negative pairs). All negative pairs are counted, cut or not, so a cut never certifies. Once
``time_budget_seconds`` are spent no new block is priced and no new solve starts, and a pass
whose pace (after its first ``_PACE_BLOCKS`` blocks) puts its end past the budget stops there,
since an incomplete pass adds nothing: the result then says "not certified", how many pairs the
last pass found negative (``negative_left``) and whether that pass was complete
(``last_pass_complete``).

The candidate scan and the pricing read the same dense blocks of keys, on two threads
(``_SCAN_MAX_THREADS``; numpy releases the GIL in its partitions and sorts): the scan shares its
chunks among them, each thread with its own per-reviewer pool merged at the end; a pricing pass
prices its blocks in waves and takes their results in block order. Neither result depends on
the number of threads (tested).

Tag representation
==================
Tags are scipy sparse CSR matrices (entries x tags, reviewers x tags); any non-zero means
"has the tag".  Lists of tag-id lists are accepted too and converted (see
``tags_to_csr``).  Affinities must fit in float32-exact integers per pair for the fast
path (< 255 with 16 bits of tie-break); larger weights switch to float64 transparently.

Layout (one module per concern; ``oracles`` is for tests and benchmarks only)::

    problem    the contract: AssignmentProblem, AssignmentResult, PricingProof, findings
    pruning    the chunked candidate scan and the upper bound
    diagnosis  infeasibility findings from the scan's counts
    flow       the min-cost-flow network
    pricing    the optimality certificate
    solve      assign()
    checker    check_assignment(), the independent re-check of every rule
    oracles    exact MILP optimum, random and contest-shaped instances (tests, bench)
"""

from __future__ import annotations

from reviews.assignment.checker import check_assignment
from reviews.assignment.problem import (
    FINDING_TEXTS,
    AssignmentInfeasible,
    AssignmentProblem,
    AssignmentResult,
    Finding,
    PricingProof,
    Violation,
    as_pairs,
    pair_affinity,
    tags_to_csr,
)
from reviews.assignment.solve import assign

__all__ = [
    "AssignmentInfeasible",
    "AssignmentProblem",
    "AssignmentResult",
    "FINDING_TEXTS",
    "Finding",
    "PricingProof",
    "Violation",
    "as_pairs",
    "assign",
    "check_assignment",
    "pair_affinity",
    "tags_to_csr",
]
