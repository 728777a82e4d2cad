"""The panel draw (专家抽取) of a live final: a pure function over plain data, no Django.

Staff ask for ``per_field[f]`` experts of expertise field ``f`` and ``reserves_per_field``
reserves of each field, from the contest's pool, with avoidance rules (回避):

* ``own_employer``: an expert employed by the organisation of any finalist;
* ``declared``: an expert who declared a conflict with the organisation of any finalist;
* ``same_district``: an expert whose employer is in the district of any finalist;
* ``same_union``: an expert whose employer belongs to the industry union of any finalist.

The first two are judged by the assignment solver's own rule function,
``reviews.assignment.check_assignment`` (the one that also re-checks every manual change and the
confirmation of a round): the draw asks it which (finalist, expert) pairs break a conflict rule.

The draw is reproducible: the only randomness is ``random.Random(seed)``, applied to the eligible
experts of each field sorted by id, fields taken in ascending id. The same seed over the same data
gives the same panel and the same reserves; the seed is recorded so that anyone can replay it.
An expert is drawn (or held in reserve) for one field at most.

An impossible draw raises :class:`DrawImpossible` with one :class:`Shortage` per field that has too
few eligible experts, in words (``text``) and as code + numbers (for translation).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from reviews.assignment import AssignmentProblem, check_assignment

ALGORITHM = "finals.draw/1"  # recorded with every draw: what the seed means

RULES = ("own_employer", "declared", "same_district", "same_union")

# The avoidance reasons, said in words (the service says them in the staff's language).
REASON_TEXTS = {
    "own_employer": "works for the organisation of finalist {finalist}",
    "declared": "declared a conflict with the organisation of finalist {finalist}",
    "same_district": "their employer is in the same district as finalist {finalist}",
    "same_union": "their employer is in the same industry union as finalist {finalist}",
    "inactive": "is not an active member of the pool",
}


@dataclass(frozen=True)
class Expert:
    id: int
    employer: int | None = None  # organisation id
    fields: frozenset[int] = frozenset()
    district: str = ""  # of the employer
    union: str = ""  # industry union of the employer
    active: bool = True


@dataclass(frozen=True)
class Finalist:
    id: int
    organisation: int
    district: str = ""
    union: str = ""


@dataclass(frozen=True)
class Exclusion:
    expert: int
    reasons: tuple[tuple[str, int], ...]  # (rule, finalist id); rule "inactive" has finalist 0

    @property
    def text(self) -> str:
        return "; ".join(REASON_TEXTS[r].format(finalist=f) for r, f in self.reasons)


@dataclass(frozen=True)
class Pick:
    expert: int
    field: int
    position: int  # 1-based: order within the field (panel) or reserve order (reserves)


@dataclass(frozen=True)
class DrawResult:
    seed: int
    panel: tuple[Pick, ...]
    reserves: tuple[Pick, ...]  # per field, in the order they are called up
    excluded: tuple[Exclusion, ...]
    algorithm: str = ALGORITHM

    def as_data(self) -> dict:
        return {
            "algorithm": self.algorithm,
            "seed": self.seed,
            "panel": [[p.expert, p.field, p.position] for p in self.panel],
            "reserves": [[p.expert, p.field, p.position] for p in self.reserves],
            "excluded": [
                {"expert": x.expert, "reasons": [list(r) for r in x.reasons]} for x in self.excluded
            ],
        }


@dataclass(frozen=True)
class Shortage:
    field: int
    field_name: str
    needed: int
    eligible: int
    excluded: int  # experts of the field kept out by the avoidance rules
    taken: int  # eligible experts of the field already drawn for another field

    code = "field_short"

    @property
    def params(self) -> dict:
        return {
            "field": self.field_name,
            "needed": self.needed,
            "eligible": self.eligible,
            "excluded": self.excluded,
            "taken": self.taken,
        }

    @property
    def text(self) -> str:
        return (
            f"Field {self.field_name}: {self.needed} experts are needed but only "
            f"{self.eligible} can be drawn ({self.excluded} of the field are excluded by the "
            f"avoidance rules, {self.taken} are drawn for another field): add experts of this "
            "field to the pool, relax a rule or ask for fewer."
        )


class DrawImpossible(Exception):
    def __init__(self, shortages: list[Shortage]):
        self.shortages = shortages
        super().__init__(" ".join(s.text for s in shortages))


@dataclass(frozen=True)
class DrawSpec:
    per_field: Mapping[int, int]
    reserves_per_field: int = 0
    rules: frozenset[str] = field(default_factory=lambda: frozenset({"own_employer", "declared"}))

    def __post_init__(self):
        if any(int(n) < 0 for n in self.per_field.values()) or self.reserves_per_field < 0:
            raise ValueError("counts must be non-negative")
        unknown = set(self.rules) - set(RULES)
        if unknown:
            raise ValueError(f"unknown rules {sorted(unknown)}")


def conflict_reasons(
    experts: list[Expert],
    finalists: list[Finalist],
    declared: Iterable[tuple[int, int]],
    rules: frozenset[str],
) -> dict[int, list[tuple[str, int]]]:
    """Expert id -> the (rule, finalist id) pairs that keep them off the panel."""
    out: dict[int, list[tuple[str, int]]] = {}
    if not experts or not finalists:
        return out
    index = {x.id: i for i, x in enumerate(experts)}
    if rules & {"own_employer", "declared"}:
        conflicts = np.asarray(
            [(index[e], org) for e, org in declared if e in index] if "declared" in rules else [],
            dtype=np.int64,
        ).reshape(-1, 2)
        problem = AssignmentProblem(
            k=len(experts),
            entry_org=[f.organisation for f in finalists],
            entry_tags=[[] for _ in finalists],
            reviewer_org=[
                x.employer if (x.employer is not None and "own_employer" in rules) else -1
                for x in experts
            ],
            reviewer_tags=[[] for _ in experts],
            min_load=np.zeros(len(experts), dtype=np.int64),
            max_load=np.full(len(experts), len(finalists), dtype=np.int64),
            reviewer_org_conflicts=conflicts,
        )
        every_pair = np.array(
            [(e, r) for e in range(len(finalists)) for r in range(len(experts))], dtype=np.int64
        )
        rule_of = {"conflict_employer": "own_employer", "conflict_declared": "declared"}
        for v in check_assignment(problem, every_pair, require_complete=False):
            if v.kind in rule_of:
                out.setdefault(experts[v.reviewer].id, []).append(
                    (rule_of[v.kind], finalists[v.entry].id)
                )
    for x in experts:
        for f in finalists:
            if "same_district" in rules and x.district and x.district == f.district:
                out.setdefault(x.id, []).append(("same_district", f.id))
            if "same_union" in rules and x.union and x.union == f.union:
                out.setdefault(x.id, []).append(("same_union", f.id))
    return out


def draw_panel(
    *,
    experts: list[Expert],
    finalists: list[Finalist],
    declared: Iterable[tuple[int, int]],
    spec: DrawSpec,
    seed: int,
    field_names: Mapping[int, str] | None = None,
) -> DrawResult:
    """Draw the panel and its reserves. Guarantees: nobody excluded is drawn or held in reserve;
    each field gets exactly ``per_field`` experts and up to ``reserves_per_field`` reserves (fewer
    only if the field runs out), numbered in order; the same inputs and seed give the same
    result. Raises :class:`DrawImpossible` when a field has too few eligible experts."""
    names = dict(field_names or {})
    experts = sorted(experts, key=lambda x: x.id)
    reasons = conflict_reasons(experts, finalists, declared, frozenset(spec.rules))
    for x in experts:
        if not x.active:
            reasons.setdefault(x.id, []).insert(0, ("inactive", 0))
    excluded = tuple(
        Exclusion(expert=x.id, reasons=tuple(sorted(set(reasons[x.id]), key=_reason_key)))
        for x in experts
        if x.id in reasons
    )
    out_ids = {x.expert for x in excluded}
    rng = random.Random(seed)
    taken: set[int] = set()
    panel: list[Pick] = []
    reserves: list[Pick] = []
    shortages: list[Shortage] = []
    wanted = {int(f): int(n) for f, n in spec.per_field.items() if int(n) > 0}
    for f in sorted(wanted):
        of_field = [x.id for x in experts if f in x.fields]
        eligible = [pk for pk in of_field if pk not in out_ids]
        free = [pk for pk in eligible if pk not in taken]
        if len(free) < wanted[f]:
            shortages.append(
                Shortage(
                    field=f,
                    field_name=names.get(f, str(f)),
                    needed=wanted[f],
                    eligible=len(free),
                    excluded=len(of_field) - len(eligible),
                    taken=len(eligible) - len(free),
                )
            )
            continue
        order = rng.sample(free, len(free))
        chosen = order[: wanted[f]]
        backup = order[wanted[f] : wanted[f] + spec.reserves_per_field]
        panel.extend(Pick(pk, f, i + 1) for i, pk in enumerate(chosen))
        reserves.extend(Pick(pk, f, i + 1) for i, pk in enumerate(backup))
        taken.update(chosen)
        taken.update(backup)
    if shortages:
        raise DrawImpossible(shortages)
    return DrawResult(seed=seed, panel=tuple(panel), reserves=tuple(reserves), excluded=excluded)


def _reason_key(reason: tuple[str, int]) -> tuple[int, int]:
    order = {"inactive": -1, **{r: i for i, r in enumerate(RULES)}}
    return order[reason[0]], reason[1]


def reason_counts(excluded: Iterable[Exclusion]) -> Counter:
    return Counter(rule for x in excluded for rule, _ in x.reasons)


def presentation_order(entry_ids: list[int], *, seed: int) -> list[int]:
    """The finalists' order on stage drawn by lot (出场顺序抽签) with the draw's seed: the same
    seed and finalists give the same order. A separate stream from the panel's
    (``seed`` XOR a constant), so drawing the order never changes the panel."""
    ordered = sorted(entry_ids)
    return random.Random(seed ^ 0x5EED_0DE5).sample(ordered, len(ordered))
