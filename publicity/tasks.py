"""Celery tasks of the results notice: thin, take ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from publicity import notices, services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_objection_mail(mail_id: int) -> None:
    """Send one decision mail (a second run finds it sent and does nothing)."""
    notices.objection_mail_deliver(mail_id=mail_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_objection_mails() -> None:
    """Beat: try again the decision mails still pending (lost message, mail server down)."""
    for mail_id in notices.objection_mails_pending():
        notices.objection_mail_deliver(mail_id=mail_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def finalize_due_notices() -> None:
    """Beat: results become final once the period is over and every objection is decided."""
    services.notices_finalize_due()
