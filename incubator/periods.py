"""Report periods of an incubation: pure date arithmetic, tested without the database."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the end of a shorter month."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def report_periods(
    *, start: date, every_months: int, until: date, grace_days: int
) -> list[tuple[date, date, date]]:
    """Every (period_start, period_end, due_date) of an incubation that started on ``start`` and
    reports every ``every_months`` months, for the periods that have begun by ``until``. A period
    ends the day before the next begins; its report is due ``grace_days`` after it ends."""
    periods = []
    index = 0
    while True:
        begins = add_months(start, index * every_months)
        if begins > until:
            return periods
        ends = add_months(start, (index + 1) * every_months) - timedelta(days=1)
        periods.append((begins, ends, ends + timedelta(days=grace_days)))
        index += 1
