"""Do contest scores predict outcomes? Rank correlation of a contest measure (award tier, final
score) with what the incubated projects achieved later (revenue, patents, jobs, financing).

Pure functions over plain numbers (no database): the dashboards selector loads the pairs.
Rank correlation (Spearman's rho, Kendall's tau-b, both from scipy) because outcomes are heavily
skewed — one project's revenue can dwarf the rest — and tiers are ordinal, not interval data.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

# Below this many projects no correlation is worth reading; below the second one it is only a hint.
TOO_FEW = 5
FEW = 20


@dataclass(frozen=True)
class RankCorrelation:
    n: int
    spearman: float | None
    spearman_p: float | None
    kendall: float | None
    kendall_p: float | None
    caveat: str

    @property
    def computed(self) -> bool:
        return self.spearman is not None


def _clean(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def strength_in_words(rho: float) -> str:
    size = abs(rho)
    if size < 0.1:
        return "几乎没有关联"
    direction = "正" if rho > 0 else "负"
    if size < 0.3:
        return f"弱{direction}相关"
    if size < 0.6:
        return f"中等{direction}相关"
    return f"强{direction}相关"


def caveat_for(n: int, rho: float | None, p: float | None) -> str:
    """What a reader may conclude, in words, given the number of projects and the result."""
    if n < 2:
        return f"只有 {n} 个项目，无法计算相关性。"
    if rho is None:
        return f"{n} 个项目的取值全部相同（或成果全部相同），无法计算等级相关。"
    words = strength_in_words(rho)
    if n < TOO_FEW:
        return f"只有 {n} 个项目，样本太少，结果（{words}）不能说明任何规律。"
    significant = p is not None and p < 0.05
    if n < FEW:
        return (
            f"只有 {n} 个项目，样本较少，结果（{words}）仅供参考"
            + ("；" if significant else "，且在统计上不显著（p ≥ 0.05）；")
            + "一两个项目的变化就可能改变结论。"
        )
    if not significant:
        return f"{n} 个项目：{words}，但在统计上不显著（p ≥ 0.05），不能据此认为分数能预测成果。"
    return f"{n} 个项目：{words}（p < 0.05）。相关不等于因果：获奖项目也得到了更多扶持。"


def rank_correlation(xs: Sequence[float], ys: Sequence[float]) -> RankCorrelation:
    """Spearman's rho and Kendall's tau-b of ``xs`` against ``ys`` (paired, same length), with
    the small-numbers caveat in words. Undefined results (fewer than two pairs, a constant
    side) come back as None, never as NaN."""
    if len(xs) != len(ys):
        raise ValueError("xs and ys must be paired")
    n = len(xs)
    if n < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return RankCorrelation(n, None, None, None, None, caveat_for(n, None, None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns on tiny samples; the caveat says it in words
        rho, rho_p = stats.spearmanr(xs, ys)
        tau, tau_p = stats.kendalltau(xs, ys)
    rho, rho_p, tau, tau_p = (_clean(v) for v in (rho, rho_p, tau, tau_p))
    return RankCorrelation(n, rho, rho_p, tau, tau_p, caveat_for(n, rho, rho_p))
