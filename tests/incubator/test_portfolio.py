"""The portfolio's per-project counts, the winners awaiting admission and a project's timeline."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incubator import selectors, services
from tests.factories.incubator import (
    AwardFactory,
    IncubationFactory,
    IncubationReportFactory,
    IncubatorEntryFactory,
    MilestoneFactory,
)

pytestmark = pytest.mark.django_db


def _reports(incubation, states_and_dues):
    for i, (state, due) in enumerate(states_and_dues):
        start = date(2024, 1 + 3 * i, 1)
        IncubationReportFactory(
            incubation=incubation,
            state=state,
            period_start=start,
            period_end=start.replace(day=28),
            due_date=due,
        )


def test_portfolio_counts_reports_and_milestones(incubator_staff):
    incubation = IncubationFactory()
    _reports(
        incubation,
        [
            ("accepted", date(2024, 4, 15)),
            ("filed", date(2024, 7, 15)),
            ("correction_requested", date(2024, 10, 15)),
            ("pending", date(2025, 1, 15)),
        ],
    )
    MilestoneFactory(incubation=incubation)
    MilestoneFactory(incubation=incubation, status="achieved")
    row = selectors.portfolio_visible_to(incubator_staff, today=date(2024, 12, 1)).get()
    assert (
        row.reports_received,
        row.reports_to_review,
        row.reports_sent_back,
        row.reports_due,
        row.milestones_pending,
    ) == (2, 1, 1, 1, 1)


def test_portfolio_is_one_query_and_scoped(incubator_staff, member):
    for _ in range(3):
        _reports(IncubationFactory(), [("filed", date(2024, 4, 15))])
    portfolio = selectors.portfolio_visible_to(incubator_staff)  # the role check happens here
    with CaptureQueriesContext(connection) as ctx:
        assert len(list(portfolio)) == 3
    assert len(ctx.captured_queries) == 1
    assert list(selectors.portfolio_visible_to(member)) == []


def test_awaiting_admission_lists_winners_not_yet_admitted():
    waiting = IncubatorEntryFactory(state="awarded")
    IncubationFactory(entry=IncubatorEntryFactory(state="awarded"))
    IncubatorEntryFactory(state="not_advanced")
    assert list(selectors.entries_awaiting_admission()) == [waiting]


def test_timeline_runs_from_entry_to_reports(incubator_staff):
    entry = IncubatorEntryFactory(state="awarded")
    AwardFactory(entry=entry, tier="second")
    incubation = services.incubation_admit(
        actor=incubator_staff, entry=entry, start_date=date.today()
    )
    services.incubation_start(actor=incubator_staff, incubation=incubation)
    kinds = [e["kind"] for e in selectors.incubation_timeline(incubation)]
    assert kinds[0] == "award" and "admit" in kinds and "stage" in kinds
    titles = [e["title"] for e in selectors.incubation_timeline(incubation)]
    assert "获二等奖" in titles
