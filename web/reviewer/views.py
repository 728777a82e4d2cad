"""The expert reviewer's workbench: my rounds and queue, the round's pledge, the scoring page
(entry material beside the rubric, autosave, submit, save and next), recusal, conflicts with an
organisation, and the reviewer's own profile.

Thin views over the reviews and accounts selectors and services the API calls: an assignment
is read through ``selectors.assignments_of_reviewer`` (another reviewer's is a 404), the entry
through ``selectors.reviewer_entry_view`` (the blind-round redaction: no organisation, no people, neutral
file names), files through ``reviewer_attachment_response`` (the metadata-free copy in a blind
round). Every rule — range, pledge, deadline, lock, who may recuse — is the service's; its
refusal is shown next to the field it names and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.generic import TemplateView, View

from accounts import services as account_services
from accounts.selectors import reviewer_profiles_visible_to
from core.exceptions import DomainError
from core.net import client_ip
from reviews import pledges, selectors, services
from reviews.downloads import reviewer_attachment_response
from reviews.enums import ReviewState, RoundState
from web.common.htmx import is_partial_request, render_page
from web.common.links import local_next
from web.common.mixins import ReviewerMixin
from web.reviewer import forms
from web.reviewer.workqueue import next_in_queue, rounds_with_queues


def _home():
    return reverse("reviewer:home")


def _assignment_or_404(request, pk: int, *, closed_too: bool = False):
    """The caller's assignment. ``closed_too``: in a closed or finalized round as well, for
    reading only, and only after the reviewer accepted that round's pledge (without it they
    never saw the entry, and a closed round is no reason to show it now)."""
    assignment = get_object_or_404(
        selectors.assignments_of_reviewer(request.user, closed_too=closed_too), pk=pk
    )
    if assignment.round.state != RoundState.OPEN and not selectors.pledge_accepted(
        assignment.round, request.user
    ):
        raise Http404
    return assignment


def _redirect_303(url: str):
    response = redirect(url)
    response.status_code = 303
    return response


class HomeView(ReviewerMixin, TemplateView):
    """Per open round: deadline and countdown, done / drafted / to do, the queue (what still
    needs me first). Closed rounds: what the reviewer submitted, read-only."""

    template_name = "reviewer/home.html"
    page_title = pgettext_lazy("reviewer", "My reviews")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assignments = list(selectors.assignments_of_reviewer(user, for_queue=True))
        context["rounds"] = rounds_with_queues(
            assignments, accepted_round_ids=selectors.pledged_round_ids(user)
        )
        closed: dict[int, dict] = {}
        for review in selectors.submitted_reviews_of_reviewer(user)[:500]:
            group = closed.setdefault(review.round_id, {"round": review.round, "reviews": []})
            group["reviews"].append(review)
        context["closed_rounds"] = list(closed.values())
        context["now"] = timezone.now()
        return context


class PledgeView(ReviewerMixin, TemplateView):
    """The round's pledge (评审承诺书): read it, accept it (time and address are recorded)."""

    template_name = "reviewer/pledge.html"
    page_title = pgettext_lazy("reviewer", "Reviewer's pledge")

    def _round(self):
        return get_object_or_404(
            selectors.rounds_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def _next(self) -> str:
        return local_next(self.request, _home())

    def _render(self, round_, form, status=200):
        context = self.get_context_data(
            round=round_,
            pledge=selectors.pledge_for(round_, self.request.user),
            form=form,
            next=self._next(),
            breadcrumbs=[(pgettext("reviewer", "My reviews"), _home()), (str(round_), None)],
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        return self._render(self._round(), forms.PledgeForm())

    def post(self, request, *args, **kwargs):
        round_ = self._round()
        form = forms.PledgeForm(request.POST)
        if not form.is_valid():
            return self._render(round_, form, status=400)
        try:
            pledges.pledge_accept(
                round=round_, reviewer=request.user, ip_address=client_ip(request)
            )
        except DomainError as exc:
            forms.apply_domain_error(form, exc)
            return self._render(round_, form, status=409)
        messages.success(request, _("You accepted the pledge. You can score now."))
        return _redirect_303(self._next())


class _AssignmentPage(ReviewerMixin, TemplateView):
    template_name = "reviewer/scoring.html"

    def page(self, assignment, form=None, *, status=200, saved=None):
        """The scoring page (or, for htmx, its status fragment)."""
        round_ = assignment.round
        criteria = selectors.round_criteria(round_)
        review = getattr(assignment, "review", None)
        scores = {s.criterion_id: s for s in review.scores.all()} if review else {}
        if form is None:
            initial = {"comment": review.comment if review else ""}
            for c in criteria:
                if c.pk in scores:
                    initial[forms.score_field(c.pk)] = str(scores[c.pk].score)
                    initial[forms.comment_field(c.pk)] = scores[c.pk].comment
            form = forms.ScoreForm(criteria=criteria, initial=initial)
        if review is not None and review.state == ReviewState.SUBMITTED:
            locked_reason = _("You submitted this review; it is locked.")
        elif round_.state != RoundState.OPEN:
            locked_reason = _("The round is closed; scores can no longer change.")
        elif timezone.now() > round_.deadline:
            locked_reason = _("The deadline has passed; scores can no longer change.")
        else:
            locked_reason = ""
        entry = selectors.reviewer_entry_view(assignment.entry, blind=round_.is_blind)
        for a in entry["attachments"]:
            ctype = a["content_type"] or ""
            a["display"] = (
                "pdf"
                if ctype == "application/pdf"
                else "image"
                if ctype.startswith("image/")
                else ""
            )
            a["url"] = reverse("reviewer:file", args=[assignment.pk, a["id"]])
        rows = [
            {
                "criterion": c,
                "score": form[forms.score_field(c.pk)],
                "comment": form[forms.comment_field(c.pk)],
            }
            for c in criteria
        ]
        context = self.get_context_data(
            assignment=assignment,
            round=round_,
            entry=entry,
            review=review,
            saved=saved or review,
            form=form,
            rows=rows,
            max_total=sum((c.weight for c in criteria), 0),
            locked_reason=locked_reason,
            page_title=entry["title"],
            breadcrumbs=[(pgettext("reviewer", "My reviews"), _home()), (entry["title"], None)],
        )
        return render_page(
            self.request, self.template_name, context, partial="status", status=status
        )

    def assignment_with_pledge(self):
        """The caller's assignment, or a redirect to the round's pledge while it is not accepted
        (the service refuses a score without it anyway)."""
        assignment = _assignment_or_404(self.request, self.kwargs["pk"], closed_too=True)
        if assignment.round.state == RoundState.OPEN and not selectors.pledge_accepted(
            assignment.round, self.request.user
        ):
            url = reverse("reviewer:pledge", args=[assignment.round_id])
            here = reverse("reviewer:assignment", args=[assignment.pk])
            return assignment, redirect(f"{url}?next={here}")
        return assignment, None

    def parse(self, assignment):
        criteria = selectors.round_criteria(assignment.round)
        form = forms.ScoreForm(self.request.POST, criteria=criteria)
        return form, form.is_valid()


class ScoringView(_AssignmentPage):
    """The entry's material beside the rubric; read-only once submitted or after the deadline."""

    def get(self, request, *args, **kwargs):
        assignment, refused = self.assignment_with_pledge()
        return refused or self.page(assignment)


class SaveView(_AssignmentPage):
    """Save the draft: htmx autosave answers with the status fragment ("saved at 14:02"); the
    plain form ("save", "save and next") redirects."""

    def post(self, request, *args, **kwargs):
        assignment, refused = self.assignment_with_pledge()
        if refused:
            return refused
        form, ok = self.parse(assignment)
        if ok:
            try:
                review = services.review_save_draft(
                    assignment=assignment,
                    reviewer=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                form.apply_domain_error(exc)
            else:
                if request.POST.get("beacon"):  # the last save of a page being left
                    return HttpResponse(status=204)
                if is_partial_request(request):
                    return self.page(assignment, form, saved=review)
                messages.success(request, _("Draft saved."))
                if "next" in request.POST:
                    following = next_in_queue(
                        list(selectors.assignments_of_reviewer(request.user, for_queue=True)),
                        assignment,
                    )
                    if following is not None:
                        return _redirect_303(reverse("reviewer:assignment", args=[following.pk]))
                    messages.info(request, _("Nothing else is waiting for you in this round."))
                    return _redirect_303(_home())
                return _redirect_303(reverse("reviewer:assignment", args=[assignment.pk]))
        # htmx wants the status fragment with the errors, and a 200 so that it swaps it in.
        return self.page(assignment, form, status=200 if is_partial_request(request) else 400)


class SubmitView(_AssignmentPage):
    """Submit (with the values in the page): every criterion scored; the review is locked."""

    def post(self, request, *args, **kwargs):
        assignment, refused = self.assignment_with_pledge()
        if refused:
            return refused
        form, ok = self.parse(assignment)
        if ok:
            try:
                services.review_submit(
                    assignment=assignment,
                    reviewer=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                form.apply_domain_error(exc)
            else:
                messages.success(request, _("Review submitted. Thank you."))
                return _redirect_303(reverse("reviewer:assignment", args=[assignment.pk]))
        return self.page(assignment, form, status=400)


class AttachmentView(ReviewerMixin, View):
    """One file of the assigned entry, as the API serves it (blind: neutral name, no metadata)."""

    def get(self, request, pk, attachment_id):
        assignment = _assignment_or_404(request, pk, closed_too=True)
        names = selectors.reviewer_attachment_names(
            assignment.entry, blind=assignment.round.is_blind
        )
        try:
            return reviewer_attachment_response(assignment, attachment_id, names=names)
        except DomainError as exc:
            return HttpResponse(exc.detail, status=409, content_type="text/plain; charset=utf-8")


class RecuseView(ReviewerMixin, TemplateView):
    """Recuse yourself (回避) from one entry, with the reason; the slot goes back to staff."""

    template_name = "reviewer/recuse.html"
    page_title = pgettext_lazy("reviewer", "Recuse yourself")

    def _render(self, assignment, form, status=200):
        entry = selectors.reviewer_entry_view(assignment.entry, blind=assignment.round.is_blind)
        context = self.get_context_data(
            assignment=assignment,
            entry=entry,
            form=form,
            breadcrumbs=[
                (pgettext("reviewer", "My reviews"), _home()),
                (entry["title"], reverse("reviewer:assignment", args=[assignment.pk])),
                (pgettext("reviewer", "Recuse yourself"), None),
            ],
        )
        return self.render_to_response(context, status=status)

    def get(self, request, pk):
        return self._render(_assignment_or_404(request, pk), forms.RecuseForm())

    def post(self, request, pk):
        assignment = _assignment_or_404(request, pk)
        form = forms.RecuseForm(request.POST)
        if form.is_valid():
            try:
                services.assignment_recuse(
                    assignment=assignment, reviewer=request.user, reason=form.cleaned_data["reason"]
                )
            except DomainError as exc:
                forms.apply_domain_error(form, exc)
            else:
                messages.success(request, _("You recused yourself; union staff will reassign it."))
                return _redirect_303(_home())
        return self._render(assignment, form, status=400)


class ConflictView(ReviewerMixin, TemplateView):
    """Your declared conflicts, and declaring one by choosing the organisation from a search."""

    template_name = "reviewer/conflicts.html"
    page_title = pgettext_lazy("reviewer", "My conflicts of interest")

    def _render(self, form, search, status=200):
        user = self.request.user
        q = search.cleaned_data.get("q", "") if search.is_valid() else ""
        context = self.get_context_data(
            conflicts=selectors.conflicts_visible_to(user).order_by("-id"),
            search=search,
            form=form,
            q=q,
            results=list(selectors.organisations_for_conflict_search(user, q)[:20]) if q else [],
            breadcrumbs=[
                (pgettext("reviewer", "My reviews"), _home()),
                (pgettext("reviewer", "My conflicts of interest"), None),
            ],
        )
        return render_page(
            self.request, self.template_name, context, partial="results", status=status
        )

    def get(self, request):
        return self._render(forms.ConflictForm(), forms.ConflictSearchForm(request.GET))

    def post(self, request):
        form = forms.ConflictForm(request.POST)
        search = forms.ConflictSearchForm({"q": request.POST.get("q", "")})
        if form.is_valid():
            # Only an organisation the search offered this reviewer for this query.
            organisation = (
                selectors.organisations_for_conflict_search(request.user, form.cleaned_data["q"])
                .filter(pk=form.cleaned_data["organisation"] or 0)
                .first()
            )
            if organisation is None:
                form.add_error(
                    "organisation", _("Choose the organisation from the search results.")
                )
            else:
                try:
                    services.conflict_declare(
                        reviewer=request.user,
                        organisation=organisation,
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                except DomainError as exc:
                    forms.apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Conflict declared."))
                    return _redirect_303(reverse("reviewer:conflicts"))
        return self._render(form, search, status=400)


class ConflictSearchView(ConflictView):
    """The htmx search: the results fragment of the conflicts page."""

    def post(self, request):
        raise Http404


class ProfileView(ReviewerMixin, TemplateView):
    """Your own profile: title, expertise, biography, contact. Employer, load limit and status
    are staff's (shown, not editable)."""

    template_name = "reviewer/profile.html"
    page_title = pgettext_lazy("reviewer", "My reviewer profile")

    def _profile(self):
        return (
            reviewer_profiles_visible_to(self.request.user).filter(user=self.request.user).first()
        )

    def _render(self, form, status=200):
        context = self.get_context_data(
            profile=self._profile(),
            form=form,
            breadcrumbs=[
                (pgettext("reviewer", "My reviews"), _home()),
                (pgettext("reviewer", "My reviewer profile"), None),
            ],
        )
        return self.render_to_response(context, status=status)

    def get(self, request):
        profile = self._profile()
        user = request.user
        initial = {"email": user.email, "phone": user.phone}
        if profile is not None:
            initial.update(
                title=profile.title, bio=profile.bio, expertise=list(profile.expertise.all())
            )
        return self._render(forms.ProfileForm(initial=initial))

    def post(self, request):
        form = forms.ProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    account_services.user_update(
                        actor=request.user,
                        user=request.user,
                        data={"email": data["email"], "phone": data["phone"]},
                    )
                    account_services.reviewer_profile_save(
                        actor=request.user,
                        user=request.user,
                        data={
                            "title": data["title"],
                            "bio": data["bio"],
                            "expertise": list(data["expertise"]),
                        },
                    )
            except DomainError as exc:
                forms.apply_domain_error(form, exc)
            else:
                messages.success(request, _("Profile saved."))
                return _redirect_303(reverse("reviewer:profile"))
        return self._render(form, status=400)
