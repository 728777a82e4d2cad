"""Fake mail servers for the tests (the SMTP server is the one thing outside the product).

Selected by EMAIL_BACKEND, also in worker subprocesses (``extra_env``):

* ``FailingBackend`` — every send raises the error named by ``TEST_SMTP_ERROR`` (``disconnect``:
  SMTPServerDisconnected, a transient failure; ``refused``: SMTPRecipientsRefused, permanent).
* ``HangingFileBackend`` — the file backend, until this process has sent ``TEST_SMTP_HANG_AFTER``
  messages; after that every send blocks as a mail server that stopped answering would (before
  accepting anything), so a test can kill the worker at a known point.
"""

from __future__ import annotations

import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        kind = os.environ.get("TEST_SMTP_ERROR", "disconnect")
        if kind == "refused":
            raise smtplib.SMTPRecipientsRefused(
                {m.to[0]: (550, b"No such user") for m in email_messages}
            )
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


_sent_in_this_process = 0


class HangingFileBackend(FileBackend):
    def send_messages(self, email_messages):
        global _sent_in_this_process
        limit = int(os.environ.get("TEST_SMTP_HANG_AFTER", "1000000"))
        if _sent_in_this_process >= limit:
            marker = Path(os.environ["TEST_SMTP_HANG_MARKER_DIR"]) / f"hung-{os.getpid()}"
            marker.touch()
            while True:
                time.sleep(1)
        _sent_in_this_process += len(email_messages)
        return super().send_messages(email_messages)
