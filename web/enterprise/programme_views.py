"""The enterprise's studios (register, documents, applications, yearly report) and incubated
projects (stage, milestones, the periodic reports). Thin views like views.py: the selectors scope
every read to the member's organisation (another organisation's studio or report is a 404), the
services decide every write, and their errors are shown next to the field they name."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import ExpertiseField
from core.exceptions import DomainError
from core.storage import attachment_response
from incubator import services as incubator_services
from incubator.selectors import (
    incubation_outcome_totals,
    milestones_visible_to,
    portfolio_visible_to,
    report_can_be_filed,
    report_standing,
    reports_visible_to,
)
from incubator.services import REPORT_FIGURES
from innovation import services as studio_services
from innovation.enums import ApplicationState
from innovation.selectors import (
    applications_visible_to,
    attachments_visible_to,
    studio_actions,
    studio_detail_queryset,
    studios_visible_to,
)
from innovation.services import FIGURE_FIELDS
from web.enterprise.forms import (
    IncubationReportForm,
    StudioApplicationForm,
    StudioFileForm,
    StudioForm,
    StudioMemberFormSet,
    StudioReportForm,
    add_service_error,
)
from web.enterprise.views import HOME, member_only

STUDIOS = (_("Innovation studios"), "enterprise:studios")
INCUBATIONS = (_("Incubated projects"), "enterprise:incubations")


def _crumbs(*items):
    return [(label, reverse(name) if name else None) for label, name in items]


def _status(request, *forms) -> int:
    return 400 if request.method == "POST" and any(f.errors for f in forms) else 200


# --- studios ------------------------------------------------------------------------------------


@member_only
def studio_list(request):
    studios = list(studios_visible_to(request.user).order_by("name", "pk")[:200])
    for s in studios:
        state = s.latest_application_state
        s.latest_application_label = ApplicationState(state).label if state else ""
    context = {
        "page_title": _("Innovation studios"),
        "breadcrumbs": _crumbs(HOME, (STUDIOS[0], None)),
        "studios": studios,
    }
    return render(request, "enterprise/studio_list.html", context)


def _studio_form(request, *, studio=None):
    kwargs = {"fields": ExpertiseField.objects.order_by("code"), "editing": studio is not None}
    if request.method == "POST":
        return StudioForm(request.POST, **kwargs), StudioMemberFormSet(
            request.POST, prefix="members"
        )
    if studio is None:
        return StudioForm(**kwargs), StudioMemberFormSet(prefix="members")
    initial = {k: getattr(studio, k) for k in StudioForm.PROFILE + FIGURE_FIELDS}
    initial["field"] = studio.field_id
    members = [
        {"name": m.name, "job_title": m.job_title, "honour": m.honour} for m in studio.members.all()
    ]
    return StudioForm(initial=initial, **kwargs), StudioMemberFormSet(
        initial=members, prefix="members"
    )


def _members_from(formset) -> list[dict]:
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _form_status(request, form, members) -> int:
    failed = form.errors or any(members.errors) or members.non_form_errors()
    return 400 if request.method == "POST" and failed else 200


@member_only
def studio_create(request):
    form, members = _studio_form(request)
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            studio = studio_services.studio_register(
                actor=request.user,
                organisation=None,
                level=form.cleaned_data["level"],
                data=form.studio_data(),
                members=_members_from(members),
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The studio is registered; its application is a draft until you submit it."),
            )
            return redirect("enterprise:studio", pk=studio.pk)
    context = {
        "page_title": _("Register a studio"),
        "breadcrumbs": _crumbs(HOME, STUDIOS, (_("Register a studio"), None)),
        "form": form,
        "members": members,
    }
    return render(
        request, "enterprise/studio_form.html", context, status=_form_status(request, form, members)
    )


@member_only
def studio_edit(request, pk: int):
    studio = get_object_or_404(studios_visible_to(request.user), pk=pk)
    form, members = _studio_form(request, studio=studio)
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            studio_services.studio_update(
                actor=request.user,
                studio=studio,
                data=form.studio_data(),
                members=_members_from(members),
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The studio has been saved."))
            return redirect("enterprise:studio", pk=studio.pk)
    context = {
        "page_title": _("Change the studio"),
        "breadcrumbs": _crumbs(HOME, STUDIOS, (studio.name, None)),
        "form": form,
        "members": members,
        "studio": studio,
    }
    return render(
        request, "enterprise/studio_form.html", context, status=_form_status(request, form, members)
    )


def _studio_page(request, studio, *, status: int = 200, **forms):
    actions = studio_actions(studio)
    years = actions["report_years"]
    context = {
        "page_title": studio.name,
        "breadcrumbs": _crumbs(HOME, STUDIOS, (studio.name, None)),
        "studio": studio,
        "actions": actions,
        "assessments": list(studio.assessments.order_by("-year")),
        "file_form": forms.get("file_form") or StudioFileForm(),
        "apply_form": forms.get("apply_form") or StudioApplicationForm(),
        "report_form": forms.get("report_form")
        or StudioReportForm(initial={"year": years[1] if len(years) > 1 else (years or [""])[0]}),
    }
    return render(request, "enterprise/studio_detail.html", context, status=status)


def _own_studio(request, pk: int):
    return get_object_or_404(studio_detail_queryset(request.user), pk=pk)


@member_only
def studio_detail(request, pk: int):
    return _studio_page(request, _own_studio(request, pk))


@require_POST
@member_only
def studio_file_upload(request, pk: int):
    studio = _own_studio(request, pk)
    form = StudioFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            studio_services.studio_attachment_add(
                actor=request.user, studio=studio, upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The file has been uploaded."))
            return redirect("enterprise:studio", pk=pk)
    return _studio_page(request, _own_studio(request, pk), status=400, file_form=form)


@member_only
def studio_file_download(request, pk: int, file_pk: int):
    attachment = get_object_or_404(attachments_visible_to(request.user), pk=file_pk, studio_id=pk)
    return attachment_response(attachment)


@require_POST
@member_only
def studio_apply(request, pk: int):
    studio = _own_studio(request, pk)
    form = StudioApplicationForm(request.POST)
    if form.is_valid():
        try:
            studio_services.studio_application_open(
                actor=request.user, studio=studio, level=form.cleaned_data["level"]
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("A new application has been opened as a draft."))
            return redirect("enterprise:studio", pk=pk)
    return _studio_page(request, _own_studio(request, pk), status=400, apply_form=form)


@require_POST
@member_only
def studio_application_submit(request, pk: int, application_pk: int):
    application = get_object_or_404(
        applications_visible_to(request.user), pk=application_pk, studio_id=pk
    )
    try:
        studio_services.studio_application_submit(actor=request.user, application=application)
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("The application has been submitted to the union."))
    return redirect("enterprise:studio", pk=pk)


@require_POST
@member_only
def studio_report_file(request, pk: int):
    studio = _own_studio(request, pk)
    form = StudioReportForm(request.POST)
    if form.is_valid():
        try:
            studio_services.studio_assessment_file(
                actor=request.user,
                studio=studio,
                year=form.cleaned_data["year"],
                summary=form.cleaned_data["summary"],
                figures=form.figures(),
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The yearly report has been filed."))
            return redirect("enterprise:studio", pk=pk)
    return _studio_page(request, _own_studio(request, pk), status=400, report_form=form)


# --- incubated projects -------------------------------------------------------------------------


@member_only
def incubation_list(request):
    context = {
        "page_title": _("Incubated projects"),
        "breadcrumbs": _crumbs(HOME, (INCUBATIONS[0], None)),
        "incubations": list(
            portfolio_visible_to(request.user).order_by("-start_date", "-pk")[:200]
        ),
    }
    return render(request, "enterprise/incubation_list.html", context)


@member_only
def incubation_detail(request, pk: int):
    incubation = get_object_or_404(portfolio_visible_to(request.user), pk=pk)
    reports = reports_visible_to(request.user).filter(incubation=incubation)
    totals = incubation_outcome_totals(incubation)
    context = {
        "page_title": incubation.entry.title,
        "breadcrumbs": _crumbs(HOME, INCUBATIONS, (incubation.entry.title, None)),
        "incubation": incubation,
        "milestones": list(milestones_visible_to(request.user).filter(incubation=incubation)),
        "reports": [
            {"report": r, "standing": report_standing(r), "fileable": report_can_be_filed(r)}
            for r in reports.order_by("-period_start")
        ],
        "totals": [(IncubationReportForm.base_fields[k].label, totals[k]) for k in REPORT_FIGURES],
    }
    return render(request, "enterprise/incubation_detail.html", context)


@member_only
def incubation_report(request, pk: int):
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    if request.method == "POST":
        form = IncubationReportForm(request.POST)
    else:
        form = IncubationReportForm(
            initial={k: getattr(report, k) for k in IncubationReportForm.base_fields}
        )
    if request.method == "POST" and form.is_valid():
        try:
            incubator_services.incubation_report_file(
                actor=request.user,
                report=report,
                figures=form.figures(),
                narrative=form.cleaned_data["narrative"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The report has been filed."))
            return redirect("enterprise:incubation", pk=report.incubation_id)
    incubation = report.incubation
    context = {
        "page_title": _("Report of %(start)s – %(end)s")
        % {"start": report.period_start, "end": report.period_end},
        "breadcrumbs": [
            *_crumbs(HOME, INCUBATIONS),
            (incubation.entry.title, reverse("enterprise:incubation", args=[incubation.pk])),
            (_("Report"), None),
        ],
        "report": report,
        "standing": report_standing(report),
        "fileable": report_can_be_filed(report),
        "form": form,
    }
    return render(
        request, "enterprise/incubation_report.html", context, status=_status(request, form)
    )
