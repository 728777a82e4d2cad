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
from incubator.enums import ReportState
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
        context.update(
            to_rate=[
                (a, rate_forms.get(a.pk) or forms.RatingForm(prefix=f"a{a.pk}")) for a in to_rate
            ],
            report_year=year,
            due_date=studio_selectors.studio_report_due_date(year),
            missing=studio_selectors.studios_missing_report(year),
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
        context["incubations"] = incubator_selectors.portfolio_visible_to(self.request.user)
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


class IncubationView(IncubatorStaffMixin, TemplateView):
    """One project's page: figures, milestones, support, reports, and its timeline from the
    contest entry to today."""

    template_name = "programmes/incubation.html"

    def get_context_data(self, **kwargs):
        incubation = get_object_or_404(
            incubator_selectors.portfolio_visible_to(self.request.user).prefetch_related(
                "milestones", "support", "reports"
            ),
            pk=self.kwargs["pk"],
        )
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
        )
        return context


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
        reports = (
            incubator_selectors.reports_visible_to(self.request.user)
            .filter(state=ReportState.FILED)
            .order_by("filed_at", "id")
        )
        context["reports"] = [
            (r, review_forms.get(r.pk) or forms.CommentForm(prefix=f"r{r.pk}")) for r in reports
        ]
        context["overdue"] = incubator_selectors.reports_overdue(
            incubator_selectors.reports_visible_to(self.request.user)
        ).order_by("due_date")
        return context


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
        return redirect_after_post(request, reverse("programmes:reports"))


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
