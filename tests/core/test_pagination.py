"""Keys-first pages (core.pagination): the same rows, in the same order, as plain slicing of a
totally ordered queryset, for every page and ordering — annotations included."""

import pytest
from django.db.models import Count

from core.pagination import keys_first_slice
from projects.models import Entry
from tests.factories.projects import AttachmentFactory, CategoryFactory, EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    category = CategoryFactory()
    titles = ["乙", "甲", "乙", "丙", "甲", "乙", "丁", "甲", "丙", "乙", "甲"]  # many ties
    rows = [EntryFactory(contest=category.contest, category=category, title=t) for t in titles]
    for entry in rows[::3]:
        AttachmentFactory(entry=entry)
    return rows


@pytest.mark.parametrize("ordering", [["-id"], ["title"], ["-title"], ["state", "-title"], []])
def test_pages_match_plain_slicing_of_the_total_order(entries, ordering):
    qs = Entry.objects.annotate(n=Count("attachments"))
    if ordering:
        qs = qs.order_by(*ordering)
    # The reference: the same ordering with the primary key as the last tie-break.
    # (Django leaves Meta.ordering out of GROUP BY queries: then the key alone orders.)
    reference_order = [*ordering, "pk"]
    expected = list(qs.order_by(*reference_order).values_list("pk", "n"))
    seen = []
    for start in range(0, len(entries), 4):
        page = keys_first_slice(qs, start, start + 4)
        seen += [(e.pk, e.n) for e in page]
    assert seen == expected
    assert len({pk for pk, _ in seen}) == len(entries)


def test_an_ordering_naming_the_key_is_kept_as_it_is(entries):
    qs = Entry.objects.order_by("-id")
    page = keys_first_slice(qs, 2, 5)
    assert tuple(page.query.order_by) == ("-id",)
    assert [e.pk for e in page] == [e.pk for e in sorted(entries, key=lambda e: -e.pk)][2:5]


def test_filters_apply_to_the_page(entries):
    qs = Entry.objects.filter(title="乙").order_by("title")
    assert [e.pk for e in keys_first_slice(qs, 1, 3)] == [
        e.pk for e in sorted(entries, key=lambda e: e.pk) if e.title == "乙"
    ][1:3]


@pytest.fixture
def remembered_counts(settings):
    from django.core.cache import cache

    settings.PAGINATION_COUNT_CACHE_SECONDS = 30
    settings.PAGINATION_COUNT_CACHE_MIN_ROWS = 3
    cache.clear()
    yield
    cache.clear()


def test_a_large_count_is_remembered_and_a_small_one_is_exact(entries, remembered_counts):
    from core.pagination import cached_count

    large = Entry.objects.all()
    assert cached_count(large) == len(entries)
    EntryFactory(contest=entries[0].contest, category=entries[0].category)
    assert cached_count(large) == len(entries)  # remembered (up to 30 s stale by design)
    small = Entry.objects.filter(title="丁")
    assert cached_count(small) == 1
    EntryFactory(contest=entries[0].contest, category=entries[0].category, title="丁")
    assert cached_count(small) == 2  # below the threshold: counted every time


def test_remembered_counts_are_per_filter_and_per_scope(entries, remembered_counts):
    """The cache key is the count's SQL: another filter or another caller's scoping is
    another key."""
    from core.pagination import cached_count

    assert cached_count(Entry.objects.all()) == len(entries)
    assert cached_count(Entry.objects.filter(title="乙")) == 4
    assert cached_count(Entry.objects.filter(organisation=entries[0].organisation)) == sum(
        e.organisation_id == entries[0].organisation_id for e in entries
    )


def test_counting_exactly_when_the_cache_is_off(entries, settings):
    from core.pagination import cached_count

    settings.PAGINATION_COUNT_CACHE_SECONDS = 0
    settings.PAGINATION_COUNT_CACHE_MIN_ROWS = 1
    assert cached_count(Entry.objects.all()) == len(entries)
    EntryFactory(contest=entries[0].contest, category=entries[0].category)
    assert cached_count(Entry.objects.all()) == len(entries) + 1
