"""The console's contest pages through Django's test client: create an edition with its
categories (all or nothing), edit it and its categories, move it with the allowed moves as
buttons and a refused move in words; who may open them; constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEvent
from projects.enums import ContestState
from projects.models import Category, Contest
from tests.factories.accounts import ExpertiseFieldFactory
from tests.factories.projects import CategoryFactory, ContestFactory, EntryFactory

pytestmark = pytest.mark.django_db


def _minute(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _contest_form(**overrides) -> dict:
    now = timezone.now()
    data = {
        "name": "十堰市第六届职工创新创业大赛",
        "edition": "6",
        "year": "2026",
        "description": "",
        "registration_opens_at": _minute(now - timedelta(days=1)),
        "registration_closes_at": _minute(now + timedelta(days=30)),
        "max_entries_per_org": "3",
        "categories-TOTAL_FORMS": "3",
        "categories-INITIAL_FORMS": "0",
        "categories-0-code": "innovation",
        "categories-0-name": "创新组",
        "categories-1-code": "",
        "categories-1-name": "",
        "categories-2-code": "",
        "categories-2-name": "",
    }
    data.update(overrides)
    return data


def _page(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------------------ create


def test_staff_create_an_edition_with_its_categories(client, union_staff):
    client.force_login(union_staff)
    response = client.post(
        "/console/contests/new/",
        _contest_form(**{"categories-1-code": "startup", "categories-1-name": "创业组"}),
    )
    contest = Contest.objects.get(edition=6)
    assert (
        response.status_code == 302 and response["Location"] == f"/console/contests/{contest.pk}/"
    )
    assert contest.state == ContestState.DRAFT and contest.max_entries_per_org == 3
    assert sorted(contest.categories.values_list("code", flat=True)) == ["innovation", "startup"]
    assert contest.created_by == union_staff


def test_a_refused_category_leaves_no_contest_behind(client, union_staff):
    """Two rows with one code: the service refuses the second, and the contest goes too."""
    client.force_login(union_staff)
    response = client.post(
        "/console/contests/new/",
        _contest_form(**{"categories-1-code": "innovation", "categories-1-name": "创新组二"}),
    )
    assert response.status_code == 400
    assert 'data-field-error="categories-1-code"' in _page(response)
    assert not Contest.objects.filter(edition=6).exists()
    assert not Category.objects.filter(code="innovation").exists()


def test_a_category_row_with_a_code_but_no_name_is_a_form_error(client, union_staff):
    client.force_login(union_staff)
    response = client.post("/console/contests/new/", _contest_form(**{"categories-0-name": ""}))
    assert response.status_code == 400
    assert 'data-field-error="categories-0"' in _page(response)
    assert not Contest.objects.exists()


def test_a_duplicate_edition_is_shown_next_to_the_field(client, union_staff):
    ContestFactory(edition=6)
    client.force_login(union_staff)
    response = client.post("/console/contests/new/", _contest_form())
    assert response.status_code == 400
    assert 'data-field-error="edition"' in _page(response)
    assert Contest.objects.filter(edition=6).count() == 1
    assert not Category.objects.filter(code="innovation").exists()


def test_a_window_closing_before_it_opens_is_shown_next_to_the_field(client, union_staff):
    now = timezone.now()
    client.force_login(union_staff)
    response = client.post(
        "/console/contests/new/",
        _contest_form(registration_closes_at=_minute(now - timedelta(days=3))),
    )
    assert response.status_code == 400
    assert 'data-field-error="registration_closes_at"' in _page(response)
    assert not Contest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("edition", "abc"), ("max_entries_per_org", "0"), ("year", "1999"), ("name", "")],
)
def test_bad_input_is_a_form_error_not_a_500(client, union_staff, field, value):
    client.force_login(union_staff)
    response = client.post("/console/contests/new/", _contest_form(**{field: value}))
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in _page(response)
    assert not Contest.objects.exists()


# -------------------------------------------------------------------------------- edit


def test_staff_edit_the_window_and_the_limit(client, union_staff):
    contest = ContestFactory(state=ContestState.DRAFT)
    client.force_login(union_staff)
    closes = timezone.now() + timedelta(days=60)
    response = client.post(
        f"/console/contests/{contest.pk}/",
        {
            "action": "contest",
            "name": contest.name,
            "edition": contest.edition,
            "year": contest.year,
            "registration_opens_at": _minute(contest.registration_opens_at),
            "registration_closes_at": _minute(closes),
            "max_entries_per_org": "5",
        },
    )
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.max_entries_per_org == 5
    assert _minute(contest.registration_closes_at) == _minute(closes)
    assert AuditEvent.objects.filter(action="contest.update", target_id=str(contest.pk)).exists()


def test_a_frozen_contest_offers_no_form_and_refuses_a_change(client, union_staff):
    contest = ContestFactory(state=ContestState.IN_REVIEW)
    client.force_login(union_staff)
    page = _page(client.get(f"/console/contests/{contest.pk}/"))
    assert 'name="action" value="contest"' not in page
    assert 'name="action" value="category"' not in page
    response = client.post(
        f"/console/contests/{contest.pk}/",
        {
            "action": "contest",
            "name": "改名",
            "edition": contest.edition,
            "year": contest.year,
            "registration_opens_at": _minute(contest.registration_opens_at),
            "registration_closes_at": _minute(contest.registration_closes_at),
            "max_entries_per_org": "9",
        },
    )
    assert response.status_code == 400
    assert 'role="alert"' in _page(response)
    contest.refresh_from_db()
    assert contest.name != "改名" and contest.max_entries_per_org == 3


def test_staff_add_a_category_with_expertise(client, union_staff):
    contest = ContestFactory(state=ContestState.DRAFT)
    field = ExpertiseFieldFactory(name="新能源汽车")
    client.force_login(union_staff)
    response = client.post(
        f"/console/contests/{contest.pk}/",
        {
            "action": "category",
            "new-code": "nev",
            "new-name": "新能源组",
            "new-expertise": [field.pk],
        },
    )
    assert response.status_code == 302
    category = contest.categories.get(code="nev")
    assert list(category.expertise.all()) == [field]


def test_a_duplicate_category_code_is_shown_next_to_the_field(client, union_staff):
    category = CategoryFactory(code="nev", contest=ContestFactory(state=ContestState.DRAFT))
    client.force_login(union_staff)
    response = client.post(
        f"/console/contests/{category.contest_id}/",
        {"action": "category", "new-code": "nev", "new-name": "另一组"},
    )
    assert response.status_code == 400
    assert 'data-field-error="code"' in _page(response)
    assert category.contest.categories.count() == 1


def test_staff_edit_a_category(client, union_staff):
    category = CategoryFactory(contest=ContestFactory(state=ContestState.DRAFT))
    client.force_login(union_staff)
    assert client.get(f"/console/categories/{category.pk}/").status_code == 200
    response = client.post(
        f"/console/categories/{category.pk}/", {"code": "green", "name": "绿色制造组"}
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.code, category.name) == ("green", "绿色制造组")


def test_a_refused_category_change_is_shown_and_not_saved(client, union_staff):
    contest = ContestFactory(state=ContestState.DRAFT)
    CategoryFactory(contest=contest, code="taken")
    category = CategoryFactory(contest=contest, code="mine", name="原名")
    client.force_login(union_staff)
    response = client.post(f"/console/categories/{category.pk}/", {"code": "taken", "name": "新名"})
    assert response.status_code == 400
    assert 'data-field-error="code"' in _page(response)
    category.refresh_from_db()
    assert (category.code, category.name) == ("mine", "原名")


# ------------------------------------------------------------------------------- moves


def test_the_allowed_moves_are_offered_as_buttons(client, union_staff):
    contest = ContestFactory(state=ContestState.CLOSED)
    client.force_login(union_staff)
    page = _page(client.get(f"/console/contests/{contest.pk}/"))
    assert 'name="to" value="open"' in page and 'name="to" value="in_review"' in page
    assert 'name="to" value="closed"' not in page and 'name="to" value="archived"' not in page


def test_staff_open_registration(client, union_staff):
    contest = ContestFactory(state=ContestState.DRAFT)
    CategoryFactory(contest=contest)
    client.force_login(union_staff)
    response = client.post(f"/console/contests/{contest.pk}/move/", {"to": "open"}, follow=True)
    contest.refresh_from_db()
    assert contest.state == ContestState.OPEN
    assert 'name="to" value="closed"' in _page(response)


def test_opening_without_a_category_is_refused_in_words(client, union_staff):
    contest = ContestFactory(state=ContestState.DRAFT)
    client.force_login(union_staff)
    response = client.post(f"/console/contests/{contest.pk}/move/", {"to": "open"}, follow=True)
    assert "Add at least one category before opening registration." in _page(response)
    contest.refresh_from_db()
    assert contest.state == ContestState.DRAFT


def test_a_move_the_table_does_not_allow_is_refused_in_words(client, union_staff):
    contest = ContestFactory(state=ContestState.DRAFT)
    client.force_login(union_staff)
    response = client.post(f"/console/contests/{contest.pk}/move/", {"to": "archived"}, follow=True)
    assert "Cannot move contest" in _page(response)
    contest.refresh_from_db()
    assert contest.state == ContestState.DRAFT


def test_the_refusal_is_said_in_chinese_to_a_chinese_browser(client, union_staff):
    contest = ContestFactory(state=ContestState.DRAFT)
    client.force_login(union_staff)
    response = client.post(
        f"/console/contests/{contest.pk}/move/",
        {"to": "open"},
        follow=True,
        headers={"accept-language": "zh-hans"},
    )
    assert "开放报名前请至少添加一个类别。" in _page(response)  # in the staff's language


# --------------------------------------------------------------------- who may see them


def _urls(contest, category) -> list[str]:
    return [
        "/console/contests/new/",
        f"/console/contests/{contest.pk}/",
        f"/console/categories/{category.pk}/",
    ]


@pytest.fixture
def draft():
    contest = ContestFactory(state=ContestState.DRAFT)
    return contest, CategoryFactory(contest=contest)


def test_staff_open_the_contest_pages(client, union_staff, draft):
    client.force_login(union_staff)
    for url in _urls(*draft):
        assert client.get(url).status_code == 200, url


def test_anonymous_users_are_sent_to_sign_in(client, draft):
    for url in _urls(*draft):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["member", "reviewer_user"])
def test_members_and_reviewers_are_refused(client, request, who, draft):
    contest, category = draft
    client.force_login(request.getfixturevalue(who))
    for url in _urls(contest, category):
        assert client.get(url).status_code == 403, url
    assert client.post("/console/contests/new/", _contest_form()).status_code == 403
    assert client.post(f"/console/contests/{contest.pk}/move/", {"to": "open"}).status_code == 403
    assert (
        client.post(f"/console/categories/{category.pk}/", {"code": "x", "name": "y"}).status_code
        == 403
    )
    contest.refresh_from_db()
    category.refresh_from_db()
    assert contest.state == ContestState.DRAFT and category.code != "x"
    assert not Contest.objects.filter(edition=6).exists()


def test_an_unknown_contest_is_a_404(client, union_staff):
    client.force_login(union_staff)
    assert client.get("/console/contests/999999/").status_code == 404
    assert client.post("/console/contests/999999/move/", {"to": "open"}).status_code == 404


# ------------------------------------------------------------------------------ queries


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_contest_page_takes_constant_queries(client, union_staff):
    contest = ContestFactory(state=ContestState.OPEN)
    fields = [ExpertiseFieldFactory() for _ in range(3)]
    CategoryFactory(contest=contest, expertise=fields[:1])
    client.force_login(union_staff)
    url = f"/console/contests/{contest.pk}/"
    _queries(client, url)
    small = _queries(client, url)
    for _ in range(5):
        category = CategoryFactory(contest=contest, expertise=fields)
        EntryFactory(contest=contest, category=category)
    assert _queries(client, url) == small


def test_a_frozen_contests_category_is_shown_read_only_and_refuses_a_change(client, union_staff):
    category = CategoryFactory(contest=ContestFactory(state=ContestState.IN_REVIEW), name="原名")
    client.force_login(union_staff)
    page = client.get(f"/console/categories/{category.pk}/").content.decode()
    assert 'name="code"' not in page and "原名" in page
    response = client.post(
        f"/console/categories/{category.pk}/", {"code": category.code, "name": "新名"}
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    category.refresh_from_db()
    assert category.name == "原名"
