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

When the official notice is out but no release of ``chinesecalendar`` carries it yet (on
2026-12-03 the newest, 1.11.0, ends with 2026), the federation can add the year itself: a JSON
file named by the setting ``PUBLICITY_HOLIDAY_SUPPLEMENT``, copied from the notice::

    {"2027": {"source": "国办发明电〔2026〕…号",
              "holidays": ["2027-01-01", ...],      # days off, weekends inside a holiday included
              "workdays": ["2027-02-07", ...]}}     # weekend days declared working days (调休)

A supplement year must follow the package's last year without a gap and may not restate a year
the package carries; a bad file stops the product at start (the system check ``publicity.E002``)
instead of computing a wrong period.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
from django.conf import settings


class CalendarNotCovered(ValueError):
    """The official holiday arrangement of ``year`` is not in the calendar data."""

    def __init__(self, year: int, first: int, last: int):
        super().__init__(f"No official holiday arrangement for {year} (covered: {first}–{last}).")
        self.year, self.first, self.last = year, first, last


class SupplementInvalid(ValueError):
    """The supplement file cannot be used as it is (the message says where)."""


@dataclass(frozen=True)
class YearArrangement:
    """One year's official arrangement: its days off and its weekend working days."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str = ""

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


@functools.cache
def _package_years() -> tuple[int, int]:
    days = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return min(d.year for d in days), max(d.year for d in days)


def parse_supplement(data: object, *, package_last: int) -> dict[int, YearArrangement]:
    """The supplement's years, checked: each year follows the package's last year (or the
    previous supplement year), each date is an ISO date of its year, no day is both."""
    if not isinstance(data, dict):
        raise SupplementInvalid("the file must hold an object of years")
    years: dict[int, YearArrangement] = {}
    for key in sorted(data, key=str):
        if not str(key).isdigit():
            raise SupplementInvalid(f"{key!r} is not a year")
        year, item = int(key), data[key]
        if not isinstance(item, dict):
            raise SupplementInvalid(f"{year}: expected holidays and workdays")
        sets = {}
        for name in ("holidays", "workdays"):
            days = set()
            for text in item.get(name, []):
                try:
                    day = dt.date.fromisoformat(str(text))
                except ValueError:
                    raise SupplementInvalid(f"{year} {name}: {text!r} is not a date") from None
                if day.year != year:
                    raise SupplementInvalid(f"{year} {name}: {text} is not in {year}")
                days.add(day)
            sets[name] = frozenset(days)
        if not sets["holidays"]:
            raise SupplementInvalid(f"{year}: no holidays (copy them from the official notice)")
        both = sets["holidays"] & sets["workdays"]
        if both:
            raise SupplementInvalid(f"{year}: {min(both)} is both a holiday and a working day")
        years[year] = YearArrangement(
            year, sets["holidays"], sets["workdays"], str(item.get("source", ""))
        )
    expected = package_last + 1
    for year in sorted(years):
        if year <= package_last:
            raise SupplementInvalid(f"{year} is already in chinesecalendar; remove it")
        if year != expected:
            raise SupplementInvalid(f"{year} leaves a gap after {expected - 1}")
        expected += 1
    return years


@functools.cache
def _supplement() -> dict[int, YearArrangement]:
    path = getattr(settings, "PUBLICITY_HOLIDAY_SUPPLEMENT", "") or ""
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SupplementInvalid(f"{path}: {exc}") from None
    return parse_supplement(data, package_last=_package_years()[1])


def forget_supplement() -> None:
    """Read the supplement file again at the next question (tests, a changed setting)."""
    _supplement.cache_clear()


def covered_years() -> tuple[int, int]:
    """The first and last year whose official arrangement the data carries (the package's, then
    the supplement's)."""
    first, last = _package_years()
    return first, max([last, *_supplement()])


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not a public holiday, or a weekend day declared a working day (调休)."""
    first, last = covered_years()
    if not first <= day.year <= last:
        raise CalendarNotCovered(day.year, first, last)
    extra = _supplement().get(day.year)
    if extra is not None:
        return extra.is_working_day(day)
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
