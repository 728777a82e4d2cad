"""Rank correlation of contest measures with outcomes: hand-computed examples, no database."""

import pytest

from dashboards.predictors import caveat_for, rank_correlation, strength_in_words


def test_perfect_monotone_relation_is_one():
    # Ranks agree everywhere although the relation is far from linear.
    result = rank_correlation([1, 2, 3, 4, 5, 6], [10, 20, 400, 800, 1600, 100000])
    assert result.spearman == pytest.approx(1.0)
    assert result.kendall == pytest.approx(1.0)


def test_reversed_order_is_minus_one():
    result = rank_correlation([1, 2, 3, 4, 5], [50, 40, 30, 20, 10])
    assert result.spearman == pytest.approx(-1.0)
    assert result.kendall == pytest.approx(-1.0)


def test_hand_computed_example_without_ties():
    # x ranks 1..5, y ranks 2,1,4,3,5: d = -1,1,-1,1,0, sum d^2 = 4,
    # rho = 1 - 6*4 / (5*24) = 0.8. Pairs: 10, discordant (1,2) and (3,4): tau = (8-2)/10 = 0.6.
    result = rank_correlation([1, 2, 3, 4, 5], [20, 10, 40, 30, 50])
    assert result.spearman == pytest.approx(0.8)
    assert result.kendall == pytest.approx(0.6)
    assert result.n == 5


def test_hand_computed_example_with_tied_tiers():
    # Tiers 3,3,1,1 (two first-prize-like, two lower) against revenue 5,7,1,2.
    # Ranks x: 3.5,3.5,1.5,1.5; y: 3,4,1,2. Pearson of ranks: dx = 1,1,-1,-1; dy = .5,1.5,-1.5,-.5
    # cov = .5+1.5+1.5+.5 = 4; sx = 2; sy = sqrt(.25+2.25+2.25+.25) = sqrt(5): rho = 4/(2*sqrt 5).
    result = rank_correlation([3, 3, 1, 1], [5, 7, 1, 2])
    assert result.spearman == pytest.approx(4 / (2 * 5**0.5))
    # tau-b: concordant 4, discordant 0, ties in x 2 pairs: 4 / sqrt((6-2)*(6-0)) = 4/sqrt(24).
    assert result.kendall == pytest.approx(4 / 24**0.5)


@pytest.mark.parametrize(
    ("xs", "ys"), [([], []), ([1], [5]), ([2, 2, 2], [1, 5, 9]), ([1, 2, 3], [0, 0, 0])]
)
def test_undefined_cases_are_none_with_words(xs, ys):
    result = rank_correlation(xs, ys)
    assert (result.spearman, result.kendall, result.computed) == (None, None, False)
    assert "无法计算" in result.caveat


def test_unpaired_input_is_an_error():
    with pytest.raises(ValueError):
        rank_correlation([1, 2], [1])


def test_small_numbers_caveat_in_words():
    assert "样本太少" in caveat_for(4, 0.8, 0.2)
    assert "仅供参考" in caveat_for(12, 0.5, 0.1)
    assert "不显著" in caveat_for(12, 0.5, 0.1)
    assert "不显著" in caveat_for(40, 0.1, 0.4)
    assert "相关不等于因果" in caveat_for(40, 0.7, 0.001)


@pytest.mark.parametrize(
    ("rho", "words"),
    [(0.05, "几乎没有关联"), (0.2, "弱正相关"), (-0.45, "中等负相关"), (0.9, "强正相关")],
)
def test_strength_in_words(rho, words):
    assert strength_in_words(rho) == words
