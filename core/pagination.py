import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Page-number pagination; clients may ask for up to 100 rows a page, never more."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def _with_total_order(queryset: QuerySet) -> QuerySet:
    """The queryset ordered as it was, plus the primary key as the last tie-break when the
    ordering does not already name it: OFFSET pagination over a non-unique order can show a row
    twice or never (PostgreSQL may order ties differently from one query to the next), and the
    keys-first page below must order its keys and its rows the same way."""
    query, meta = queryset.query, queryset.model._meta
    if query.order_by:
        ordering = list(query.order_by)
    elif query.default_ordering and not query.group_by:
        # Django applies Meta.ordering only to queries without GROUP BY; the keys query never
        # groups, so the ordering is made explicit for both.
        ordering = list(meta.ordering)
    else:
        ordering = []
    if not any(
        str(field).lstrip("-") in {"pk", meta.pk.name, meta.pk.attname} for field in ordering
    ):
        ordering.append("pk")
    return queryset.order_by(*ordering)


def keys_first_slice(queryset: QuerySet, start: int, stop: int) -> QuerySet:
    """Rows ``start:stop`` of ``queryset`` (filtered, ordered, annotated), in one query whose
    OFFSET runs on the bare keys.

    ``queryset[20000:20020]`` makes PostgreSQL build every skipped row in full — joins, leader
    and attachment-count subqueries — only to throw 20,000 of them away. Here the inner query
    selects just the primary keys of the page (same filters and ordering, no annotations, no
    joins beyond what the filters and ordering need, so indexes serve it), and the outer query
    computes the annotations for those 20 rows, ordered the same way. Still one query: the
    constant query count of the list views does not change.
    """
    ordered = _with_total_order(queryset)
    keys = ordered.values("pk")[start:stop]
    return ordered.filter(pk__in=keys)


def cached_count(queryset: QuerySet) -> int:
    """``queryset.count()``, remembered for ``PAGINATION_COUNT_CACHE_SECONDS`` when it is at
    least ``PAGINATION_COUNT_CACHE_MIN_ROWS``.

    An exact ``COUNT(*)`` of 100,000 entries is a scan of the whole set on every page (two
    thirds of page 1's time, most of a trigram search's). A large count is kept in the cache
    under the SQL of the count query itself, so the key carries every filter and the caller's
    scoping (two users share a cached count only when their querysets are the same SQL), and
    may lag the table by the cache lifetime; a small count is cheap and always exact.
    """
    seconds = settings.PAGINATION_COUNT_CACHE_SECONDS
    if seconds <= 0:
        return queryset.count()
    # The key is the SQL of the rows' keys (filters, joins and scoping, without the annotations
    # and select_related columns that a count drops anyway): compiling the full list query only
    # to name the cache entry cost a millisecond per page.
    query = queryset.values("pk").query.chain()
    query.clear_ordering(force=True)
    sql, params = query.sql_with_params()
    key = "page-count:" + hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return found
    count = queryset.count()
    if count >= settings.PAGINATION_COUNT_CACHE_MIN_ROWS:
        cache.set(key, count, seconds)
    return count


class KeysFirstPaginator(Paginator):
    """Django's paginator with :func:`keys_first_slice` for querysets (anything else is sliced
    as usual). The count is Django's own ``count()``, which drops unused annotations,
    remembered for a while when it is large (:func:`cached_count`). With ``values`` the page
    holds ``values(*values)`` dicts instead of model instances: the keys and the count are
    still taken from the model queryset, whose joins only the page's rows pay for."""

    def __init__(self, *args, values: tuple[str, ...] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.values = values

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if isinstance(self.object_list, QuerySet) and self.object_list._fields is None:
            rows = keys_first_slice(self.object_list, bottom, top)
            if self.values:
                rows = rows.values(*self.values)
        else:
            rows = self.object_list[bottom:top]
        return self._get_page(rows, number, self)


class KeysFirstPagination(StandardPagination):
    """:class:`StandardPagination` for large lists whose rows are expensive to build (annotations,
    subqueries, wide joins): deep pages select the page's keys first, and a large count is
    remembered for a while. Same response shape. ``paginate_queryset(..., values=fields)``
    returns dict rows (no model instances) for read-only lists."""

    values: tuple[str, ...] | None = None

    def django_paginator_class(self, *args, **kwargs):
        return KeysFirstPaginator(*args, values=self.values, **kwargs)

    def paginate_queryset(self, queryset, request, view=None, *, values=None):
        self.values = tuple(values) if values else None
        return super().paginate_queryset(queryset, request, view)
