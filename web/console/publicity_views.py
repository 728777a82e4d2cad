"""The union staff's results notice pages (公示, issue 13): draft and publish a notice, follow
its period, handle each objection (acknowledge, note, decide with a reply and a remedy) and make
the results final. Thin views over ``publicity.selectors`` / ``publicity.services``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from certificates import jobs as certificate_jobs
from certificates import services as certificate_services
from certificates.selectors import certificates_visible_to, certificates_zip
from core import storage
from core.exceptions import DomainError
from jobs.selectors import job_live_for, job_status
from projects.selectors import contests_visible_to
from publicity import selectors, services, workdays
from publicity.enums import DECIDED_STATES, NOTE_STATES, NoticeState, ObjectionState
from reviews.selectors import rounds_visible_to
from web.common.mixins import UnionStaffMixin
from web.console import publicity_forms as pforms
from web.console.forms import apply_domain_error

CRUMB = gettext_lazy("Results notices")


def _notice_or_404(request, pk: int):
    return get_object_or_404(selectors.notices_visible_to(request.user), pk=pk)


def _objection_or_404(request, pk: int):
    return get_object_or_404(selectors.objections_visible_to(request.user), pk=pk)


def _see_other(url: str):
    response = redirect(url)
    response.status_code = 303
    return response


class NoticeListView(UnionStaffMixin, TemplateView):
    template_name = "console/publicity/notice_list.html"
    page_title = CRUMB

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notices"] = selectors.notices_visible_to(self.request.user)[:100]
        return context


class NoticeCreateView(UnionStaffMixin, TemplateView):
    template_name = "console/publicity/notice_form.html"
    page_title = gettext_lazy("New results notice")

    def get_breadcrumbs(self):
        return [(CRUMB, reverse("console:notices")), (self.page_title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", _notice_form(self.request))
        context["calendar_first"], context["calendar_last"] = workdays.covered_years()
        return context

    def post(self, request):
        form = _notice_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = services.notice_create(
                    actor=request.user,
                    contest=data["contest"],
                    round=data["round"],
                    title=data["title"],
                    contact=data["contact"],
                    working_days=data["working_days"],
                    show_score=data["show_score"],
                    intro=data["intro"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                return _see_other(reverse("console:notice", args=[notice.pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _notice_form(request, data=None) -> pforms.NoticeForm:
    # The choices come from the caller's selectors: nothing they may not see is offered.
    return pforms.NoticeForm(
        data,
        rounds=rounds_visible_to(request.user),
        contests=contests_visible_to(request.user).order_by("-year", "name"),
    )


class NoticeView(UnionStaffMixin, TemplateView):
    """One notice: its state and period, the rows (a preview while a draft), every version, the
    objections; publish / make final."""

    template_name = "console/publicity/notice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = _notice_or_404(self.request, self.kwargs["pk"])
        versions = list(selectors.notice_versions(notice))
        objections = selectors.objections_visible_to(self.request.user).filter(notice=notice)
        context.update(
            notice=notice,
            versions=versions,
            preview=services.notice_rows(notice) if notice.state == NoticeState.DRAFT else None,
            objections=objections.order_by("submitted_at"),
            period_over=selectors.period_over(notice),
            can_publish=notice.state == NoticeState.DRAFT,
            can_finalize=notice.state == NoticeState.PUBLISHED,
            now=timezone.now(),
            page_title=notice.title,
            breadcrumbs=[(CRUMB, reverse("console:notices")), (notice.title, None)],
        )
        return context


class NoticeMoveView(UnionStaffMixin, View):
    """POST ``to=published`` or ``to=final``; a refusal is shown as a message."""

    def post(self, request, pk):
        notice = _notice_or_404(request, pk)
        to = request.POST.get("to", "")
        try:
            if to == NoticeState.PUBLISHED:
                services.notice_publish(actor=request.user, notice=notice)
                messages.success(request, _("The notice is published; the objection period runs."))
            elif to == NoticeState.FINAL:
                services.notice_finalize(actor=request.user, notice=notice)
                messages.success(request, _("The results are final."))
            else:
                messages.error(request, _("Unknown move."))
        except DomainError as exc:
            messages.error(request, exc.detail)
        return _see_other(reverse("console:notice", args=[pk]))


class ObjectionView(UnionStaffMixin, TemplateView):
    """One objection: who, what, the scan, the handling steps, and the form of the next step."""

    template_name = "console/publicity/objection.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        objection = _objection_or_404(self.request, self.kwargs["pk"])
        state = objection.state
        context.update(
            objection=objection,
            notice=objection.notice,
            steps=objection.steps.select_related("actor"),
            acknowledge_form=kwargs.get("acknowledge_form") or pforms.AcknowledgeForm(),
            note_form=kwargs.get("note_form") or pforms.NoteForm(),
            decide_form=kwargs.get("decide_form") or pforms.DecideForm(),
            can_acknowledge=state == ObjectionState.RECEIVED,
            can_note=state in NOTE_STATES,
            can_decide=state in NOTE_STATES,
            decided=state in DECIDED_STATES,
            page_title=_("Objection by %(name)s") % {"name": objection.name},
            breadcrumbs=[
                (CRUMB, reverse("console:notices")),
                (objection.notice.title, reverse("console:notice", args=[objection.notice_id])),
                (_("Objection"), None),
            ],
        )
        return context

    def post(self, request, pk):
        objection = _objection_or_404(request, pk)
        step = request.POST.get("step", "")
        forms_by_step = {
            "acknowledge": ("acknowledge_form", pforms.AcknowledgeForm),
            "note": ("note_form", pforms.NoteForm),
            "decide": ("decide_form", pforms.DecideForm),
        }
        if step not in forms_by_step:
            messages.error(request, _("Unknown step."))
            return _see_other(reverse("console:objection", args=[pk]))
        name, form_class = forms_by_step[step]
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if step == "acknowledge":
                    services.objection_acknowledge(
                        actor=request.user, objection=objection, note=data["note"]
                    )
                elif step == "note":
                    services.objection_add_note(
                        actor=request.user, objection=objection, text=data["text"]
                    )
                else:
                    services.objection_decide(
                        actor=request.user,
                        objection=objection,
                        upheld=data["upheld"],
                        reply=data["reply"],
                        remedy=data["remedy"],
                        tier=data["tier"],
                        public_reason=data["public_reason"],
                    )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return _see_other(reverse("console:objection", args=[pk]))
        return self.render_to_response(self.get_context_data(**{name: form}), status=400)


class ObjectionScanView(UnionStaffMixin, View):
    def get(self, request, pk):
        return storage.attachment_response(_objection_or_404(request, pk))


# --- certificates (issue 13) --------------------------------------------------------------------


class ContestCertificatesView(UnionStaffMixin, TemplateView):
    """A contest's certificates: generate them (a background job with progress) once the
    results are final, and download all of them as one ZIP."""

    template_name = "console/publicity/certificates.html"

    def _contest(self):
        return get_object_or_404(contests_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contest = self._contest()
        live = job_live_for(user=self.request.user, target=contest, kind=certificate_jobs.GENERATE)
        context.update(
            contest=contest,
            certificates=certificates_visible_to(self.request.user).filter(contest=contest),
            to_certify=len(certificate_services.awards_to_certify(contest)),
            final=certificate_services.final_notices(contest).exists(),
            job=job_status(live) if live else None,
            page_title=_("Certificates · %(contest)s") % {"contest": contest.name},
            breadcrumbs=[(CRUMB, reverse("console:notices")), (_("Certificates"), None)],
        )
        return context

    def post(self, request, pk):
        contest = self._contest()
        try:
            job = certificate_jobs.certificates_generate_start(contest=contest, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.detail)
            return _see_other(reverse("console:certificates", args=[pk]))
        return _see_other(reverse("console:job", args=[job.pk]))


class ContestCertificatesZipView(UnionStaffMixin, View):
    def get(self, request, pk):
        contest = get_object_or_404(contests_visible_to(request.user), pk=pk)
        certificates = certificates_visible_to(request.user).filter(contest=contest).defer(None)
        response = HttpResponse(certificates_zip(certificates), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="certificates-{contest.pk}.zip"'
        response["Cache-Control"] = "private, no-store"
        return response
