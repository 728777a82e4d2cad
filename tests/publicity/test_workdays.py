"""Working-day arithmetic over the official 2025 and 2026 holiday calendars (pure, no DB)."""

import datetime as dt

import holidays
import pytest

from publicity import workdays
from publicity.workdays import CalendarNotCovered, is_working_day, period_last_day

D = dt.date


def test_period_published_just_before_national_day_2025_ends_on_10_october():
    # Fri 26 Sep; Sun 28 Sep is a working day (调休); 1–8 Oct off; so 28, 29, 30 Sep, 9, 10 Oct.
    assert period_last_day(D(2025, 9, 26), 5) == D(2025, 10, 10)


def test_period_published_just_before_national_day_2026_ends_on_9_october():
    # Fri 25 Sep; 1–7 Oct off: 28, 29, 30 Sep, 8, 9 Oct.
    assert period_last_day(D(2026, 9, 25), 5) == D(2026, 10, 9)


def test_period_counts_the_adjusted_saturday_after_national_day_2026():
    # Wed 30 Sep; 8, 9 Oct, Sat 10 Oct (调休 working day), 12, 13 Oct.
    assert period_last_day(D(2026, 9, 30), 5) == D(2026, 10, 13)


def test_period_over_spring_festival_2026_counts_the_adjusted_saturday():
    # Thu 12 Feb: Fri 13, Sat 14 (调休), then 15–23 Feb off: 24, 25, 26 Feb.
    assert period_last_day(D(2026, 2, 12), 5) == D(2026, 2, 26)


def test_period_over_spring_festival_2025():
    # Fri 24 Jan: Sun 26 (调休), Mon 27, then 28 Jan – 4 Feb off: 5, 6, 7 Feb.
    assert period_last_day(D(2025, 1, 24), 5) == D(2025, 2, 7)


def test_period_in_an_ordinary_week_skips_the_weekend():
    # Mon 3 Mar 2025: 4, 5, 6, 7, (weekend), 10.
    assert period_last_day(D(2025, 3, 3), 5) == D(2025, 3, 10)


def test_day_of_publication_does_not_count():
    assert period_last_day(D(2025, 3, 3), 1) == D(2025, 3, 4)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 9, 28), True),  # Sunday, adjusted working day
        (D(2025, 10, 1), False),  # National Day
        (D(2025, 10, 8), False),  # last day of the 2025 National Day holiday
        (D(2025, 10, 11), True),  # Saturday, adjusted working day
        (D(2026, 9, 20), True),  # Sunday, adjusted working day
        (D(2026, 10, 7), False),
        (D(2026, 1, 4), True),  # Sunday after New Year 2026, adjusted
        (D(2026, 3, 7), False),  # an ordinary Saturday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_a_period_into_a_year_not_covered_is_refused():
    first, last = workdays.covered_years()
    assert last == 2026  # chinesecalendar 1.11.0; bump this test with the pin
    with pytest.raises(CalendarNotCovered) as caught:
        period_last_day(D(2026, 12, 28), 5)
    assert caught.value.year == 2027


def test_calendar_agrees_with_the_holidays_package_over_2025_and_2026():
    """Two independent transcriptions of the State Council notices agree on every day."""
    cn = holidays.China(years=[2025, 2026])
    day, differ = D(2025, 1, 1), []
    while day.year < 2027:
        if is_working_day(day) != cn.is_working_day(day):
            differ.append(day)
        day += dt.timedelta(days=1)
    assert differ == []


def test_working_days_between_counts_both_ends():
    assert workdays.working_days_between(D(2025, 9, 26), D(2025, 10, 10)) == 6


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.datetime(2026, 6, 1, 12, 0), []),
        (dt.datetime(2026, 12, 2, 12, 0), []),
        (dt.datetime(2027, 1, 4, 12, 0), ["publicity.W001"]),
    ],
)
def test_deploy_check_says_when_the_calendar_needs_an_update(today, expected):
    import time_machine

    from publicity.checks import holiday_calendar_is_current

    with time_machine.travel(today.replace(tzinfo=dt.UTC), tick=False):
        assert [m.id for m in holiday_calendar_is_current()] == expected


# --- the supplement file (PUBLICITY_HOLIDAY_SUPPLEMENT) ------------------------------------------
# The 2027 days below are made up for the tests, not the official arrangement.
FAKE_2027 = {
    "2027": {
        "source": "test data",
        "holidays": ["2027-01-01", "2027-01-04"],
        "workdays": ["2027-01-09"],
    }
}


@pytest.fixture
def supplement(settings, tmp_path):
    import json

    def use(data) -> None:
        path = tmp_path / "holidays.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        settings.PUBLICITY_HOLIDAY_SUPPLEMENT = str(path)
        workdays.forget_supplement()

    yield use
    settings.PUBLICITY_HOLIDAY_SUPPLEMENT = ""
    workdays.forget_supplement()


def test_a_supplement_year_extends_the_calendar_with_its_days_off_and_working_weekends(
    supplement,
):
    supplement(FAKE_2027)
    assert workdays.covered_years()[1] == 2027
    assert is_working_day(D(2027, 1, 1)) is False  # a Friday off in the file
    assert is_working_day(D(2027, 1, 4)) is False  # a Monday off in the file
    assert is_working_day(D(2027, 1, 5)) is True  # an ordinary Tuesday
    assert is_working_day(D(2027, 1, 9)) is True  # a Saturday declared a working day
    assert is_working_day(D(2027, 1, 10)) is False  # an ordinary Sunday
    # Mon 28 Dec 2026 (the package's year) on: 29, 30, 31 Dec, then 5 Jan (1–4 off in the file).
    assert period_last_day(D(2026, 12, 28), 4) == D(2027, 1, 5)
    with pytest.raises(CalendarNotCovered):
        is_working_day(D(2028, 1, 3))


@pytest.mark.parametrize(
    "data, problem",
    [
        ({"2028": {"holidays": ["2028-01-03"]}}, "gap"),
        ({"2026": {"holidays": ["2026-01-01"]}}, "already in chinesecalendar"),
        ({"2027": {"holidays": ["2027-02-30"]}}, "not a date"),
        ({"2027": {"holidays": ["2028-01-01"]}}, "not in 2027"),
        ({"2027": {"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}}, "both"),
        ({"2027": {"workdays": ["2027-01-09"]}}, "no holidays"),
        (["2027"], "object of years"),
    ],
)
def test_a_bad_supplement_stops_the_product_saying_where(supplement, data, problem):
    from publicity.checks import holiday_supplement_is_valid

    supplement(data)
    with pytest.raises(workdays.SupplementInvalid, match=problem):
        workdays.covered_years()
    errors = holiday_supplement_is_valid()
    assert [e.id for e in errors] == ["publicity.E002"] and problem in errors[0].msg


def test_an_unreadable_supplement_is_an_error_too(settings):
    from publicity.checks import holiday_supplement_is_valid

    settings.PUBLICITY_HOLIDAY_SUPPLEMENT = "/nonexistent/holidays.json"
    try:
        assert [e.id for e in holiday_supplement_is_valid()] == ["publicity.E002"]
    finally:
        settings.PUBLICITY_HOLIDAY_SUPPLEMENT = ""
        workdays.forget_supplement()
    assert holiday_supplement_is_valid() == []
