"""The reviewer's pages through Django's test client: who may open them, what a refused or
malformed input leaves behind, and constant query counts on save and submit."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from reviews.enums import AssignmentStatus, ReviewState
from reviews.models import PledgeAcceptance, Review, ReviewerConflict
from tests.factories.accounts import OrganisationFactory
from tests.factories.reviews import accept_pledges
from tests.web.reviewer.conftest import assignments_of, open_round_with


def _urls(round_, assignment) -> list[str]:
    return [
        "/review/",
        f"/review/rounds/{round_.pk}/pledge/",
        f"/review/assignments/{assignment.pk}/",
        f"/review/assignments/{assignment.pk}/recuse/",
        "/review/conflicts/",
        "/review/profile/",
    ]


def _post_scores(round_, values, **extra) -> dict:
    data = {"comment": ""}
    for c, v in zip(round_.criteria.order_by("position"), values, strict=True):
        data[f"score-{c.pk}"] = str(v)
        data[f"comment-{c.pk}"] = ""
    return {**data, **extra}


def test_reviewer_opens_every_page(client, scoring_round):
    round_, _, pool = scoring_round
    accept_pledges(round_)
    client.force_login(pool[0])
    for url in _urls(round_, assignments_of(round_, pool[0])[0]):
        assert client.get(url).status_code == 200, url


def test_anonymous_users_are_sent_to_sign_in(client, scoring_round):
    round_, _, pool = scoring_round
    for url in _urls(round_, assignments_of(round_, pool[0])[0]):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["member", "union_staff", "incubator_staff"])
def test_other_roles_are_refused(client, request, who, scoring_round):
    round_, _, pool = scoring_round
    a = assignments_of(round_, pool[0])[0]
    client.force_login(request.getfixturevalue(who))
    for url in _urls(round_, a):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/review/assignments/{a.pk}/save/", {}).status_code == 403


def test_another_reviewers_assignment_is_404(client, scoring_round):
    round_, _, pool = scoring_round
    accept_pledges(round_)
    mine = {a.pk for a in assignments_of(round_, pool[0])}
    other = next(a for a in round_.assignments.all() if a.pk not in mine)
    client.force_login(pool[0])
    for tail in ("", "recuse/"):
        assert client.get(f"/review/assignments/{other.pk}/{tail}").status_code == 404
    for tail in ("save/", "submit/", "recuse/"):
        response = client.post(
            f"/review/assignments/{other.pk}/{tail}", _post_scores(round_, [1, 1, 1, 1])
        )
        assert response.status_code == 404, tail
    assert not Review.objects.filter(assignment=other).exists()
    other.refresh_from_db()
    assert other.status == AssignmentStatus.ACTIVE


def test_scoring_page_sends_to_the_pledge_first(client, scoring_round):
    round_, _, pool = scoring_round
    a = assignments_of(round_, pool[0])[0]
    client.force_login(pool[0])
    response = client.get(f"/review/assignments/{a.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/review/rounds/{round_.pk}/pledge/")
    response = client.post(f"/review/assignments/{a.pk}/save/", _post_scores(round_, [1, 1, 1, 1]))
    assert response.status_code == 302 and not Review.objects.exists()
    page = client.get(f"/review/rounds/{round_.pk}/pledge/").content.decode()
    assert 'name="agree"' in page
    accepted = client.post(
        f"/review/rounds/{round_.pk}/pledge/",
        {"agree": "on", "next": f"/review/assignments/{a.pk}/"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert accepted.status_code == 303 and accepted["Location"] == f"/review/assignments/{a.pk}/"
    acceptance = PledgeAcceptance.objects.get(round=round_, reviewer=pool[0])
    assert acceptance.ip_address == "10.1.2.3"


def test_pledge_needs_the_box_ticked(client, scoring_round):
    round_, _, pool = scoring_round
    client.force_login(pool[0])
    response = client.post(f"/review/rounds/{round_.pk}/pledge/", {})
    assert response.status_code == 400
    assert not PledgeAcceptance.objects.exists()


def test_pledge_of_a_round_without_my_assignment_is_404(client, scoring_round):
    round_, _, pool = scoring_round
    other_round, _, _ = open_round_with()
    client.force_login(pool[0])
    assert client.get(f"/review/rounds/{other_round.pk}/pledge/").status_code == 404
    assert (
        client.post(f"/review/rounds/{other_round.pk}/pledge/", {"agree": "on"}).status_code == 404
    )


@pytest.mark.parametrize("bad", ["31", "abc", "-1", "12.25"])
def test_malformed_score_shows_the_field_error_and_writes_nothing(client, scoring_round, bad):
    round_, _, pool = scoring_round
    accept_pledges(round_)
    a = assignments_of(round_, pool[0])[0]
    first = round_.criteria.order_by("position").first()
    client.force_login(pool[0])
    for tail in ("save/", "submit/"):
        response = client.post(
            f"/review/assignments/{a.pk}/{tail}", _post_scores(round_, [bad, 10, 10, 10])
        )
        assert response.status_code == 400
        assert f'data-field-error="score-{first.pk}"' in response.content.decode()
    assert not Review.objects.filter(assignment=a).exists()


def test_htmx_autosave_answers_with_the_saved_status(client, scoring_round):
    round_, _, pool = scoring_round
    accept_pledges(round_)
    a = assignments_of(round_, pool[0])[0]
    client.force_login(pool[0])
    response = client.post(
        f"/review/assignments/{a.pk}/save/",
        _post_scores(round_, [10, 20, 5, "7.5"]),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="save-status"')
    assert 'data-state="draft"' in body
    review = Review.objects.get(assignment=a)
    assert review.state == ReviewState.DRAFT and review.total == Decimal("42.500")


def test_submit_locks_the_page(client, scoring_round):
    round_, _, pool = scoring_round
    accept_pledges(round_)
    a = assignments_of(round_, pool[0])[0]
    client.force_login(pool[0])
    response = client.post(
        f"/review/assignments/{a.pk}/submit/", _post_scores(round_, [30, 25, 25, 20])
    )
    assert response.status_code == 303
    page = client.get(f"/review/assignments/{a.pk}/").content.decode()
    assert 'data-state="submitted"' in page and "data-locked-reason" in page
    assert "hx-post" not in page and "disabled" in page
    again = client.post(f"/review/assignments/{a.pk}/save/", _post_scores(round_, [1, 1, 1, 1]))
    assert again.status_code == 400
    assert Review.objects.get(assignment=a).total == Decimal("100.000")


def test_submit_with_a_criterion_missing_is_refused(client, scoring_round):
    round_, _, pool = scoring_round
    accept_pledges(round_)
    a = assignments_of(round_, pool[0])[0]
    client.force_login(pool[0])
    response = client.post(
        f"/review/assignments/{a.pk}/submit/", _post_scores(round_, [30, 25, 25, ""])
    )
    assert response.status_code == 400
    assert not Review.objects.filter(assignment=a, state=ReviewState.SUBMITTED).exists()


def test_save_and_next_goes_to_the_next_entry_in_the_queue(client, scoring_round):
    round_, _, pool = scoring_round
    accept_pledges(round_)
    first, second = assignments_of(round_, pool[0])[:2]
    client.force_login(pool[0])
    response = client.post(
        f"/review/assignments/{first.pk}/save/", _post_scores(round_, [1, 1, 1, 1], next="1")
    )
    assert response.status_code == 303
    assert response["Location"] == f"/review/assignments/{second.pk}/"


def _queries(client, url, data, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data, **headers)
    assert response.status_code in (200, 303), response.content[:500]
    return len(ctx.captured_queries)


def test_save_and_submit_take_a_constant_number_of_queries(client, db):
    counts = []
    for n_criteria in (2, 2, 8):  # the first run fills the per-process caches (content types)
        rubric = [(f"标准{i}", Decimal("10"), Decimal("10")) for i in range(n_criteria)]
        round_, _, pool = open_round_with(n_entries=3, rubric=rubric)
        accept_pledges(round_)
        a = assignments_of(round_, pool[0])[0]
        client.force_login(pool[0])
        assert client.get(f"/review/assignments/{a.pk}/").status_code == 200  # warm caches
        values = ["5"] * n_criteria
        save = _queries(
            client,
            f"/review/assignments/{a.pk}/save/",
            _post_scores(round_, values),
            HTTP_HX_REQUEST="true",
        )
        again = _queries(
            client,
            f"/review/assignments/{a.pk}/save/",
            _post_scores(round_, values),
            HTTP_HX_REQUEST="true",
        )
        submit = _queries(
            client, f"/review/assignments/{a.pk}/submit/", _post_scores(round_, values)
        )
        counts.append((save, again, submit))
    assert counts[1] == counts[2], counts
    assert max(counts[2]) <= 30, counts


def test_recusal_needs_a_reason_then_frees_the_slot(client, scoring_round):
    round_, _, pool = scoring_round
    a = assignments_of(round_, pool[0])[0]
    client.force_login(pool[0])
    refused = client.post(f"/review/assignments/{a.pk}/recuse/", {"reason": "  "})
    assert refused.status_code == 400 and "invalid-feedback" in refused.content.decode()
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ACTIVE
    done = client.post(f"/review/assignments/{a.pk}/recuse/", {"reason": "曾在该单位任职"})
    assert done.status_code == 303
    a.refresh_from_db()
    assert a.status == AssignmentStatus.RECUSED


def test_conflict_is_declared_only_with_an_organisation_the_search_offers(client, scoring_round):
    round_, _, pool = scoring_round
    known = OrganisationFactory(name="十堰市某某机械有限公司")
    hidden = OrganisationFactory(name="十堰市另一家机械有限公司")
    client.force_login(pool[0])
    partial = client.get(
        "/review/conflicts/search/?q=机械", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert hidden.name not in partial and known.name not in partial  # partial names: nobody known
    exact = client.get(f"/review/conflicts/search/?q={known.name}", HTTP_HX_REQUEST="true")
    assert known.name in exact.content.decode()
    sneaky = client.post(
        "/review/conflicts/", {"q": known.name, "organisation": hidden.pk, "reason": "亲属"}
    )
    assert sneaky.status_code == 400 and not ReviewerConflict.objects.exists()
    no_reason = client.post("/review/conflicts/", {"q": known.name, "organisation": known.pk})
    assert no_reason.status_code == 400 and not ReviewerConflict.objects.exists()
    ok = client.post(
        "/review/conflicts/", {"q": known.name, "organisation": known.pk, "reason": "亲属在该单位"}
    )
    assert ok.status_code == 303
    assert ReviewerConflict.objects.get().organisation == known
    assert Organisation.objects.count() >= 2


def test_profile_changes_what_a_reviewer_may_and_never_the_load(client, reviewer_user):
    profile = reviewer_user.reviewer_profile
    client.force_login(reviewer_user)
    page = client.get("/review/profile/").content.decode()
    assert "max_load" not in page
    response = client.post(
        "/review/profile/",
        {
            "title": "高级工程师",
            "bio": "二十年",
            "email": "e@example.com",
            "phone": "123",
            "max_load": "9999",
        },
    )
    assert response.status_code == 303
    profile.refresh_from_db()
    reviewer_user.refresh_from_db()
    assert profile.title == "高级工程师" and reviewer_user.email == "e@example.com"
    assert profile.max_load != 9999


def test_closed_round_shows_what_was_submitted_read_only(client, scoring_round):
    from reviews import services

    round_, _, pool = scoring_round
    accept_pledges(round_)
    a = assignments_of(round_, pool[0])[0]
    client.force_login(pool[0])
    client.post(f"/review/assignments/{a.pk}/submit/", _post_scores(round_, [30, 25, 25, 20]))
    services.round_close(round=round_, actor=None)
    page = client.get("/review/").content.decode()
    assert a.entry.title in page and "100" in page
    assert f"/review/assignments/{a.pk}/" in page  # the read-only page, not a 404
    response = client.get(f"/review/assignments/{a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-locked-reason" in page and "hx-post" not in page
    assert "您已提交此评审，不能再修改。" in page
    assert re.search(r'value="30(\.0)?"', page) and " disabled" in page


def test_after_the_round_closed_a_draft_is_read_only_and_says_why(client, scoring_round):
    from reviews import services

    round_, _, pool = scoring_round
    accept_pledges(round_)
    a = assignments_of(round_, pool[0])[0]
    client.force_login(pool[0])
    client.post(f"/review/assignments/{a.pk}/save/", _post_scores(round_, [10, 10, 10, 10]))
    services.round_close(round=round_, actor=None)
    response = client.get(f"/review/assignments/{a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    assert "本轮评审已截止，评分不能再修改。" in page
    assert "hx-post" not in page and re.search(r'value="10(\.0)?"', page)
    before = Review.objects.get(assignment=a).total
    refused = client.post(
        f"/review/assignments/{a.pk}/save/", _post_scores(round_, [20, 20, 20, 20])
    )
    assert refused.status_code == 400
    assert Review.objects.get(assignment=a).total == before
    refused = client.post(
        f"/review/assignments/{a.pk}/submit/", _post_scores(round_, [20, 20, 20, 20])
    )
    assert refused.status_code == 400
    assert Review.objects.get(assignment=a).state == ReviewState.DRAFT


def test_a_closed_rounds_page_stays_404_for_others_and_without_the_pledge(client, scoring_round):
    from reviews import services

    round_, _, pool = scoring_round
    mine = assignments_of(round_, pool[0])[0]
    PledgeAcceptance.objects.filter(round=round_).delete()
    services.round_close(round=round_, actor=None)
    client.force_login(pool[0])
    assert client.get(f"/review/assignments/{mine.pk}/").status_code == 404  # no pledge
    assert client.get(f"/review/assignments/{mine.pk}/files/1/").status_code == 404
    accept_pledges(round_)
    assert client.get(f"/review/assignments/{mine.pk}/").status_code == 200
    client.force_login(pool[1])
    others = [x for x in assignments_of(round_, pool[0]) if x.reviewer_id == pool[0].pk]
    assert client.get(f"/review/assignments/{others[0].pk}/").status_code == 404


def test_after_the_deadline_the_page_is_read_only_and_saves_are_refused(client, scoring_round):
    from datetime import timedelta

    from django.utils import timezone

    from reviews.models import Round

    round_, _, pool = scoring_round
    accept_pledges(round_)
    a = assignments_of(round_, pool[0])[0]
    Round.objects.filter(pk=round_.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    client.force_login(pool[0])
    page = client.get(f"/review/assignments/{a.pk}/").content.decode()
    assert "data-locked-reason" in page and "hx-post" not in page
    response = client.post(f"/review/assignments/{a.pk}/save/", _post_scores(round_, [1, 1, 1, 1]))
    assert response.status_code == 400
    assert not Review.objects.filter(assignment=a).exists()


def test_attachments_show_in_the_page_by_kind(client, scoring_round):
    from tests.factories.reviews import AttachmentFactory

    round_, _, pool = scoring_round
    accept_pledges(round_)
    a = assignments_of(round_, pool[0])[0]
    pdf = AttachmentFactory(entry=a.entry, content_type="application/pdf", original_name="a.pdf")
    png = AttachmentFactory(entry=a.entry, content_type="image/png", original_name="b.png")
    xlsx = AttachmentFactory(
        entry=a.entry,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        original_name="c.xlsx",
    )
    client.force_login(pool[0])
    page = client.get(f"/review/assignments/{a.pk}/").content.decode()
    base = f"/review/assignments/{a.pk}/files/"
    assert f'data-pdf-url="{base}{pdf.pk}/"' in page  # drawn by pdf.js
    assert f'<img class="img-fluid" src="{base}{png.pk}/"' in page  # inline
    assert f'href="{base}{xlsx.pk}/" download' in page  # offered for download
    assert f'data-pdf-url="{base}{xlsx.pk}/"' not in page


def test_the_home_page_reads_the_queue_in_a_constant_number_of_queries(client, db):
    """The queue needs titles and review states only: the same count for 3 and 12 entries,
    drafted and submitted reviews included, and none of the entries' material is read."""
    counts = []
    for n_entries in (3, 3, 12):  # the first run fills the per-process caches
        round_, _, pool = open_round_with(n_entries=n_entries, n_reviewers=2)
        accept_pledges(round_)
        mine = assignments_of(round_, pool[0])
        client.force_login(pool[0])
        client.post(f"/review/assignments/{mine[0].pk}/save/", _post_scores(round_, [1] * 4))
        client.post(f"/review/assignments/{mine[1].pk}/submit/", _post_scores(round_, [2] * 4))
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/review/")
        assert page.status_code == 200
        body = page.content.decode()
        assert all(a.entry.title in body for a in mine)
        assert not any("summary" in q["sql"] for q in ctx.captured_queries)
        counts.append(len(ctx.captured_queries))
    assert counts[1] == counts[2], counts
