import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import DemoContext, demo_logins, run_seeders


class Command(BaseCommand):
    help = (
        "Load realistic demo data (Shiyan organisations, a contest with entries, reviewers, staff). "
        "Idempotent. --entries/--reviewers add large synthetic data for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=0, help="extra synthetic entries")
        parser.add_argument("--reviewers", type=int, default=0, help="extra synthetic reviewers")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--list-logins", action="store_true", help="only print the demo logins")

    def handle(self, *args, **opts):
        ctx = DemoContext(
            rng=random.Random(opts["seed"]),
            stdout=self.stdout,
            entries=opts["entries"],
            reviewers=opts["reviewers"],
        )
        if opts["list_logins"]:
            for username, purpose in demo_logins():
                self.stdout.write(f"    {username:<22} {purpose}")
            return
        started = time.monotonic()
        with transaction.atomic():
            run_seeders(ctx)
        self.stdout.write(f"Demo data ready in {time.monotonic() - started:.1f}s.")
