"""The browsable API's forms (filters and the POST form) offer only the caller's own rows."""

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.innovation import StudioApplicationFactory, StudioFactory
from tests.factories.projects import EntryFactory

pytestmark = pytest.mark.django_db
HTML = {"HTTP_ACCEPT": "text/html"}


def test_attachments_html_lists_no_other_organisations_entries(
    member_client, member, other_organisation
):
    EntryFactory(organisation=member.organisation, title="本单位的项目")
    EntryFactory(organisation=other_organisation, title="别家单位的秘密项目")
    page = member_client.get("/api/v1/attachments/", **HTML).content.decode()
    assert "别家单位的秘密项目" not in page
    assert "本单位的项目" in page


def test_studio_applications_html_lists_no_other_organisations_studio(
    member_client, member, other_organisation
):
    StudioApplicationFactory(
        studio=StudioFactory(organisation=other_organisation, name="别家待审工作室")
    )
    StudioApplicationFactory(
        studio=StudioFactory(organisation=member.organisation, name="本单位工作室")
    )
    page = member_client.get("/api/v1/studio-applications/", **HTML).content.decode()
    assert "别家待审工作室" not in page
    assert "本单位工作室" in page


def test_reviewer_conflicts_html_names_no_other_users(reviewer_client, reviewer_user):
    others = UserFactory.create_batch(3, full_name="别的用户")
    page = reviewer_client.get("/api/v1/reviewer-conflicts/", **HTML).content.decode()
    for other in others:
        assert other.username not in page
    assert "别的用户" not in page


def test_staff_still_get_every_choice(staff_client, organisation, other_organisation):
    EntryFactory(organisation=other_organisation, title="别家单位的项目")
    page = staff_client.get("/api/v1/attachments/", **HTML).content.decode()
    assert "别家单位的项目" in page
