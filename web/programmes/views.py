"""The programme pages: studios (union staff), the incubator (incubator staff), the dashboards
(any staff) and the public studio directory. Thin: parse a form, call the selector or service
the API calls, render. Refusals: the audience mixin (sign-in, role), the selector (404)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from core.exceptions import DomainError
from core.exports import xlsx_response
from core.services import audit_trail
from dashboards import selectors as dashboard_selectors
from dashboards import tables as dashboard_tables
from dashboards.exports import dashboard_workbook
from incubator import selectors as incubator_selectors
from incubator import services as incubator_services
from incubator.enums import IncubationStage, MilestoneStatus, ReportState
from innovation import selectors as studio_selectors
from innovation import services as studio_services
from innovation.filters import StudioDirectoryFilter
from web.common.htmx import redirect_after_post
from web.common.mixins import AnyStaffMixin, IncubatorStaffMixin, PageMixin, UnionStaffMixin
from web.programmes import forms

# --- studios (union staff) ----------------------------------------------------------------------

APPLICATION_MOVES = {
    # verb: (service, comment keyword or None, success message)
    "start-review": (studio_services.studio_application_review_start, None, _("Review started.")),
    "return": (studio_services.studio_application_return, "comment", _("Returned for changes.")),
    "name": (studio_services.studio_application_name, "comment", _("The studio is named.")),
    "reject": (studio_services.studio_application_reject, "comment", _("Application rejected.")),
}


class ApplicationQueueView(UnionStaffMixin, TemplateView):
    template_name = "programmes/applications.html"
    page_title = _("Studio applications")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["applications"] = studio_selectors.application_queue(self.request.user)
        context["form"] = forms.CommentForm()
        return context


class ApplicationMoveView(UnionStaffMixin, View):
    """POST one decision on an application; a refusal re-renders the studio page with the
    error next to the comment."""

    def post(self, request, pk: int, verb: str):
        if verb not in APPLICATION_MOVES:
            raise Http404
        application = get_object_or_404(
            studio_selectors.applications_visible_to(request.user), pk=pk
        )
        service, comment_key, done = APPLICATION_MOVES[verb]
        form = forms.CommentForm(request.POST)
        form.is_valid()
        kwargs = {comment_key: form.cleaned_data.get("comment", "")} if comment_key else {}
        try:
            service(actor=request.user, application=application, **kwargs)
        except DomainError as exc:
            forms.show_domain_error(form, exc)
            return StudioView.render_with(
                request,
                application.studio_id,
                decision_form=form,
                decision_verb=verb,
                status=exc.status_code,
            )
        messages.success(request, done)
        return redirect_after_post(
            request, reverse("programmes:studio", args=[application.studio_id])
        )


class StudioView(UnionStaffMixin, TemplateView):
    template_name = "programmes/studio.html"

    @classmethod
    def render_with(cls, request, pk: int, *, status: int = 200, **extra):
        view = cls()
        view.setup(request, pk=pk)
        context = view.get_context_data(pk=pk, **extra)
        return render(request, cls.template_name, context, status=status)

    def get_context_data(self, **kwargs):
        studio = get_object_or_404(
            studio_selectors.studio_detail_queryset(self.request.user), pk=self.kwargs["pk"]
        )
        self.page_title = studio.name
        self.breadcrumbs = [
            (_("Studio applications"), reverse("programmes:applications")),
            (studio.name, None),
        ]
        context = super().get_context_data(**kwargs)
        applications = sorted(studio.applications.all(), key=lambda a: (a.created_at, a.pk))
        context.update(
            studio=studio,
            applications=applications,
            open_application=next(
                (a for a in applications if a.state in ("submitted", "under_review")), None
            ),
            assessments=studio_selectors.assessments_visible_to(self.request.user)
            .filter(studio=studio)
            .order_by("-year"),
            history=audit_trail(studio)[:50],
            decision_form=kwargs.get("decision_form") or forms.CommentForm(),
            decision_verb=kwargs.get("decision_verb", ""),
            revoke_form=kwargs.get("revoke_form") or forms.ReasonForm(),
        )
        return context


class StudioRevokeView(UnionStaffMixin, View):
    def post(self, request, pk: int):
        studio = get_object_or_404(studio_selectors.studios_visible_to(request.user), pk=pk)
        form = forms.ReasonForm(request.POST)
        form.is_valid()
        try:
            studio_services.studio_revoke(
                actor=request.user, studio=studio, reason=form.cleaned_data.get("reason", "")
            )
        except DomainError as exc:
            forms.show_domain_error(form, exc)
            return StudioView.render_with(request, pk, revoke_form=form, status=exc.status_code)
        messages.success(request, _("The studio's title is revoked."))
        return redirect_after_post(request, reverse("programmes:studio", args=[pk]))


class AssessmentsView(UnionStaffMixin, TemplateView):
    """Yearly assessments: reports to rate, studios that have not reported on last year (they
    receive the automatic reminders), and studios flagged by two fails in a row."""

    template_name = "programmes/assessments.html"
    page_title = _("Yearly assessments")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = timezone.localdate().year - 1
        rate_forms = kwargs.get("rate_forms", {})
        to_rate = list(studio_selectors.assessments_to_rate(self.request.user))
        missing = list(studio_selectors.studios_missing_report(year).order_by("name"))
        blocked = studio_selectors.studio_report_reminders_blocked(missing)
        remind_errors = kwargs.get("remind_errors", {})
        context.update(
            to_rate=[
                (a, rate_forms.get(a.pk) or forms.RatingForm(prefix=f"a{a.pk}")) for a in to_rate
            ],
            report_year=year,
            due_date=studio_selectors.studio_report_due_date(year),
            missing=[(s, blocked.get(s.pk), remind_errors.get(s.pk)) for s in missing],
            remind_days_before=settings.STUDIO_REPORT_REMIND_DAYS_BEFORE,
            overdue_every=settings.STUDIO_REPORT_OVERDUE_EVERY_DAYS,
            flagged=studio_selectors.studios_flagged(self.request.user),
        )
        return context


class AssessmentRateView(UnionStaffMixin, View):
    def post(self, request, pk: int):
        assessment = get_object_or_404(studio_selectors.assessments_visible_to(request.user), pk=pk)
        form = forms.RatingForm(request.POST, prefix=f"a{pk}")
        if form.is_valid():
            try:
                studio_services.studio_assessment_rate(
                    actor=request.user, assessment=assessment, **form.cleaned_data
                )
            except DomainError as exc:
                forms.show_domain_error(form, exc)
            else:
                messages.success(request, _("Assessment rated."))
                return redirect_after_post(request, reverse("programmes:assessments"))
        view = AssessmentsView()
        view.setup(request)
        context = view.get_context_data(rate_forms={pk: form})
        return render(request, AssessmentsView.template_name, context, status=400)


class StudioRemindView(UnionStaffMixin, View):
    """ "Send reminder now" on the assessments page: the host's members are told of the missing
    report at once; a refusal (cool-down, nothing owed) is shown in words next to the studio."""

    def post(self, request, pk: int):
        studio = get_object_or_404(studio_selectors.studios_visible_to(request.user), pk=pk)
        try:
            reminded = studio_services.studio_report_remind_now(actor=request.user, studio=studio)
        except DomainError as exc:
            view = AssessmentsView()
            view.setup(request)
            context = view.get_context_data(remind_errors={pk: exc.detail})
            return render(request, AssessmentsView.template_name, context, status=exc.status_code)
        messages.success(
            request,
            ngettext(
                "%(studio)s: reminder sent to %(n)d member.",
                "%(studio)s: reminder sent to %(n)d members.",
                reminded,
            )
            % {"studio": studio.name, "n": reminded},
        )
        return redirect_after_post(request, reverse("programmes:assessments") + "#h-due")


# --- the public directory -----------------------------------------------------------------------


class DirectoryView(PageMixin, TemplateView):
    """Named studios only, no contact data; filters by level, district and industry. Public (the
    naming is a published honour, see docs/studios-and-incubator.md)."""

    template_name = "programmes/directory.html"
    page_title = _("Innovation studio directory")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        fields = studio_selectors.directory_fields()
        form = forms.DirectoryFilterForm(self.request.GET or None, fields_choices=fields)
        # An empty select ("all districts") means no filter, not the value "".
        params = self.request.GET.copy()
        for key in [k for k, v in params.items() if v == ""]:
            params.pop(key)
        filtered = StudioDirectoryFilter(
            params, queryset=studio_selectors.studio_directory().order_by("name")
        )
        studios = filtered.qs if filtered.is_valid() else studio_selectors.studio_directory().none()
        page = Paginator(studios, 20).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(form=form, page_obj=page, studios=page.object_list, query=query.urlencode())
        return context


# --- incubator (incubator staff) ----------------------------------------------------------------


class PortfolioView(IncubatorStaffMixin, TemplateView):
    template_name = "programmes/portfolio.html"
    page_title = _("Incubator portfolio")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        portfolio = incubator_selectors.portfolio_visible_to(self.request.user)
        page = Paginator(portfolio.order_by("-start_date", "-id"), 50).get_page(
            self.request.GET.get("page")
        )
        context["page_obj"] = page
        context["incubations"] = page.object_list
        context["awaiting"] = incubator_selectors.entries_awaiting_admission()[:50]
        context["remind_days_before"] = settings.INCUBATION_REPORT_REMIND_DAYS_BEFORE
        context["overdue_every"] = settings.INCUBATION_REPORT_OVERDUE_EVERY_DAYS
        return context


class AdmitView(IncubatorStaffMixin, TemplateView):
    """Admit a winner: the entry, its team and organisation come from the award."""

    template_name = "programmes/admit.html"
    page_title = _("Admit a winner")

    def entry(self):
        return get_object_or_404(
            incubator_selectors.entries_awaiting_admission(), pk=self.kwargs["entry"]
        )

    def get_context_data(self, **kwargs):
        entry = self.entry()
        self.breadcrumbs = [
            (_("Incubator portfolio"), reverse("programmes:portfolio")),
            (entry.title, None),
        ]
        context = super().get_context_data(**kwargs)
        context.update(
            entry=entry,
            team=list(entry.team.all()),
            form=kwargs.get("form")
            or forms.AdmitForm(initial={"start_date": timezone.localdate()}),
        )
        return context

    def post(self, request, entry: int):
        form = forms.AdmitForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                incubation = incubator_services.incubation_admit(
                    actor=request.user, entry=self.entry(), **form.cleaned_data
                )
            except DomainError as exc:
                forms.show_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Admitted to the maker space."))
                return redirect_after_post(
                    request, reverse("programmes:incubation", args=[incubation.pk])
                )
        return self.render_to_response(self.get_context_data(form=form), status=status)


STAGE_MOVES = {
    # verb: (stage it moves to, service, whether it takes the date and reason, success message)
    "start": (
        IncubationStage.INCUBATING,
        incubator_services.incubation_start,
        False,
        _("The project has moved in."),
    ),
    "graduate": (
        IncubationStage.GRADUATED,
        incubator_services.incubation_graduate,
        True,
        _("The project has graduated."),
    ),
    "exit": (
        IncubationStage.EXITED,
        incubator_services.incubation_exit,
        True,
        _("The project has left the maker space."),
    ),
}
STAGE_BUTTONS = {
    "start": _("Move in (start incubating)"),
    "graduate": _("Graduate"),
    "exit": _("Leave without graduating"),
}
MILESTONE_BUTTONS = {
    "achieve": _("Achieved"),
    "miss": _("Missed"),
    "cancel": _("Cancel"),
}
MILESTONE_MOVES = {
    # verb: (status it moves to, success message)
    "achieve": (MilestoneStatus.ACHIEVED, _("Milestone achieved.")),
    "miss": (MilestoneStatus.MISSED, _("Milestone marked as missed.")),
    "cancel": (MilestoneStatus.CANCELLED, _("Milestone cancelled.")),
}


class IncubationView(IncubatorStaffMixin, TemplateView):
    """One project's page: figures, milestones, support, reports, and its timeline from the
    contest entry to today; forms to plan and move milestones, record support and move the
    stage (each re-rendered here with the service's refusal next to its field)."""

    template_name = "programmes/incubation.html"

    @classmethod
    def render_with(cls, request, pk: int, *, status: int = 200, **extra):
        view = cls()
        view.setup(request, pk=pk)
        return render(request, cls.template_name, view.get_context_data(**extra), status=status)

    def get_context_data(self, **kwargs):
        incubation = get_object_or_404(
            incubator_selectors.portfolio_visible_to(self.request.user).prefetch_related(
                "milestones", "support", "reports"
            ),
            pk=self.kwargs["pk"],
        )
        next_stages = incubator_selectors.incubation_next_stages(incubation)
        move_forms = kwargs.get("milestone_forms", {})
        milestones = []
        for m in incubation.milestones.all():
            allowed = incubator_selectors.milestone_next_statuses(m)
            verbs = [
                (verb, MILESTONE_BUTTONS[verb])
                for verb, (status, _done) in MILESTONE_MOVES.items()
                if status in allowed
            ]
            form = move_forms.get(m.pk) or forms.MilestoneMoveForm(prefix=f"m{m.pk}")
            milestones.append((m, verbs, form))
        self.page_title = incubation.entry.title
        self.breadcrumbs = [
            (_("Incubator portfolio"), reverse("programmes:portfolio")),
            (incubation.entry.title, None),
        ]
        context = super().get_context_data(**kwargs)
        context.update(
            incubation=incubation,
            totals=incubator_selectors.incubation_outcome_totals(incubation),
            timeline=incubator_selectors.incubation_timeline(incubation),
            reports=sorted(incubation.reports.all(), key=lambda r: r.period_start),
            today=timezone.localdate(),
            milestones=milestones,
            milestone_form=kwargs.get("milestone_form") or forms.MilestoneForm(prefix="milestone"),
            support_form=kwargs.get("support_form")
            or forms.SupportForm(prefix="support", initial={"provided_on": timezone.localdate()}),
            stage_form=kwargs.get("stage_form") or forms.StageForm(prefix="stage"),
            stage_buttons=[
                (verb, STAGE_BUTTONS[verb])
                for verb, (stage, *_r) in STAGE_MOVES.items()
                if stage in next_stages
            ],
        )
        return context


def _incubation_or_404(request, pk: int):
    return get_object_or_404(incubator_selectors.incubations_visible_to(request.user), pk=pk)


class MilestoneAddView(IncubatorStaffMixin, View):
    def post(self, request, pk: int):
        incubation = _incubation_or_404(request, pk)
        form = forms.MilestoneForm(request.POST, prefix="milestone")
        status = 400
        if form.is_valid():
            try:
                incubator_services.milestone_add(
                    actor=request.user, incubation=incubation, **form.cleaned_data
                )
            except DomainError as exc:
                forms.show_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Milestone planned."))
                return redirect_after_post(request, reverse("programmes:incubation", args=[pk]))
        return IncubationView.render_with(request, pk, milestone_form=form, status=status)


class MilestoneMoveView(IncubatorStaffMixin, View):
    def post(self, request, pk: int, verb: str):
        if verb not in MILESTONE_MOVES:
            raise Http404
        milestone = get_object_or_404(
            incubator_selectors.milestones_visible_to(request.user), pk=pk
        )
        to_status, done = MILESTONE_MOVES[verb]
        form = forms.MilestoneMoveForm(request.POST, prefix=f"m{pk}")
        status = 400
        if form.is_valid():
            try:
                incubator_services.milestone_set_status(
                    actor=request.user,
                    milestone=milestone,
                    to_status=to_status,
                    **form.cleaned_data,
                )
            except DomainError as exc:
                forms.show_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, done)
                return redirect_after_post(
                    request, reverse("programmes:incubation", args=[milestone.incubation_id])
                )
        return IncubationView.render_with(
            request, milestone.incubation_id, milestone_forms={pk: form}, status=status
        )


class SupportAddView(IncubatorStaffMixin, View):
    def post(self, request, pk: int):
        incubation = _incubation_or_404(request, pk)
        form = forms.SupportForm(request.POST, prefix="support")
        status = 400
        if form.is_valid():
            try:
                incubator_services.support_record_add(
                    actor=request.user, incubation=incubation, **form.cleaned_data
                )
            except DomainError as exc:
                forms.show_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Support recorded."))
                return redirect_after_post(request, reverse("programmes:incubation", args=[pk]))
        return IncubationView.render_with(request, pk, support_form=form, status=status)


class StageMoveView(IncubatorStaffMixin, View):
    def post(self, request, pk: int, verb: str):
        if verb not in STAGE_MOVES:
            raise Http404
        incubation = _incubation_or_404(request, pk)
        _stage, service, takes_form, done = STAGE_MOVES[verb]
        form = forms.StageForm(request.POST, prefix="stage")
        status = 400
        if form.is_valid():
            try:
                extra = form.cleaned_data if takes_form else {}
                service(actor=request.user, incubation=incubation, **extra)
            except DomainError as exc:
                forms.show_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, done)
                return redirect_after_post(request, reverse("programmes:incubation", args=[pk]))
        return IncubationView.render_with(request, pk, stage_form=form, status=status)


REPORT_MOVES = {
    "accept": (incubator_services.incubation_report_accept, _("Report accepted.")),
    "request-correction": (
        incubator_services.incubation_report_request_correction,
        _("Correction requested."),
    ),
}


class ReportsView(IncubatorStaffMixin, TemplateView):
    template_name = "programmes/reports.html"
    page_title = _("Reports to review")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review_forms = kwargs.get("review_forms", {})
        visible = incubator_selectors.reports_visible_to(self.request.user)
        to_review = Paginator(
            visible.filter(state=ReportState.FILED).order_by("filed_at", "id"), 20
        ).get_page(self.request.GET.get("page"))
        context["reports"] = [
            (r, review_forms.get(r.pk) or forms.CommentForm(prefix=f"r{r.pk}")) for r in to_review
        ]
        owed = Paginator(
            incubator_selectors.reports_owed_now(visible).order_by("due_date", "id"), 50
        ).get_page(self.request.GET.get("owed_page"))
        blocked = incubator_selectors.report_reminders_blocked(owed.object_list)
        remind_errors = kwargs.get("remind_errors", {})
        today = timezone.localdate()
        rows = [(r, blocked.get(r.pk), remind_errors.get(r.pk)) for r in owed]
        context.update(
            page_obj=to_review,
            owed_page=owed,
            overdue=[row for row in rows if row[0].due_date < today],
            due=[row for row in rows if row[0].due_date >= today],
            # The forms post back with the page they are on, so a refusal re-renders that page.
            here_query=self.request.GET.urlencode(),
            owed_query=_query_without(self.request, "owed_page"),
            query=_query_without(self.request, "page"),
        )
        return context


def _query_without(request, key: str) -> str:
    query = request.GET.copy()
    query.pop(key, None)
    return query.urlencode()


def _reports_page(request) -> str:
    query = request.GET.urlencode()
    return reverse("programmes:reports") + (f"?{query}" if query else "")


class ReportRemindView(IncubatorStaffMixin, View):
    """ "Send reminder now" on a due or overdue report: the organisation's members are told at
    once; a refusal (cool-down, nothing owed) is shown in words next to the report."""

    def post(self, request, pk: int):
        report = get_object_or_404(incubator_selectors.reports_visible_to(request.user), pk=pk)
        try:
            reminded = incubator_services.incubation_report_remind_now(
                actor=request.user, report=report
            )
        except DomainError as exc:
            view = ReportsView()
            view.setup(request)
            context = view.get_context_data(remind_errors={pk: exc.detail})
            return render(request, ReportsView.template_name, context, status=exc.status_code)
        messages.success(
            request,
            ngettext(
                "%(project)s: reminder sent to %(n)d member.",
                "%(project)s: reminder sent to %(n)d members.",
                reminded,
            )
            % {"project": report.incubation.entry.title, "n": reminded},
        )
        return redirect_after_post(request, _reports_page(request) + "#h-overdue")


class ReportReviewView(IncubatorStaffMixin, View):
    def post(self, request, pk: int, verb: str):
        if verb not in REPORT_MOVES:
            raise Http404
        report = get_object_or_404(incubator_selectors.reports_visible_to(request.user), pk=pk)
        service, done = REPORT_MOVES[verb]
        form = forms.CommentForm(request.POST, prefix=f"r{pk}")
        form.is_valid()
        try:
            service(actor=request.user, report=report, comment=form.cleaned_data.get("comment", ""))
        except DomainError as exc:
            forms.show_domain_error(form, exc)
            view = ReportsView()
            view.setup(request)
            context = view.get_context_data(review_forms={pk: form})
            return render(request, ReportsView.template_name, context, status=exc.status_code)
        messages.success(request, done)
        return redirect_after_post(request, _reports_page(request))


# --- dashboards (any staff) ---------------------------------------------------------------------


def _dashboard_context() -> dict:
    figures = dashboard_selectors.dashboard_figures()
    tables = dashboard_tables.dashboard_tables(figures)
    return {
        "headline": dashboard_tables.headline(figures),
        "tables": tables,
        "charts_json": {t.key: t.as_chart() for t in tables},
    }


class DashboardView(AnyStaffMixin, TemplateView):
    template_name = "programmes/dashboard.html"
    page_title = _("Programme dashboard")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_dashboard_context()}


class DashboardScreenView(DashboardView):
    """The meeting-room display (数据大屏): the same figures full screen, reloading itself."""

    template_name = "programmes/dashboard_screen.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refresh_seconds"] = settings.DASHBOARD_SCREEN_REFRESH_SECONDS
        context["generated_at"] = timezone.localtime()
        return context


class DashboardExportView(AnyStaffMixin, View):
    def get(self, request):
        figures = dashboard_selectors.dashboard_figures()
        correlations = dashboard_tables.correlations_table(
            dashboard_selectors.score_outcome_correlations(dashboard_selectors.score_outcome_rows())
        )
        content = dashboard_workbook([*dashboard_tables.dashboard_tables(figures), correlations])
        return xlsx_response(content, basename="programme-dashboard")


class ScoreOutcomeView(AnyStaffMixin, TemplateView):
    template_name = "programmes/score_outcome.html"
    page_title = _("Do contest scores predict outcomes?")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = dashboard_selectors.score_outcome_rows()
        context["projects"] = rows
        context["table"] = dashboard_tables.correlations_table(
            dashboard_selectors.score_outcome_correlations(rows)
        )
        return context
