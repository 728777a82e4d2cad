"""Working days (工作日) of the People's Republic of China: pure functions, no database.

The source is the ``chinesecalendar`` package (PyPI ``chinesecalendar``, module
``chinese_calendar``): for each year it carries the State Council General Office's notice on
public holidays (国务院办公厅关于部分节假日安排的通知), the days off *and* the adjusted working
days on weekends (调休). It was chosen over ``holidays`` (CN) because it refuses a year whose
notice it does not carry, where ``holidays`` computes a plausible calendar for any year without
the adjusted working days, which would be silently wrong for a year not yet announced.

The State Council announces the next year's arrangement in November or December; a new release
of ``chinesecalendar`` follows within days. Keeping it current: bump the pin in
``requirements.txt`` each December (the system check ``publicity.W001`` warns from 1 December
when the next year is not covered, and errors when the current year is not). A period that
would run into a year not covered is refused (:class:`CalendarNotCovered`), never guessed.
"""

from __future__ import annotations

import datetime as dt
import functools

import chinese_calendar


class CalendarNotCovered(ValueError):
    """The official holiday arrangement of ``year`` is not in the calendar data."""

    def __init__(self, year: int, first: int, last: int):
        super().__init__(f"No official holiday arrangement for {year} (covered: {first}–{last}).")
        self.year, self.first, self.last = year, first, last


@functools.cache
def covered_years() -> tuple[int, int]:
    """The first and last year whose official arrangement the data carries."""
    days = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return min(d.year for d in days), max(d.year for d in days)


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not a public holiday, or a weekend day declared a working day (调休)."""
    first, last = covered_years()
    if not first <= day.year <= last:
        raise CalendarNotCovered(day.year, first, last)
    return chinese_calendar.is_workday(day)


def period_last_day(published_on: dt.date, working_days: int) -> dt.date:
    """The last day of a notice period of ``working_days`` working days that starts on the
    first working day *after* ``published_on`` (the day of publication does not count, so a
    notice put up late in the afternoon still gets its full days). Raises
    :class:`CalendarNotCovered` when the period would run into a year not covered."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    day, counted = published_on, 0
    while counted < working_days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(first: dt.date, last: dt.date) -> int:
    """How many working days lie in ``first``..``last``, both included."""
    count, day = 0, first
    while day <= last:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count
