"""Property tests of the pure panel draw (finals/draw.py): never an excluded expert, reserves in
order, the same seed gives the same panel, an impossible draw explained in words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finals.draw import DrawImpossible, DrawSpec, Expert, Finalist, draw_panel

FIELDS = [1, 2, 3]
ORGS = list(range(100, 108))
DISTRICTS = ["maojian", "zhangwan", "yunyang"]


@st.composite
def instances(draw):
    n = draw(st.integers(min_value=0, max_value=25))
    experts = [
        Expert(
            id=i + 1,
            employer=draw(st.one_of(st.none(), st.sampled_from(ORGS))),
            fields=frozenset(draw(st.sets(st.sampled_from(FIELDS), max_size=2))),
            district=draw(st.sampled_from(DISTRICTS)),
            union=draw(st.sampled_from(["", "auto", "power"])),
            active=draw(st.booleans()) or draw(st.booleans()),
        )
        for i in range(n)
    ]
    finalists = [
        Finalist(
            id=1000 + i,
            organisation=draw(st.sampled_from(ORGS)),
            district=draw(st.sampled_from(DISTRICTS)),
            union=draw(st.sampled_from(["", "auto", "power"])),
        )
        for i in range(draw(st.integers(min_value=1, max_value=5)))
    ]
    declared = draw(
        st.lists(st.tuples(st.integers(1, max(n, 1)), st.sampled_from(ORGS)), max_size=6)
    )
    rules = frozenset(
        draw(st.sets(st.sampled_from(["own_employer", "declared", "same_district", "same_union"])))
    )
    spec = DrawSpec(
        per_field={f: draw(st.integers(0, 3)) for f in FIELDS},
        reserves_per_field=draw(st.integers(0, 3)),
        rules=rules,
    )
    seed = draw(st.integers(min_value=0, max_value=2**63 - 1))
    return experts, finalists, declared, spec, seed


def _run(experts, finalists, declared, spec, seed):
    return draw_panel(experts=experts, finalists=finalists, declared=declared, spec=spec, seed=seed)


def _forbidden(expert, finalists, declared, rules) -> bool:
    """The avoidance rules, written out independently of the implementation."""
    if not expert.active:
        return True
    orgs = {f.organisation for f in finalists}
    if "own_employer" in rules and expert.employer in orgs:
        return True
    if "declared" in rules and any(e == expert.id and o in orgs for e, o in declared):
        return True
    if "same_district" in rules and expert.district in {f.district for f in finalists}:
        return True
    return "same_union" in rules and expert.union and expert.union in {f.union for f in finalists}


@settings(max_examples=300, deadline=None)
@given(instances())
def test_draw_never_picks_an_excluded_expert(instance):
    experts, finalists, declared, spec, seed = instance
    try:
        result = _run(*instance)
    except DrawImpossible:
        return
    by_id = {x.id: x for x in experts}
    excluded = {x.expert for x in result.excluded}
    for pick in (*result.panel, *result.reserves):
        assert pick.expert not in excluded
        assert not _forbidden(by_id[pick.expert], finalists, declared, spec.rules)
        assert pick.field in by_id[pick.expert].fields
    # and everybody the rules keep out is listed with a reason
    assert excluded == {x.id for x in experts if _forbidden(x, finalists, declared, spec.rules)}
    assert all(x.reasons and x.text for x in result.excluded)


@settings(max_examples=300, deadline=None)
@given(instances())
def test_draw_fills_each_field_and_numbers_reserves_in_order(instance):
    experts, finalists, declared, spec, seed = instance
    try:
        result = _run(*instance)
    except DrawImpossible:
        return
    picked = [p.expert for p in (*result.panel, *result.reserves)]
    assert len(picked) == len(set(picked))  # nobody twice, not even for two fields
    for f, wanted in spec.per_field.items():
        panel = [p for p in result.panel if p.field == f]
        reserves = [p for p in result.reserves if p.field == f]
        assert len(panel) == wanted
        assert [p.position for p in panel] == list(range(1, wanted + 1))
        assert [p.position for p in reserves] == list(range(1, len(reserves) + 1))
        assert len(reserves) <= spec.reserves_per_field


@settings(max_examples=200, deadline=None)
@given(instances())
def test_same_seed_same_panel(instance):
    experts, finalists, declared, spec, seed = instance
    try:
        first = _run(*instance)
    except DrawImpossible as exc:
        with pytest.raises(DrawImpossible) as again:
            _run(list(reversed(experts)), finalists, declared, spec, seed)
        assert str(again.value) == str(exc)
        return
    # the order in which the pool is read does not matter, only the seed
    second = _run(list(reversed(experts)), finalists, declared, spec, seed)
    assert first == second


def test_another_seed_usually_another_panel():
    experts = [Expert(id=i, fields=frozenset({1})) for i in range(1, 31)]
    spec = DrawSpec(per_field={1: 5}, reserves_per_field=2)
    finalists = [Finalist(id=1, organisation=999)]
    panels = {
        tuple(p.expert for p in _run(experts, finalists, [], spec, seed).panel)
        for seed in range(20)
    }
    assert len(panels) > 15


@settings(max_examples=200, deadline=None)
@given(instances())
def test_impossible_draw_is_explained_in_words(instance):
    experts, finalists, declared, spec, seed = instance
    try:
        _run(*instance)
    except DrawImpossible as exc:
        assert exc.shortages
        for s in exc.shortages:
            assert s.eligible < s.needed
            assert f"{s.needed} experts are needed" in s.text
            assert f"only {s.eligible} can be drawn" in s.text
        assert str(exc)


def test_impossible_draw_names_field_and_counts():
    finalists = [Finalist(id=1, organisation=7)]
    experts = [
        Expert(id=1, employer=7, fields=frozenset({1})),
        Expert(id=2, employer=8, fields=frozenset({1})),
    ]
    with pytest.raises(DrawImpossible) as exc:
        draw_panel(
            experts=experts,
            finalists=finalists,
            declared=[(2, 7)],
            spec=DrawSpec(per_field={1: 1}),
            seed=1,
            field_names={1: "新能源汽车"},
        )
    (shortage,) = exc.value.shortages
    assert shortage.params == {
        "field": "新能源汽车",
        "needed": 1,
        "eligible": 0,
        "excluded": 2,
        "taken": 0,
    }
    assert "Field 新能源汽车: 1 experts are needed but only 0 can be drawn" in str(exc.value)


def test_exclusion_reasons_name_rule_and_finalist():
    finalists = [Finalist(id=11, organisation=7, district="maojian")]
    experts = [
        Expert(id=1, employer=7, fields=frozenset({1}), district="maojian"),
        Expert(id=2, employer=8, fields=frozenset({1})),
        Expert(id=3, employer=9, fields=frozenset({1})),
    ]
    result = draw_panel(
        experts=experts,
        finalists=finalists,
        declared=[(2, 7)],
        spec=DrawSpec(
            per_field={1: 1}, rules=frozenset({"own_employer", "declared", "same_district"})
        ),
        seed=5,
    )
    reasons = {x.expert: x.reasons for x in result.excluded}
    assert reasons == {
        1: (("own_employer", 11), ("same_district", 11)),
        2: (("declared", 11),),
    }
    assert [p.expert for p in result.panel] == [3]


@settings(max_examples=100, deadline=None)
@given(st.sets(st.integers(1, 10_000), max_size=30), st.integers(0, 2**62))
def test_presentation_order_is_a_replayable_permutation(entries, seed):
    from finals.draw import presentation_order

    order = presentation_order(list(entries), seed=seed)
    assert sorted(order) == sorted(entries)
    assert presentation_order(list(reversed(sorted(entries))), seed=seed) == order
