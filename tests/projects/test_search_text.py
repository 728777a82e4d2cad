"""The entries' search text (projects.models.EntrySearchText), kept apart from the entry rows by a
PostgreSQL trigger so that a state move does not rewrite the trigram indexes (migration 0004).
The search itself is tested through the list in test_entries_api.py."""

import pytest
from django.db import connection

from projects.enums import EntryState
from projects.filters import EntryFilter
from projects.models import Entry, EntrySearchText
from reviews.services._common import _entries_bulk_set_state
from tests.factories.projects import CategoryFactory, EntryFactory

pytestmark = pytest.mark.django_db


def _row_version(entry_id: int) -> str:
    # ctid: where the row's current version lies; any UPDATE writes a new version elsewhere
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ctid::text FROM projects_entrysearchtext WHERE entry_id = %s", [entry_id]
        )
        return cursor.fetchone()[0]


def _search(words: str) -> set[int]:
    return set(
        EntryFilter({"q": words}, queryset=Entry.objects.all()).qs.values_list("pk", flat=True)
    )


def test_every_way_of_writing_an_entry_keeps_its_search_text():
    one = EntryFactory(title="水轮机转轮裂纹修复", summary="堆焊工艺")
    category = CategoryFactory()
    bulk = Entry.objects.bulk_create(
        [
            Entry(
                contest=category.contest,
                category=category,
                organisation=one.organisation,
                title=f"批量项目{i}",
                summary="激光熔覆",
            )
            for i in range(3)
        ]
    )
    texts = dict(EntrySearchText.objects.values_list("entry_id", "summary"))
    assert texts == {one.pk: "堆焊工艺", **{e.pk: "激光熔覆" for e in bulk}}

    one.summary = "冷焊工艺"
    one.save()
    Entry.objects.filter(pk=bulk[0].pk).update(title="渣浆泵叶轮")
    assert _search("冷焊") == {one.pk}
    assert _search("堆焊") == set()
    assert _search("叶轮") == {bulk[0].pk}
    assert _search("激光") == {e.pk for e in bulk}


def test_a_state_move_leaves_the_search_text_alone():
    entries = [EntryFactory(state=EntryState.SUBMITTED, summary="智能巡检机器人") for _ in range(3)]
    before = {e.pk: _row_version(e.pk) for e in entries}
    _entries_bulk_set_state(
        entry_ids=[e.pk for e in entries], to_state=EntryState.IN_REVIEW, actor=None, reason="t"
    )
    assert set(Entry.objects.filter(pk__in=before).values_list("state", flat=True)) == {
        EntryState.IN_REVIEW
    }
    # not a new row version: the trigger did not fire, the trigram indexes were not written
    assert {pk: _row_version(pk) for pk in before} == before
    Entry.objects.filter(pk=entries[0].pk).update(summary="智能巡检机器人（二代）")
    assert _row_version(entries[0].pk) != before[entries[0].pk]
    assert _search("巡检") == set(before)


def test_a_deleted_entry_takes_its_search_text_with_it():
    entry = EntryFactory(title="待删除的草稿")
    assert EntrySearchText.objects.filter(entry=entry).exists()
    entry.delete()
    assert not EntrySearchText.objects.filter(entry_id=entry.pk).exists()
    assert _search("待删除") == set()
