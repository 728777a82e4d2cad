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


def _flagged_assigning_round(union_staff):
    from reviews import services
    from tests.factories.reviews import make_pool
    from tests.reviews.conftest import assign_by_hand

    round_ = RoundFactory(is_blind=True)
    entries = [ReviewEntryFactory(contest=round_.contest) for _ in range(2)]
    entries[0].summary = f"{entries[0].organisation.name}的创新成果"
    entries[0].save()
    pool = make_pool(round_.contest, 3)
    services.round_start_assigning(round=round_, actor=union_staff)
    assign_by_hand(round_, entries, pool, union_staff)
    return round_


def test_a_flagged_blind_round_does_not_open_from_the_console(client, union_staff, db):
    from jobs.models import Job

    round_ = _flagged_assigning_round(union_staff)
    client.force_login(union_staff)
    fragment = client.get(f"/console/rounds/{round_.pk}/blind-check/", HTTP_HX_REQUEST="true")
    assert 'name="blind_override_reason"' in fragment.content.decode()
    response = client.post(
        f"/console/rounds/{round_.pk}/move/",
        {"to": "open"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    page = response.content.decode()
    assert "1 个参赛项目的文字中写出了申报单位或其人员" in page
    round_.refresh_from_db()
    assert round_.state == "assigning"
    assert not Job.objects.filter(kind="reviews.round.confirm").exists()


def test_staff_open_a_flagged_blind_round_with_a_reason(client, union_staff, db):
    from jobs.models import Job

    round_ = _flagged_assigning_round(union_staff)
    client.force_login(union_staff)
    response = client.post(
        f"/console/rounds/{round_.pk}/move/",
        {"to": "open", "blind_override_reason": "已与申报单位核实"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 302
    job = Job.objects.get(kind="reviews.round.confirm")
    assert job.params == {"blind_override_reason": "已与申报单位核实"}
