"""The reviewer's forms: they only parse what the page sends. Every rule (score range, one
decimal, every criterion before submitting, the deadline, the pledge, who may recuse) is the
service's; its refusal is shown next to the field it names (``apply_domain_error``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import ExpertiseField
from core.exceptions import DomainError

SCORE_MAX_CHARS = 12
COMMENT_MAX_CHARS = 4000


def score_field(criterion_pk: int) -> str:
    return f"score-{criterion_pk}"


def comment_field(criterion_pk: int) -> str:
    return f"comment-{criterion_pk}"


class ScoreForm(forms.Form):
    """One score and one comment per criterion of the round's rubric, and a general comment.
    A score left empty is not sent (a draft keeps what it had)."""

    comment = forms.CharField(
        label=pgettext_lazy("reviewer", "General comment"),
        required=False,
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[score_field(c.pk)] = forms.CharField(
                label=c.name, required=False, max_length=SCORE_MAX_CHARS, strip=True
            )
            self.fields[comment_field(c.pk)] = forms.CharField(
                label=pgettext_lazy("reviewer", "Comment on %(criterion)s") % {"criterion": c.name},
                required=False,
                max_length=COMMENT_MAX_CHARS,
            )

    def scores(self) -> list[dict]:
        """The scores as the service takes them (the same shape as the API's)."""
        rows = []
        for c in self.criteria:
            value = self.cleaned_data.get(score_field(c.pk), "")
            if value != "":
                rows.append(
                    {
                        "criterion": c.pk,
                        "score": value.replace(",", "."),
                        "comment": self.cleaned_data.get(comment_field(c.pk), ""),
                    }
                )
        return rows

    def apply_domain_error(self, exc: DomainError) -> None:
        """The service names a criterion as ``scores.<name>``: put its message on that input."""
        by_name = {f"scores.{c.name}": score_field(c.pk) for c in self.criteria}
        placed = False
        for name, msgs in (exc.fields or {}).items():
            field = by_name.get(name) or (name if name in self.fields else None)
            if field:
                for msg in msgs:
                    self.add_error(field, msg)
                placed = True
        if not placed:
            self.add_error(None, exc.detail)


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    placed = False
    for name, msgs in (exc.fields or {}).items():
        if name in form.fields:
            for msg in msgs:
                form.add_error(name, msg)
            placed = True
    if not placed:
        form.add_error(None, exc.detail)


class PledgeForm(forms.Form):
    agree = forms.BooleanField(
        label=pgettext_lazy("reviewer", "I have read this pledge and accept it."), required=True
    )


class RecuseForm(forms.Form):
    # Not required here: the service refuses an empty reason, with its own message.
    reason = forms.CharField(
        label=pgettext_lazy("reviewer", "Why you recuse yourself"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Staff read this; the entry goes to another reviewer."),
    )


class ConflictSearchForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("reviewer", "Organisation"),
        required=False,
        max_length=100,
        help_text=_(
            "Type part of the name of your employer or of an organisation you declared; any "
            "other organisation by its full name or its unified social credit code."
        ),
    )


class ConflictForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    organisation = forms.IntegerField(
        label=pgettext_lazy("reviewer", "Organisation"), required=False, widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=pgettext_lazy("reviewer", "Why you have a conflict with it"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProfileForm(forms.Form):
    """What a reviewer may change about themself: not the employer, the load limit or the
    status (staff set those; the service refuses them from a reviewer)."""

    title = forms.CharField(
        label=pgettext_lazy("reviewer", "Professional title"), required=False, max_length=100
    )
    expertise = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("reviewer", "Fields of expertise"),
        queryset=ExpertiseField.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    bio = forms.CharField(
        label=pgettext_lazy("reviewer", "About you"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    email = forms.EmailField(label=pgettext_lazy("reviewer", "E-mail"), required=False)
    phone = forms.CharField(label=pgettext_lazy("reviewer", "Phone"), required=False, max_length=30)
