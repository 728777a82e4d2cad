import time
import uuid

from django.core.management.base import BaseCommand, CommandError

from core.models import WorkerHeartbeat
from core.tasks import health_ping


class Command(BaseCommand):
    help = "Queue a health task through the broker and wait until a worker has executed it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args, **opts):
        token = uuid.uuid4().hex
        health_ping.delay(token)
        deadline = time.monotonic() + opts["timeout"]
        while time.monotonic() < deadline:
            if WorkerHeartbeat.objects.filter(token=token).exists():
                self.stdout.write(f"worker ok ({token})")
                return
            time.sleep(0.25)
        raise CommandError(f"No worker executed the health task within {opts['timeout']}s.")
