"""Forms of the enterprise pages. They parse input only; every rule (window, limit, completeness,
one leader, file types) is the service's, whose errors are put next to the field they name."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
