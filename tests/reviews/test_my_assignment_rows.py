"""reviews.api.serializers.my_assignment_rows is MyAssignmentSerializer's shape, value for value:
the reviewer's list, detail, draft save and submit answer with it, the schema documents the
serializer, and the two must never drift apart."""

from decimal import Decimal

import pytest

from reviews import selectors, services
from reviews.api.serializers import MyAssignmentSerializer, my_assignment_rows
from tests.factories.reviews import AttachmentFactory, TeamMemberFactory


@pytest.fixture
def material(open_round, entries):
    for entry in entries:
        TeamMemberFactory(entry=entry, name="张工", employer_name="十堰某厂")
        AttachmentFactory(entry=entry, original_name="计划书.pdf")
        AttachmentFactory(entry=entry, original_name="图纸.pdf")
    return open_round


def _scores(round_, values):
    return [
        {"criterion": c.pk, "score": v, "comment": "依据充分"}
        for c, v in zip(round_.criteria.order_by("position"), values, strict=True)
    ]


@pytest.mark.parametrize("blind", [True, False])
def test_rows_equal_the_serializer_with_and_without_reviews(material, pool, blind):
    material.is_blind = blind
    material.save(update_fields=["is_blind"])
    # pool[0]: one draft with scores and a comment; pool[1]: one submitted; one without a review
    # each.
    first, second = (list(selectors.assignments_of_reviewer(r)) for r in pool[:2])
    assert len(first) == len(second) == 2
    services.review_save_draft(
        assignment=first[0],
        reviewer=pool[0],
        scores=_scores(material, [Decimal("10"), Decimal("12.5"), Decimal("7"), Decimal("3")]),
        comment="草稿",
    )
    services.review_submit(
        assignment=second[0],
        reviewer=pool[1],
        scores=_scores(material, [Decimal("20"), Decimal("20"), Decimal("20"), Decimal("10")]),
        comment="建议晋级",
    )
    states = []
    for reviewer in pool[:2]:
        loaded = list(selectors.assignments_of_reviewer(reviewer))
        rows = my_assignment_rows(loaded)
        assert rows == MyAssignmentSerializer(loaded, many=True).data
        states += [row["review"]["state"] if row["review"] else None for row in rows]
        entry = rows[0]["entry"]
        assert len(entry["team"]) >= 1 and len(entry["attachments"]) == 2
        assert (entry["organisation"] is None) is blind
    assert states.count(None) == 2
    assert sorted(state for state in states if state) == ["draft", "submitted"]


def test_the_api_answers_with_the_same_shape(material, pool, client_for, assignment_of):
    reviewer = pool[0]
    client = client_for(reviewer)
    a = assignment_of(reviewer)
    saved = client.put(
        f"/api/v1/my-assignments/{a.pk}/review/",
        {"scores": _scores(material, ["10", "12.5", "7", "3"])},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    loaded = selectors.assignments_of_reviewer(reviewer).get(pk=a.pk)
    expected = MyAssignmentSerializer(loaded).data
    assert saved.json() == expected
    assert client.get(f"/api/v1/my-assignments/{a.pk}/").json() == expected
    listed = client.get("/api/v1/my-assignments/").json()["results"]
    assert next(row for row in listed if row["id"] == a.pk) == expected
