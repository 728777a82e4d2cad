"""The one per-criterion score rule (reviews.score_rules), without the database: what the online
review and the live final's phones both apply."""

from decimal import Decimal

import pytest

from core.exceptions import ValidationFailed
from reviews.models import Criterion
from reviews.score_rules import clean_criterion_scores

CRITERIA = [
    Criterion(pk=1, name="创新性", max_score=Decimal("30"), weight=Decimal("30"), position=1),
    Criterion(pk=2, name="实用性", max_score=Decimal("20"), weight=Decimal("20"), position=2),
]


def _fields(scores, complete=False):
    with pytest.raises(ValidationFailed) as exc:
        clean_criterion_scores(CRITERIA, scores, complete=complete)
    return exc.value.fields


def test_clean_scores_keep_one_decimal_and_comment():
    clean = clean_criterion_scores(
        CRITERIA,
        [{"criterion": 1, "score": "12.5", "comment": "好"}, {"criterion": "2", "score": 20}],
        complete=True,
    )
    assert clean == {1: (Decimal("12.5"), "好"), 2: (Decimal("20.0"), "")}


@pytest.mark.parametrize("value", ["30.1", "-1", "-0.1"])
def test_score_out_of_range_names_the_criterion(value):
    fields = _fields([{"criterion": 1, "score": value}])
    assert fields == {"scores.创新性": ["Between 0 and 30."]}


def test_score_with_two_decimals_names_the_criterion():
    assert _fields([{"criterion": 2, "score": "12.25"}]) == {
        "scores.实用性": ["One decimal place at most."]
    }


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", None, ""])
def test_score_not_a_finite_number_names_the_criterion(value):
    assert _fields([{"criterion": 1, "score": value}]) == {"scores.创新性": ["Not a number."]}


@pytest.mark.parametrize("criterion", [99, "x", None])
def test_unknown_criterion_is_a_scores_error(criterion):
    fields = _fields([{"criterion": criterion, "score": "1"}])
    assert list(fields) == ["scores"]


def test_criterion_scored_twice_is_refused():
    fields = _fields([{"criterion": 1, "score": "1"}, {"criterion": "01", "score": "2"}])
    assert fields == {"scores.创新性": ["Scored twice."]}


def test_incomplete_scores_pass_a_draft_but_not_a_submit():
    assert clean_criterion_scores(CRITERIA, [{"criterion": 1, "score": "3"}], complete=False)
    assert _fields([{"criterion": 1, "score": "3"}], complete=True) == {
        "scores.实用性": ["Required to submit."]
    }
