"""The public side of the results notice (公示): the list of open and past notices, one notice
with every version, and the anonymous objection form. Reads through ``publicity.selectors``
(nothing unpublished reaches these pages); the objection is filed by
``publicity.services.objection_submit``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import selectors as certificate_selectors
from core.exceptions import DomainError
from core.net import client_ip
from publicity import selectors, services
from publicity.enums import NoticeState
from web.public import publicity_forms as pforms


def _notice_or_404(pk: int):
    return get_object_or_404(selectors.notices_public(), pk=pk)


def _crumbs(*extra) -> list:
    return [
        (_("Home"), reverse("public:home")),
        (_("Results notices"), reverse("public:notices")),
        *extra,
    ]


def notice_list(request):
    now = timezone.now()
    context = {
        "page_title": _("Results notices"),
        "breadcrumbs": _crumbs()[:-1] + [(_("Results notices"), None)],
        "open_notices": selectors.notices_open(now=now)[:50],
        "past_notices": selectors.notices_past(now=now)[:50],
        "now": now,
    }
    return render(request, "public/publicity/notice_list.html", context)


def notice_detail(request, pk: int):
    notice = _notice_or_404(pk)
    versions = list(selectors.notice_versions(notice))
    context = {
        "page_title": notice.title,
        "breadcrumbs": _crumbs((notice.title, None)),
        "notice": notice,
        "current": versions[0] if versions else None,
        "older": versions[1:],
        "accepting": selectors.notice_accepts_objections(notice),
        "final": notice.state == NoticeState.FINAL,
        "now": timezone.now(),
    }
    return render(request, "public/publicity/notice_detail.html", context)


def objection_create(request, pk: int):
    notice = _notice_or_404(pk)
    version = selectors.notice_current_version(notice)
    rows = version.rows if version else []
    accepting = selectors.notice_accepts_objections(notice)
    status = 200
    if request.method == "POST":
        form = pforms.ObjectionForm(request.POST, request.FILES, rows=rows)
        if pforms.rate_limited(ip=client_ip(request), notice_id=notice.pk):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many objections were sent from your network or to this "
                    "notice in the last hour; please try again later."
                ),
            )
            status = 429
        elif not form.is_valid():
            status = 400
        elif form.cleaned_data["website"] or not pforms.token_is_human(
            form.cleaned_data["token"], notice.pk
        ):
            form.add_error(None, pforms.BOT_REFUSAL)
            status = 400
        else:
            data = form.cleaned_data
            try:
                services.objection_submit(
                    notice=notice,
                    entry_id=data["entry"],
                    name=data["name"],
                    unit=data["unit"],
                    contact=data["contact"],
                    email=data["email"],
                    reason=data["reason"],
                    scan=data["scan"],
                    ip_address=client_ip(request) or None,
                )
            except DomainError as exc:
                for field, msgs in (exc.fields or {}).items():
                    name = {"entry_id": "entry", "file": "scan"}.get(field, field)
                    for msg in msgs:
                        form.add_error(name if name in form.fields else None, msg)
                if not exc.fields:
                    form.add_error(None, exc.detail)
                status = 409 if exc.status_code == 409 else 400
            else:
                messages.success(
                    request,
                    _("Your objection was received. The decision will be sent to %(email)s.")
                    % {"email": data["email"]},
                )
                response = redirect("public:notice", pk=notice.pk)
                response.status_code = 303
                return response
        # A fresh token for the next try (the old one may be the reason it was refused).
        form.data = form.data.copy()
        form.data["token"] = pforms.form_token(notice.pk)
    else:
        form = pforms.ObjectionForm(
            initial={"token": pforms.form_token(notice.pk)}, rows=rows, auto_id="id_%s"
        )
        if request.GET.get("entry", "").isdecimal() and request.GET["entry"].isascii():
            form.initial["entry"] = int(request.GET["entry"])
    context = {
        "page_title": _("Raise an objection"),
        "breadcrumbs": _crumbs(
            (notice.title, reverse("public:notice", args=[notice.pk])),
            (_("Raise an objection"), None),
        ),
        "notice": notice,
        "form": form,
        "accepting": accepting,
    }
    return render(request, "public/publicity/objection_form.html", context, status=status)


def certificate_verify(request, number: str = ""):
    """Anyone checks a certificate number (typed in, or from the QR code on the certificate)."""
    number = (number or request.GET.get("number", "")).strip()
    shown = certificate_selectors.certificate_verify(number) if number else None
    context = {
        "page_title": _("Verify a certificate"),
        "breadcrumbs": [(_("Home"), reverse("public:home")), (_("Verify a certificate"), None)],
        "number": number,
        "shown": shown,
    }
    return render(
        request,
        "public/publicity/certificate_verify.html",
        context,
        status=404 if number and shown is None else 200,
    )
