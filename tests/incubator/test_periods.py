from datetime import date

from incubator.periods import add_months, report_periods


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)


def test_quarterly_periods_until_today():
    periods = report_periods(
        start=date(2024, 1, 1), every_months=3, until=date(2024, 7, 1), grace_days=15
    )
    assert periods == [
        (date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 15)),
        (date(2024, 4, 1), date(2024, 6, 30), date(2024, 7, 15)),
        (date(2024, 7, 1), date(2024, 9, 30), date(2024, 10, 15)),
    ]


def test_no_period_before_start():
    assert (
        report_periods(
            start=date(2025, 1, 1), every_months=3, until=date(2024, 12, 31), grace_days=15
        )
        == []
    )
