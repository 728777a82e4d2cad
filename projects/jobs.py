"""The staff entry list exported as a background job (issue 15): any size up to the CSV cap, in
either format, while the page shows its progress; the file is then downloaded from the job
(``GET /api/v1/jobs/<id>/download/``). The direct download (``GET entries/export/``) stays for
lists small enough to answer at once."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core import exports as core_exports
from core.exceptions import ValidationFailed
from jobs.models import Job
from jobs.registry import JobKind, register
from jobs.services import JobContext, JobFailed, job_start
from projects import exports, selectors
from projects.filters import EntryFilter

EXPORT = "projects.entries.export"
# Query parameters that are not filters of the list (paging, sorting, the format itself).
_NOT_FILTERS = ("page", "page_size", "ordering", "sort", "file_format", "format")


def _filtered(actor: User, query: str):
    """The caller's entry list filtered by ``query`` exactly as the list and the direct export
    filter it (same selector, same filter set, same scoping of the choices)."""
    filterset = EntryFilter(
        QueryDict(query),
        queryset=selectors.entry_list_for(actor),
        request=SimpleNamespace(user=actor),
    )
    if not filterset.is_valid():
        fields = {name: [str(e) for e in errors] for name, errors in filterset.errors.items()}
        first = next(iter(fields))
        raise ValidationFailed(
            _("%(field)s: %(message)s") % {"field": first, "message": " ".join(fields[first])},
            fields=fields,
        )
    return filterset.qs.order_by("-id")


def _cap() -> int:
    # A job writes either format in pieces: the streamed CSV's cap holds for both.
    return int(getattr(settings, "ENTRY_EXPORT_CSV_MAX_ROWS", 200_000))


def entries_export_start(*, actor: User, query: QueryDict, file_format: str) -> Job:
    """Queue the export of the caller's filtered entry list. Refused at once: a bad filter (400
    naming it), a list over the cap (400, narrow the filters). The same filters while the first
    export is running return that job."""
    if file_format not in core_exports.EXPORT_FORMATS:
        raise ValidationFailed(
            _("file_format: choose one of %(formats)s.")
            % {"formats": ", ".join(core_exports.EXPORT_FORMATS)},
            fields={"file_format": [_("Unknown format.")]},
        )
    filters = query.copy()
    for name in _NOT_FILTERS:
        filters.pop(name, None)
    encoded = "&".join(sorted(filters.urlencode().split("&"))) if filters else ""
    exports.check_export_size(_filtered(actor, encoded), file_format="csv")
    return job_start(
        kind=EXPORT,
        target=actor,
        actor=actor,
        params={"query": encoded, "file_format": file_format},
    )


def _counted(rows, total: int, ctx: JobContext):
    for done, row in enumerate(rows, 1):
        if done % exports.CHUNK_ROWS == 0:
            ctx.progress("writing", 1 + 97 * done / max(total, 1))
        yield row


def _run(ctx: JobContext) -> dict:
    actor, params = ctx.actor, ctx.params
    file_format = params["file_format"]
    ctx.progress("counting", 1)
    queryset = _filtered(actor, params["query"])
    total = queryset.count()
    if total > _cap():
        raise JobFailed(
            _("The filtered list has %(count)s entries; the export is limited to %(cap)s.")
            % {"count": total, "cap": _cap()}
        )
    if file_format == "csv":
        chunks = (c.encode("utf-8") for c in exports.csv_chunks(queryset))
        # csv_chunks yields CHUNK_ROWS rows at a time: one progress step per chunk.
        chunks = _chunk_progress(chunks, total, ctx)
    else:
        content = core_exports.xlsx_bytes(
            exports.HEADERS, _counted(exports.rows(queryset), total, ctx), title="参赛项目"
        )
        chunks = iter([content])
    file = core_exports.export_file_store(chunks, file_format=file_format, basename="entries")
    ctx.progress("writing", 100)
    return {"rows": total, "file": file}


def _chunk_progress(chunks, total: int, ctx: JobContext):
    for index, chunk in enumerate(chunks):
        if index:
            ctx.progress("writing", 1 + 97 * min(index * exports.CHUNK_ROWS, total) / max(total, 1))
        yield chunk


register(
    JobKind(
        name=EXPORT,
        label=gettext_lazy("Export the entry list"),
        target=User,
        run=_run,
        queue="exports",
        # Exports are read-only: another export (or any step) may run beside it.
        exclusive=False,
        # Only the staff member who asked sees the job and its file.
        roles=frozenset(),
        phases={
            "counting": gettext_lazy("Counting the entries"),
            "writing": gettext_lazy("Writing the file"),
        },
    )
)
