"""The live final's pages (web/live, issue 14): the staff's draw pages, the host console with
the members' QR sign-in codes, the panel member's phone and the projector's big screen.

Thin views over ``finals.selectors`` / ``finals.services``. Staff pages use ``UnionStaffMixin``
and read through ``draws_visible_to`` / ``sessions_visible_to``. The phone is not a signed-in
user: the QR code's link (``join/<token>/``) shows the round's pledge; accepting it uses the code
up and keeps only the code's id in this browser's session, so the phone can score in this one
round and nowhere else, until the code expires or the host revokes it.

Transport: every live page polls ``…/version/?v=N`` once a second (204 while nothing changed,
one indexed read of one column), and fetches its fragment only when the version moved
(docs/live-final.md says why not SSE or WebSockets)."""

from __future__ import annotations

import io
import json

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.models import ExpertiseField
from core.exceptions import DomainError
from core.net import client_ip
from finals import selectors, services
from finals.enums import DrawState, MemberStatus, SlotState
from finals.models import LiveSlot, PanelMember
from reviews import selectors as review_selectors
from reviews.enums import RoundState
from web.common.htmx import redirect_after_post, render_page
from web.common.mixins import UnionStaffMixin

PHONE_SESSION_KEY = "live_code"


def _draw_or_404(request, pk):
    return get_object_or_404(selectors.draws_visible_to(request.user), pk=pk)


def _session_or_404(request, pk):
    return get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)


def _error(request, exc: DomainError):
    messages.error(request, exc.detail)


# ---------------------------------------------------------------- staff: draws


class DrawForm(forms.Form):
    round = forms.ModelChoiceField(label=gettext_lazy("Final round"), queryset=None)
    reserves_per_field = forms.IntegerField(
        label=gettext_lazy("Reserves per field"), min_value=0, max_value=20, initial=2
    )
    avoid_own_employer = forms.BooleanField(
        label=gettext_lazy("Avoid experts employed by a finalist"), required=False, initial=True
    )
    avoid_declared = forms.BooleanField(
        label=gettext_lazy("Avoid declared conflicts"), required=False, initial=True
    )
    avoid_same_district = forms.BooleanField(
        label=gettext_lazy("Avoid experts from a finalist's district"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = (
            review_selectors.rounds_visible_to(user)
            .exclude(state=RoundState.FINALIZED)
            .select_related("contest")
            .order_by("-contest_id", "-order")
        )
        self.expertise = list(ExpertiseField.objects.order_by("code"))
        for field in self.expertise:
            self.fields[f"field_{field.pk}"] = forms.IntegerField(
                label=field.name, min_value=0, max_value=50, initial=0, required=False
            )

    def field_inputs(self):
        return [self[f"field_{f.pk}"] for f in self.expertise]

    def per_field(self) -> dict:
        return {
            str(f.pk): self.cleaned_data.get(f"field_{f.pk}") or 0
            for f in self.expertise
            if self.cleaned_data.get(f"field_{f.pk}")
        }


class DrawListView(UnionStaffMixin, TemplateView):
    template_name = "live/draw_list.html"
    page_title = gettext_lazy("Live final")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["draws"] = selectors.draws_visible_to(self.request.user)[:50]
        context["sessions"] = selectors.sessions_visible_to(self.request.user).order_by("-pk")[:20]
        return context


class DrawCreateView(UnionStaffMixin, TemplateView):
    template_name = "live/draw_form.html"
    page_title = gettext_lazy("Define a panel draw")

    def get_breadcrumbs(self):
        return [(_("Live final"), reverse("live:home")), (self.page_title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", DrawForm(user=self.request.user))
        return context

    def post(self, request):
        form = DrawForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                draw = services.draw_create(
                    round=form.cleaned_data["round"],
                    per_field=form.per_field(),
                    reserves_per_field=form.cleaned_data["reserves_per_field"],
                    avoid_own_employer=form.cleaned_data["avoid_own_employer"],
                    avoid_declared=form.cleaned_data["avoid_declared"],
                    avoid_same_district=form.cleaned_data["avoid_same_district"],
                    actor=request.user,
                )
            except DomainError as exc:
                for message in exc.fields.get("per_field", []) or [exc.detail]:
                    form.add_error(None, message)
            else:
                return redirect_after_post(request, reverse("live:draw", args=[draw.pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DrawDetailView(UnionStaffMixin, TemplateView):
    template_name = "live/draw_detail.html"
    page_title = gettext_lazy("Panel draw")

    def get_breadcrumbs(self):
        return [(_("Live final"), reverse("live:home")), (self.page_title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        draw = _draw_or_404(self.request, kwargs["pk"])
        members = list(selectors.members_of_draw(draw))
        names = dict(ExpertiseField.objects.values_list("pk", "name"))
        context.update(
            draw=draw,
            wanted=[(names.get(int(k), k), n) for k, n in draw.per_field.items()],
            panel=[m for m in members if m.reserve_position is None or m.replaces_id],
            reserves=[
                m for m in members if m.reserve_position is not None and m.status == "reserve"
            ],
            declined=[m for m in members if m.status == MemberStatus.DECLINED],
            excluded=selectors.exclusions_of(draw) if draw.state != DrawState.DRAFT else [],
            replays=selectors.draw_replay(draw) if draw.seed is not None else None,
            session=getattr(draw, "session", None) if draw.state == DrawState.SEATED else None,
        )
        return context


class DrawRunView(UnionStaffMixin, View):
    def post(self, request, pk):
        draw = _draw_or_404(request, pk)
        try:
            services.draw_run(draw=draw, actor=request.user)
        except DomainError as exc:
            _error(request, exc)
        return redirect_after_post(request, reverse("live:draw", args=[pk]))


class MemberRespondView(UnionStaffMixin, View):
    def post(self, request, pk):
        member = get_object_or_404(
            PanelMember.objects.filter(draw__in=selectors.draws_visible_to(request.user)), pk=pk
        )
        answer = request.POST.get("answer")
        if answer not in ("confirm", "decline"):
            # A decline calls up the next reserve and cannot be undone: never by default.
            messages.error(request, _("Choose whether the expert confirmed or declined."))
            return redirect_after_post(request, reverse("live:draw", args=[member.draw_id]))
        try:
            _member, called = services.member_respond(
                member=member,
                confirmed=answer == "confirm",
                actor=request.user,
                note=request.POST.get("note", "")[:2000],
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            if answer == "decline":
                if called is None:
                    messages.warning(request, _("No reserve is left for this field."))
                else:
                    messages.info(
                        request, _("Reserve %(name)s is called up.") % {"name": called.reviewer}
                    )
        return redirect_after_post(request, reverse("live:draw", args=[member.draw_id]))


class DrawSeatView(UnionStaffMixin, View):
    def post(self, request, pk):
        draw = _draw_or_404(request, pk)
        try:
            session = services.draw_seat(
                draw=draw, actor=request.user, draw_order=request.POST.get("draw_order") == "on"
            )
        except DomainError as exc:
            _error(request, exc)
            return redirect_after_post(request, reverse("live:draw", args=[pk]))
        return redirect_after_post(request, reverse("live:host", args=[session.pk]))


# ---------------------------------------------------------------- staff: host console


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


def _host_actions(stage: LiveSlot | None, board: dict) -> list[tuple[str, str]]:
    """The buttons the host sees: the moves the table allows now (the service decides)."""
    if stage is None:
        return [] if board["finished"] else [(SlotState.PRESENTING, _("Next entry on stage"))]
    labels = {
        SlotState.SCORING_OPEN: _("Open scoring"),
        SlotState.SCORING_CLOSED: _("Close scoring"),
        SlotState.REVEALED: _("Reveal the score"),
    }
    from finals.enums import SLOT_TRANSITIONS

    order = [SlotState.SCORING_OPEN, SlotState.SCORING_CLOSED, SlotState.REVEALED]
    allowed = SLOT_TRANSITIONS[stage.state]
    return [(s, labels[s]) for s in order if s in allowed]


class HostView(UnionStaffMixin, TemplateView):
    template_name = "live/host.html"
    page_title = gettext_lazy("Host console")

    def get_breadcrumbs(self):
        return [(_("Live final"), reverse("live:home")), (self.page_title, None)]

    def get(self, request, pk):
        session = _session_or_404(request, pk)
        board = selectors.board(session)
        context = self.get_context_data(
            session=session,
            board=board,
            actions=_host_actions(board["stage"], board),
            criteria=selectors.criteria_of(session),
        )
        return render_page(request, self.template_name, context, partial="console")


class HostMoveView(UnionStaffMixin, View):
    def post(self, request, pk):
        session = _session_or_404(request, pk)
        slot = None
        if request.POST.get("slot", "").isdigit():
            slot = get_object_or_404(LiveSlot, session=session, pk=int(request.POST["slot"]))
        try:
            services.slot_move(
                session=session, to_state=request.POST.get("to", ""), actor=request.user, slot=slot
            )
        except DomainError as exc:
            _error(request, exc)
        return redirect_after_post(request, reverse("live:host", args=[pk]))


class RecordReviewsView(UnionStaffMixin, View):
    def post(self, request, pk):
        session = _session_or_404(request, pk)
        try:
            counts = services.session_record_reviews(session=session, actor=request.user)
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(
                request,
                _("%(written)s scores recorded as the round's reviews.") % counts,
            )
        return redirect_after_post(request, reverse("live:host", args=[pk]))


class MemberCodeView(UnionStaffMixin, View):
    """A member's QR code (a new sign-in code; the earlier ones stop working), or revoke."""

    def post(self, request, pk):
        member = get_object_or_404(
            PanelMember.objects.filter(
                draw__session__in=selectors.sessions_visible_to(request.user)
            ).select_related("reviewer", "draw__session"),
            pk=pk,
        )
        session = member.draw.session
        if request.POST.get("revoke"):
            services.sign_in_code_revoke(member=member, actor=request.user)
            messages.info(
                request, _("The codes of %(name)s are revoked.") % {"name": member.reviewer}
            )
            return redirect_after_post(request, reverse("live:host", args=[session.pk]))
        try:
            code, token = services.sign_in_code_issue(member=member, actor=request.user)
        except DomainError as exc:
            _error(request, exc)
            return redirect_after_post(request, reverse("live:host", args=[session.pk]))
        url = request.build_absolute_uri(reverse("live:join", args=[token]))
        return render_page(
            request,
            "live/member_code.html",
            {
                "member": member,
                "session": session,
                "url": url,
                "code": code,
                "qr": mark_safe(_qr_svg(url)),
                "page_title": _("Sign-in code"),
            },
        )


class VersionView(View):
    """204 while the session is at version ``v``, else ``{"version": n}``: for staff pages and
    for a signed-in phone of the session."""

    def get(self, request, pk):
        allowed = False
        if review_selectors.is_review_staff(request.user):
            allowed = True
        else:
            member = selectors.member_of_code(request.session.get(PHONE_SESSION_KEY))
            allowed = member is not None and member.draw.session.pk == pk
        if not allowed:
            raise Http404
        version = selectors.session_version(pk)
        if version is None:
            raise Http404
        if request.GET.get("v") == str(version):
            return HttpResponse(status=204)
        response = JsonResponse({"version": version})
        response["Cache-Control"] = "no-store"
        return response


class ScreenView(UnionStaffMixin, TemplateView):
    """The big screen (projector): no layout chrome, large type, no scrolling."""

    template_name = "live/screen.html"

    def get(self, request, pk):
        session = _session_or_404(request, pk)
        context = {"session": session, "board": selectors.board(session)}
        return render_page(request, self.template_name, context, partial="board")


# ---------------------------------------------------------------- the phone


class JoinForm(forms.Form):
    agree = forms.BooleanField(
        label=gettext_lazy("I have read the pledge and accept it."),
        error_messages={"required": gettext_lazy("Tick the box to accept the pledge.")},
    )


class JoinView(TemplateView):
    """The QR code's link: the round's pledge; accepting it signs this phone into this round."""

    template_name = "live/join.html"

    def _code(self, token):
        code = selectors.code_for_token(token)
        problem = services.sign_in_code_problem(code)
        if problem is None and code.used_at is not None:
            problem = _("This code has been used. Ask the host for a new one.")
        return code, problem

    def get(self, request, token):
        code, problem = self._code(token)
        return self._render(code, problem, JoinForm(), status=200 if not problem else 409)

    def _render(self, code, problem, form, status=200):
        context = {
            "problem": problem,
            "form": form,
            "page_title": _("Live final: sign in"),
        }
        if code is not None and not problem:
            round_ = code.member.draw.round
            context.update(
                round=round_,
                member=code.member,
                pledge=review_selectors.pledge_text_of(round_),
            )
        return self.render_to_response(context, status=status)

    def post(self, request, token):
        code, problem = self._code(token)
        form = JoinForm(request.POST)
        if problem or not form.is_valid():
            return self._render(code, problem, form, status=409 if problem else 400)
        try:
            code = services.sign_in_redeem(token=token, ip_address=client_ip(request))
        except DomainError as exc:
            return self._render(None, exc.detail, form, status=409)
        request.session.cycle_key()
        request.session[PHONE_SESSION_KEY] = code.pk
        return redirect_after_post(request, reverse("live:phone"))


def _phone_member(request):
    return selectors.member_of_code(request.session.get(PHONE_SESSION_KEY))


class PhoneView(TemplateView):
    template_name = "live/phone.html"

    def get(self, request):
        member = _phone_member(request)
        if member is None:
            return self.render_to_response(
                {"page_title": _("Live final"), "signed_out": True}, status=403
            )
        view = selectors.phone_view(member)
        return self.render_to_response({**view, "page_title": _("Live final")})


class PhoneScoreView(View):
    """The phone's score (JSON from live.js). Answers 200 with the stored total, 400 naming the
    criterion, 409 once scoring is closed, 403 when the phone is signed out."""

    def post(self, request):
        member = _phone_member(request)
        if member is None:
            return JsonResponse(
                {"code": "signed_out", "detail": _("This phone is signed out."), "fields": {}},
                status=403,
            )
        try:
            body = json.loads(request.body or b"{}")
            slot_id = int(body.get("slot"))
            scores = body.get("scores")
        except (ValueError, TypeError, AttributeError):
            return JsonResponse(
                {"code": "validation_error", "detail": _("Malformed score."), "fields": {}},
                status=400,
            )
        session = member.draw.session
        slot = LiveSlot.objects.filter(session=session, pk=slot_id).first()
        if slot is None:
            return JsonResponse(
                {"code": "not_found", "detail": _("No such entry."), "fields": {}}, status=404
            )
        try:
            score, _created = services.score_submit(
                session=session, member=member, slot=slot, scores=scores
            )
        except DomainError as exc:
            return JsonResponse(
                {"code": exc.code, "detail": str(exc.detail), "fields": exc.fields},
                status=exc.status_code,
            )
        return JsonResponse({"slot": slot.pk, "total": str(score.total)})


class PhoneStatusView(View):
    """What the phone compares with the page it shows: the entry on stage and its state (polled
    every second by every judge: the session row and one query)."""

    def get(self, request):
        status = selectors.phone_status(request.session.get(PHONE_SESSION_KEY))
        if status is None:
            return JsonResponse({"signed_out": True}, status=403)
        return JsonResponse(status, headers={"Cache-Control": "no-store"})
