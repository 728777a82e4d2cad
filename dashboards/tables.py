"""The dashboard's figures as tables: one list of titled tables, each with its columns, rows and
the chart that draws it. Pages render the table under its chart (ECharts reads the same rows),
the XLSX export writes one sheet per table: one source for the three. Pure over the output of
dashboards.selectors.dashboard_figures()."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from accounts.enums import District
from innovation.enums import LEVEL_RANK, StudioLevel
from reviews.enums import AWARD_TIER_ORDER, AwardTier

LEVELS = sorted(StudioLevel.values, key=LEVEL_RANK.get)
LEVEL_LABELS = dict(StudioLevel.choices)
DISTRICT_LABELS = {k: str(v) for k, v in District.choices}
TIER_LABELS = dict(AwardTier.choices)


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[list[Any]]
    # How to chart it: "bar" (one bar group per row, a series per chart_series column) or "line".
    chart: str = "bar"
    chart_series: list[str] = field(default_factory=list)
    stacked: bool = False
    # The last row is a total (shown in the table and the export, not drawn as a category).
    total_row: bool = False

    @property
    def labels(self) -> list[str]:
        return [label for _key, label in self.columns]

    def column(self, key: str) -> list[Any]:
        index = [k for k, _label in self.columns].index(key)
        return [row[index] for row in self.rows]

    def as_chart(self) -> dict[str, Any]:
        """The plain data the page's ECharts code draws (numbers as floats)."""
        labels = dict(self.columns)
        rows = self.rows[:-1] if self.total_row and self.rows else self.rows
        first = [row[0] for row in rows]
        index = {k: i for i, (k, _label) in enumerate(self.columns)}
        return {
            "type": self.chart,
            "stacked": self.stacked,
            "categories": [str(v) for v in first],
            "series": [
                {"name": labels[key], "data": [_number(row[index[key]]) for row in rows]}
                for key in self.chart_series
            ],
        }


def _number(value: Any) -> float | int:
    if isinstance(value, Decimal):
        return float(value)
    return value or 0


def _edition_label(edition: int | None) -> str:
    return f"第{edition}届" if edition is not None else "全部届次"


def studios_table(rows: list[dict[str, Any]]) -> Table:
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["district"], {})[row["level"]] = row["count"]
    order = [d for d in DISTRICT_LABELS if d in counts]
    body = []
    for district in order:
        per_level = [counts[district].get(level, 0) for level in LEVELS]
        body.append([DISTRICT_LABELS[district], *per_level, sum(per_level)])
    if body:
        body.append(
            [
                "合计",
                *(sum(r[i + 1] for r in body) for i in range(len(LEVELS))),
                sum(r[-1] for r in body),
            ]
        )
    return Table(
        key="studios_by_district",
        title="已命名创新工作室（按区县和级别）",
        columns=[
            ("district", "区县"),
            *((lvl, LEVEL_LABELS[lvl]) for lvl in LEVELS),
            ("total", "合计"),
        ],
        rows=body,
        chart_series=list(LEVELS),
        stacked=True,
        total_row=bool(body),
    )


def studios_per_year_table(rows: list[dict[str, Any]]) -> Table:
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["year"], {})[row["level"]] = row["count"]
    body = []
    for year in sorted(counts):
        per_level = [counts[year].get(level, 0) for level in LEVELS]
        body.append([year, *per_level, sum(per_level)])
    return Table(
        key="studios_per_year",
        title="创新工作室命名年份（按现级别）",
        columns=[
            ("year", "年份"),
            *((lvl, LEVEL_LABELS[lvl]) for lvl in LEVELS),
            ("total", "合计"),
        ],
        rows=body,
        chart_series=list(LEVELS),
        stacked=True,
    )


def entries_table(rows: list[dict[str, Any]]) -> Table:
    return Table(
        key="entries_per_edition",
        title="各届大赛参赛项目与参赛单位",
        columns=[
            ("edition", "届次"),
            ("year", "年份"),
            ("contest", "大赛"),
            ("entries", "参赛项目"),
            ("organisations", "参赛单位"),
        ],
        rows=[
            [
                _edition_label(r["edition"]),
                r["year"],
                r["contest_name"],
                r["entries"],
                r["organisations"],
            ]
            for r in rows
        ],
        chart_series=["entries", "organisations"],
    )


def awards_table(rows: list[dict[str, Any]], contests: dict[int, dict[str, Any]]) -> Table:
    per: dict[int, dict[str, int]] = {}
    for row in rows:
        cell = per.setdefault(row["contest_id"], {"recommended": 0})
        cell[row["tier"]] = row["awards"]
        cell["recommended"] += row["recommended"]
    body = []
    for contest_id in sorted(per, key=lambda c: contests[c]["edition"]):
        tiers = [per[contest_id].get(t, 0) for t in AWARD_TIER_ORDER]
        body.append(
            [
                _edition_label(contests[contest_id]["edition"]),
                *tiers,
                sum(tiers),
                per[contest_id]["recommended"],
            ]
        )
    return Table(
        key="awards_per_edition",
        title="各届获奖等次与推荐省赛",
        columns=[
            ("edition", "届次"),
            *((t, TIER_LABELS[t]) for t in AWARD_TIER_ORDER),
            ("total", "获奖合计"),
            ("recommended", "推荐省赛"),
        ],
        rows=body,
        chart_series=[*AWARD_TIER_ORDER, "recommended"],
    )


def incubation_edition_table(rows: list[dict[str, Any]]) -> Table:
    return Table(
        key="incubation_by_edition",
        title="孵化项目及成果（按大赛届次）",
        columns=[
            ("edition", "届次"),
            ("winners", "获奖项目"),
            ("incubated", "入驻孵化"),
            ("incubating", "孵化中"),
            ("graduated", "已毕业"),
            ("exited", "已退出"),
            ("revenue", "营业收入（元）"),
            ("patents_filed", "专利申请"),
            ("patents_granted", "专利授权"),
            ("jobs_created", "新增就业"),
            ("financing_raised", "融资（元）"),
        ],
        rows=[
            [
                _edition_label(r["edition"]),
                r["winners"],
                r["incubated"],
                r["incubating"],
                r["graduated"],
                r["exited"],
                r["revenue"],
                r["patents_filed"],
                r["patents_granted"],
                r["jobs_created"],
                r["financing_raised"],
            ]
            for r in rows
        ],
        chart_series=["winners", "incubated", "graduated"],
    )


def incubation_year_table(rows: list[dict[str, Any]]) -> Table:
    return Table(
        key="incubation_by_year",
        title="孵化成果（按年度）",
        columns=[
            ("year", "年度"),
            ("reports", "已收报告"),
            ("revenue", "营业收入（元）"),
            ("patents_filed", "专利申请"),
            ("patents_granted", "专利授权"),
            ("jobs_created", "新增就业"),
            ("financing_raised", "融资（元）"),
        ],
        rows=[
            [
                r["year"],
                r["reports"],
                r["revenue"],
                r["patents_filed"],
                r["patents_granted"],
                r["jobs_created"],
                r["financing_raised"],
            ]
            for r in rows
        ],
        chart="line",
        chart_series=["patents_filed", "patents_granted", "jobs_created"],
    )


def dashboard_tables(figures: dict[str, Any]) -> list[Table]:
    return [
        studios_table(figures["studios_by_level_district"]),
        studios_per_year_table(figures["studios_per_year"]),
        entries_table(figures["entries_per_edition"]),
        awards_table(figures["awards_per_edition"], figures["contests"]),
        incubation_edition_table(figures["incubation_by_edition"]),
        incubation_year_table(figures["incubation_by_year"]),
    ]


def headline(figures: dict[str, Any]) -> list[tuple[str, Any]]:
    """The few numbers staff are asked every year (the seed article's headline figures)."""
    named = sum(r["count"] for r in figures["studios_by_level_district"])
    recommended = sum(r["recommended"] for r in figures["awards_per_edition"])
    editions = sum(1 for r in figures["entries_per_edition"] if r["entries"])
    incubated = sum(r["incubated"] for r in figures["incubation_by_edition"])
    return [
        ("已命名创新工作室", named),
        ("大赛届次", editions),
        ("参赛单位", figures["entries_totals"]["organisations"] or 0),
        ("参赛项目", figures["entries_totals"]["entries"] or 0),
        ("推荐省赛项目", recommended),
        ("入驻孵化项目", incubated),
    ]


PREDICTOR_LABELS = {"tier": "获奖等次", "final_score": "最终得分"}
OUTCOME_LABELS = {
    "revenue": "营业收入",
    "patents": "专利申请",
    "jobs_created": "新增就业",
    "financing_raised": "融资",
}


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def correlations_table(rows: list[dict[str, Any]]) -> Table:
    return Table(
        key="score_vs_outcome",
        title="大赛成绩与孵化成果的等级相关",
        columns=[
            ("edition", "届次"),
            ("predictor", "大赛指标"),
            ("outcome", "孵化成果"),
            ("n", "项目数"),
            ("spearman", "Spearman ρ"),
            ("spearman_p", "p 值"),
            ("kendall", "Kendall τ"),
            ("caveat", "解读"),
        ],
        rows=[
            [
                _edition_label(r["edition"]),
                PREDICTOR_LABELS[r["predictor"]],
                OUTCOME_LABELS[r["outcome"]],
                r["n"],
                _fmt(r["spearman"]),
                _fmt(r["spearman_p"]),
                _fmt(r["kendall"]),
                r["caveat"],
            ]
            for r in rows
        ],
        chart_series=[],
    )
