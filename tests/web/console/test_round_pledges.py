"""The console's round page shows who accepted the round's pledge (评审承诺书), when and from which
address (issue 17), in a constant number of queries."""

from __future__ import annotations

from reviews import pledges
from tests.web.reviewer.conftest import open_round_with


def test_staff_see_who_accepted_the_pledge(client, union_staff, db):
    round_, _, pool = open_round_with(n_entries=2)
    pledges.pledge_accept(round=round_, reviewer=pool[0], ip_address="10.9.8.7")
    client.force_login(union_staff)
    page = client.get(f"/console/rounds/{round_.pk}/").content.decode()
    assert "10.9.8.7" in page
    assert str(pool[0].full_name or pool[0].username) in page
    assert str(pool[1].full_name or pool[1].username) not in page.split('id="pledges-h"')[1]


def test_the_pledge_section_is_not_offered_before_the_round_opens(client, union_staff, db):
    from tests.factories.reviews import RoundFactory

    round_ = RoundFactory()
    client.force_login(union_staff)
    assert 'id="pledges-h"' not in client.get(f"/console/rounds/{round_.pk}/").content.decode()
