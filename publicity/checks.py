"""Deploy check: the holiday calendar (chinesecalendar) must cover the current year; a warning
(``publicity.W001``) when it does not, so an outdated pin is noticed at deployment. Periods
beyond the data are refused by the services anyway, and the staff notice form says up to which
year the data reaches (the December heads-up for next year's arrangement)."""

from __future__ import annotations

from django.core import checks
from django.utils import timezone

from publicity import workdays


@checks.register()
def holiday_supplement_is_valid(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A supplement file (PUBLICITY_HOLIDAY_SUPPLEMENT) that cannot be read or is inconsistent
    stops the product: a wrong calendar would compute wrong notice periods."""
    workdays.forget_supplement()
    try:
        workdays.covered_years()
    except workdays.SupplementInvalid as exc:
        return [
            checks.Error(
                f"PUBLICITY_HOLIDAY_SUPPLEMENT: {exc}",
                hint="Fix the file from the State Council's notice, or unset the setting.",
                id="publicity.E002",
            )
        ]
    return []


@checks.register(deploy=True)
def holiday_calendar_is_current(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    today = timezone.localdate()
    _first, last = workdays.covered_years()
    if last < today.year:
        return [
            checks.Warning(
                f"The holiday calendar (chinesecalendar) ends with {last}; notice periods in "
                f"{today.year} cannot be computed. Upgrade the pinned chinesecalendar package, or "
                "add the year's official arrangement in PUBLICITY_HOLIDAY_SUPPLEMENT.",
                id="publicity.W001",
            )
        ]
    return []
