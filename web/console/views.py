"""The union staff's console: contests, review rounds, reviewer pool, assignment, results and the
fairness lab. Thin views: parse the form, call a selector or a service of ``reviews`` /
``accounts`` (the same ones the API calls), render. A refused service call shows its reason
next to the form (or as a message) and writes nothing."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView, View

from accounts.selectors import organisations_visible_to, reviewers_search, users_visible_to
from core.exceptions import DomainError
from core.services import audit_trail
from core.transitions import allowed_targets
from jobs.enums import JobState
from jobs.selectors import job_holding, job_status, jobs_of_target, jobs_visible_to
from projects import services as contest_services
from projects.enums import CONTEST_TRANSITIONS, ContestState
from projects.jobs import entries_export_start
from projects.selectors import (
    categories_visible_to,
    contests_visible_to,
    entry_detail_for,
    entry_list_for,
)
from reviews import expert_pool, rereview, selectors, services
from reviews import jobs as round_jobs
from reviews.enums import ROUND_TRANSITIONS, AssignmentStatus, AwardTier, RoundState
from web.common.htmx import is_partial_request, render_page
from web.common.links import local_next
from web.common.mixins import UnionStaffMixin
from web.console import forms

PAGE_SIZE = 50


def _refused(request, exc: DomainError, form=None) -> None:
    """Show a service's refusal: on the form fields it names, else as a message."""
    if form is not None:
        forms.apply_domain_error(form, exc)
    else:
        messages.error(request, exc.detail)


def _round_or_404(request, pk: int):
    return get_object_or_404(selectors.rounds_visible_to(request.user), pk=pk)


def _round_jobs(request, round_, *, kind: str | None = None, n: int = 3) -> list[dict]:
    """The latest background jobs on the round (newest first), as ``job_status`` words."""
    return [job_status(j) for j in jobs_of_target(user=request.user, target=round_, kind=kind)[:n]]


class HomeView(UnionStaffMixin, TemplateView):
    """Every contest with its rounds (two queries)."""

    template_name = "console/home.html"
    page_title = gettext_lazy("Contests and reviews")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contests = list(contests_visible_to(self.request.user).order_by("-id")[:50])
        rounds = selectors.rounds_visible_to(self.request.user).filter(
            contest__in=[c.pk for c in contests]
        )
        by_contest: dict[int, list] = {}
        for round_ in rounds.order_by("contest_id", "order"):
            by_contest.setdefault(round_.contest_id, []).append(round_)
        context["contests"] = [(c, by_contest.get(c.pk, [])) for c in contests]
        return context


# ---------------------------------------------------------------------------- contests


def _contest_or_404(request, pk: int):
    return get_object_or_404(contests_visible_to(request.user), pk=pk)


CONTEST_MOVE_LABELS = {
    ContestState.OPEN: gettext_lazy("Open registration"),
    ContestState.CLOSED: gettext_lazy("Close registration"),
    ContestState.IN_REVIEW: gettext_lazy("Start the review"),
    ContestState.PUBLISHED: gettext_lazy("Mark the results published"),
    ContestState.ARCHIVED: gettext_lazy("Archive the contest"),
}


def contest_moves(contest) -> list[dict]:
    """The moves ``projects.enums.CONTEST_TRANSITIONS`` allows from the contest's state, as
    buttons (the service still checks the extra rules: categories, the closing time)."""
    url = reverse("console:contest-move", args=[contest.pk])
    return [
        {
            "to": to,
            "url": url,
            "label": _("Reopen registration")
            if to == ContestState.OPEN and contest.state == ContestState.CLOSED
            else CONTEST_MOVE_LABELS[to],
        }
        for to in allowed_targets(CONTEST_TRANSITIONS, contest.state)
    ]


def _contest_crumbs(contest=None, *tail) -> list:
    crumbs = [(_("Contests and reviews"), reverse("console:home"))]
    if contest is not None:
        crumbs.append(
            (str(contest), reverse("console:contest", args=[contest.pk]) if tail else None)
        )
    return crumbs + list(tail)


class ContestCreateView(UnionStaffMixin, TemplateView):
    """A new edition in draft with its first categories: the contest and every category are
    written together or not at all (a refused category leaves no contest behind)."""

    template_name = "console/contest_form.html"
    page_title = gettext_lazy("New contest edition")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.ContestForm())
        context.setdefault("formset", forms.NewCategoryFormSet(prefix="categories"))
        context["breadcrumbs"] = _contest_crumbs(None, (_("New contest edition"), None))
        return context

    def post(self, request):
        form = forms.ContestForm(request.POST)
        formset = forms.NewCategoryFormSet(request.POST, prefix="categories")
        if form.is_valid() and formset.is_valid():
            contest = self._create(form, formset)
            if contest is not None:
                messages.success(request, _("Contest created (draft)."))
                return redirect("console:contest", pk=contest.pk)
        return self.render_to_response(
            self.get_context_data(form=form, formset=formset), status=400
        )

    def _create(self, form, formset):
        """Create the contest, then each category; on a refusal put it on the form (or the
        category's row) and roll everything back."""
        failed_row = None
        try:
            with transaction.atomic():
                contest = contest_services.contest_create(
                    actor=self.request.user, data=form.cleaned_data
                )
                for index, data in forms.new_category_rows(formset):
                    failed_row = formset.forms[index]
                    contest_services.category_create(
                        actor=self.request.user, contest=contest, data=data
                    )
                failed_row = None
        except DomainError as exc:
            _refused(self.request, exc, form if failed_row is None else failed_row)
            return None
        return contest


class ContestView(UnionStaffMixin, TemplateView):
    """One edition: its data (editable until the review starts), its categories (add, edit),
    its state with the allowed next moves as buttons, and its history."""

    template_name = "console/contest.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contest = _contest_or_404(self.request, self.kwargs["pk"])
        editable = contest.state in contest_services.CONTEST_EDITABLE_STATES
        context.setdefault("form", forms.ContestForm.of(contest) if editable else None)
        context.setdefault("category_form", forms.CategoryForm(prefix="new") if editable else None)
        context.update(
            contest=contest,
            editable=editable,
            categories=list(
                categories_visible_to(self.request.user)
                .filter(contest=contest)
                .annotate(n_entries=Count("entries"))
                .order_by("code")
            ),
            moves=contest_moves(contest),
            rounds=list(selectors.rounds_visible_to(self.request.user).filter(contest=contest)),
            history=list(audit_trail(contest)[:50]),
            page_title=str(contest),
            breadcrumbs=_contest_crumbs(contest),
        )
        return context

    def post(self, request, pk):
        contest = _contest_or_404(request, pk)
        if request.POST.get("action") == "category":
            category_form = forms.CategoryForm(request.POST, prefix="new")
            if category_form.is_valid():
                data, expertise = category_form.data_and_expertise()
                try:
                    contest_services.category_create(
                        actor=request.user, contest=contest, data=data, expertise=expertise
                    )
                except DomainError as exc:
                    _refused(request, exc, category_form)
                else:
                    messages.success(request, _("Category added."))
                    return redirect("console:contest", pk=pk)
            context = self.get_context_data(category_form=category_form)
        else:
            form = forms.ContestForm(request.POST)
            if form.is_valid():
                try:
                    contest_services.contest_update(
                        actor=request.user, contest=contest, data=form.cleaned_data
                    )
                except DomainError as exc:
                    _refused(request, exc, form)
                else:
                    messages.success(request, _("Contest saved."))
                    return redirect("console:contest", pk=pk)
            context = self.get_context_data(form=form)
        return self.render_to_response(context, status=400)


class ContestMoveView(UnionStaffMixin, View):
    """POST one contest move (``to``); a refusal is shown in words on the contest's page."""

    def post(self, request, pk):
        contest = _contest_or_404(request, pk)
        try:
            contest_services.contest_set_state(
                contest=contest, to_state=request.POST.get("to", ""), actor=request.user
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request,
                _("The contest is now: %(state)s.") % {"state": contest.get_state_display()},
            )
        return redirect("console:contest", pk=pk)


class CategoryView(UnionStaffMixin, TemplateView):
    """Edit one category (code, name, description, matching expertise) while its contest is
    editable."""

    template_name = "console/category.html"

    def _category(self):
        return get_object_or_404(
            categories_visible_to(self.request.user).select_related("contest"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        category = kwargs.get("category") or self._category()
        contest = category.contest
        editable = contest.state in contest_services.CONTEST_EDITABLE_STATES
        context.setdefault("form", forms.CategoryForm.of(category))
        context.update(
            category=category,
            contest=contest,
            editable=editable,
            page_title=_("Category · %s") % category.name,
            breadcrumbs=_contest_crumbs(contest, (category.name, None)),
        )
        return context

    def post(self, request, pk):
        category = self._category()
        form = forms.CategoryForm(request.POST)
        if form.is_valid():
            data, expertise = form.data_and_expertise()
            try:
                contest_services.category_update(
                    actor=request.user, category=category, data=data, expertise=expertise
                )
            except DomainError as exc:
                _refused(request, exc, form)
            else:
                messages.success(request, _("Category saved."))
                return redirect("console:contest", pk=category.contest_id)
        # the unsaved category again (a refused change may have been set on the instance)
        return self.render_to_response(
            self.get_context_data(form=form, category=self._category()), status=400
        )


# ----------------------------------------------------------------------------- entries


class EntryListView(UnionStaffMixin, TemplateView):
    """Every entry, filtered (contest, category, state, district, organisation, date, keyword),
    sorted and paginated through the API's selector and filter; the export links carry the same
    filters to the API's CSV / XLSX export. A fixed number of queries whatever the page."""

    template_name = "console/entries.html"
    page_title = gettext_lazy("Entries")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        params = self.request.GET.copy()
        sort = params.get("sort") if params.get("sort") in forms.ENTRY_SORTS else "-id"
        params.pop("page", None)
        flt = forms.ConsoleEntryFilter(
            params or None, queryset=entry_list_for(user), request=self.request
        )
        rows = flt.qs.order_by(sort, "-id") if flt.is_valid() else entry_list_for(user).none()
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        export = params.copy()
        export.pop("sort", None)
        export.pop("organisation_name", None)
        context.update(
            filter=flt,
            sorts=forms.ENTRY_SORTS,
            sort=sort,
            page_obj=page,
            entries=page.object_list,
            query=params.urlencode(),
            export_query=export.urlencode(),
            breadcrumbs=[
                (_("Contests and reviews"), reverse("console:home")),
                (_("Entries"), None),
            ],
        )
        return context


class EntryExportView(UnionStaffMixin, View):
    """Start the XLSX export of the filtered list as a job (``projects.jobs``, as the API's
    ``POST entries/export/``) and show its progress page, which then offers the file."""

    def post(self, request):
        try:
            job = entries_export_start(
                actor=request.user,
                query=request.GET,
                file_format=request.POST.get("file_format", "xlsx"),
            )
        except DomainError as exc:
            _refused(request, exc)
            return redirect(f"{reverse('console:entries')}?{request.GET.urlencode()}")
        return redirect("console:job", pk=job.pk)


class EntryDetailView(UnionStaffMixin, TemplateView):
    """One entry with its team, attachments (permission-checked downloads) and history."""

    template_name = "console/entry.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = get_object_or_404(entry_detail_for(self.request.user), pk=self.kwargs["pk"])
        context.update(
            entry=entry,
            history=list(audit_trail(entry)[:200]),
            page_title=entry.title,
            breadcrumbs=[
                (_("Contests and reviews"), reverse("console:home")),
                (_("Entries"), reverse("console:entries")),
                (entry.title, None),
            ],
        )
        return context


# ------------------------------------------------------------------------------- round


MOVE_LABELS = {
    RoundState.ASSIGNING: gettext_lazy("Start assigning reviewers"),
    RoundState.DRAFT: gettext_lazy("Back to draft"),
    RoundState.OPEN: gettext_lazy("Confirm assignments and open scoring"),
    RoundState.CLOSED: gettext_lazy("Close scoring"),
    RoundState.FINALIZED: gettext_lazy("Finalize results"),
}


def round_moves(round_) -> list[dict]:
    """The moves the transition table allows from the round's state, as buttons (reopening a
    closed round needs a deadline and has its own form)."""
    url = reverse("console:round-move", args=[round_.pk])
    return [
        {"to": to, "label": MOVE_LABELS[to], "url": url}
        for to in sorted(ROUND_TRANSITIONS[round_.state])
        if not (round_.state == RoundState.CLOSED and to == RoundState.OPEN)
    ]


class RoundView(UnionStaffMixin, TemplateView):
    template_name = "console/round.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = _round_or_404(self.request, self.kwargs["pk"])
        context.update(
            round=round_,
            page_title=str(round_),
            breadcrumbs=[(_("Contests and reviews"), reverse("console:home")), (round_.name, None)],
            moves=round_moves(round_),
            totals=selectors.round_progress_totals(round_),
            by_category=selectors.round_progress_by_category(round_),
            criteria=list(round_.criteria.all()),
            weight_sum=sum(c.weight for c in round_.criteria.all()),
            late=selectors.late_reviewers(round_)[:20],
            cooldown_hours=getattr(settings, "NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS", 12),
            reopen_form=forms.ReopenForm(),
            jobs=_round_jobs(self.request, round_),
            **_pledges_of(self.request, round_),
        )
        return context


class BlindCheckView(UnionStaffMixin, TemplateView):
    """Entries whose free text names the entrant (organisation, contact, team, employers), for
    staff to settle before a blind round opens (``selectors.blind_text_flags``). Loaded by the
    round page on demand (htmx), so the round page stays fast on a large round."""

    template_name = "console/blind_check.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = _round_or_404(self.request, self.kwargs["pk"])
        context.update(
            round=round_,
            flags=selectors.blind_text_flags(round_),
            page_title=str(round_),
            breadcrumbs=[
                (_("Contests and reviews"), reverse("console:home")),
                (round_.name, reverse("console:round", args=[round_.pk])),
                (pgettext("console", "Blind check"), None),
            ],
        )
        return context

    def get_template_names(self):
        name = self.template_name
        return [f"{name}#flags" if is_partial_request(self.request) else name]


PLEDGES_SHOWN = 100


def _pledges_of(request, round_) -> dict:
    """Who accepted the round's pledge (评审承诺书), when and from which address (the newest
    first, at most ``PLEDGES_SHOWN``; the API lists them all)."""
    accepted = selectors.pledge_acceptances_for_staff(request.user).filter(round=round_)
    return {
        "pledge_count": accepted.count(),
        "pledges": list(accepted.order_by("-accepted_at", "-pk")[:PLEDGES_SHOWN]),
    }


class RoundCreateView(UnionStaffMixin, TemplateView):
    """The round wizard, step 1: settings (then the rubric editor)."""

    template_name = "console/round_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.contest = get_object_or_404(contests_visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        next_order = self.contest.rounds.count() + 1
        context.setdefault("form", forms.RoundForm(initial={"order": next_order}))
        context.update(
            contest=self.contest,
            page_title=_("New review round of %s") % self.contest,
            breadcrumbs=[
                (_("Contests and reviews"), reverse("console:home")),
                (_("New round"), None),
            ],
        )
        return context

    def post(self, request, pk):
        form = forms.RoundForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items()}
            try:
                round_ = services.round_create(contest=self.contest, actor=request.user, **data)
            except DomainError as exc:
                _refused(request, exc, form)
            else:
                return redirect("console:rubric", pk=round_.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RubricView(UnionStaffMixin, TemplateView):
    """The rubric editor: criteria, weights, maxima; a warning when the weights do not sum to
    100 (allowed: totals are then on another scale); saved by ``rubric_set`` (drafts only)."""

    template_name = "console/rubric.html"
    blank_rows = 3

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = _round_or_404(self.request, self.kwargs["pk"])
        criteria = list(round_.criteria.all())
        formset = kwargs.get("formset") or forms.CriterionFormSet(
            initial=[
                {
                    "name": c.name,
                    "weight": c.weight,
                    "max_score": c.max_score,
                    "description": c.description,
                }
                for c in criteria
            ]
            + [{}] * self.blank_rows
        )
        context.update(
            round=round_,
            formset=formset,
            weight_sum=sum(c.weight for c in criteria),
            has_criteria=bool(criteria),
            editable=round_.state == RoundState.DRAFT,
            page_title=_("Rubric · %s") % round_,
            breadcrumbs=[
                (_("Contests and reviews"), reverse("console:home")),
                (round_.name, reverse("console:round", args=[round_.pk])),
                (_("Rubric"), None),
            ],
        )
        return context

    def post(self, request, pk):
        round_ = _round_or_404(request, pk)
        formset = forms.CriterionFormSet(request.POST)
        if formset.is_valid():
            try:
                services.rubric_set(
                    round=round_, criteria=forms.rubric_rows(formset), actor=request.user
                )
            except DomainError as exc:
                formset.non_form_errors().append(exc.detail)
            else:
                messages.success(request, _("Rubric saved."))
                return redirect("console:rubric", pk=pk)
        return self.render_to_response(self.get_context_data(formset=formset), status=400)


class RoundMoveView(UnionStaffMixin, View):
    """POST a state move (``to``) or a reopening (``deadline`` + ``reason``)."""

    def post(self, request, pk):
        round_ = _round_or_404(request, pk)
        to_state = request.POST.get("to", "")
        background = to_state in ("compute", "publish", RoundState.FINALIZED) or (
            to_state == RoundState.OPEN and round_.state == RoundState.ASSIGNING
        )
        try:
            if to_state == "reopen":
                form = forms.ReopenForm(request.POST)
                if not form.is_valid():
                    for errors in form.errors.values():
                        messages.error(request, " ".join(errors))
                    return redirect("console:round", pk=pk)
                services.round_reopen(round=round_, actor=request.user, **form.cleaned_data)
            elif to_state == "compute":
                round_jobs.round_compute_results_start(round=round_, actor=request.user)
            elif to_state == "publish":
                round_jobs.round_publish_start(round=round_, actor=request.user)
            elif to_state == RoundState.OPEN and round_.state == RoundState.ASSIGNING:
                round_jobs.round_confirm_start(
                    round=round_,
                    actor=request.user,
                    blind_override_reason=request.POST.get("blind_override_reason", ""),
                )
            elif to_state == RoundState.FINALIZED:
                round_jobs.round_finalize_start(round=round_, actor=request.user)
            elif to_state == "remind":
                sent = services.round_remind_late_reviewers(round=round_, actor=request.user)
                messages.info(
                    request,
                    _(
                        "%(reminded)d reviewer(s) reminded; %(in_cooldown)d were reminded recently "
                        "and are left alone for now."
                    )
                    % sent,
                )
            else:
                services.round_set_state(round=round_, to_state=to_state, actor=request.user)
        except DomainError as exc:
            _refused(request, exc)
        else:
            if background:
                messages.info(request, _("Started in the background: its progress is shown below."))
            else:
                messages.success(request, _("Done."))
        return redirect(local_next(request, reverse("console:round", args=[pk])))


# -------------------------------------------------------------------------------- pool


class PoolView(UnionStaffMixin, TemplateView):
    """A contest's reviewer pool: search reviewers by name or expertise and add them, import
    experts from an Excel sheet straight into the pool, each member's load limits and declared
    conflicts (changed on the member's page, ``PoolMemberView``)."""

    template_name = "console/pool.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.contest = get_object_or_404(contests_visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        search = kwargs.get("search_form") or forms.ReviewerSearchForm(self.request.GET or None)
        found = []
        if search.is_valid() and (search.cleaned_data["q"] or search.cleaned_data["expertise"]):
            field = search.cleaned_data["expertise"]
            found = list(
                reviewers_search(user, q=search.cleaned_data["q"], expertise=field and field.pk)
                .select_related("user", "employer")
                .prefetch_related("expertise")[:PAGE_SIZE]
            )
        members_qs = selectors.pool_visible_to(user).filter(contest=self.contest).order_by("id")
        page = Paginator(members_qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        members = list(page.object_list)
        conflicts: dict[int, list] = {}
        for c in (
            selectors.conflicts_visible_to(user)
            .filter(reviewer__in=[m.reviewer_id for m in members])
            .filter(Q(contest=self.contest) | Q(contest__isnull=True))
        ):
            conflicts.setdefault(c.reviewer_id, []).append(c)
        in_pool = set(
            members_qs.filter(reviewer__in=[p.user_id for p in found], is_active=True).values_list(
                "reviewer_id", flat=True
            )
        )
        context.update(
            contest=self.contest,
            page_title=_("Reviewer pool of %s") % self.contest,
            breadcrumbs=[(_("Contests and reviews"), reverse("console:home")), (_("Pool"), None)],
            search_form=search,
            found=[(p, p.user_id in in_pool) for p in found],
            members=[(m, conflicts.get(m.reviewer_id, [])) for m in members],
            page_obj=page,
            pool_size=members_qs.filter(is_active=True).count(),
            import_form=kwargs.get("import_form") or forms.ImportForm(),
        )
        return context

    def post(self, request, pk):
        action = request.POST.get("action")
        context = {}
        try:
            if action == "add":
                ids = [int(x) for x in request.POST.getlist("reviewer") if x.isdigit()]
                reviewers = list(users_visible_to(request.user).filter(pk__in=ids))
                if not reviewers:
                    messages.error(request, _("Tick at least one reviewer."))
                else:
                    services.pool_add(contest=self.contest, reviewers=reviewers, actor=request.user)
                    messages.success(
                        request, _("%d reviewer(s) added to the pool.") % len(reviewers)
                    )
            elif action == "import":
                form = forms.ImportForm(request.POST, request.FILES)
                context["import_form"] = form
                if form.is_valid():
                    result = expert_pool.pool_import(
                        contest=self.contest, file=form.cleaned_data["file"], actor=request.user
                    )
                    messages.success(
                        request,
                        _(
                            "Imported %(created)d new and %(updated)d existing expert(s) into the pool."
                        )
                        % {"created": len(result.created), "updated": len(result.updated)},
                    )
                    return redirect("console:pool", pk=pk)
        except DomainError as exc:
            _refused(request, exc, context.get("import_form"))
        if context:
            return self.render_to_response(self.get_context_data(**context), status=400)
        return redirect("console:pool", pk=pk)


class PoolMemberView(UnionStaffMixin, TemplateView):
    """One reviewer of a contest's pool: their load limits (``services.pool_update``), their
    declared conflicts, a conflict added by choosing the organisation from a search by name
    (``selectors.organisations_for_conflict_search``, the API's) with a reason
    (``services.conflict_declare``), a conflict withdrawn (``services.conflict_withdraw``)."""

    template_name = "console/pool_member.html"

    def _member(self):
        return get_object_or_404(
            selectors.pool_visible_to(self.request.user).select_related("contest"),
            pk=self.kwargs["pk"],
        )

    def _organisations(self, q: str):
        user = self.request.user
        return selectors.organisations_for_conflict_search(user, q).filter(
            pk__in=organisations_visible_to(user).values("pk")
        )

    def _render(self, member, *, limits_form=None, conflict_form=None, q="", status=200):
        user = self.request.user
        contest = member.contest
        context = self.get_context_data(
            member=member,
            contest=contest,
            limits_form=limits_form or forms.LoadLimitsForm.of(member),
            conflict_form=conflict_form or forms.StaffConflictForm(initial={"q": q}),
            search_form=forms.OrganisationSearchForm(initial={"q": q}),
            q=q,
            results=list(self._organisations(q)[: selectors.CONFLICT_SEARCH_LIMIT]) if q else [],
            conflicts=list(
                selectors.conflicts_visible_to(user)
                .filter(reviewer=member.reviewer_id)
                .filter(Q(contest=contest) | Q(contest__isnull=True))
                .order_by("-id")
            ),
            page_title=_("%(reviewer)s in the pool of %(contest)s")
            % {"reviewer": member.reviewer, "contest": contest},
            breadcrumbs=[
                (_("Contests and reviews"), reverse("console:home")),
                (str(contest), reverse("console:contest", args=[contest.pk])),
                (_("Pool"), reverse("console:pool", args=[contest.pk])),
                (str(member.reviewer), None),
            ],
        )
        return render_page(
            self.request, self.template_name, context, partial="results", status=status
        )

    def get(self, request, pk):
        search = forms.OrganisationSearchForm(request.GET)
        q = search.cleaned_data["q"].strip() if search.is_valid() else ""
        return self._render(self._member(), q=q)

    def post(self, request, pk):
        member = self._member()
        action = request.POST.get("action")
        if action == "limits":
            form = forms.LoadLimitsForm(request.POST).with_default(member)
            if form.is_valid():
                try:
                    services.pool_update(member=member, actor=request.user, **form.cleaned_data)
                except DomainError as exc:
                    _refused(request, exc, form)
                else:
                    messages.success(request, _("Load limits saved."))
                    return redirect("console:pool-member", pk=pk)
            return self._render(member, limits_form=form, status=400)
        if action == "withdraw":
            conflict = get_object_or_404(
                selectors.conflicts_visible_to(request.user).filter(reviewer=member.reviewer_id),
                pk=request.POST.get("conflict") or 0,
            )
            services.conflict_withdraw(conflict=conflict, actor=request.user)
            messages.success(request, _("Conflict withdrawn."))
            return redirect("console:pool-member", pk=pk)
        form = forms.StaffConflictForm(request.POST)
        q = ""
        if form.is_valid():
            q = form.cleaned_data["q"].strip()
            # Only an organisation that the search offered this user for this query.
            organisation = (
                self._organisations(q).filter(pk=form.cleaned_data["organisation"] or 0).first()
                if q
                else None
            )
            if organisation is None:
                form.add_error(
                    "organisation", _("Choose the organisation from the search results.")
                )
            else:
                try:
                    services.conflict_declare(
                        reviewer=member.reviewer,
                        organisation=organisation,
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                        contest=None if form.cleaned_data["every_contest"] else member.contest,
                    )
                except DomainError as exc:
                    _refused(request, exc, form)
                else:
                    messages.success(request, _("Conflict recorded."))
                    return redirect("console:pool-member", pk=pk)
        return self._render(member, conflict_form=form, q=q, status=400)


# -------------------------------------------------------------------------- assignment


class AssignmentView(UnionStaffMixin, TemplateView):
    """Start the solver job and watch it; the result's summary (loads, affinity, shortage in
    words); hand adjustments of one entry's reviewers (add / remove / swap, each checked by the
    same rules as the solver); confirm."""

    template_name = "console/assignment.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = _round_or_404(self.request, self.kwargs["pk"])
        assign_jobs = _round_jobs(self.request, round_, kind=round_jobs.ASSIGN, n=1)
        per_entry = (
            selectors.assignments_for_staff(self.request.user)
            .filter(round=round_, status=AssignmentStatus.ACTIVE)
            .values("entry_id")
            .annotate(n=Count("id"))
            .values_list("n", flat=True)
        )
        counts = list(per_entry)
        enrolled = round_.round_entries.count()
        short = enrolled - sum(1 for n in counts if n >= round_.reviewers_per_entry)
        entry_form = forms.EntryLookupForm(self.request.GET or None)
        entry_assignments = []
        if entry_form.is_valid():
            entry_assignments = list(
                selectors.assignments_for_staff(self.request.user)
                .filter(round=round_, entry_id=entry_form.cleaned_data["entry"])
                .order_by("status", "id")
            )
        progress = selectors.round_progress(round_)
        heaviest = sorted(progress["reviewers"], key=lambda r: (-r["assigned"], r["reviewer"]))
        failed = next((j for j in assign_jobs if j["state"] == JobState.FAILED), None)
        context.update(
            round=round_,
            page_title=_("Assignment · %s") % round_,
            breadcrumbs=[
                (_("Contests and reviews"), reverse("console:home")),
                (round_.name, reverse("console:round", args=[round_.pk])),
                (_("Assignment"), None),
            ],
            jobs=assign_jobs + _round_jobs(self.request, round_, kind=round_jobs.CONFIRM, n=1),
            enrolled=enrolled,
            assigned_pairs=sum(counts),
            short=short,
            summary=selectors.round_assignment_summary(round_),
            category_weight=services.CATEGORY_TAG_WEIGHT,
            keyword_weight=services.KEYWORD_TAG_WEIGHT,
            # the solver's own explanation (reviews.infeasibility) when the last run found none
            infeasible=(failed["error_details"] or [failed["error"]]) if failed else [],
            heaviest=heaviest[:PAGE_SIZE],
            entry_form=entry_form,
            entry_assignments=entry_assignments,
            can_change=round_.state in (RoundState.ASSIGNING, RoundState.OPEN),
            moves=round_moves(round_),
        )
        return context

    def post(self, request, pk):
        round_ = _round_or_404(request, pk)
        action = request.POST.get("action")
        back = local_next(request, reverse("console:assignment", args=[pk]))
        try:
            if action == "start":
                round_jobs.round_assign_start(round=round_, actor=request.user)
            else:
                form = forms.AdjustForm(request.POST)
                if not form.is_valid():
                    for errors in form.errors.values():
                        messages.error(request, " ".join(errors))
                    return redirect(back)
                data = form.cleaned_data
                staff = selectors.assignments_for_staff(request.user).filter(round=round_)
                reviewer = None
                if data["reviewer"]:
                    reviewer = (
                        users_visible_to(request.user).filter(username=data["reviewer"]).first()
                    )
                    if reviewer is None:
                        messages.error(request, _("No user has the login %s.") % data["reviewer"])
                        return redirect(back)
                if action == "add":
                    entry = get_object_or_404(selectors.entries_of_round(round_), pk=data["entry"])
                    services.assignment_add(
                        round=round_, reviewer=reviewer, entry=entry, actor=request.user
                    )
                elif action in ("remove", "swap"):
                    assignment = get_object_or_404(staff, pk=data["assignment"])
                    if action == "remove":
                        services.assignment_remove(
                            assignment=assignment, actor=request.user, reason=data["reason"]
                        )
                    else:
                        services.assignment_swap(
                            assignment=assignment,
                            reviewer=reviewer,
                            actor=request.user,
                            reason=data["reason"],
                        )
                messages.success(request, _("Done."))
        except DomainError as exc:
            _refused(request, exc)
        return redirect(back)


class JobProgressView(UnionStaffMixin, TemplateView):
    """The live progress bar of a background job (``jobs``; an htmx fragment polled every
    second while the job runs; the whole page without JavaScript)."""

    template_name = "console/job.html"

    def get(self, request, *args, **kwargs):
        job = job_status(get_object_or_404(jobs_visible_to(request.user), pk=kwargs["pk"]))
        response = render_page(request, "console/job.html", {"job": job}, partial="job")
        if job["finished"] and is_partial_request(request):
            # The step changed the round: reload the page so that it offers the next steps.
            response["HX-Refresh"] = "true"
        return response


# ----------------------------------------------------------------------------- results


def _awards_by_rank_allowed(round_) -> bool:
    """The award rule, asked of its one home (``services.award_source_check``): awards by rank
    come only from the contest's final round, so another round does not offer them."""
    try:
        services.award_source_check(round_)
    except DomainError:
        return False
    return True


class ResultsView(UnionStaffMixin, TemplateView):
    """The scoreboard per category with every criterion, entries with fewer than k reviews
    flagged, and the steps compute → finalize → awards → publish offered as the state allows."""

    template_name = "console/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = _round_or_404(self.request, self.kwargs["pk"])
        criteria = list(round_.criteria.all())
        page = Paginator(selectors.round_results(round_), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        rows = [
            {
                "result": r,
                "means": [(r.criterion_means or {}).get(str(c.pk)) for c in criteria],
                "short": r.n_reviews < round_.reviewers_per_entry,
            }
            for r in page.object_list
        ]
        state = round_.state
        # While a step holds the round no other step is offered (the jobs app refuses a second
        # writing step); the page reloads by itself when the step ends.
        idle = job_holding(round_) is None
        # Awards by hand (services.award_grant): from a finalized round, to an entry without
        # an award that the award rule does not exclude (services.award_by_hand_blocked).
        by_hand = idle and state == RoundState.FINALIZED
        grant_errors = kwargs.get("grant_errors", {})
        for row in rows:
            r = row["result"]
            row["can_grant"] = (
                by_hand
                and getattr(r.entry, "award", None) is None
                and not services.award_by_hand_blocked(round_, advanced=r.advanced)
            )
            row["grant_errors"] = grant_errors.get(r.entry_id, [])
        context.update(
            round=round_,
            page_title=_("Results · %s") % round_,
            breadcrumbs=[
                (_("Contests and reviews"), reverse("console:home")),
                (round_.name, reverse("console:round", args=[round_.pk])),
                (_("Results"), None),
            ],
            criteria=criteria,
            rows=rows,
            page_obj=page,
            busy=not idle,
            can_compute=idle and state == RoundState.CLOSED,
            can_finalize=idle
            and state == RoundState.CLOSED
            and round_.results_computed_at is not None,
            can_award=idle
            and state == RoundState.FINALIZED
            and not round_.published_at
            and _awards_by_rank_allowed(round_),
            can_publish=idle and state == RoundState.FINALIZED and not round_.published_at,
            awards_form=forms.AwardsForm(),
            by_hand=by_hand,
            tiers=AwardTier.choices,
            jobs=_round_jobs(self.request, round_),
        )
        return context

    def post(self, request, pk):
        round_ = _round_or_404(request, pk)
        if request.POST.get("action") == "grant":
            return self._grant(request, round_)
        form = forms.AwardsForm(request.POST)
        if form.is_valid():
            try:
                round_jobs.round_awards_by_rank_start(
                    round=round_, tiers=form.tiers(), actor=request.user
                )
            except DomainError as exc:
                _refused(request, exc)
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
        return redirect("console:results", pk=pk)

    def _grant(self, request, round_):
        """One award by hand (``services.award_grant``, the API's service); a refusal or a bad
        tier is shown on the entry's row."""
        form = forms.AwardGrantForm(request.POST)
        if form.is_valid():
            entry = get_object_or_404(
                entry_list_for(request.user).filter(round_entries__round=round_),
                pk=form.cleaned_data["entry"],
            )
            try:
                services.award_grant(
                    round=round_, entry=entry, tier=form.cleaned_data["tier"], actor=request.user
                )
            except DomainError as exc:
                errors = [m for msgs in exc.fields.values() for m in msgs] or [exc.detail]
            else:
                messages.success(request, _("Award granted to %s.") % entry.title)
                return redirect(local_next(request, reverse("console:results", args=[round_.pk])))
        else:
            errors = [m for msgs in form.errors.values() for m in msgs]
        entry_id = form.cleaned_data.get("entry") if hasattr(form, "cleaned_data") else None
        if entry_id is None:
            messages.error(request, " ".join(errors))
            return redirect("console:results", pk=round_.pk)
        self.kwargs = {"pk": round_.pk}
        context = self.get_context_data(grant_errors={entry_id: errors})
        return self.render_to_response(context, status=400)


class AwardView(UnionStaffMixin, TemplateView):
    """One award: change its tier, its recommendation to the provincial contest, its note
    (``services.award_update``, as the API); withdraw it with a reason
    (``services.award_withdraw``)."""

    template_name = "console/award.html"

    def _award(self):
        return get_object_or_404(
            selectors.awards_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        award = self._award()
        context.setdefault("form", forms.AwardForm.of(award))
        context.setdefault("withdraw_form", forms.AwardWithdrawForm())
        results = reverse("console:results", args=[award.round_id])
        context.update(
            award=award,
            results_url=results,
            page_title=_("Award · %s") % award.entry.title,
            breadcrumbs=[
                (_("Contests and reviews"), reverse("console:home")),
                (award.round.name, reverse("console:round", args=[award.round_id])),
                (_("Results"), results),
                (award.entry.title, None),
            ],
        )
        return context

    def post(self, request, pk):
        award = self._award()
        if request.POST.get("action") == "withdraw":
            withdraw_form = forms.AwardWithdrawForm(request.POST)
            if withdraw_form.is_valid():
                try:
                    services.award_withdraw(
                        award=award, actor=request.user, reason=withdraw_form.cleaned_data["reason"]
                    )
                except DomainError as exc:
                    _refused(request, exc, withdraw_form)
                else:
                    messages.success(request, _("Award withdrawn."))
                    return redirect("console:results", pk=award.round_id)
            context = self.get_context_data(withdraw_form=withdraw_form)
        else:
            form = forms.AwardForm(request.POST)
            if form.is_valid():
                try:
                    services.award_update(award=award, actor=request.user, **form.cleaned_data)
                except DomainError as exc:
                    _refused(request, exc, form)
                else:
                    messages.success(request, _("Award saved."))
                    return redirect("console:results", pk=award.round_id)
            context = self.get_context_data(form=form)
        return self.render_to_response(context, status=400)


class FairnessView(UnionStaffMixin, TemplateView):
    """The fairness lab of a round: ranking under each method and places moved, reviewer
    leniency, agreement, score distribution with the cut line, the most disputed entries with
    "add a reviewer" (复评). Every chart has its numbers in a table and an export."""

    template_name = "console/fairness.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = _round_or_404(self.request, self.kwargs["pk"])
        threshold_form = forms.ThresholdForm(self.request.GET or None)
        threshold = threshold_form.cleaned_data["threshold"] if threshold_form.is_valid() else None
        report = selectors.round_fairness(
            round_, threshold=None if threshold is None else float(threshold), limit=PAGE_SIZE
        )
        context.update(
            round=round_,
            page_title=_("Fairness lab · %s") % round_,
            breadcrumbs=[
                (_("Contests and reviews"), reverse("console:home")),
                (round_.name, reverse("console:round", args=[round_.pk])),
                (_("Fairness lab"), None),
            ],
            report=report,
            method_labels=forms.method_labels(),
            threshold_form=threshold_form,
            rereview_form=forms.RereviewForm(),
            can_rereview=round_.state in (RoundState.OPEN, RoundState.CLOSED),
        )
        return context

    def post(self, request, pk):
        """复评: one more reviewer for the ticked disputed entries."""
        round_ = _round_or_404(request, pk)
        form = forms.RereviewForm(request.POST)
        ids = [int(x) for x in request.POST.getlist("entry") if x.isdigit()]
        if not form.is_valid() or not ids:
            messages.error(
                request, _("Tick at least one entry.") if not ids else form.errors.as_text()
            )
            return redirect("console:fairness", pk=pk)
        try:
            outcome = rereview.round_add_reviewers(
                round=round_,
                entries=list(selectors.entries_of_round(round_).filter(pk__in=ids)),
                actor=request.user,
                reason=form.cleaned_data["reason"],
                deadline=form.cleaned_data["deadline"],
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("%d reviewer(s) added.") % len(outcome.added))
            for reason in outcome.unserved:
                messages.warning(request, reason)
        return redirect("console:fairness", pk=pk)
