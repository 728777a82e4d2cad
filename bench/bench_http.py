"""HTTP throughput from outside: the product under gunicorn next to the framework's ceiling.

    .venv/bin/python bench/bench_http.py [--database-url URL] [--duration 10] [--only list]

Starts, in this run, two gunicorn servers with the same worker count (``-w 2``, sync workers):

* the product (``config.wsgi``) with **production settings** on its own database (created,
  migrated and seeded once with ``seed_demo --entries 100000 --reviewers 5000``; a review round
  "HTTP bench" on the 100,000-entry contest, open for scoring, with 5 assignments per entry is
  bulk-loaded once);
* the ceiling (``bench/http_ceiling.py``): a bare Django REST Framework view serving 50 rows from
  memory through a serializer, no database, no authentication.

For each scenario it drives the ceiling and the product alternately with ``wrk`` (Debian's
package, installed with apt-get when missing) at 16 connections, and prints requests/s,
p50/p95/p99 latency, non-2xx responses and the product/ceiling ratio. The deadline rush (draft
save + submit) counts the submits that got a 2xx and compares with the submitted reviews stored:
lost or doubled submits are printed. After the runs it prints each gunicorn worker's RSS.
It asserts nothing: figures only. Run it on a quiet machine; the figures in the README say
under which load they were taken.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/innovation_bench_http"
BENCH_ROUND = "HTTP bench"
RUSH_REVIEWERS = 80
BENCH_SECRET_KEY = "bench-http-" + "x" * 50

# wrk script: a request generator over a list of requests written by this script, and a summary
# printed as one JSON line (wrk's own --latency output has no p95).
WRK_LUA = r"""
-- globals set with thread:set() in setup() are globals of each thread's Lua state
local reqs = {}
local n_reqs = 0
local counter = 0
submitted_ok = 0
submitted_ids = ""
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local method, path, token, body = line:match("^(%S+)\t(%S+)\t(%S*)\t(.*)$")
    local headers = {["Content-Type"] = "application/json"}
    if token ~= "-" then headers["Authorization"] = "Token " .. token end
    if body == "" then body = nil end
    n_reqs = n_reqs + 1
    reqs[n_reqs] = wrk.format(method, path, headers, body)
  end
  counter = tid
end

function request()
  local r = reqs[(counter % n_reqs) + 1]
  counter = counter + N_THREADS
  return r
end

function response(status, headers, body)
  if status >= 200 and status < 300 and body
     and body:find('"state":"submitted"', 1, true) then
    submitted_ok = submitted_ok + 1
    submitted_ids = submitted_ids .. (body:match('^{"id":(%d+)') or "?") .. ","
  end
end

function done(summary, latency, requests)
  local ok = 0
  local ids = ""
  for _, t in ipairs(threads) do
    ok = ok + (tonumber(t:get("submitted_ok")) or 0)
    ids = ids .. (t:get("submitted_ids") or "")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "submitted_ok": %d, ' ..
    '"submitted_ids": "%s"}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, ok, ids))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    print("wrk is missing: installing Debian's package")
    subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=False)
    if not shutil.which("wrk"):
        subprocess.run([*sudo, "apt-get", "update"], check=True)
        subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buf.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while data := buf.read(1 << 20):
            copy.write(data)


def issue_token(user) -> str:
    """An API token for ``user`` through the product's own service (per-device tokens)."""
    from accounts.services import api_token_issue

    return api_token_issue(user=user, device="bench_http")[1]


def prepare(args) -> dict:
    """Seed (once), build the open bench round (once), reset its reviews, issue tokens."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from projects.models import Contest, Entry
    from reviews.enums import AggregationMethod, RoundState
    from reviews.models import Assignment, Criterion, PoolMember, Review, Round, RoundEntry

    call_command("migrate", verbosity=0)
    large = Contest.objects.filter(edition=99).first()
    if large is None or large.entries.count() < args.entries:
        print(f"seeding {args.entries:,} entries and {args.reviewers:,} reviewers (once) ...")
        call_command("seed_demo", entries=args.entries, reviewers=args.reviewers)
        large = Contest.objects.get(edition=99)
    round_ = Round.objects.filter(contest=large, name=BENCH_ROUND).first()
    if round_ is None:
        t0 = time.perf_counter()
        now = timezone.now()
        round_ = Round.objects.create(
            contest=large,
            name=BENCH_ROUND,
            order=50,
            reviewers_per_entry=5,
            opens_at=now - timedelta(days=1),
            deadline=now + timedelta(days=3650),
            is_blind=True,
            aggregation=AggregationMethod.MEAN,
            advancement_rule="top_share",
            advancement_value="0.3",
            state=RoundState.OPEN,
            assignments_confirmed_at=now,
        )
        Criterion.objects.bulk_create(
            [
                Criterion(round=round_, name=n, weight=w, max_score=w, position=i)
                for i, (n, w) in enumerate(
                    [("创新性", 30), ("技术", 25), ("效益", 25), ("可行", 20)]
                )
            ]
        )
        reviewers = list(
            User.objects.filter(username__startswith="synth_rev")
            .order_by("id")
            .values_list("id", flat=True)
        )
        PoolMember.objects.bulk_create(
            [PoolMember(contest=large, reviewer_id=r, max_load=200) for r in reviewers],
            ignore_conflicts=True,
        )
        entry_ids = list(
            Entry.objects.filter(contest=large).order_by("id").values_list("id", flat=True)
        )
        n_r, ts = len(reviewers), now.isoformat()
        with connection.cursor() as c:
            raw = c.cursor
            _copy(
                raw,
                "reviews_roundentry",
                ["round_id", "entry_id", "n_reviews", "criterion_means"],
                ((round_.pk, e, 0, "{}") for e in entry_ids),
            )
            _copy(
                raw,
                "reviews_assignment",
                [
                    "round_id",
                    "reviewer_id",
                    "entry_id",
                    "status",
                    "source",
                    "affinity",
                    "reason",
                    "created_at",
                ],
                (
                    (
                        round_.pk,
                        reviewers[(i * 7 + j * 1013) % n_r],
                        e,
                        "active",
                        "solver",
                        1,
                        "",
                        ts,
                    )
                    for i, e in enumerate(entry_ids)
                    for j in range(5)
                ),
            )
            raw.execute("ANALYZE")
        print(
            f"bench round: {RoundEntry.objects.filter(round=round_).count():,} entries, "
            f"{Assignment.objects.filter(round=round_).count():,} assignments "
            f"({time.perf_counter() - t0:.1f} s, once)"
        )
    Review.objects.filter(round=round_).delete()
    staff = User.objects.get(username="union_zhang")
    rush = list(
        User.objects.filter(review_assignments__round=round_)
        .distinct()
        .order_by("id")[:RUSH_REVIEWERS]
    )
    pairs = list(
        Assignment.objects.filter(round=round_, reviewer__in=rush)
        .order_by("entry_id", "reviewer_id")
        .values_list("id", "reviewer_id")
    )
    # Scoring needs the round's pledge (评审承诺书) accepted first, as on the pages.
    from reviews.models import PledgeAcceptance
    from reviews.selectors import pledge_text_of

    PledgeAcceptance.objects.bulk_create(
        [
            PledgeAcceptance(
                round=round_, reviewer=u, text=pledge_text_of(round_), accepted_at=timezone.now()
            )
            for u in rush
        ],
        ignore_conflicts=True,
    )
    tokens = {u.pk: issue_token(u) for u in rush}
    # A steady-state database: PostgreSQL's autovacuum keeps the visibility map and the planner's
    # statistics current in production, but it is off on this machine's server (``SHOW
    # autovacuum``) and a freshly seeded table has no visibility map, so every index-only scan
    # would read the heap too (a deep page's key scan: 15.9 ms with 50,000 heap fetches, 3 ms
    # after a VACUUM). The rush's reviews deleted above are dead rows until vacuumed, too.
    with connection.cursor() as c:
        c.execute("VACUUM (ANALYZE)")
    category = large.categories.order_by("id").first()
    criteria = list(round_.criteria.order_by("position").values_list("id", "max_score"))
    connection.close()
    return {
        "round": round_.pk,
        "contest": large.pk,
        "category": category.pk,
        "staff_token": issue_token(staff),
        "tokens": tokens,
        "pairs": pairs,
        "criteria": [(c, float(m)) for c, m in criteria],
    }


def _wait_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers (401/404 are answers)
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not come up")


def start_gunicorn(app: str, port: int, env: dict, workers: int, log: Path) -> subprocess.Popen:
    cmd = [
        str(Path(sys.executable).parent / "gunicorn"),
        app,
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--access-logfile",
        "-",
        "--log-level",
        "warning",
    ]
    out = open(log, "w")  # noqa: SIM115 - kept open for the server's lifetime
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=out)


def worker_rss_mb(master: subprocess.Popen) -> list[float]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    out = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out.append(int(line.split()[1]) / 1024)
    return out


def run_wrk(wrk: str, base: str, requests: list[str], args, tmp: Path, name: str) -> dict:
    lines = tmp / f"{name}.txt"
    lines.write_text("\n".join(requests) + "\n")
    script = tmp / "bench.lua"
    script.write_text(WRK_LUA.replace("N_THREADS", str(args.threads)))
    cmd = [
        wrk,
        "-t",
        str(args.threads),
        "-c",
        str(args.connections),
        "-d",
        f"{args.duration}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        base,
        "--",
        str(lines),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    summary = json.loads([ln for ln in out.splitlines() if ln.startswith("{")][-1])
    summary["rps"] = summary["requests"] / (summary["duration_us"] / 1e6)
    return summary


def scenarios(data: dict) -> dict[str, list[str]]:
    staff = data["staff_token"]
    base = "/api/v1/entries/?page_size=50"

    def get(path: str, token: str) -> str:
        return f"GET\t{path}\t{token}\t"

    reviewer_tokens = list(data["tokens"].values())
    rush = []
    lag = 4  # a pair is submitted 4 requests after its draft was saved
    pairs = data["pairs"]
    for i in range(len(pairs) + lag):
        if i < len(pairs):
            a, r = pairs[i]
            scores = [{"criterion": c, "score": round(m * 0.7, 1)} for c, m in data["criteria"]]
            body = json.dumps({"scores": scores, "comment": "草稿：思路清晰"}, ensure_ascii=False)
            rush.append(f"PUT\t/api/v1/my-assignments/{a}/review/\t{data['tokens'][r]}\t{body}")
        if i >= lag:
            a, r = pairs[i - lag]
            body = json.dumps({"comment": "结论：建议晋级"}, ensure_ascii=False)
            rush.append(
                f"POST\t/api/v1/my-assignments/{a}/review/submit/\t{data['tokens'][r]}\t{body}"
            )
    return {
        "entry list, page 1, 50 rows": [get(base, staff)],
        "entry list, page 1000": [get(base + "&page=1000", staff)],
        "entry list, contest + category + state": [
            get(
                f"{base}&contest={data['contest']}&category={data['category']}&state=submitted",
                staff,
            )
        ],
        "entry list, trigram search": [
            get(f"{base}&q=%E5%8A%A8%E5%8A%9B%E7%94%B5%E6%B1%A0", staff)
        ],
        "reviewer my-assignments/": [get("/api/v1/my-assignments/", t) for t in reviewer_tokens],
        "deadline rush: draft save + submit": rush,
    }


def submitted_assignments(round_id: int) -> set[int]:
    """Assignment ids whose review is stored as submitted (one review per assignment is a
    database constraint, so a doubled submit would show as a second 2xx for one id)."""
    from django.db import connection

    from reviews.models import Review

    ids = set(
        Review.objects.filter(round_id=round_id, state="submitted").values_list(
            "assignment_id", flat=True
        )
    )
    connection.close()
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_HTTP_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--reviewers", type=int, default=5_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--ceiling-port", type=int, default=8114)
    parser.add_argument("--only", default="", help="run only scenarios whose name contains this")
    args = parser.parse_args()

    wrk = ensure_wrk()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["REDIS_URL"] = args.redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # Tokens carry a fingerprint made with the secret key (they die with a password change), so
    # they are issued here with the key the product's gunicorn runs with.
    os.environ["DJANGO_SECRET_KEY"] = BENCH_SECRET_KEY
    ensure_database(args.database_url)
    data = prepare(args)

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=BENCH_SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_IGNORE_DOTENV="1",
        LOG_LEVEL="WARNING",
    )
    ceiling_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    product = start_gunicorn("config.wsgi", args.port, env, args.workers, tmp / "product.log")
    ceiling = start_gunicorn(
        "bench.http_ceiling:application",
        args.ceiling_port,
        ceiling_env,
        args.workers,
        tmp / "ceiling.log",
    )
    try:
        base = f"http://127.0.0.1:{args.port}"
        ceiling_base = f"http://127.0.0.1:{args.ceiling_port}"
        _wait_up(base + "/healthz")
        _wait_up(ceiling_base + "/rows/")
        ceiling_req = ["GET\t/rows/\t-\t"]
        # warm both (imports, connections, PostgreSQL caches)
        warm = argparse.Namespace(**{**vars(args), "duration": 2})
        run_wrk(wrk, ceiling_base, ceiling_req, warm, tmp, "warm-ceiling")
        print(
            f"gunicorn -w {args.workers} (sync), wrk -t{args.threads} -c{args.connections} "
            f"-d{args.duration}s, product with production settings on {urlparse(args.database_url).path[1:]}"
        )
        header = (
            f"{'scenario':<40} {'product req/s':>13} {'p50/p95/p99 ms':>20} {'non-2xx':>8} "
            f"{'ceiling req/s':>13} {'p50/p95/p99 ms':>20} {'ratio':>7}"
        )
        print(header)
        for name, reqs in scenarios(data).items():
            if args.only and args.only not in name:
                continue
            rush = name.startswith("deadline rush")
            if not rush:
                run_wrk(wrk, base, reqs, warm, tmp, "warm")
            c = run_wrk(wrk, ceiling_base, ceiling_req, args, tmp, "ceiling")
            p = run_wrk(wrk, base, reqs, args, tmp, "product")
            lat = f"{p['p50_ms']:.0f}/{p['p95_ms']:.0f}/{p['p99_ms']:.0f}"
            clat = f"{c['p50_ms']:.1f}/{c['p95_ms']:.1f}/{c['p99_ms']:.1f}"
            print(
                f"{name:<40} {p['rps']:13.1f} {lat:>20} {p['non2xx']:>8} {c['rps']:13.1f} "
                f"{clat:>20} {100 * p['rps'] / c['rps']:6.1f}%"
                + (f"  socket errors {p['socket_errors']}" if p["socket_errors"] else "")
            )
            if rush:
                answered = [int(x) for x in p["submitted_ids"].split(",") if x.isdigit()]
                stored = submitted_assignments(data["round"])
                lost = len(set(answered) - stored)
                doubled = len(answered) - len(set(answered))
                print(
                    f"{'':<40} submits answered 2xx: {len(answered)}, submitted reviews stored: "
                    f"{len(stored)} (of which {len(stored - set(answered))} were in flight when "
                    f"wrk stopped) -> lost {lost}, doubled {doubled}"
                )
        rss = worker_rss_mb(product)
        crss = worker_rss_mb(ceiling)
        print(
            "gunicorn worker RSS after the runs: product "
            + ", ".join(f"{x:.0f} MB" for x in rss)
            + "; ceiling "
            + ", ".join(f"{x:.0f} MB" for x in crss)
        )
    finally:
        for proc in (product, ceiling):
            proc.send_signal(signal.SIGTERM)
        for proc in (product, ceiling):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
