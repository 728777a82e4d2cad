"""Forms of the console's results notice pages (issue 13): input parsing only; the rules are
``publicity.services``'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from publicity.enums import Remedy
from reviews.enums import AwardTier, RoundState


class NoticeForm(forms.Form):
    """A notice of one finalized round's results, or of a whole contest's awards (over all its
    rounds): exactly one of the two is chosen."""

    round = forms.ModelChoiceField(label=_("Finalized round"), queryset=None, required=False)
    contest = forms.ModelChoiceField(
        label=_("Or: the awards of a whole contest"),
        queryset=None,
        required=False,
        help_text=_("Leave the round empty to put up every award of the contest."),
    )
    title = forms.CharField(label=_("Notice title"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact = forms.CharField(
        label=_("Contact for objections"),
        max_length=300,
        help_text=_("Who receives objections: office, person, telephone, address."),
    )
    working_days = forms.IntegerField(
        label=_("Period in working days"), initial=5, min_value=1, max_value=30
    )
    show_score = forms.BooleanField(
        label=_("Show scores (only where the contest rules allow it)"), required=False
    )

    def __init__(self, *args, rounds, contests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds.filter(state=RoundState.FINALIZED).select_related(
            "contest"
        )
        self.fields["round"].label_from_instance = lambda r: f"{r.contest.name} · {r.name}"
        self.fields["contest"].queryset = contests

    def clean(self):
        data = super().clean()
        round_, contest = data.get("round"), data.get("contest")
        if bool(round_) == bool(contest) and "round" not in self.errors:
            self.add_error(
                "round", _("Choose either a finalized round or a whole contest, not both.")
            )
        if round_ is not None:
            data["contest"] = round_.contest
        return data


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Investigation note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class DecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("0", _("Dismissed")), ("1", _("Upheld"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("Written reply to the objector"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    remedy = forms.ChoiceField(
        label=_("Change to the results"), choices=Remedy.choices, initial=Remedy.NONE
    )
    tier = forms.ChoiceField(
        label=_("Corrected award tier"), required=False, choices=[("", "—"), *AwardTier.choices]
    )
    public_reason = forms.CharField(
        label=_("Reason shown on the notice"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The public sees this on the notice's new version; the reply goes to the objector "
            "only. Empty: a neutral sentence saying what changed."
        ),
    )
