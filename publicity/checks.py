"""Deploy check: the holiday calendar (chinesecalendar) must cover the current year; a warning
(``publicity.W001``) when it does not, so an outdated pin is noticed at deployment. Periods
beyond the data are refused by the services anyway, and the staff notice form says up to which
year the data reaches (the December heads-up for next year's arrangement)."""

from __future__ import annotations

from django.core import checks
from django.utils import timezone

from publicity import workdays


@checks.register(deploy=True)
def holiday_calendar_is_current(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    today = timezone.localdate()
    _first, last = workdays.covered_years()
    if last < today.year:
        return [
            checks.Warning(
                f"The holiday calendar (chinesecalendar) ends with {last}; notice periods in "
                f"{today.year} cannot be computed. Upgrade the pinned chinesecalendar package.",
                id="publicity.W001",
            )
        ]
    return []
