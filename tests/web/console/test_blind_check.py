"""Staff see, before a blind round opens, which entries' free text names the entrant (issue 17)."""

from __future__ import annotations

from tests.factories.reviews import ReviewEntryFactory, RoundFactory


def test_staff_see_the_entries_that_name_their_entrant(client, union_staff, db):
    round_ = RoundFactory(is_blind=True)
    named = ReviewEntryFactory(contest=round_.contest)
    named.summary = f"{named.organisation.name}的创新成果"
    named.save()
    clean = ReviewEntryFactory(contest=round_.contest)
    client.force_login(union_staff)
    page = client.get(f"/console/rounds/{round_.pk}/").content.decode()
    assert f"/console/rounds/{round_.pk}/blind-check/" in page
    fragment = client.get(f"/console/rounds/{round_.pk}/blind-check/", HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="blind-flags">')
    assert named.title in body and clean.title not in body
    assert client.get(f"/console/rounds/{round_.pk}/blind-check/").status_code == 200


def test_the_blind_check_is_staff_only(client, reviewer_user, member, db):
    round_ = RoundFactory(is_blind=True)
    for user in (reviewer_user, member):
        client.force_login(user)
        assert client.get(f"/console/rounds/{round_.pk}/blind-check/").status_code == 403
