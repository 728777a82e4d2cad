"""The base of every FilterSet of the API.

* Date and datetime filters refuse what the database cannot store (``core.bounds``): a 400, never
  a ``DataError``.
* Every model-choice filter takes its choices, and what it accepts, from the caller's own
  selector (``CHOICE_SELECTORS``), so the browsable API's filter form never lists another
  organisation's rows. A model-choice filter on a model without a selector is a configuration
  error, not a silent leak.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.module_loading import import_string
from django_filters import filters
from django_filters import rest_framework as drf_filters
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from core import bounds

# app_label.Model -> the selector(user) giving the rows that user may see.
CHOICE_SELECTORS = {
    "accounts.Organisation": "accounts.selectors.organisations_visible_to",
    "accounts.User": "accounts.selectors.users_visible_to",
    "accounts.ReviewerProfile": "accounts.selectors.reviewer_profiles_visible_to",
    "accounts.ExpertiseField": "core.filters.everything",
    "projects.Contest": "projects.selectors.contests_visible_to",
    "projects.Category": "projects.selectors.categories_visible_to",
    "projects.Entry": "projects.selectors.entries_visible_to",
    "reviews.Round": "reviews.selectors.rounds_visible_to",
    "innovation.Studio": "innovation.selectors.studios_visible_to",
    "incubator.Incubation": "incubator.selectors.incubations_visible_to",
}


def everything(user, *, model):
    """For reference lists that every signed-in user may read (expertise fields)."""
    if user is not None and user.is_authenticated:
        return model._default_manager.all()
    return model._default_manager.none()


def choices_for(model: type[models.Model], user):
    label = model._meta.label
    path = CHOICE_SELECTORS.get(label)
    if path is None:
        raise ImproperlyConfigured(
            f"A filter offers {label} rows as choices but core.filters.CHOICE_SELECTORS names no "
            "selector for it."
        )
    selector = import_string(path)
    if selector is everything:
        return everything(user, model=model)
    return selector(user)


class BoundedDateField(forms.DateField):
    def to_python(self, value):
        value = super().to_python(value)
        bounds.check_date(value)
        return value


class BoundedIsoDateTimeField(filters.IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        bounds.check_datetime(value)
        return value


class DateFilter(filters.DateFilter):
    field_class = BoundedDateField


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


FILTER_DEFAULTS = {
    **FILTER_FOR_DBFIELD_DEFAULTS,
    models.DateField: {"filter_class": DateFilter},
    models.DateTimeField: {"filter_class": IsoDateTimeFilter},
}


class ScopedFilterSet(drf_filters.FilterSet):
    FILTER_DEFAULTS = FILTER_DEFAULTS

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            if isinstance(filter_, filters.ModelChoiceFilter | filters.ModelMultipleChoiceFilter):
                model = filter_.queryset.model
                if user is None:
                    filter_.queryset = model._default_manager.none()
                else:
                    filter_.queryset = choices_for(model, user)
