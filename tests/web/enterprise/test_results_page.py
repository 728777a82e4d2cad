"""The enterprise results page after publication (issue 16): each entry's outcome — score, rank,
advancement, award — and the reviewers' comments without naming a reviewer; another
organisation's outcomes never; nothing before publication."""

import pytest

from reviews import services
from reviews.enums import AdvancementRule
from reviews.models import Review
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.reviews import make_staff
from tests.reviews.test_results import _run_round

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def finalized():
    staff = make_staff()
    round_, entries, pool = _run_round(
        staff, k=2, totals=[[90, 80], [70, 60]], rule=AdvancementRule.NONE, value=None
    )
    Review.objects.filter(round=round_, entry=entries[0], reviewer=pool[0]).update(
        comment="创新点突出，建议推广"
    )
    services.round_finalize(round=round_, actor=staff)
    services.awards_grant_by_rank(round=round_, tiers={"first": 1}, actor=staff)
    return staff, round_, entries, pool


def test_nothing_shows_before_publication(client, finalized):
    _, _, entries, _ = finalized
    client.force_login(EnterpriseUserFactory(organisation=entries[0].organisation))
    page = client.get("/enterprise/results/", **ZH).content.decode()
    assert entries[0].title not in page
    assert "创新点突出" not in page


def test_after_publication_the_outcome_and_anonymous_comments_show(client, finalized):
    staff, round_, entries, pool = finalized
    services.round_publish(round=round_, actor=staff)
    client.force_login(EnterpriseUserFactory(organisation=entries[0].organisation))
    response = client.get("/enterprise/results/", **ZH)
    assert response.status_code == 200
    page = response.content.decode()
    assert entries[0].title in page
    assert "85" in page  # the mean of 90 and 80
    assert "一等奖" in page
    assert "创新点突出，建议推广" in page
    for reviewer in pool:
        assert reviewer.username not in page
        assert reviewer.full_name not in page
    assert entries[1].title not in page  # another organisation's entry
