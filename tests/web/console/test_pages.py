"""The console pages through Django's test client: who may open them, what they show, what a
refused action leaves behind, and constant query counts as the round grows."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from reviews import services
from reviews.enums import RoundState
from reviews.models import PoolMember
from tests.factories.accounts import ReviewerProfileFactory
from tests.reviews.test_fairness_selector import TOTALS
from tests.reviews.test_results import _run_round


@pytest.fixture
def scored_round(union_staff):
    round_, entries, pool = _run_round(union_staff, k=3, totals=TOTALS)
    services.round_compute_results(round=round_, actor=union_staff)
    return round_


def urls(round_) -> list[str]:
    entry = round_.round_entries.first().entry
    return [
        "/console/",
        "/console/entries/",
        f"/console/entries/{entry.pk}/",
        f"/console/contests/{round_.contest_id}/rounds/new/",
        f"/console/rounds/{round_.pk}/rubric/",
        f"/console/contests/{round_.contest_id}/pool/",
        f"/console/rounds/{round_.pk}/",
        f"/console/rounds/{round_.pk}/assignment/",
        f"/console/rounds/{round_.pk}/results/",
        f"/console/rounds/{round_.pk}/fairness/",
    ]


def test_staff_open_every_console_page(client, union_staff, scored_round):
    client.force_login(union_staff)
    for url in urls(scored_round):
        assert client.get(url).status_code == 200, url


def test_anonymous_users_are_sent_to_sign_in(client, scored_round):
    for url in urls(scored_round):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["member", "reviewer_user", "incubator_staff"])
def test_other_roles_are_refused(client, request, who, scored_round):
    client.force_login(request.getfixturevalue(who))
    for url in urls(scored_round):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/console/rounds/{scored_round.pk}/move/", {"to": "finalized"})
    assert response.status_code == 403
    scored_round.refresh_from_db()
    assert scored_round.state == RoundState.CLOSED


def test_round_moves_are_offered_as_buttons_and_refusals_shown(client, union_staff, scored_round):
    client.force_login(union_staff)
    page = client.get(f"/console/rounds/{scored_round.pk}/").content.decode()
    assert 'value="finalized"' in page and 'value="assigning"' not in page
    response = client.post(
        f"/console/rounds/{scored_round.pk}/move/", {"to": "assigning"}, follow=True
    )
    assert "closed" in response.content.decode().lower()  # the transition error, in words
    scored_round.refresh_from_db()
    assert scored_round.state == RoundState.CLOSED


def test_results_page_flags_entries_with_fewer_than_k_reviews(client, union_staff):
    round_, _, _ = _run_round(union_staff, k=3, totals=[[60, 70, None], [80, 80, 81]])
    services.round_compute_results(round=round_, actor=union_staff)
    client.force_login(union_staff)
    page = client.get(f"/console/rounds/{round_.pk}/results/").content.decode()
    assert page.count('class="badge text-bg-warning"') == 1


def test_fairness_page_lists_disputed_entries(client, union_staff, scored_round):
    client.force_login(union_staff)
    page = client.get(f"/console/rounds/{scored_round.pk}/fairness/?threshold=40").content.decode()
    assert page.count('name="entry"') == 1  # only entry 2 (50 points apart)
    assert 'id="fairness-data"' in page and "echarts.min.js" in page


def test_pool_search_and_add(client, union_staff, scored_round):
    profile = ReviewerProfileFactory(user__full_name="欧阳明")
    client.force_login(union_staff)
    page = client.get(f"/console/contests/{scored_round.contest_id}/pool/?q=欧阳").content.decode()
    assert "欧阳明" in page
    client.post(
        f"/console/contests/{scored_round.contest_id}/pool/",
        {"action": "add", "reviewer": [profile.user_id]},
    )
    assert PoolMember.objects.filter(
        contest_id=scored_round.contest_id, reviewer=profile.user
    ).exists()


def _sheet(*rows) -> io.BytesIO:
    wb = Workbook()
    wb.active.append(["姓名", "职称", "工作单位", "专业领域", "手机", "邮箱"])
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "experts.xlsx"
    return out


def test_pool_import_puts_experts_into_the_pool(client, union_staff, scored_round):
    client.force_login(union_staff)
    client.post(
        f"/console/contests/{scored_round.contest_id}/pool/",
        {"action": "import", "file": _sheet(["李明", "教授", "", "", "", "li@example.org"])},
    )
    assert PoolMember.objects.filter(
        contest_id=scored_round.contest_id, reviewer__username="li@example.org"
    ).exists()


def test_pool_import_shows_each_bad_row_and_adds_nobody(client, union_staff, scored_round):
    client.force_login(union_staff)
    before = PoolMember.objects.count()
    response = client.post(
        f"/console/contests/{scored_round.contest_id}/pool/",
        {
            "action": "import",
            "file": _sheet(["", "", "", "", "", "x@example.org"], ["王芳", "", "", "", "", "bad"]),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('data-field-error="file"') == 2
    assert PoolMember.objects.count() == before


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["results", "fairness", "assignment", ""])
def test_round_pages_take_constant_queries(client, union_staff, page):
    small, _, _ = _run_round(union_staff, k=3, totals=TOTALS)
    large, _, _ = _run_round(union_staff, k=3, totals=TOTALS * 4)
    client.force_login(union_staff)
    counts = []
    for round_ in (small, large):
        services.round_compute_results(round=round_, actor=union_staff)
        path = f"/console/rounds/{round_.pk}/{page + '/' if page else ''}"
        _queries(client, path)  # warm caches (content types, sessions)
        counts.append(_queries(client, path))
    assert counts[0] == counts[1]


def test_entry_list_filters_by_keyword_and_links_the_export(client, union_staff, scored_round):
    entry = scored_round.round_entries.first().entry
    client.force_login(union_staff)
    page = client.get("/console/entries/", {"q": entry.title, "sort": "title"}).content.decode()
    assert f'href="/console/entries/{entry.pk}/"' in page
    assert "export/?file_format=csv&amp;q=" in page
    assert 'action="/console/entries/export/?q=' in page


def test_the_xlsx_export_is_a_job_whose_page_offers_the_file(client, union_staff, scored_round):
    from django.http import QueryDict

    from jobs import services as job_services
    from jobs.models import Job

    entry = scored_round.round_entries.first().entry
    client.force_login(union_staff)
    response = client.post(
        f"/console/entries/export/?q={entry.title}&contest={entry.contest_id}",
        {"file_format": "xlsx"},
    )
    job = Job.objects.get(kind="projects.entries.export")
    assert response.status_code == 302 and response["Location"] == f"/console/jobs/{job.pk}/"
    assert QueryDict(job.params["query"]).dict() == {
        "contest": str(entry.contest_id),
        "q": entry.title,
    }
    job_services.job_run(job_id=job.pk)
    page = client.get(response["Location"]).content.decode()
    assert f'href="/api/v1/jobs/{job.pk}/download/"' in page and "1 row" in page
    download = client.get(f"/api/v1/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")


def test_a_refused_export_goes_back_to_the_list_saying_why(client, union_staff):
    from jobs.models import Job

    client.force_login(union_staff)
    response = client.post(
        "/console/entries/export/?state=nope", {"file_format": "xlsx"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/console/entries/?state=nope"
    assert "state" in response.content.decode() and not Job.objects.exists()


@pytest.mark.parametrize("who", ["member", "reviewer_user", "incubator_staff"])
def test_other_roles_cannot_start_an_export(client, request, who):
    from jobs.models import Job

    client.force_login(request.getfixturevalue(who))
    assert client.post("/console/entries/export/", {"file_format": "xlsx"}).status_code == 403
    assert not Job.objects.exists()


def test_entry_list_takes_constant_queries(client, union_staff):
    from tests.factories.reviews import ReviewEntryFactory

    client.force_login(union_staff)
    ReviewEntryFactory()
    _queries(client, "/console/entries/")
    small = _queries(client, "/console/entries/")
    for _ in range(6):
        ReviewEntryFactory()
    assert _queries(client, "/console/entries/") == small


def test_round_wizard_creates_a_round_then_the_rubric_warns_on_weights(client, union_staff):
    from tests.factories.reviews import ReviewContestFactory

    contest = ReviewContestFactory()
    client.force_login(union_staff)
    response = client.post(
        f"/console/contests/{contest.pk}/rounds/new/",
        {
            "name": "初赛",
            "order": 1,
            "reviewers_per_entry": 3,
            "opens_at": "2026-01-01T08:00",
            "deadline": "2027-01-01T08:00",
            "aggregation": "mean",
            "advancement_rule": "top_n",
            "advancement_value": "2",
            "disagreement_threshold": "15",
        },
    )
    round_ = contest.rounds.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/rounds/{round_.pk}/rubric/"
    )
    form = {
        "form-TOTAL_FORMS": 2,
        "form-INITIAL_FORMS": 0,
        "form-0-name": "创新性",
        "form-0-weight": "50",
        "form-0-max_score": "50",
        "form-1-name": "效益",
        "form-1-weight": "30",
        "form-1-max_score": "30",
    }
    page = client.post(f"/console/rounds/{round_.pk}/rubric/", form, follow=True).content.decode()
    assert round_.criteria.count() == 2
    assert 'role="status"' in page and "80" in page  # the weights warning


def test_round_wizard_shows_the_services_refusal(client, union_staff):
    from tests.factories.reviews import ReviewContestFactory

    contest = ReviewContestFactory()
    client.force_login(union_staff)
    response = client.post(
        f"/console/contests/{contest.pk}/rounds/new/",
        {
            "name": "初赛",
            "order": 1,
            "reviewers_per_entry": 3,
            "opens_at": "2026-01-01T08:00",
            "deadline": "2027-01-01T08:00",
            "aggregation": "mean",
            "advancement_rule": "top_n",
            "advancement_value": "",
            "disagreement_threshold": "15",
        },
    )
    assert response.status_code == 400
    assert 'data-field-error="advancement_value"' in response.content.decode()
    assert not contest.rounds.exists()


def test_fairness_page_adds_a_reviewer_to_a_disputed_entry(client, union_staff):
    from reviews.models import Assignment
    from tests.factories.reviews import make_pool

    round_, entries, _ = _run_round(union_staff, k=3, totals=TOTALS)
    extra = make_pool(round_.contest, 1)[0]
    client.force_login(union_staff)
    response = client.post(
        f"/console/rounds/{round_.pk}/fairness/",
        {"entry": [entries[2].pk], "reason": "复评", "deadline": "2030-01-01T08:00"},
        follow=True,
    )
    assert response.status_code == 200
    assert Assignment.objects.filter(round=round_, entry=entries[2], reviewer=extra).exists()
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN


def test_fairness_page_without_deadline_on_a_closed_round_adds_nobody(client, union_staff):
    from reviews.models import Assignment
    from tests.factories.reviews import make_pool

    round_, entries, _ = _run_round(union_staff, k=3, totals=TOTALS)
    extra = make_pool(round_.contest, 1)[0]
    client.force_login(union_staff)
    response = client.post(
        f"/console/rounds/{round_.pk}/fairness/",
        {"entry": [entries[2].pk], "reason": "复评"},
        follow=True,
    )
    assert "deadline" in response.content.decode()
    assert not Assignment.objects.filter(round=round_, reviewer=extra).exists()


@pytest.mark.parametrize(("rule", "offered"), [("top_n", False), ("none", True)])
def test_awards_by_rank_are_offered_only_from_the_contests_final_round(
    client, union_staff, rule, offered
):
    """The award rule (services.award_source_check): a round that advances entries to a later
    round offers no "grant awards" form; the contest's final round does."""
    round_, _, _ = _run_round(union_staff, k=3, totals=TOTALS, rule=rule)
    services.round_finalize(round=round_, actor=union_staff)
    client.force_login(union_staff)
    page = client.get(f"/console/rounds/{round_.pk}/results/").content.decode()
    assert ('id="awards-h"' in page) is offered


def test_results_page_offers_no_step_while_a_job_holds_the_round(client, union_staff):
    from reviews import jobs as round_jobs

    round_, _, _ = _run_round(union_staff, k=3, totals=TOTALS)
    client.force_login(union_staff)
    page = client.get(f"/console/rounds/{round_.pk}/results/").content.decode()
    assert 'value="compute"' in page
    round_jobs.round_compute_results_start(round=round_, actor=union_staff)  # queued, not run
    page = client.get(f"/console/rounds/{round_.pk}/results/").content.decode()
    assert 'value="compute"' not in page
    assert 'role="status"' in page


def test_a_move_returns_only_to_a_page_of_this_site(client, union_staff, scored_round):
    """``next`` is followed only when it points into the site: never an open redirect."""
    client.force_login(union_staff)
    url = f"/console/rounds/{scored_round.pk}/move/"
    away = client.post(url, {"to": "assigning", "next": "https://evil.example/phish"})
    assert away.status_code == 302
    assert away["Location"] == f"/console/rounds/{scored_round.pk}/"
    here = client.post(url, {"to": "assigning", "next": "/console/"})
    assert here.status_code == 302 and here["Location"] == "/console/"
