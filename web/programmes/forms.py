"""Forms of the programme pages. They parse input only; every rule is the service's, and a
service's refusal is shown next to the field it names (:func:`show_domain_error`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.enums import District
from core.exceptions import DomainError
from incubator.enums import SupportKind
from innovation.enums import AssessmentRating, StudioLevel


def show_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Put a service's refusal on the form: each message next to the field it names, the rest
    (and a refusal naming no field of this form) above the form."""
    placed = False
    for name, messages in (exc.fields or {}).items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=AssessmentRating.choices)
    comment = forms.CharField(
        label=_("Your comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the studio fails."),
    )


class AdmitForm(forms.Form):
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    mentor_name = forms.CharField(label=_("Mentor"), max_length=100, required=False)
    workspace = forms.CharField(label=_("Workspace"), max_length=100, required=False)
    admission_note = forms.CharField(
        label=_("Admission note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_backdated = forms.BooleanField(
        label=_("I confirm the backdated start (the past periods' reports are due at once)"),
        required=False,
    )


class DirectoryFilterForm(forms.Form):
    """The public directory's filters (the choices are public: levels, districts, fields)."""

    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *StudioLevel.choices]
    )
    district = forms.ChoiceField(
        label=_("District"), required=False, choices=[("", _("All districts")), *District.choices]
    )
    field = forms.ChoiceField(label=_("Industry"), required=False)
    q = forms.CharField(label=_("Name, leader or host"), required=False)

    def __init__(self, *args, fields_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("All industries")), *fields_choices]


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_date = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MilestoneMoveForm(forms.Form):
    """One milestone's move (achieved / missed / cancelled): the date applies to an
    achievement (today when empty)."""

    on_date = forms.DateField(
        label=_("Achieved on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    provided_on = forms.DateField(
        label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(label=_("What was given"), max_length=300)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("For funding; leave empty for training or services."),
    )


class StageForm(forms.Form):
    """A stage move: the date and the reason apply to graduating and exiting (an exit needs a
    reason)."""

    on_date = forms.DateField(
        label=_("On"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today when empty."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
