"""Enterprise pages without a browser: refusals per role, another organisation's objects,
malformed input writing nothing, and a constant number of queries whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.enums import Role
from projects.enums import EntryState
from projects.models import Attachment, Entry, TeamMember
from tests.factories.accounts import UserFactory
from tests.factories.projects import CategoryFactory, ContestFactory, EntryFactory

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def entry(organisation):
    return EntryFactory(organisation=organisation)


def _pages(entry):
    return [
        "/enterprise/",
        "/enterprise/entries/",
        "/enterprise/entries/new/",
        f"/enterprise/entries/{entry.pk}/",
        f"/enterprise/entries/{entry.pk}/edit/",
        "/enterprise/results/",
    ]


def _posts(entry):
    return [
        f"/enterprise/entries/{entry.pk}/submit/",
        f"/enterprise/entries/{entry.pk}/recall/",
        f"/enterprise/entries/{entry.pk}/files/",
    ]


def test_anonymous_is_sent_to_sign_in_from_every_page(client, entry):
    for path in _pages(entry) + _posts(entry):
        response = client.get(path) if path in _pages(entry) else client.post(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.UNION_STAFF, Role.INCUBATOR_STAFF])
def test_other_roles_get_403_on_every_page(client, entry, role):
    client.force_login(UserFactory(roles=[role]))
    for path in _pages(entry):
        assert client.get(path).status_code == 403, path
    for path in _posts(entry):
        assert client.post(path).status_code == 403, path


def test_another_organisations_entry_is_404_and_unchanged(client, entry, other_member):
    client.force_login(other_member)
    for path in _pages(entry)[3:5]:
        assert client.get(path).status_code == 404, path
    for path in _posts(entry):
        assert client.post(path).status_code == 404, path
    entry.refresh_from_db()
    assert entry.state == EntryState.DRAFT and not entry.attachments.exists()


def test_another_organisations_entry_is_not_listed(client, entry, other_member):
    mine = EntryFactory(organisation=other_member.organisation, title="我们自己的项目")
    client.force_login(other_member)
    html = client.get("/enterprise/entries/").content.decode()
    assert mine.title in html and entry.title not in html


def test_new_entry_offers_only_open_contests(client, member):
    open_contest = ContestFactory(name="正在报名的大赛")
    CategoryFactory(contest=open_contest)
    draft = ContestFactory(name="筹备中的大赛", state="draft")
    CategoryFactory(contest=draft)
    client.force_login(member)
    html = client.get("/enterprise/entries/new/").content.decode()
    assert "正在报名的大赛" in html and "筹备中的大赛" not in html


def _entry_post(contest, category, overrides=None):
    data = {
        "contest": contest.pk,
        "category": category.pk,
        "title": "测试项目",
        "summary": "简介",
        "innovation_points": "创新点",
        "expected_benefits": "效益",
        "keywords": "甲，乙",
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-0-name": "王建国",
        "team-0-role": "leader",
    }
    data.update(overrides or {})
    return data


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"category": "abc"}, "category"),
        ({"contest": "999999"}, "contest"),
        ({"team-0-role": "chief"}, "role"),
        ({"team-TOTAL_FORMS": "x"}, None),
        ({"keywords": "，".join(["词"] * 21)}, "keywords"),
        ({"team-TOTAL_FORMS": "2", "team-1-name": "李娜", "team-1-role": "leader"}, "team"),
    ],
)
def test_malformed_entry_input_shows_the_error_and_writes_nothing(client, member, overrides, field):
    contest = ContestFactory()
    category = CategoryFactory(contest=contest)
    client.force_login(member)
    response = client.post(
        "/enterprise/entries/new/", _entry_post(contest, category, overrides), **ZH
    )
    assert response.status_code == 400
    html = response.content.decode()
    if field in ("title", "category", "contest", "keywords"):
        assert f'data-field-error="{field}"' in html
    elif field == "role":
        assert 'data-field-error="role"' in html
    else:
        assert "alert-danger" in html
    assert not Entry.objects.exists() and not TeamMember.objects.exists()


def test_category_of_another_contest_is_refused_by_the_service(client, member):
    contest, other = ContestFactory(), ContestFactory()
    CategoryFactory(contest=contest)
    foreign = CategoryFactory(contest=other)
    client.force_login(member)
    response = client.post("/enterprise/entries/new/", _entry_post(contest, foreign), **ZH)
    assert response.status_code == 400
    assert 'data-field-error="category"' in response.content.decode()
    assert not Entry.objects.exists()


def test_entry_created_through_the_page_is_the_services(client, member):
    contest = ContestFactory()
    category = CategoryFactory(contest=contest)
    client.force_login(member)
    response = client.post("/enterprise/entries/new/", _entry_post(contest, category))
    entry = Entry.objects.get()
    assert response["Location"] == f"/enterprise/entries/{entry.pk}/"
    assert entry.organisation_id == member.organisation_id and entry.keywords == ["甲", "乙"]
    assert entry.team.get().role == "leader"


def test_incomplete_submit_writes_nothing_and_says_what_is_missing(client, member):
    entry = EntryFactory(organisation=member.organisation)
    client.force_login(member)
    response = client.post(f"/enterprise/entries/{entry.pk}/submit/", follow=True, **ZH)
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.state == EntryState.DRAFT
    assert "alert-danger" in response.content.decode()


def test_upload_without_a_file_shows_the_field_error(client, member):
    entry = EntryFactory(organisation=member.organisation)
    client.force_login(member)
    response = client.post(f"/enterprise/entries/{entry.pk}/files/", {"kind": "plan"}, **ZH)
    assert response.status_code == 400
    assert 'data-field-error="file"' in response.content.decode()
    assert not Attachment.objects.exists()


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_and_entry_list_run_a_constant_number_of_queries(client, member):
    contest = ContestFactory()
    category = CategoryFactory(contest=contest)
    EntryFactory(organisation=member.organisation, contest=contest, category=category)
    client.force_login(member)
    few = (_queries(client, "/enterprise/"), _queries(client, "/enterprise/entries/"))
    for _ in range(30):
        EntryFactory(organisation=member.organisation, contest=contest, category=category)
    EntryFactory.create_batch(30, contest=contest, category=category)
    many = (_queries(client, "/enterprise/"), _queries(client, "/enterprise/entries/"))
    assert few == many
