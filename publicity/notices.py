"""Who is told what about the results notice: union staff are told of each new objection (inbox
and e-mail, ``objection_received``); the objector is e-mailed the decision.

The objector is not a user of the product, so the decision is not a ``notifications.Notice``
(whose recipient is a user): it is an ``ObjectionMail`` row written in the decision's
transaction, rendered with the notification templates (``notifications.rendering``; kind
``objection_decided`` in ``publicity/templates/notifications/``), and sent after commit on the
``notices`` queue, at most once.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.enums import UNION_STAFF_ROLES
from accounts.selectors import users_holding
from notifications.rendering import render_notice, site_link
from notifications.services import Recipient, notices_enqueue_bulk
from publicity.enums import MailState, ObjectionState
from publicity.models import Objection, ObjectionMail, ResultsNotice

logger = logging.getLogger(__name__)

MAIL_KIND = "objection_decided"
RECEIVED_KIND = "objection_received"


def objection_received_notify(*, objection: Objection, notice: ResultsNotice) -> int:
    """Tell union staff of a new objection, in the transaction that files it (one notice per
    staff member and objection)."""
    context = {
        "notice_title": notice.title,
        "entry_title": objection.entry.title,
        "unit": objection.unit,
        "ends_at": notice.ends_at.isoformat() if notice.ends_at else "",
        "link": site_link(f"/console/objections/{objection.pk}/"),
    }
    return notices_enqueue_bulk(
        kind=RECEIVED_KIND,
        subject=objection,
        occasion="received",
        recipients=[
            Recipient(user=staff, context={**context, "recipient_name": str(staff)})
            for staff in users_holding(UNION_STAFF_ROLES)
        ],
    )


def objection_decided_notify(*, objection: Objection, notice: ResultsNotice) -> ObjectionMail:
    """Write the decision mail in the caller's transaction; queue its delivery on commit."""
    mail = _mail_write(objection, notice)
    transaction.on_commit(lambda: _mail_queue(mail.pk))
    return mail


def _mail_write(objection: Objection, notice: ResultsNotice) -> ObjectionMail:
    context = {
        "name": objection.name,
        "notice_title": notice.title,
        "entry_title": objection.entry.title,
        "upheld": objection.state == ObjectionState.UPHELD,
        "reply": objection.reply,
        "submitted_at": objection.submitted_at.isoformat(),
        "link": site_link(f"/notices/{notice.pk}/"),
        "contact": notice.contact,
    }
    title, body = render_notice(kind=MAIL_KIND, language="zh-hans", context=context)
    mail, _created = ObjectionMail.objects.get_or_create(
        objection=objection,
        defaults={
            "to": objection.email,
            "title": title,
            "body": body,
            "created_at": timezone.now(),
        },
    )
    return mail


def _mail_queue(mail_id: int) -> None:
    from publicity.tasks import deliver_objection_mail

    try:
        deliver_objection_mail.apply_async(args=[mail_id], queue="notices", retry=False)
    except Exception:  # the broker is down: the sweep sends it later
        logger.warning("Could not queue objection mail %s", mail_id, exc_info=True)


def objection_mail_deliver(*, mail_id: int) -> bool:
    """Send one pending decision mail, at most once (the row is claimed under a lock and marked
    sent in the same transaction). Returns True when it was sent now. A failure counts an
    attempt; after ``PUBLICITY_MAIL_MAX_ATTEMPTS`` the mail is marked failed for staff."""
    with transaction.atomic():
        mail = (
            ObjectionMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, state=MailState.PENDING)
            .first()
        )
        if mail is None:
            return False
        mail.attempts += 1
        try:
            EmailMessage(
                subject=mail.title,
                body=mail.body,
                to=[mail.to],
                headers={"X-Objection-Id": str(mail.objection_id)},
            ).send()
        except (smtplib.SMTPException, OSError) as exc:
            mail.last_error = str(exc)[:1000]
            if mail.attempts >= int(getattr(settings, "PUBLICITY_MAIL_MAX_ATTEMPTS", 5)):
                mail.state = MailState.FAILED
            mail.save(update_fields=["attempts", "last_error", "state"])
            logger.warning("Objection mail %s failed: %s", mail.pk, exc)
            return False
        mail.state, mail.sent_at = MailState.SENT, timezone.now()
        mail.save(update_fields=["attempts", "state", "sent_at"])
    return True


def objection_mails_pending(*, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> list[int]:
    """Mails still pending a while after they were written (their message was lost)."""
    cutoff = timezone.now() - older_than
    return list(
        ObjectionMail.objects.filter(Q(state=MailState.PENDING) & Q(created_at__lte=cutoff))
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
