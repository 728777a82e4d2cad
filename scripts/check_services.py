"""Stop at once, with a clear message, when PostgreSQL or Redis is not reachable."""

import os
import sys

import psycopg
import redis

HINT = "Start them with `docker compose up -d db redis`, or set DATABASE_URL / REDIS_URL."


def main() -> int:
    db_url = os.environ["DATABASE_URL"]
    # Connect to the server's maintenance database: the test database need not exist yet.
    base, _, _ = db_url.rpartition("/")
    problems = []
    try:
        with psycopg.connect(f"{base}/postgres", connect_timeout=3, autocommit=True) as conn:
            # The main database must exist for `makemigrations --check`; tests use test_<name>.
            name = db_url.rpartition("/")[2].split("?")[0]
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001
        problems.append(f"PostgreSQL at {base} is not reachable: {exc}".strip())
    try:
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        problems.append(f"Redis at {os.environ['REDIS_URL']} is not reachable: {exc}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(HINT, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
