"""core.api.fields.datetime_representer writes exactly what DRF's DateTimeField writes."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.utils import timezone as dj_timezone
from rest_framework import serializers

from core.api.fields import datetime_representer

VALUES = [
    None,
    datetime(2026, 12, 4, 18, 56, 12, 345678, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),  # the next day, the next year in Beijing
    datetime(2027, 1, 1, 7, 30, tzinfo=timezone(timedelta(hours=8))),
    datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
    datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # Europe's clocks change this night
    datetime(2026, 7, 1, 8, 0),  # naive: DRF's own handling
]


@pytest.mark.parametrize("zone", [None, "UTC", "Asia/Shanghai", "Europe/Berlin"])
def test_the_same_text_as_drf_in_every_current_time_zone(zone):
    drf = serializers.DateTimeField()
    if zone is None:
        represent = datetime_representer()
        expected = [drf.to_representation(v) for v in VALUES]
    else:
        with dj_timezone.override(zone):
            represent = datetime_representer()
            expected = [drf.to_representation(v) for v in VALUES]
    got = [represent(v) for v in VALUES]
    assert got == expected
    assert got[0] is None
    if zone == "UTC":
        assert got[1] == "2026-12-04T18:56:12.345678Z"
    if zone in (None, "Asia/Shanghai"):  # the project's TIME_ZONE is Asia/Shanghai
        assert got[2] == "2027-01-01T07:59:59+08:00"
