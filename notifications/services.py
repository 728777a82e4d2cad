"""Writing and delivering notices: the only code that changes a ``Notice``.

Guarantees, in one place:

* **Never doubled.** ``(recipient, kind, subject, occasion)`` is unique in the database; writing a
  notice whose key exists writes nothing (``notice_enqueue`` returns ``None``).
* **Written with the change.** Notices are inserted in the caller's transaction; a rollback takes
  them away, and their delivery is only queued by ``transaction.on_commit``.
* **Never lost.** Publishing to the broker is best effort (short timeouts, errors logged, never
  raised to the caller). A notice whose message never arrives stays ``pending`` and the periodic
  sweep (``notices_sweep``) queues it again; one left ``sending`` by a dead worker is reclaimed.
* **Sent once.** A worker sends only after an atomic conditional UPDATE moved the row from
  ``pending`` to ``sending``; a second message, a retry or a second worker finds nothing to claim.
  Residual risk (docs/notifications.md): a worker that dies after the mail server accepted the
  message and before ``sent`` is committed leaves a ``sending`` row that the sweep reclaims and
  sends again (same Message-ID, so most mail clients show it once).
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import User
from core.services import state_saved
from core.transitions import check_transition
from notifications.enums import DEFAULT_CHANNELS, DELIVERY_TRANSITIONS, DeliveryState, NoticeChannel
from notifications.models import Notice
from notifications.rendering import json_safe, notice_language, render_notice

logger = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, f"NOTIFICATIONS_{name}", default)


# --- writing ------------------------------------------------------------------------------------


def _build(
    *,
    recipient: User,
    kind: str,
    subject_type: ContentType,
    subject_id: str,
    occasion: str,
    context: dict,
    channels: Sequence[str],
    now: datetime,
) -> Notice:
    context = json_safe(context)
    language = notice_language(recipient)
    title, body = render_notice(kind=kind, language=language, context=context)
    email = NoticeChannel.EMAIL in channels
    return Notice(
        recipient=recipient,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        occasion=occasion,
        channels=list(channels),
        context=context,
        language=language,
        title=title,
        body=body,
        # A notice for the inbox only is delivered by being written.
        state=DeliveryState.PENDING if email else DeliveryState.SENT,
        sent_at=None if email else now,
        due_at=now,
        created_at=now,
    )


def notice_enqueue(
    *,
    recipient: User,
    kind: str,
    subject: models.Model,
    occasion: str,
    context: dict,
    channels: Sequence[str] = DEFAULT_CHANNELS,
) -> Notice | None:
    """Write one notice in the caller's transaction and queue its delivery on commit.

    Returns ``None`` (and writes nothing) when a notice with the same (recipient, kind, subject,
    occasion) exists, also when a concurrent transaction wrote it first. Never raises because the
    broker is down.
    """
    notice = _build(
        recipient=recipient,
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
        subject_id=str(subject.pk),
        occasion=occasion,
        context=context,
        channels=channels,
        now=timezone.now(),
    )
    ids = _insert_new([notice])
    if not ids:
        return None
    notice.pk = ids[0]
    notice._state.adding = False
    if notice.state == DeliveryState.PENDING:
        queue_delivery_on_commit([notice.pk])
    return notice


@dataclass(frozen=True)
class Recipient:
    """One addressee of a bulk wave and what their notice says."""

    user: User
    context: dict


def notices_enqueue_bulk(
    *,
    kind: str,
    subject: models.Model,
    occasion: str,
    recipients: Iterable[Recipient],
    channels: Sequence[str] = DEFAULT_CHANNELS,
) -> int:
    """Write one notice per recipient for one occasion (e.g. a reminder wave of 10,000 reviewers)
    with one INSERT per 1,000 rows (``ON CONFLICT DO NOTHING``), and queue the delivery of the new
    ones on commit in chunks. Recipients who already have this notice are skipped. Returns how
    many notices were new."""
    now = timezone.now()
    subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    subject_id = str(subject.pk)
    rows = [
        _build(
            recipient=r.user,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            occasion=occasion,
            context=r.context,
            channels=channels,
            now=now,
        )
        for r in recipients
    ]
    return _write_new(rows, channels=channels)


def _write_new(rows: list[Notice], *, channels: Sequence[str]) -> int:
    """The one bulk path's last step: insert the rows that are new and, when they go by e-mail,
    queue their delivery on commit in chunks. Returns how many were new."""
    if not rows:
        return 0
    new_ids = _insert_new(rows)
    if new_ids and NoticeChannel.EMAIL in channels:
        queue_delivery_on_commit(sorted(new_ids))
    return len(new_ids)


def _insert_new(rows: list[Notice]) -> list[int]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id, in batches: the ids of the rows that were
    new. Exact also when another transaction writes the same keys at the same moment (it waits
    for that one to commit, then skips), which ``bulk_create(ignore_conflicts=True)`` cannot tell
    (it returns no ids). PostgreSQL and SQLite (>= 3.35) both speak this SQL."""
    fields = [f for f in Notice._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = max(1, min(1000, connection.ops.bulk_batch_size(fields, rows)))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            params = [
                f.get_db_prep_save(getattr(row, f.attname), connection)
                for row in part
                for f in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(Notice._meta.db_table)} ({columns}) "
                f"VALUES {', '.join([placeholder] * len(part))} "
                "ON CONFLICT DO NOTHING RETURNING id",
                params,
            )
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def queue_delivery_on_commit(notice_ids: list[int]) -> None:
    ids = list(notice_ids)
    transaction.on_commit(lambda: publish_deliveries(ids))


def publish_deliveries(notice_ids: Sequence[int], *, countdown: float | None = None) -> bool:
    """Queue delivery messages in chunks. Best effort: when the broker is unreachable, log and
    stop at the first failure (so a request never waits on a dead broker chunk after chunk); the
    sweep queues the rest. Returns whether everything was published."""
    from notifications.tasks import deliver_notices

    chunk = int(_setting("DELIVERY_CHUNK", 100))
    ids = list(notice_ids)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        try:
            deliver_notices.apply_async(args=[part], countdown=countdown, retry=False)
        except Exception:
            logger.warning(
                "Could not queue delivery of %d notice(s); the sweep will deliver them.",
                len(ids) - start,
                exc_info=True,
            )
            return False
    return True


# --- delivering ---------------------------------------------------------------------------------


def _claim(notice_ids: Sequence[int], claim: datetime) -> dict[int, int]:
    """Move the pending notices among ``notice_ids`` to sending in one UPDATE; return
    ``{id: attempt number}`` of those this call claimed (already sent, failed or claimed by
    someone else: not returned). ``claim`` (the claim time) is the token of this claim."""
    if not notice_ids:
        return {}
    table = connection.ops.quote_name(Notice._meta.db_table)
    marks = ", ".join(["%s"] * len(notice_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = %s, claimed_at = %s, attempts = attempts + 1 "
            f"WHERE id IN ({marks}) AND state = %s RETURNING id, attempts",
            [
                DeliveryState.SENDING,
                # Stored exactly as the ORM stores it, so that ``claimed_at=claim`` matches later.
                connection.ops.adapt_datetimefield_value(claim),
                *notice_ids,
                DeliveryState.PENDING,
            ],
        )
        return dict(cursor.fetchall())


def _release(notice_ids: Sequence[int], claim: datetime, *, due_at: datetime) -> None:
    """Give back claimed notices that were never tried (their attempt does not count)."""
    if notice_ids:
        Notice.objects.filter(
            pk__in=list(notice_ids), state=DeliveryState.SENDING, claimed_at=claim
        ).update(
            state=DeliveryState.PENDING,
            claimed_at=None,
            attempts=models.F("attempts") - 1,
            due_at=due_at,
        )


def _finish(notice_id: int, claim: datetime, /, **fields) -> None:
    # Only the claim that is still ours: a claim reclaimed by the sweep is not overwritten.
    Notice.objects.filter(pk=notice_id, state=DeliveryState.SENDING, claimed_at=claim).update(
        **fields
    )


def retry_delay(attempt: int) -> float:
    """Exponential backoff after the ``attempt``-th failed try: base, 2×base, 4×base... capped."""
    base = float(_setting("RETRY_BACKOFF_SECONDS", 60))
    cap = float(_setting("RETRY_BACKOFF_MAX_SECONDS", 3600))
    return min(base * 2 ** max(attempt - 1, 0), cap)


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600


def _is_connection_level(exc: Exception) -> bool:
    # The server is unreachable: trying the rest of the chunk now would only fail the same way.
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError) or (
        isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
    )


def _message(notice: Notice, mail_connection) -> EmailMessage:
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    return EmailMessage(
        subject=notice.title,
        body=notice.body,
        to=[notice.recipient.email],
        connection=mail_connection,
        headers={
            # The same Message-ID on every try: a resend after a reclaim is recognisably the
            # same message to the mail system.
            "Message-ID": f"<notice-{notice.pk}@{domain}>",
            "X-Notice-Id": str(notice.pk),
            "X-Notice-Kind": notice.kind,
        },
    )


def notices_deliver(*, notice_ids: Sequence[int]) -> dict[float, list[int]]:
    """Send the pending notices among ``notice_ids`` by email, each at most once.

    The chunk is claimed (pending → sending) in one UPDATE, then each message goes to the mail
    server over one SMTP session and its notice is marked sent right after (one commit per
    notice: the window between the server accepting and ``sent`` being durable stays that short).
    A failure either schedules a retry (pending again, due after an exponential backoff) or, after
    the last attempt or a permanent refusal, marks the notice failed with the error. Notices of
    the chunk not tried (mail server unreachable, time budget spent, unexpected error) are given
    back at once, so they never wait for the reclaim. Returns the retries to schedule:
    ``{delay_seconds: [notice ids]}``.
    """
    claim = timezone.now()
    claimed = _claim(list(dict.fromkeys(notice_ids)), claim)
    retries: dict[float, list[int]] = {}
    if not claimed:
        return retries
    notices = {
        n.pk: n
        for n in Notice.objects.filter(pk__in=list(claimed)).select_related("recipient").order_by()
    }
    ordered = [pk for pk in dict.fromkeys(notice_ids) if pk in claimed]
    max_attempts = int(_setting("MAX_ATTEMPTS", 5))
    # Stop well before the sweep would reclaim this claim (a slow mail server), so a notice is
    # never sent by this worker after another one was allowed to take it.
    budget = float(_setting("RECLAIM_AFTER_SECONDS", 900)) / 2
    started = time.monotonic()
    untried = list(ordered)
    mail_connection = get_connection()
    try:
        while untried:
            if time.monotonic() - started > budget:
                retries.setdefault(0.0, []).extend(untried)
                break
            pk = untried.pop(0)
            notice, attempt = notices[pk], claimed[pk]
            if not notice.recipient.email:
                _finish(
                    pk,
                    claim,
                    state=DeliveryState.FAILED,
                    claimed_at=None,
                    last_error="The recipient has no email address.",
                )
                continue
            try:
                _message(notice, mail_connection).send()
            except Exception as exc:  # noqa: BLE001 - every failure is recorded on the notice
                error = f"{type(exc).__name__}: {exc}"[:2000]
                if _is_permanent(exc) or attempt >= max_attempts:
                    _finish(
                        pk, claim, state=DeliveryState.FAILED, claimed_at=None, last_error=error
                    )
                    logger.warning("Notice %s failed for good: %s", pk, error)
                    continue
                delay = retry_delay(attempt)
                due_at = timezone.now() + timedelta(seconds=delay)
                _finish(
                    pk,
                    claim,
                    state=DeliveryState.PENDING,
                    claimed_at=None,
                    due_at=due_at,
                    last_error=error,
                )
                retries.setdefault(delay, []).append(pk)
                if _is_connection_level(exc):
                    # The server is unreachable: the rest follow the same backoff, untried.
                    _release(untried, claim, due_at=due_at)
                    retries[delay].extend(untried)
                    untried = []
                continue
            _finish(
                pk,
                claim,
                state=DeliveryState.SENT,
                claimed_at=None,
                sent_at=timezone.now(),
                last_error="",
            )
    finally:
        try:
            mail_connection.close()
        except Exception:
            logger.debug("Closing the mail connection failed", exc_info=True)
        # Whatever was not tried goes back to pending now (if the database is gone too, the
        # sweep reclaims it later).
        _release(untried, claim, due_at=timezone.now())
    return retries


def notices_sweep(*, now: datetime | None = None, limit: int = 20_000) -> list[int]:
    """Find notices that need a (new) delivery message and return their ids.

    * ``sending`` for longer than ``NOTIFICATIONS_RECLAIM_AFTER_SECONDS``: the worker died
      mid-send; back to pending (or failed, when that was the last attempt).
    * ``pending`` and due for longer than ``NOTIFICATIONS_SWEEP_GRACE_SECONDS``: the message was
      lost or never published (broker down at commit). Their due time moves to now, so the next
      sweep waits another grace period before queuing them again.

    Safe to run concurrently (two beats): a notice queued twice is still claimed once.
    """
    now = now or timezone.now()
    grace = timedelta(seconds=float(_setting("SWEEP_GRACE_SECONDS", 600)))
    reclaim_after = timedelta(seconds=float(_setting("RECLAIM_AFTER_SECONDS", 900)))
    max_attempts = int(_setting("MAX_ATTEMPTS", 5))
    stuck = Notice.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=now - reclaim_after)
    interrupted = "Delivery interrupted (worker stopped while sending); "
    stuck.filter(attempts__gte=max_attempts).update(
        state=DeliveryState.FAILED,
        claimed_at=None,
        last_error=interrupted + "no attempts left.",
    )
    reclaimed = stuck.update(
        state=DeliveryState.PENDING,
        claimed_at=None,
        due_at=now - grace,
        last_error=interrupted + "reclaimed by the sweep.",
    )
    if reclaimed:
        logger.warning("Reclaimed %d notice(s) left in 'sending' by a dead worker.", reclaimed)
    with transaction.atomic():
        ids = list(
            Notice.objects.filter(state=DeliveryState.PENDING, due_at__lte=now - grace)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Notice.objects.filter(pk__in=ids, state=DeliveryState.PENDING).update(due_at=now)
    return ids


# --- inbox and staff ------------------------------------------------------------------------------


def notice_mark_read(*, notice: Notice) -> Notice:
    """Mark one of the reader's notices read (the caller got it from ``notices_of``). Reading
    twice keeps the first time."""
    if notice.read_at is None:
        now = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
        notice.read_at = now
    return notice


def notices_mark_all_read(*, recipient: User) -> int:
    """Mark every unread notice of ``recipient`` read; returns how many changed."""
    return Notice.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notice_retry(*, notice: Notice, actor: User) -> Notice:
    """Staff send a failed notice again (e.g. after fixing the address): failed → pending with a
    fresh set of attempts, audited, queued on commit."""
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        check_transition(DELIVERY_TRANSITIONS, locked.state, DeliveryState.PENDING, what="notice")
        from_state = locked.state
        locked.state = DeliveryState.PENDING
        locked.attempts = 0
        locked.due_at = timezone.now()
        state_saved(
            locked,
            actor=actor,
            action="notice.retry",
            from_state=from_state,
            data={"last_error": locked.last_error},
            fields=["attempts", "due_at"],
        )
        queue_delivery_on_commit([locked.pk])
    return locked


@dataclass(frozen=True)
class DueNotice:
    """One reminder that is due: to whom, of which kind, about what, and on which occasion (the
    exactly-once key), with what it says. Apps' selectors produce these; see notices_enqueue_due."""

    recipient: User
    kind: str
    subject: Any
    occasion: str
    context: dict[str, Any] = field(default_factory=dict)


def notices_enqueue_due(*, notices: Iterable[DueNotice]) -> int:
    """Write the due reminders of many subjects (studios, reports) in one transaction through the
    bulk path: one INSERT per 1,000 rows, ``ON CONFLICT DO NOTHING``. A notice whose key was
    already written is skipped, so running a reminder task twice sends nothing twice. Returns how
    many were new."""
    now = timezone.now()
    rows = [
        _build(
            recipient=due.recipient,
            kind=due.kind,
            subject_type=ContentType.objects.get_for_model(due.subject, for_concrete_model=False),
            subject_id=str(due.subject.pk),
            occasion=due.occasion,
            context={"recipient_name": str(due.recipient), **due.context},
            channels=DEFAULT_CHANNELS,
            now=now,
        )
        for due in notices
    ]
    with transaction.atomic():
        return _write_new(rows, channels=DEFAULT_CHANNELS)
