"""Forms of the enterprise pages. They parse input only; every rule (window, limit, completeness,
one leader, file types) is the service's, whose errors are put next to the field they name."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incubator.services import REPORT_FIGURES
from innovation.enums import StudioLevel
from innovation.services import FIGURE_FIELDS
from projects.enums import AttachmentKind, Honour, TeamRole

_KEYWORD_SPLIT = re.compile(r"[,，、;；\s]+")


class EntryForm(forms.Form):
    contest = forms.ModelChoiceField(queryset=None, label=_("Contest"))
    category = forms.ModelChoiceField(queryset=None, label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=pgettext_lazy("entry", "Summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    innovation_points = forms.CharField(
        label=_("Innovation points"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    expected_benefits = forms.CharField(
        label=_("Expected benefits"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=500,
        help_text=_("Separate keywords with commas."),
    )

    def __init__(self, *args, contests, categories, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contest"].queryset = contests
        self.fields["category"].queryset = categories
        self.fields["category"].label_from_instance = lambda c: f"{c.contest.name} · {c.name}"
        if editing:
            del self.fields["contest"]

    def clean_keywords(self) -> list[str]:
        words = [w.strip() for w in _KEYWORD_SPLIT.split(self.cleaned_data.get("keywords", ""))]
        words = [w for w in words if w]
        if len(words) > 20 or any(len(w) > 50 for w in words):
            raise forms.ValidationError(_("At most 20 keywords of at most 50 characters each."))
        return words

    def entry_data(self) -> dict:
        keys = ("title", "summary", "innovation_points", "expected_benefits", "keywords")
        return {k: self.cleaned_data[k] for k in keys}


class TeamMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ChoiceField(
        label=_("Role in the team"), choices=TeamRole.choices, initial=TeamRole.MEMBER
    )
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False)
    honour = forms.ChoiceField(label=_("Honour"), choices=Honour.choices, required=False)


TeamFormSet = forms.formset_factory(
    TeamMemberForm, extra=1, can_delete=True, max_num=30, validate_max=True, absolute_max=30
)


def team_from(formset) -> list[dict]:
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("File"))


class RecallForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


def add_service_error(form, error) -> None:
    """Put a service's DomainError next to the fields it names (the rest above the form)."""
    placed = False
    for field, messages in (getattr(error, "fields", None) or {}).items():
        target = field if field in form.fields else None
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(target, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.detail))


# --- studios and incubation reports -----------------------------------------------------------


class StudioFiguresForm(forms.Form):
    """The four achievement figures a studio declares (so far at registration, per year in the
    yearly report). Bounds only; the services decide the rest."""

    patents = forms.IntegerField(label=_("Patents"), min_value=0, max_value=100_000, initial=0)
    innovations_adopted = forms.IntegerField(
        label=_("Innovations adopted"), min_value=0, max_value=100_000, initial=0
    )
    economic_benefit = forms.DecimalField(
        label=_("Economic benefit (yuan)"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        initial=0,
    )
    people_trained = forms.IntegerField(
        label=_("People trained"), min_value=0, max_value=10_000_000, initial=0
    )

    def figures(self) -> dict:
        return {k: self.cleaned_data[k] for k in FIGURE_FIELDS}


class StudioForm(StudioFiguresForm):
    name = forms.CharField(label=_("Studio name"), max_length=200)
    field = forms.ModelChoiceField(queryset=None, label=_("Field"))
    level = forms.ChoiceField(label=_("Level applied for"), choices=StudioLevel.choices)
    leader_name = forms.CharField(label=pgettext_lazy("studio", "Leader"), max_length=100)
    leader_job_title = forms.CharField(
        label=_("Leader's job title"), max_length=100, required=False
    )
    leader_honours = forms.MultipleChoiceField(
        label=_("Leader's honours"),
        choices=[(v, label) for v, label in Honour.choices if v],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    founding_date = forms.DateField(
        label=_("Founding date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    description = forms.CharField(
        label=pgettext_lazy("studio", "Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    facilities = forms.CharField(
        label=_("Facilities"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)

    field_order = [
        "name",
        "field",
        "level",
        "leader_name",
        "leader_job_title",
        "leader_honours",
        "founding_date",
        "description",
        "facilities",
        "contact_phone",
    ]
    PROFILE = (
        "name",
        "field",
        "leader_name",
        "leader_job_title",
        "leader_honours",
        "founding_date",
        "description",
        "facilities",
        "contact_phone",
    )

    def __init__(self, *args, fields, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = fields
        if editing:
            del self.fields["level"]

    def studio_data(self) -> dict:
        return {**{k: self.cleaned_data[k] for k in self.PROFILE}, **self.figures()}


class StudioMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    honour = forms.ChoiceField(label=_("Honour"), choices=Honour.choices, required=False)


StudioMemberFormSet = forms.formset_factory(
    StudioMemberForm, extra=1, can_delete=True, max_num=50, validate_max=True, absolute_max=50
)


class StudioFileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class StudioApplicationForm(forms.Form):
    level = forms.ChoiceField(label=_("Level applied for"), choices=StudioLevel.choices)


class StudioReportForm(StudioFiguresForm):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    summary = forms.CharField(
        label=_("Summary of the year"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
    )
    field_order = ["year"]


class IncubationReportForm(forms.Form):
    """One period's outcome figures (the period's own, not running totals)."""

    patents_filed = forms.IntegerField(label=_("Patents filed"), min_value=0, max_value=100_000)
    patents_granted = forms.IntegerField(label=_("Patents granted"), min_value=0, max_value=100_000)
    revenue = forms.DecimalField(
        label=_("Revenue (yuan)"), min_value=0, max_digits=16, decimal_places=2
    )
    jobs_created = forms.IntegerField(label=_("Jobs created"), min_value=0, max_value=1_000_000)
    financing_raised = forms.DecimalField(
        label=_("Financing raised (yuan)"), min_value=0, max_digits=16, decimal_places=2
    )
    products_launched = forms.IntegerField(
        label=_("Products launched"), min_value=0, max_value=100_000
    )
    narrative = forms.CharField(
        label=_("What happened in the period"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
    )

    def figures(self) -> dict:
        return {k: self.cleaned_data[k] for k in REPORT_FIGURES}
