"""selectors.round_criteria keeps a frozen rubric in the cache: a rubric changed in draft is
never hidden by a copy kept before the round went back to draft."""

import pytest

from reviews import selectors, services
from reviews.models import Round

pytestmark = pytest.mark.django_db


def _names(round_id):
    return [c.name for c in selectors.round_criteria(Round.objects.get(pk=round_id))]


def test_the_rubric_is_read_once_after_draft_and_a_changed_rubric_is_seen(
    draft_round, entries, union_staff, django_assert_num_queries
):
    before = _names(draft_round.pk)
    services.round_start_assigning(round=draft_round, actor=union_staff)
    frozen = Round.objects.get(pk=draft_round.pk)
    selectors.round_criteria(frozen)  # kept
    with django_assert_num_queries(0):
        assert [c.name for c in selectors.round_criteria(frozen)] == before

    services.round_back_to_draft(round=draft_round, actor=union_staff)
    services.rubric_set(
        round=draft_round,
        criteria=[
            {"name": "创新性", "weight": "60", "max_score": "10"},
            {"name": "效益", "weight": "40", "max_score": "10"},
        ],
        actor=union_staff,
    )
    assert _names(draft_round.pk) == ["创新性", "效益"]  # a draft's rubric is read afresh
    services.round_start_assigning(round=draft_round, actor=union_staff)
    assert _names(draft_round.pk) == ["创新性", "效益"]


def test_a_prefetched_rubric_is_used_in_order(open_round, django_assert_num_queries):
    held = Round.objects.prefetch_related("criteria").get(pk=open_round.pk)
    with django_assert_num_queries(0):
        got = selectors.round_criteria(held)
    assert [c.pk for c in got] == list(
        open_round.criteria.order_by("position", "id").values_list("pk", flat=True)
    )
