"""Settings for the test suite: always real PostgreSQL and Redis (see tests/conftest.py).

Under pytest-xdist each worker process (gw0, gw1, ...) gets its own Redis database number so that
Celery queues and cache keys of parallel test processes never meet; PostgreSQL test databases are
already separate per worker (pytest-django suffixes their names).
"""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/innovation"),
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# docs/scaling.md: a second alias for routed reads. In tests it mirrors the test database over a
# connection of its own (so, like a real replica, it does not see uncommitted rows).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}


def _redis_url_for_this_process() -> str:
    base = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
    # A Celery worker started by a test receives the exact URL of that test process.
    if env.bool("TEST_REDIS_URL_IS_FINAL", default=False):
        return base
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    offset = int(worker[2:]) + 1 if worker.startswith("gw") else 0
    db = env.int("TEST_REDIS_DB_BASE", default=0) + offset
    head, _, tail = base.rpartition("/")
    return f"{head}/{db}" if tail.isdigit() else f"{base.rstrip('/')}/{db}"


REDIS_URL = _redis_url_for_this_process()
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 6 * 60 * 60,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
    # notifications: the one retry of a failed connect comes at once, so a publish from a web
    # request gives up in well under a second when Redis is down (the sweep delivers later).
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "test",
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A Celery worker subprocess started by a test may be given a file mailbox or a failing fake SMTP
# server (TEST_EMAIL_BACKEND in its extra_env): locmem mail in another process is invisible to the
# test. A test-only name, so a developer's EMAIL_BACKEND never makes the suite send real mail.
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
PRIVATE_MEDIA_ROOT = Path(
    env(
        # A Celery worker started by a test is told the test's own folder (a tmp_path).
        "TEST_PRIVATE_MEDIA_ROOT",
        default=str(
            BASE_DIR / "var" / "test-private" / os.environ.get("PYTEST_XDIST_WORKER", "main")
        ),
    )
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"
# Static files are not collected for tests.
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
# Throttling would make tests depend on each other through the shared cache.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "10000/min"}}  # noqa: F405
