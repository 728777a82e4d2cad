"""The independent checker of an assignment: every rule of the problem, re-checked from scratch
(used after every solve, by manual changes and by the confirmation step)."""

from __future__ import annotations

import numpy as np

from reviews.assignment.problem import AssignmentProblem, Violation, as_pairs


def check_assignment(
    problem: AssignmentProblem, pairs: np.ndarray, *, require_complete: bool = True
) -> list[Violation]:
    """Return every rule the assignment ``pairs`` (rows of entry, reviewer) breaks.

    Checks: indices in range, duplicate pairs, exactly ``k`` reviewers per entry (at most
    ``k`` when ``require_complete=False``), loads within ``[min_load, max_load]`` (only
    the max when ``require_complete=False``), conflicts (own employer, declared org
    conflict, forbidden pair), every fixed pair present, and the same-employer limit when
    it is on.  An empty list means the assignment is valid.  Pure; vectorised.
    """
    p = problem
    n_e, n_r, k = p.n_entries, p.n_reviewers, p.k
    out: list[Violation] = []
    pairs = as_pairs(pairs, "pairs")
    bad = (pairs[:, 0] < 0) | (pairs[:, 0] >= n_e) | (pairs[:, 1] < 0) | (pairs[:, 1] >= n_r)
    for e, r in pairs[bad]:
        out.append(Violation("index", f"pair ({e}, {r}) is out of range", int(e), int(r)))
    pairs = pairs[~bad]
    keys = pairs[:, 0] * n_r + pairs[:, 1]
    uk, first, cnt = np.unique(keys, return_index=True, return_counts=True)
    for key in uk[cnt > 1]:
        e, r = int(key // n_r), int(key % n_r)
        out.append(
            Violation(
                "duplicate",
                f"reviewer {p.reviewer_label(r)} is assigned twice to entry {p.entry_label(e)}",
                e,
                r,
            )
        )
    pairs = pairs[first]  # judge the rest on distinct pairs
    per_entry = np.bincount(pairs[:, 0], minlength=n_e)
    wrong = per_entry != k if require_complete else per_entry > k
    for e in np.flatnonzero(wrong):
        out.append(
            Violation(
                "entry_count",
                f"entry {p.entry_label(e)} has {per_entry[e]} reviewers, expected {k}",
                int(e),
            )
        )
    loads = np.bincount(pairs[:, 1], minlength=n_r)
    if require_complete:
        for r in np.flatnonzero(loads < p.min_load):
            out.append(
                Violation(
                    "load_low",
                    f"reviewer {p.reviewer_label(r)} has load {loads[r]}, below min load "
                    f"{p.min_load[r]}",
                    reviewer=int(r),
                )
            )
    for r in np.flatnonzero(loads > p.max_load):
        out.append(
            Violation(
                "load_high",
                f"reviewer {p.reviewer_label(r)} has load {loads[r]}, above max load "
                f"{p.max_load[r]}",
                reviewer=int(r),
            )
        )
    e, r = pairs[:, 0], pairs[:, 1]
    eo = p.entry_org[e]
    own = (eo >= 0) & (p.reviewer_org[r] == eo)
    for i in np.flatnonzero(own):
        out.append(
            Violation(
                "conflict_employer",
                f"reviewer {p.reviewer_label(r[i])} works for the organisation of entry "
                f"{p.entry_label(e[i])}",
                int(e[i]),
                int(r[i]),
            )
        )
    conf = p.reviewer_org_conflicts
    if len(conf):
        big = int(max(conf[:, 1].max(), eo.max(initial=0))) + 2
        declared = (eo >= 0) & np.isin(r * big + eo, conf[:, 0] * big + conf[:, 1]) & ~own
        for i in np.flatnonzero(declared):
            out.append(
                Violation(
                    "conflict_declared",
                    f"reviewer {p.reviewer_label(r[i])} declared a conflict with the "
                    f"organisation of entry {p.entry_label(e[i])}",
                    int(e[i]),
                    int(r[i]),
                )
            )
    fb = p.forbidden_pairs
    if len(fb):
        forb = np.isin(e * n_r + r, fb[:, 0] * n_r + fb[:, 1])
        for i in np.flatnonzero(forb):
            out.append(
                Violation(
                    "forbidden",
                    f"reviewer {p.reviewer_label(r[i])} may not review entry "
                    f"{p.entry_label(e[i])} (recusal or ban)",
                    int(e[i]),
                    int(r[i]),
                )
            )
    fx = p.fixed_pairs
    if len(fx):
        missing = ~np.isin(fx[:, 0] * n_r + fx[:, 1], keys)
        for fe, fr in fx[missing]:
            out.append(
                Violation(
                    "fixed_missing",
                    f"kept pair (entry {p.entry_label(fe)}, reviewer {p.reviewer_label(fr)}) "
                    "is missing",
                    int(fe),
                    int(fr),
                )
            )
    if p.same_employer_limit:
        emp = p.reviewer_org[r]
        m = emp >= 0
        big = int(emp.max(initial=0)) + 1
        ek = e[m] * big + emp[m]
        uk2, cnt2 = np.unique(ek, return_counts=True)
        for key in uk2[cnt2 > 1]:
            ee = int(key // big)
            out.append(
                Violation(
                    "same_employer",
                    f"entry {p.entry_label(ee)} has {cnt2[uk2 == key][0]} reviewers employed "
                    f"by organisation {int(key % big)}",
                    ee,
                )
            )
    return out
