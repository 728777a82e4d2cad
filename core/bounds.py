"""What a date, a time or an id must look like before it reaches the database.

Python accepts values that PostgreSQL refuses or that make no sense for this product: UTC offsets
beyond the real world's ±14:00 (PostgreSQL refuses beyond ±15:59 with a ``DataError``), years such
as 103 (Shanghai's local mean time of that year renders as ``+08:05:43``) or 9999 (one hour past it
overflows when turned to UTC). Every date/time serializer field and filter of the API checks its
value here and answers with a 400 naming the field.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

MIN_YEAR = 1900
MAX_YEAR = 2999
MAX_UTC_OFFSET = dt.timedelta(hours=14)


def check_date(value: dt.date | None) -> None:
    """Raise ``ValidationError`` for a date (or datetime) outside years MIN_YEAR..MAX_YEAR."""
    if value is None:
        return
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            f"Enter a date between the years {MIN_YEAR} and {MAX_YEAR}.", code="date_out_of_range"
        )


def check_datetime(value: dt.datetime | None) -> None:
    """Raise ``ValidationError`` for a datetime outside the years or with an impossible offset."""
    if value is None:
        return
    check_date(value)
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        raise ValidationError(
            "Enter a UTC offset between -14:00 and +14:00.", code="utc_offset_out_of_range"
        )
