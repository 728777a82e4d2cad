"""Hand a service's freshly written rows to the code that renders them, as if prefetched."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model


def set_prefetched(instance: Model, related_name: str, objects: Iterable[Model]) -> None:
    """Make ``instance.<related_name>.all()`` return ``objects`` without a query, the way
    ``prefetch_related`` fills it (``django.db.models.query.prefetch_one_level``). For a write
    that already holds the rows it stored, so that rendering them does not read them back."""
    queryset = getattr(instance, related_name).all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[related_name] = queryset
