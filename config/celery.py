"""The Celery application.

Reliability choices (see the README's "Background jobs" section):
- JSON only, so a message never carries a pickled object.
- ``task_acks_late`` is *off* by default and switched on per task for the tasks that are safe to
  run twice (``acks_late=True, reject_on_worker_lost=True`` on the task). A non-idempotent task
  acknowledged late could run twice after a worker dies.
- The Redis visibility timeout is longer than any countdown/ETA we use, otherwise Redis would
  redeliver a scheduled message to a second worker before it is due.
- Connection timeouts are short so that a web request never hangs when the broker is down.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("innovation_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
