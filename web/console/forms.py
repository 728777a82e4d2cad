"""Forms of the console. They parse input only; every rule is checked by the service the view
calls, whose refusal ``apply_domain_error`` puts next to the field it names."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import ExpertiseField
from core.exceptions import DomainError
from projects.filters import EntryFilter
from reviews.enums import AggregationMethod, AwardTier
from reviews.models import Round


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal on the form: each named field that the form has gets its messages,
    the rest (and the detail, when nothing matched) goes to the form's own errors."""
    placed = False
    for name, msgs in (exc.fields or {}).items():
        if name in form.fields:
            for msg in msgs:
                form.add_error(name, msg)
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


def method_labels() -> dict[str, str]:
    return {value: str(label) for value, label in AggregationMethod.choices}


class ReviewerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, title, employer or expertise"), required=False, max_length=100
    )
    expertise = forms.ModelChoiceField(
        label=_("Field of expertise"), queryset=ExpertiseField.objects.all(), required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel sheet of experts (.xlsx)"),
        help_text=_(
            "Columns: 姓名, 职称, 工作单位, 专业领域, 手机, 邮箱. Nothing is imported if a row is wrong."
        ),
    )


class LoadLimitsForm(forms.Form):
    """A pool member's load bounds per round and whether they take part (``pool_update``,
    which checks ``min_load <= max_load``)."""

    min_load = forms.IntegerField(label=_("Minimum load per round"), min_value=0, max_value=100000)
    max_load = forms.IntegerField(
        label=_("Maximum load per round"), min_value=0, max_value=100000, required=False
    )
    is_active = forms.BooleanField(label=_("Takes part in this contest's reviews"), required=False)

    @classmethod
    def of(cls, member, **kwargs) -> LoadLimitsForm:
        form = cls(
            initial={
                "min_load": member.min_load,
                "max_load": member.max_load,
                "is_active": member.is_active,
            },
            **kwargs,
        )
        form.with_default(member)
        return form

    def with_default(self, member) -> LoadLimitsForm:
        profile = getattr(member.reviewer, "reviewer_profile", None)
        if profile is not None:
            self.fields["max_load"].help_text = _(
                "Empty: the reviewer's own limit (%(n)s per round)."
            ) % {"n": profile.max_load}
        return self


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Organisation (part of its name or its credit code)"),
        required=False,
        max_length=100,
    )


class StaffConflictForm(forms.Form):
    """A conflict staff record for a reviewer: an organisation chosen from the search results,
    a reason, this contest or every contest (``conflict_declare`` checks the reason)."""

    q = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    organisation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    every_contest = forms.BooleanField(
        label=_("For every contest, not only this one"), required=False
    )


class ReopenForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("New deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class EntryLookupForm(forms.Form):
    entry = forms.IntegerField(label=_("Entry number"), min_value=1)


class AdjustForm(forms.Form):
    entry = forms.IntegerField(required=False, min_value=1)
    assignment = forms.IntegerField(required=False, min_value=1)
    reviewer = forms.CharField(label=_("Reviewer's login"), required=False, max_length=150)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class AwardsForm(forms.Form):
    """Cumulative counts per tier, as ``awards_grant_by_rank`` takes them."""

    first = forms.IntegerField(label=AwardTier.FIRST.label, min_value=0, initial=1)
    second = forms.IntegerField(label=AwardTier.SECOND.label, min_value=0, initial=3)
    third = forms.IntegerField(label=AwardTier.THIRD.label, min_value=0, initial=6)
    excellence = forms.IntegerField(label=AwardTier.EXCELLENCE.label, min_value=0, initial=10)

    def tiers(self) -> dict[str, int]:
        return {k: v for k, v in self.cleaned_data.items() if v}


class AwardGrantForm(forms.Form):
    """One award by hand from the scoreboard: the entry's row, a tier (``award_grant``)."""

    entry = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    tier = forms.ChoiceField(label=_("Award"), choices=AwardTier.choices)


class AwardForm(forms.Form):
    """An award's tier, provincial recommendation and note (``award_update``)."""

    tier = forms.ChoiceField(label=_("Award"), choices=AwardTier.choices)
    recommended_provincial = forms.BooleanField(
        label=_("Recommended to the provincial contest"), required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def of(cls, award) -> AwardForm:
        return cls(
            initial={
                "tier": award.tier,
                "recommended_provincial": award.recommended_provincial,
                "note": award.note,
            }
        )


class AwardWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the award is withdrawn"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ThresholdForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("Disagreement threshold (points)"),
        min_value=Decimal("0"),
        max_value=Decimal("1000"),
        decimal_places=2,
        required=False,
    )


class RereviewForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, initial="复评")
    deadline = forms.DateTimeField(
        label=_("New deadline (when the round is closed)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class RoundForm(forms.ModelForm):
    """A round's settings (the wizard's first step); ``reviews.services.round_create`` checks
    them."""

    class Meta:
        model = Round
        fields = [
            "name",
            "order",
            "reviewers_per_entry",
            "opens_at",
            "deadline",
            "is_blind",
            "aggregation",
            "advancement_rule",
            "advancement_value",
            "one_reviewer_per_employer",
            "disagreement_threshold",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=100, required=False)
    weight = forms.DecimalField(
        label=_("Weight"), min_value=0, max_digits=6, decimal_places=2, required=False
    )
    max_score = forms.DecimalField(
        label=_("Maximum score"),
        min_value=Decimal("0.1"),
        max_digits=4,
        decimal_places=1,
        required=False,
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if data.get("name") and (data.get("weight") is None or data.get("max_score") is None):
            raise forms.ValidationError(_("A criterion needs a weight and a maximum score."))
        return data


CriterionFormSet = forms.formset_factory(CriterionForm, extra=0, max_num=30, absolute_max=30)


def rubric_rows(formset) -> list[dict]:
    """The filled rows of the rubric editor, as ``reviews.services.rubric_set`` takes them."""
    return [
        {
            "name": f.cleaned_data["name"],
            "weight": str(f.cleaned_data["weight"]),
            "max_score": str(f.cleaned_data["max_score"]),
            "description": f.cleaned_data.get("description", ""),
        }
        for f in formset.forms
        if f.cleaned_data.get("name")
    ]


class ConsoleEntryFilter(EntryFilter):
    """The API's entry filter (its dropdowns scoped to what the user may see), with the
    organisation found by name: a select of every organisation would not do at this size."""

    organisation_name = django_filters.CharFilter(
        field_name="organisation__name",
        lookup_expr="contains",
        label=_("Organisation"),
        max_length=100,
    )

    class Meta(EntryFilter.Meta):
        fields = ["contest", "category", "state", "district"]

    def __init__(self, data=None, queryset=None, *, request=None):
        # ScopedFilterSet takes the contest and category choices from the user's selectors.
        super().__init__(data, queryset, request=request)
        labels = {
            "contest": _("Contest"),
            "category": _("Category"),
            "state": _("State"),
            "district": _("District"),
            "q": _("Keyword"),
            "submitted_after": _("Submitted from"),
            "submitted_before": _("Submitted before"),
        }
        for name, label in labels.items():
            self.filters[name].label = label


ENTRY_SORTS = {
    "-id": _("Newest first"),
    "id": _("Oldest first"),
    "title": _("Title"),
    "-submitted_at": _("Latest submitted"),
    "submitted_at": _("Earliest submitted"),
    "state": _("State"),
}


# ---------------------------------------------------------------------------- contests

_MINUTE = "%Y-%m-%dT%H:%M"


def _moment(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_MINUTE),
    )


class ContestForm(forms.Form):
    """An edition's data as ``projects.services.contest_create`` / ``contest_update`` take it
    (the service checks the window, the edition's uniqueness and the model's limits)."""

    name = forms.CharField(label=pgettext_lazy("contest", "Name"), max_length=200)
    edition = forms.IntegerField(
        label=pgettext_lazy("contest", "Edition"),
        min_value=1,
        max_value=32767,
        help_text=_("The edition's number, e.g. 6 for the sixth contest."),
    )
    year = forms.IntegerField(
        label=pgettext_lazy("contest", "Year"), min_value=2000, max_value=2100
    )
    description = forms.CharField(
        label=pgettext_lazy("contest", "Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    registration_opens_at = _moment(_("Registration opens"))
    registration_closes_at = _moment(_("Registration closes"))
    max_entries_per_org = forms.IntegerField(
        label=_("Entries per organisation (limit)"), min_value=1, max_value=1000, initial=3
    )

    @classmethod
    def of(cls, contest) -> ContestForm:
        return cls(initial={name: getattr(contest, name) for name in cls.base_fields})


class CategoryForm(forms.Form):
    """A category (track) as ``projects.services.category_create`` / ``category_update`` take it."""

    code = forms.SlugField(
        label=pgettext_lazy("category", "Code"),
        max_length=64,
        help_text=_("Letters, digits, hyphens; unique in the contest (e.g. innovation)."),
    )
    name = forms.CharField(label=pgettext_lazy("category", "Name"), max_length=100)
    description = forms.CharField(
        label=pgettext_lazy("contest", "Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("Matching fields of expertise"),
        queryset=ExpertiseField.objects.order_by("name"),
        required=False,
        help_text=_("Reviewers of these fields are preferred for the category's entries."),
    )

    def data_and_expertise(self) -> tuple[dict, list]:
        data = dict(self.cleaned_data)
        return data, list(data.pop("expertise", None) or [])

    @classmethod
    def of(cls, category, **kwargs) -> CategoryForm:
        initial = {name: getattr(category, name) for name in ("code", "name", "description")}
        initial["expertise"] = list(category.expertise.all())
        return cls(initial=initial, **kwargs)


class NewCategoryRowForm(forms.Form):
    """One row of the new contest's categories (expertise is set on the category's own page)."""

    code = forms.SlugField(label=pgettext_lazy("category", "Code"), max_length=64, required=False)
    name = forms.CharField(label=pgettext_lazy("category", "Name"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("code")) != bool(data.get("name")):
            raise forms.ValidationError(_("A category needs both a code and a name."))
        return data


NewCategoryFormSet = forms.formset_factory(NewCategoryRowForm, extra=3, max_num=20, absolute_max=20)


def new_category_rows(formset) -> list[tuple[int, dict]]:
    """The filled rows (index, data) of the new contest's categories."""
    return [
        (i, {"code": f.cleaned_data["code"], "name": f.cleaned_data["name"]})
        for i, f in enumerate(formset.forms)
        if f.cleaned_data.get("code")
    ]
