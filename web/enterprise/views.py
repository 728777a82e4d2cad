"""What an enterprise member does in a browser. Thin views: the selectors scope every read to
the member's organisation (another organisation's entry is a 404), the services decide every
write (window, limit, completeness, files); their errors are shown next to the fields."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from accounts.enums import Role
from certificates.selectors import certificates_visible_to
from core.exceptions import DomainError
from core.services import audit_trail
from incubator.selectors import incubations_visible_to, reports_overdue, reports_visible_to
from innovation.selectors import studios_visible_to
from notifications.selectors import notices_of
from projects import services
from projects.enums import ContestState, EntryState
from projects.selectors import (
    attachments_visible_to,
    categories_visible_to,
    contests_visible_to,
    entry_detail_for,
    entry_list_for,
)
from reviews.selectors import outcomes_visible_to
from web.common.htmx import is_partial_request, render_page
from web.common.mixins import role_required
from web.enterprise.forms import (
    AttachmentForm,
    EntryForm,
    RecallForm,
    TeamFormSet,
    add_service_error,
    team_from,
)

member_only = role_required(Role.ENTERPRISE)
HOME = (_("My organisation"), "enterprise:dashboard")
ENTRIES = (_("Entries"), "enterprise:entries")


def _crumbs(*items):
    return [(label, reverse(name) if name else None) for label, name in items]


@member_only
def dashboard(request):
    user = request.user
    entries = entry_list_for(user)
    context = {
        "page_title": _("My organisation"),
        "open_contests": list(contests_visible_to(user).filter(state=ContestState.OPEN)[:5]),
        "entries": list(entries.order_by("-updated_at", "-pk")[:8]),
        "entry_total": entries.count(),
        "studios": list(studios_visible_to(user).order_by("-pk")[:5]),
        "incubations": list(incubations_visible_to(user).order_by("-pk")[:5]),
        "reports_overdue": reports_overdue(reports_visible_to(user)).count(),
        "unread": list(notices_of(user).filter(read_at__isnull=True)[:5]),
    }
    return render(request, "enterprise/home.html", context)


@member_only
def entry_list(request):
    queryset = entry_list_for(request.user).order_by("-created_at", "-pk")
    state = request.GET.get("state", "")
    if state in EntryState.values:
        queryset = queryset.filter(state=state)
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    context = {
        "page_title": _("Entries"),
        "breadcrumbs": _crumbs(HOME, (_("Entries"), None)),
        "page_obj": page,
        "entries": page.object_list,
        "states": EntryState.choices,
        "state": state,
        "query": f"state={state}" if state else "",
    }
    return render_page(request, "enterprise/entry_list.html", context, partial="rows")


def _entry_form(request, *, entry=None):
    user = request.user
    open_contests = contests_visible_to(user).filter(state=ContestState.OPEN)
    categories = categories_visible_to(user).select_related("contest").order_by("contest", "code")
    if entry is None:
        categories = categories.filter(contest__in=open_contests)
    else:
        categories = categories.filter(contest_id=entry.contest_id)
    kwargs = {"contests": open_contests, "categories": categories, "editing": entry is not None}
    if request.method == "POST":
        return EntryForm(request.POST, **kwargs), TeamFormSet(request.POST, prefix="team")
    if entry is None:
        return EntryForm(**kwargs), TeamFormSet(prefix="team")
    initial = {
        "category": entry.category_id,
        "title": entry.title,
        "summary": entry.summary,
        "innovation_points": entry.innovation_points,
        "expected_benefits": entry.expected_benefits,
        "keywords": "，".join(entry.keywords or []),
    }
    team = [
        {k: getattr(m, k) for k in ("name", "role", "job_title", "employer_name", "honour")}
        for m in entry.team.all()
    ]
    return EntryForm(initial=initial, **kwargs), TeamFormSet(initial=team, prefix="team")


@member_only
def entry_create(request):
    form, team = _entry_form(request)
    if request.method == "POST" and form.is_valid() and team.is_valid():
        try:
            entry = services.entry_create(
                actor=request.user,
                contest=form.cleaned_data["contest"],
                category=form.cleaned_data["category"],
                data=form.entry_data(),
                team=team_from(team),
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The entry has been saved as a draft."))
            return redirect("enterprise:entry", pk=entry.pk)
    context = {
        "page_title": _("New entry"),
        "breadcrumbs": _crumbs(HOME, ENTRIES, (_("New entry"), None)),
        "form": form,
        "team": team,
    }
    return render(
        request, "enterprise/entry_form.html", context, status=_status(request, form, team)
    )


def _status(request, form, team) -> int:
    failed = form.errors or any(team.errors) or team.non_form_errors()
    return 400 if request.method == "POST" and failed else 200


@member_only
def entry_edit(request, pk: int):
    entry = get_object_or_404(entry_detail_for(request.user), pk=pk)
    form, team = _entry_form(request, entry=entry)
    if request.method == "POST" and form.is_valid() and team.is_valid():
        try:
            services.entry_update(
                actor=request.user,
                entry=entry,
                category=form.cleaned_data["category"],
                data=form.entry_data(),
                team=team_from(team),
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The entry has been saved."))
            return redirect("enterprise:entry", pk=entry.pk)
    context = {
        "page_title": _("Edit entry"),
        "breadcrumbs": _crumbs(HOME, ENTRIES, (entry.title, None)),
        "form": form,
        "team": team,
        "entry": entry,
    }
    return render(
        request, "enterprise/entry_form.html", context, status=_status(request, form, team)
    )


def _detail_context(request, entry, **extra) -> dict:
    missing = services.entry_missing(entry) if entry.state == EntryState.DRAFT else {}
    return {
        "page_title": entry.title,
        "breadcrumbs": _crumbs(HOME, ENTRIES, (entry.title, None)),
        "entry": entry,
        "missing": missing,
        "checklist": _checklist(missing),
        "editable": entry.state == EntryState.DRAFT
        and services.registration_is_open(entry.contest),
        "recallable": entry.state == EntryState.SUBMITTED
        and services.registration_is_open(entry.contest),
        "attachments": list(entry.attachments.all()),
        "upload_form": AttachmentForm(),
        "recall_form": RecallForm(),
        "timeline": [
            {"at": e.created_at, "text": _event_text(e), "reason": e.reason}
            for e in audit_trail(entry).order_by("created_at", "pk")
        ],
        **extra,
    }


def _state_label(value: str) -> str:
    return str(EntryState(value).label) if value in EntryState.values else value


def _event_text(event) -> str:
    """One line of the entry's timeline, in the reader's language (audit rows store codes)."""
    if event.action == "entry.state":
        return _("%(from)s → %(to)s") % {
            "from": _state_label(event.from_state),
            "to": _state_label(event.to_state),
        }
    texts = {
        "entry.create": _("Created as a draft"),
        "entry.update": _("Changed"),
        "attachment.add": _("File uploaded: %(name)s"),
        "attachment.delete": _("File deleted: %(name)s"),
    }
    text = texts.get(event.action)
    if text is None:
        return event.action
    return (
        text % {"name": (event.data or {}).get("name", "")}
        if "%(name)s" in str(text)
        else str(text)
    )


CHECKLIST = [
    ("title", _("Title")),
    ("summary", pgettext_lazy("entry", "Summary")),
    ("innovation_points", _("Innovation points")),
    ("expected_benefits", _("Expected benefits")),
    ("keywords", _("At least one keyword")),
    ("team", _("A team leader")),
    ("attachments", _("A project plan document")),
]


def _checklist(missing: dict) -> list[dict]:
    return [{"key": k, "label": label, "done": k not in missing} for k, label in CHECKLIST]


@member_only
def entry_detail(request, pk: int):
    entry = get_object_or_404(entry_detail_for(request.user), pk=pk)
    return render(request, "enterprise/entry_detail.html", _detail_context(request, entry))


@require_POST
@member_only
def attachment_upload(request, pk: int):
    entry = get_object_or_404(entry_detail_for(request.user), pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    status = 200
    if form.is_valid():
        try:
            services.attachment_store(
                entry=entry,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                actor=request.user,
            )
        except DomainError as error:
            add_service_error(form, error)
    if form.errors:
        status = 400
    else:
        form = AttachmentForm()
        if not is_partial_request(request):
            messages.success(request, _("The file has been uploaded."))
            return redirect("enterprise:entry", pk=entry.pk)
    entry = entry_detail_for(request.user).get(pk=entry.pk)
    context = _detail_context(request, entry, upload_form=form)
    # htmx swaps 4xx responses only when told; the fragment carries the refusal reason.
    return render_page(
        request,
        "enterprise/entry_detail.html",
        context,
        partial="files",
        status=200 if is_partial_request(request) else status,
    )


@require_POST
@member_only
def attachment_delete(request, pk: int, attachment_pk: int):
    attachment = get_object_or_404(
        attachments_visible_to(request.user).select_related("entry"), pk=attachment_pk, entry_id=pk
    )
    try:
        services.attachment_delete(attachment=attachment, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("The file has been deleted."))
    return redirect("enterprise:entry", pk=pk)


@require_POST
@member_only
def entry_submit(request, pk: int):
    entry = get_object_or_404(entry_detail_for(request.user), pk=pk)
    try:
        services.entry_submit(entry=entry, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("The entry has been submitted."))
    return redirect("enterprise:entry", pk=pk)


@require_POST
@member_only
def entry_recall(request, pk: int):
    entry = get_object_or_404(entry_detail_for(request.user), pk=pk)
    form = RecallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long."))
        return redirect("enterprise:entry", pk=pk)
    try:
        services.entry_recall(entry=entry, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("The entry is a draft again: change it and submit it again."))
    return redirect("enterprise:entry", pk=pk)


@member_only
def results(request):
    outcomes = outcomes_visible_to(request.user)
    context = {
        "page_title": pgettext_lazy("review outcome", "Results"),
        "breadcrumbs": _crumbs(HOME, (pgettext_lazy("review outcome", "Results"), None)),
        "outcomes": outcomes[:200],
        # Award certificates (issue 13), once the results are final.
        "certificates": certificates_visible_to(request.user).order_by("-issued_at")[:100],
    }
    return render(request, "enterprise/results.html", context)
