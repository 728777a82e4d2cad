"""Awards by hand from the console's results page: grant one in the entry's row, change its
tier, withdraw it with a reason — through the API's services (award_grant, award_update,
award_withdraw) and under the one award rule (award_by_hand_blocked)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from projects.enums import EntryState
from reviews import services
from reviews.enums import AwardTier
from reviews.models import Award
from tests.reviews.test_fairness_selector import TOTALS
from tests.reviews.test_results import _run_round


@pytest.fixture
def final_round(union_staff):
    """A finalized final round (advancement rule none): every entry may get an award by hand."""
    round_, entries, _ = _run_round(union_staff, k=3, totals=TOTALS, rule="none")
    services.round_finalize(round=round_, actor=union_staff)
    round_.refresh_from_db()
    return round_, entries


def _results(client, round_) -> str:
    return client.get(f"/console/rounds/{round_.pk}/results/").content.decode()


def _grant(client, round_, entry, tier="excellence"):
    return client.post(
        f"/console/rounds/{round_.pk}/results/",
        {"action": "grant", "entry": entry.pk, "tier": tier},
    )


def test_staff_grant_an_award_by_hand_from_the_entrys_row(client, union_staff, final_round):
    round_, entries = final_round
    client.force_login(union_staff)
    page = _results(client, round_)
    assert page.count('name="action" value="grant"') == len(entries)
    response = _grant(client, round_, entries[1])
    assert response.status_code == 302
    award = Award.objects.get(entry=entries[1])
    assert (award.tier, award.by_rank, award.round_id) == (AwardTier.EXCELLENCE, False, round_.pk)
    entries[1].refresh_from_db()
    assert entries[1].state == EntryState.AWARDED
    page = _results(client, round_)
    assert page.count('name="action" value="grant"') == len(entries) - 1
    assert f'href="/console/awards/{award.pk}/"' in page


def test_no_tier_chosen_is_shown_in_the_row_and_grants_nothing(client, union_staff, final_round):
    round_, entries = final_round
    client.force_login(union_staff)
    response = _grant(client, round_, entries[0], tier="")
    assert response.status_code == 400
    assert 'data-field-error="tier"' in response.content.decode()
    assert not Award.objects.exists()


def test_an_unknown_tier_is_a_form_error_not_a_500(client, union_staff, final_round):
    round_, entries = final_round
    client.force_login(union_staff)
    response = _grant(client, round_, entries[0], tier="gold")
    assert response.status_code == 400
    assert not Award.objects.exists()


def test_a_second_award_is_refused_in_the_row(client, union_staff, final_round):
    round_, entries = final_round
    services.award_grant(round=round_, entry=entries[0], tier="third", actor=union_staff)
    client.force_login(union_staff)
    response = _grant(client, round_, entries[0], tier="first")
    assert response.status_code == 400
    assert "already holds an award" in response.content.decode()
    assert Award.objects.get(entry=entries[0]).tier == AwardTier.THIRD


def test_an_entry_of_another_round_is_a_404(client, union_staff, final_round):
    round_, _ = final_round
    other, other_entries, _ = _run_round(union_staff, k=3, totals=TOTALS, rule="none")
    client.force_login(union_staff)
    assert _grant(client, round_, other_entries[0]).status_code == 404
    assert not Award.objects.exists()


def test_an_entry_that_advanced_is_not_offered_and_is_refused(client, union_staff):
    """The award rule: from a round that sends entries on, the advanced ones get no award."""
    round_, entries, _ = _run_round(union_staff, k=3, totals=TOTALS, rule="top_n")
    services.round_finalize(round=round_, actor=union_staff)
    advanced = round_.round_entries.get(advanced=True).entry
    client.force_login(union_staff)
    page = _results(client, round_)
    assert page.count('name="action" value="grant"') == len(entries) - 1
    assert f'id="tier-{advanced.pk}"' not in page
    response = _grant(client, round_, advanced)
    assert response.status_code == 400
    assert not Award.objects.filter(entry=advanced).exists()


def test_a_round_not_finalized_offers_no_award_by_hand(client, union_staff):
    round_, entries, _ = _run_round(union_staff, k=3, totals=TOTALS, rule="none")
    client.force_login(union_staff)
    assert 'value="grant"' not in _results(client, round_)
    response = _grant(client, round_, entries[0])
    assert response.status_code == 400
    assert not Award.objects.exists()


def test_staff_change_an_awards_tier(client, union_staff, final_round):
    round_, entries = final_round
    award = services.award_grant(round=round_, entry=entries[0], tier="third", actor=union_staff)
    client.force_login(union_staff)
    assert client.get(f"/console/awards/{award.pk}/").status_code == 200
    response = client.post(
        f"/console/awards/{award.pk}/",
        {"action": "update", "tier": "second", "recommended_provincial": "on", "note": "双十佳"},
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.tier, award.recommended_provincial, award.note) == ("second", True, "双十佳")
    assert AuditEvent.objects.filter(action="award.update", target_id=str(award.pk)).exists()


def test_a_bad_tier_on_the_award_page_is_shown_next_to_the_field(client, union_staff, final_round):
    round_, entries = final_round
    award = services.award_grant(round=round_, entry=entries[0], tier="third", actor=union_staff)
    client.force_login(union_staff)
    response = client.post(f"/console/awards/{award.pk}/", {"action": "update", "tier": "gold"})
    assert response.status_code == 400
    assert 'data-field-error="tier"' in response.content.decode()
    award.refresh_from_db()
    assert award.tier == "third"


def test_staff_withdraw_an_award_with_a_reason(client, union_staff, final_round):
    round_, entries = final_round
    award = services.award_grant(round=round_, entry=entries[0], tier="third", actor=union_staff)
    client.force_login(union_staff)
    response = client.post(
        f"/console/awards/{award.pk}/", {"action": "withdraw", "reason": "异议成立"}
    )
    assert response.status_code == 302
    assert not Award.objects.filter(pk=award.pk).exists()
    entries[0].refresh_from_db()
    assert entries[0].state == EntryState.NOT_ADVANCED


def test_a_withdrawal_without_a_reason_keeps_the_award(client, union_staff, final_round):
    round_, entries = final_round
    award = services.award_grant(round=round_, entry=entries[0], tier="third", actor=union_staff)
    client.force_login(union_staff)
    response = client.post(f"/console/awards/{award.pk}/", {"action": "withdraw", "reason": ""})
    assert response.status_code == 400
    assert 'data-field-error="reason"' in response.content.decode()
    assert Award.objects.filter(pk=award.pk).exists()


def test_anonymous_users_are_sent_to_sign_in(client, union_staff, final_round):
    round_, entries = final_round
    award = services.award_grant(round=round_, entry=entries[0], tier="third", actor=union_staff)
    response = client.get(f"/console/awards/{award.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["member", "reviewer_user"])
def test_members_and_reviewers_are_refused(client, request, who, union_staff, final_round):
    round_, entries = final_round
    award = services.award_grant(round=round_, entry=entries[0], tier="third", actor=union_staff)
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/console/awards/{award.pk}/").status_code == 403
    assert (
        client.post(
            f"/console/awards/{award.pk}/", {"action": "withdraw", "reason": "x"}
        ).status_code
        == 403
    )
    assert _grant(client, round_, entries[1]).status_code == 403
    assert Award.objects.count() == 1


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_results_page_with_awards_takes_constant_queries(client, union_staff):
    counts = []
    client.force_login(union_staff)
    for totals in (TOTALS, TOTALS * 4):
        round_, entries, _ = _run_round(union_staff, k=3, totals=totals, rule="none")
        services.round_finalize(round=round_, actor=union_staff)
        for entry in entries[::2]:
            services.award_grant(round=round_, entry=entry, tier="third", actor=union_staff)
        url = f"/console/rounds/{round_.pk}/results/"
        _queries(client, url)
        counts.append(_queries(client, url))
    assert counts[0] == counts[1]


def test_the_award_page_takes_constant_queries(client, union_staff, final_round):
    round_, entries = final_round
    award = services.award_grant(round=round_, entry=entries[0], tier="third", actor=union_staff)
    client.force_login(union_staff)
    _queries(client, f"/console/awards/{award.pk}/")
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/console/awards/{award.pk}/")
    assert len(ctx.captured_queries) <= 8
