"""The naming lifecycle: applications, upgrades that keep the history, revocation."""

import pytest

from core.models import AuditEvent
from core.services import audit_trail
from innovation.enums import ApplicationKind, ApplicationState, StudioState
from innovation.models import StudioApplication
from tests.factories.innovation import (
    NamedStudioFactory,
    StudioApplicationFactory,
    StudioFactory,
)

pytestmark = pytest.mark.django_db
APPS = "/api/v1/studio-applications/"


@pytest.fixture
def draft(member):
    studio = StudioFactory(organisation=member.organisation)
    return StudioApplicationFactory(studio=studio, level="city")


def _move(client, application, verb, body=None):
    return client.post(f"{APPS}{application.pk}/{verb}/", body or {}, format="json")


def test_full_lifecycle_names_studio(member_client, staff_client, union_staff, draft):
    assert _move(member_client, draft, "submit").status_code == 200
    assert _move(staff_client, draft, "start-review").status_code == 200
    response = _move(staff_client, draft, "name", {"comment": "符合市级标准"})
    assert response.status_code == 200, response.data
    assert response.data["state"] == "named"
    studio = draft.studio
    studio.refresh_from_db()
    assert (studio.state, studio.level) == (StudioState.NAMED, "city")
    assert studio.named_on is not None
    moves = [e.to_state for e in audit_trail(draft).filter(action="studio_application.state")]
    assert moves == ["named", "under_review", "submitted"]
    assert audit_trail(studio).get(action="studio.name").actor == union_staff


def test_returned_application_is_resubmitted(member_client, staff_client, draft):
    _move(member_client, draft, "submit")
    _move(staff_client, draft, "start-review")
    response = _move(staff_client, draft, "return", {"comment": "请补充近三年成果证明"})
    assert response.data["state"] == "returned"
    assert response.data["comments"][0]["body"] == "请补充近三年成果证明"
    # While returned the enterprise may edit, then submits the same application again.
    edit = member_client.patch(
        f"/api/v1/studios/{draft.studio_id}/", {"facilities": "补充材料"}, format="json"
    )
    assert edit.status_code == 200
    assert _move(member_client, draft, "submit").data["state"] == "submitted"


def test_return_without_comment_is_400(member_client, staff_client, draft):
    _move(member_client, draft, "submit")
    _move(staff_client, draft, "start-review")
    response = _move(staff_client, draft, "return", {"comment": ""})
    assert response.status_code == 400
    assert "comment" in response.data["fields"]
    draft.refresh_from_db()
    assert draft.state == ApplicationState.UNDER_REVIEW


def test_rejected_studio_stays_pending_and_out_of_directory(
    member_client, staff_client, api, draft
):
    _move(member_client, draft, "submit")
    _move(staff_client, draft, "start-review")
    assert _move(staff_client, draft, "reject", {"comment": "不符合条件"}).status_code == 200
    draft.studio.refresh_from_db()
    assert draft.studio.state == StudioState.PENDING
    assert api.get("/api/v1/studio-directory/").data["count"] == 0


@pytest.mark.parametrize(
    ("state", "verb"),
    [
        ("draft", "name"),
        ("draft", "start-review"),
        ("submitted", "submit"),
        ("submitted", "name"),
        ("named", "reject"),
        ("rejected", "submit"),
        ("under_review", "submit"),
    ],
)
def test_wrong_moves_are_409(member_client, staff_client, member, state, verb):
    application = StudioApplicationFactory(
        studio=StudioFactory(organisation=member.organisation), state=state
    )
    client = member_client if verb == "submit" else staff_client
    response = _move(client, application, verb, {"comment": "x"})
    assert response.status_code == 409
    assert response.data["code"] == "invalid_transition"
    application.refresh_from_db()
    assert application.state == state


@pytest.mark.parametrize("verb", ["start-review", "name", "return", "reject", "comments"])
def test_member_cannot_decide(member_client, draft, verb):
    assert _move(member_client, draft, verb, {"comment": "x", "body": "x"}).status_code == 403


def test_other_organisation_application_is_404(other_member_client, draft):
    assert other_member_client.get(f"{APPS}{draft.pk}/").status_code == 404
    assert _move(other_member_client, draft, "submit").status_code == 404
    assert other_member_client.get(APPS).data["count"] == 0


def test_anonymous_is_401(api, draft):
    assert api.get(APPS).status_code == 401


def test_reviewer_comment_while_under_review(member_client, staff_client, draft):
    _move(member_client, draft, "submit")
    response = _move(staff_client, draft, "comments", {"body": "请说明培训人数口径"})
    assert response.status_code == 201
    assert member_client.get(f"{APPS}{draft.pk}/").data["comments"][0]["body"].startswith("请说明")


def test_upgrade_is_new_application_keeping_history(member_client, staff_client, member):
    studio = NamedStudioFactory(organisation=member.organisation, level="city")
    first = StudioApplicationFactory(studio=studio, state="named", level="city")
    response = member_client.post(
        f"/api/v1/studios/{studio.pk}/applications/", {"level": "province"}, format="json"
    )
    assert response.status_code == 201, response.data
    upgrade = StudioApplication.objects.get(pk=response.data["id"])
    assert upgrade.kind == ApplicationKind.UPGRADE
    _move(member_client, upgrade, "submit")
    _move(staff_client, upgrade, "start-review")
    assert _move(staff_client, upgrade, "name").status_code == 200
    studio.refresh_from_db()
    assert (studio.state, studio.level) == ("named", "province")
    detail = member_client.get(f"/api/v1/studios/{studio.pk}/").data
    assert {a["id"] for a in detail["applications"]} == {first.pk, upgrade.pk}
    assert AuditEvent.objects.filter(action="studio.upgrade", target_id=str(studio.pk)).exists()


def test_upgrade_to_same_or_lower_level_is_400(member_client, member):
    studio = NamedStudioFactory(organisation=member.organisation, level="province")
    response = member_client.post(
        f"/api/v1/studios/{studio.pk}/applications/", {"level": "city"}, format="json"
    )
    assert response.status_code == 400
    assert "level" in response.data["fields"]
    assert not studio.applications.exists()


def test_second_open_application_is_409(member_client, member):
    studio = NamedStudioFactory(organisation=member.organisation, level="city")
    StudioApplicationFactory(studio=studio, kind="upgrade", level="province")
    response = member_client.post(
        f"/api/v1/studios/{studio.pk}/applications/", {"level": "national"}, format="json"
    )
    assert response.status_code == 409


def test_studio_keeps_level_in_directory_while_upgrade_is_reviewed(api, member):
    studio = NamedStudioFactory(organisation=member.organisation, level="city")
    StudioApplicationFactory(studio=studio, kind="upgrade", level="province", state="under_review")
    rows = api.get("/api/v1/studio-directory/").data["results"]
    assert [(r["id"], r["level"]) for r in rows] == [(studio.pk, "city")]


def test_revoke_by_staff(staff_client, api, member):
    studio = NamedStudioFactory(organisation=member.organisation)
    response = staff_client.post(
        f"/api/v1/studios/{studio.pk}/revoke/", {"reason": "连续两年考核不合格"}, format="json"
    )
    assert response.status_code == 200
    assert response.data["state"] == "revoked"
    assert api.get("/api/v1/studio-directory/").data["count"] == 0
    assert api.get(f"/api/v1/studio-directory/{studio.pk}/").status_code == 404


def test_revoke_pending_studio_is_409(staff_client):
    studio = StudioFactory()
    response = staff_client.post(
        f"/api/v1/studios/{studio.pk}/revoke/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 409


def test_revoke_without_reason_is_400(staff_client):
    studio = NamedStudioFactory()
    response = staff_client.post(f"/api/v1/studios/{studio.pk}/revoke/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.data["fields"]


def test_member_cannot_revoke(member_client, member):
    studio = NamedStudioFactory(organisation=member.organisation)
    response = member_client.post(
        f"/api/v1/studios/{studio.pk}/revoke/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 403


def test_revoked_studio_cannot_apply_again(member_client, member):
    studio = NamedStudioFactory(organisation=member.organisation, state="revoked")
    response = member_client.post(
        f"/api/v1/studios/{studio.pk}/applications/", {"level": "national"}, format="json"
    )
    assert response.status_code == 409


def test_applications_list_query_count_is_constant(staff_client, django_assert_max_num_queries):
    StudioApplicationFactory()
    with django_assert_max_num_queries(8) as one:
        staff_client.get(APPS)
    StudioApplicationFactory.create_batch(20)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert staff_client.get(APPS, {"page_size": 50}).data["count"] == 21
