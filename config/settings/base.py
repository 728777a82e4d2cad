"""Settings shared by every environment. Everything that differs per deployment comes from the
environment (django-environ); see the README's configuration table."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer may keep variables in .env; production reads the real environment only.
if (BASE_DIR / ".env").is_file() and not env.bool("DJANGO_IGNORE_DOTENV", default=False):
    environ.Env.read_env(BASE_DIR / ".env")

# Where local state lives when no server is configured: SQLite file, broker folders, mail, uploads.
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    # Our apps, in dependency order.
    "core",
    "accounts",
    "projects",
    "reviews",
    "innovation",
    "incubator",
    "notifications",
    "jobs",
    "dashboards",
    "publicity",
    "certificates",
    "finals",  # the live final (决赛): panel draw, live scoring (docs/live-final.md)
    # The pages, one app per audience over the domain apps (docs/web.md).
    "django_htmx",
    "template_partials",
    "drf_spectacular_sidecar",
    "web.common",
    "web.public",
    "web.enterprise",
    "web.console",
    "web.programmes",
    "web.reviewer",
    "web.live",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # core: a POST under /api/ with an Idempotency-Key header runs once (core/idempotency.py).
    "core.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused by the per-account lockout into a 429 (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "web.common.context_processors.layout",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# No DATABASE_URL: a local SQLite file, so `make run` works on a machine with only Python.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for locks instead of failing, write-ahead log so
    # that readers never block the writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# accounts: sign-in protection, see the README's "Signing in" section. django-axes counts failed
# sign-ins per *username* (never per IP: a room of reviewers behind one office NAT must not lock
# each other out) in every call of django.contrib.auth.authenticate() — the API, the web sign-in
# page, the Django admin, the browsable API — and refuses that username for a cool-off period.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_VERBOSE = False
# axes.W006 asks for locking per IP too; we do not on purpose (one office NAT), and the client
# address is throttled by DRF's "login" rate instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# How many reverse proxies in front of the web server append to X-Forwarded-For. 0 (gunicorn
# facing the clients, as in docker-compose.yml): the header is ignored and the client address is
# the connection's. N: the N-th address from the right, the one the outermost trusted proxy saw.
TRUSTED_PROXY_HOPS = env.int("DJANGO_TRUSTED_PROXY_HOPS", default=0)
# API tokens (django-rest-knox, accounts.ApiToken): one per device, stored hashed, expiring.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its AuthToken table even when the model is swapped out; without
# them Django skips the swapped model, so only accounts.ApiToken exists.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=7 * 24)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": None,
    "AUTO_REFRESH": False,
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded attachments live outside any public path and are only served through views that check
# permissions (no MEDIA_URL is routed).
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="十堰市总工会 <noreply@example.org>")
# Absolute base for links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- REST framework -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes "not signed in" a 401, not a 403.
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # core: JSON bodies nested deeper than API_JSON_MAX_DEPTH are a 400 (core/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "core.parsers.FormParser",
        "core.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # drf-spectacular with every operation's error answers documented (core/schema.py).
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    # Per client address (see TRUSTED_PROXY_HOPS); accounts are protected by the lockout above,
    # so this only slows a flood and leaves room for a review meeting behind one NAT.
    "DEFAULT_THROTTLE_RATES": {"login": env("LOGIN_RATE_PER_IP", default="120/min")},
    "NUM_PROXIES": env.int("DJANGO_TRUSTED_PROXY_HOPS", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Worker innovation contest and incubator tracker API",
    "DESCRIPTION": (
        "Innovation studios, the worker innovation & entrepreneurship contest (entries, review "
        "rounds, results, awards) and the maker-space incubator of a city federation of trade "
        "unions. Every error has the same body: {code, detail, fields}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The API map of a union's internal system is for its users: sign in first (the browsable
    # API's /api-auth/login/ sets the session the docs page uses).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI is served by the product (drf-spectacular-sidecar), so the docs load offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"LanguageEnum": "accounts.enums.Language"},
}

# How long an Idempotency-Key is remembered (core/idempotency.py).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
# Deepest JSON body any endpoint accepts (core/parsers.py); deeper is a 400.
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=20)

# --- Cache ------------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------------------
# No REDIS_URL: kombu's filesystem transport, so that `make run` starts a real worker and beat with
# no broker server. Never eager mode: tasks always cross a broker to a worker process.
CELERY_BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any countdown/ETA we schedule (see notifications), so Redis never hands an
        # unacknowledged scheduled message to a second worker early.
        "visibility_timeout": 6 * 60 * 60,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "max_retries": 1,
        # notifications: the one retry of a failed connect comes at once, so a publish from a
        # web request gives up in well under a second when Redis is down (the sweep delivers).
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # kombu's exchange tables; its default is ./control in the working directory.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish from a web request fails fast instead of retrying for minutes when the broker is down;
# the periodic sweeps of each app pick up whatever was not queued.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# Queues: "celery" for everything, "notices" for mail delivery, so that a wave of 10,000
# reminders never holds up an assignment job; jobs (see jobs/) go to their kind's queue: "solver"
# for the assignment solver, "exports" for generated files (docs/scaling.md). A worker started without -Q consumes both (make
# run, the tests); production runs one worker per queue (docker-compose.yml).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("notices"), Queue("solver"), Queue("exports"))
CELERY_TASK_ROUTES = {"notifications.tasks.deliver_notices": {"queue": "notices"}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "core-heartbeat": {"task": "core.tasks.heartbeat", "schedule": timedelta(minutes=1)},
}

# --- Logging -------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Product settings --------------------------------------------------------------------------------
# Per-app settings live in a section of their own below; each app reads them with a default.

# core: paginated lists of many rows remember their count for a while (core.pagination.cached_count):
# a count of at least PAGINATION_COUNT_CACHE_MIN_ROWS may lag the table by up to this many seconds;
# 0 counts exactly on every page.
PAGINATION_COUNT_CACHE_SECONDS = env.int("PAGINATION_COUNT_CACHE_SECONDS", default=30)
PAGINATION_COUNT_CACHE_MIN_ROWS = env.int("PAGINATION_COUNT_CACHE_MIN_ROWS", default=1000)

# accounts: expired API tokens are deleted hourly (accounts/authentication.py refuses them).
CELERY_BEAT_SCHEDULE["accounts-purge-expired-tokens"] = {
    "task": "accounts.tasks.purge_expired_tokens",
    "schedule": timedelta(hours=1),
}

# projects
# Attachments: one file, and the totals per entry and per organisation within one contest.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
ATTACHMENTS_MAX_PER_ENTRY = env.int("ATTACHMENTS_MAX_PER_ENTRY", default=10)
ATTACHMENTS_MAX_BYTES_PER_ENTRY = env.int(
    "ATTACHMENTS_MAX_BYTES_PER_ENTRY", default=100 * 1024 * 1024
)
ATTACHMENTS_MAX_PER_ORG = env.int("ATTACHMENTS_MAX_PER_ORG", default=100)
# Zip bombs (core/file_safety.py): an office document's declared uncompressed total and ratio.
ATTACHMENT_MAX_UNCOMPRESSED_BYTES = env.int(
    "ATTACHMENT_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024
)
ATTACHMENT_MAX_COMPRESSION_RATIO = env.int("ATTACHMENT_MAX_COMPRESSION_RATIO", default=100)
ATTACHMENT_MAX_ZIP_ENTRIES = env.int("ATTACHMENT_MAX_ZIP_ENTRIES", default=5000)
ATTACHMENTS_MAX_BYTES_PER_ORG = env.int("ATTACHMENTS_MAX_BYTES_PER_ORG", default=1024 * 1024 * 1024)
# Exports of the staff entry list: CSV is streamed (constant memory); XLSX is built in memory by
# tablib/openpyxl, so it has a lower cap. Above a cap the export is refused with a 400 asking for
# narrower filters (never a silently truncated file).
ENTRY_EXPORT_CSV_MAX_ROWS = env.int("ENTRY_EXPORT_CSV_MAX_ROWS", default=200_000)
ENTRY_EXPORT_XLSX_MAX_ROWS = env.int("ENTRY_EXPORT_XLSX_MAX_ROWS", default=20_000)
# core: files made by export jobs (POST .../export/) are kept this long, then deleted hourly.
EXPORT_FILE_KEEP_HOURS = env.int("EXPORT_FILE_KEEP_HOURS", default=24)
CELERY_BEAT_SCHEDULE["core-purge-export-files"] = {
    "task": "core.tasks.purge_export_files",
    "schedule": timedelta(hours=1),
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "ContestStateEnum": "projects.enums.ContestState",
        "EntryStateEnum": "projects.enums.EntryState",
        "HonourEnum": "projects.enums.Honour",
        "TeamRoleEnum": "projects.enums.TeamRole",
        "AttachmentKindEnum": "projects.enums.AttachmentKind",
    }
)

# reviews
# Closes open rounds whose deadline has passed (round_close with actor None).
CELERY_BEAT_SCHEDULE.update(
    {
        "reviews-close-due-rounds": {
            "task": "reviews.tasks.close_due_rounds",
            "schedule": timedelta(minutes=1),
        },
    }
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "RoundStateEnum": "reviews.enums.RoundState",
        "ReviewStateEnum": "reviews.enums.ReviewState",
        "AssignmentStatusEnum": "reviews.enums.AssignmentStatus",
        "AwardTierEnum": "reviews.enums.AwardTier",
    }
)

# innovation / incubator
from celery.schedules import crontab  # noqa: E402

# The yearly report (年度考核) of year Y is due on this month-day of Y+1; reminders go out this many
# days before, on the day after the due date, and every STUDIO_REPORT_OVERDUE_EVERY_DAYS after that.
STUDIO_REPORT_DUE_MONTH_DAY = env("STUDIO_REPORT_DUE_MONTH_DAY", default="03-31")
STUDIO_REPORT_REMIND_DAYS_BEFORE = env.int("STUDIO_REPORT_REMIND_DAYS_BEFORE", default=14)
STUDIO_REPORT_OVERDUE_EVERY_DAYS = env.int("STUDIO_REPORT_OVERDUE_EVERY_DAYS", default=14)
# The public studio directory is open to anonymous readers; this bounds scrapers per IP.
STUDIO_DIRECTORY_ANON_RATE = env("STUDIO_DIRECTORY_ANON_RATE", default="120/min")
STUDIO_ATTACHMENT_MAX_BYTES = env.int("STUDIO_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
STUDIO_ATTACHMENTS_MAX = env.int("STUDIO_ATTACHMENTS_MAX", default=20)
# Incubated projects report every N months; a period's report is due GRACE days after it ends.
INCUBATION_REPORT_INTERVAL_MONTHS = env.int("INCUBATION_REPORT_INTERVAL_MONTHS", default=3)
INCUBATION_REPORT_GRACE_DAYS = env.int("INCUBATION_REPORT_GRACE_DAYS", default=15)
INCUBATION_REPORT_REMIND_DAYS_BEFORE = env.int("INCUBATION_REPORT_REMIND_DAYS_BEFORE", default=7)
INCUBATION_REPORT_OVERDUE_EVERY_DAYS = env.int("INCUBATION_REPORT_OVERDUE_EVERY_DAYS", default=7)
# An admission starting more than this many days ago needs an explicit confirmation
# (``confirm_backdated``): a backdated start schedules the past periods' reports, already overdue.
INCUBATION_ADMIT_BACKDATE_DAYS = env.int("INCUBATION_ADMIT_BACKDATE_DAYS", default=30)
# The meeting-room dashboard (/programmes/dashboard/screen/) reloads itself this often.
DASHBOARD_SCREEN_REFRESH_SECONDS = env.int("DASHBOARD_SCREEN_REFRESH_SECONDS", default=300)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "StudioStateEnum": "innovation.enums.StudioState",
        "StudioLevelEnum": "innovation.enums.StudioLevel",
        "StudioApplicationStateEnum": "innovation.enums.ApplicationState",
        "StudioApplicationKindEnum": "innovation.enums.ApplicationKind",
        "StudioAssessmentStateEnum": "innovation.enums.AssessmentState",
        "StudioAssessmentRatingEnum": "innovation.enums.AssessmentRating",
        "IncubationStageEnum": "incubator.enums.IncubationStage",
        "MilestoneStatusEnum": "incubator.enums.MilestoneStatus",
        "IncubationReportStateEnum": "incubator.enums.ReportState",
        "SupportKindEnum": "incubator.enums.SupportKind",
        "HonourEnum": "projects.enums.Honour",
    }
)
CELERY_BEAT_SCHEDULE.update(
    {
        "innovation-studio-report-reminders": {
            "task": "innovation.tasks.studio_report_reminders",
            "schedule": crontab(hour=8, minute=30),
        },
        "incubator-schedule-reports": {
            "task": "incubator.tasks.incubation_reports_schedule_all",
            "schedule": crontab(hour=1, minute=15),
        },
        "incubator-report-reminders": {
            "task": "incubator.tasks.incubation_report_reminders",
            "schedule": crontab(hour=8, minute=45),
        },
    }
)

# notifications
# Reminder offsets before a deadline, in hours; one reminder per offset and deadline.
NOTIFICATIONS_REVIEW_REMINDER_OFFSETS_HOURS = env.list(
    "NOTIFICATIONS_REVIEW_REMINDER_OFFSETS_HOURS", cast=int, default=[72, 24, 2]
)
NOTIFICATIONS_REGISTRATION_REMINDER_OFFSETS_HOURS = env.list(
    "NOTIFICATIONS_REGISTRATION_REMINDER_OFFSETS_HOURS", cast=int, default=[72, 24, 2]
)
# Staff "remind late reviewers now": at most one such reminder per reviewer and round per window.
NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS = env.int(
    "NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS", default=12
)
# Delivery: tries per notice, exponential backoff between them (60 s, 120 s, 240 s, ... capped).
# The cap stays far below the broker's visibility timeout (6 h), see the Celery section.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BACKOFF_SECONDS = env.float("NOTIFICATIONS_RETRY_BACKOFF_SECONDS", default=60)
NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS = env.float(
    "NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS", default=3600
)
# Notices per delivery message (one SMTP session each).
NOTIFICATIONS_DELIVERY_CHUNK = env.int("NOTIFICATIONS_DELIVERY_CHUNK", default=100)
# The sweep queues again a pending notice this long past its due time (its message was lost), and
# reclaims one left 'sending' this long (its worker died). The reclaim time is far above the time
# one send can take (EMAIL_TIMEOUT), so a live worker is never reclaimed from.
NOTIFICATIONS_SWEEP_GRACE_SECONDS = env.int("NOTIFICATIONS_SWEEP_GRACE_SECONDS", default=600)
NOTIFICATIONS_RECLAIM_AFTER_SECONDS = env.int("NOTIFICATIONS_RECLAIM_AFTER_SECONDS", default=900)
NOTIFICATIONS_TIME_ZONE = "Asia/Shanghai"
# How often beat runs the reminder scans and the sweep (seconds).
NOTIFICATIONS_SCAN_INTERVAL_SECONDS = env.int("NOTIFICATIONS_SCAN_INTERVAL_SECONDS", default=300)
NOTIFICATIONS_SWEEP_INTERVAL_SECONDS = env.int("NOTIFICATIONS_SWEEP_INTERVAL_SECONDS", default=60)
CELERY_BEAT_SCHEDULE.update(
    {
        "notifications-sweep": {
            "task": "notifications.tasks.sweep_notices",
            "schedule": timedelta(seconds=NOTIFICATIONS_SWEEP_INTERVAL_SECONDS),
        },
        "reviews-deadline-reminders": {
            "task": "reviews.tasks.scan_review_deadlines",
            "schedule": timedelta(seconds=NOTIFICATIONS_SCAN_INTERVAL_SECONDS),
        },
        "projects-registration-reminders": {
            "task": "projects.tasks.send_registration_reminders",
            "schedule": timedelta(seconds=NOTIFICATIONS_SCAN_INTERVAL_SECONDS),
        },
    }
)

# jobs (background jobs of long steps, see jobs/services.py and docs/scaling.md)
# A running job's worker refreshes its heartbeat this often; a job whose heartbeat is older than
# JOBS_STALE_AFTER_SECONDS is taken over (queued again) by the sweep or the next starting worker.
# The stale time must exceed the longest pause of a worker (a solver call holding the GIL).
JOBS_HEARTBEAT_SECONDS = env.float("JOBS_HEARTBEAT_SECONDS", default=5.0)
JOBS_STALE_AFTER_SECONDS = env.float("JOBS_STALE_AFTER_SECONDS", default=120.0)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=3)
CELERY_BEAT_SCHEDULE.update(
    {"jobs-sweep": {"task": "jobs.tasks.sweep_jobs", "schedule": timedelta(minutes=1)}}
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update({"JobStateEnum": "jobs.enums.JobState"})
# A read replica for lists, dashboards and exports (core/db_routers.py; docs/scaling.md).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
DATABASE_ROUTERS = ["core.db_routers.ReplicaRouter"]

# web (the pages: docs/web.md)
LOGIN_URL = "common:login"
LOGIN_REDIRECT_URL = "common:landing"
LOGOUT_REDIRECT_URL = "public:home"
# A password reset link is valid this long (seconds).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 60 * 60)
# Messages stored in the session, so a flash survives the redirect of a POST.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- publicity: the results notice (公示) and certificates ------------------------------------------
# The signed or sealed scan of an objection (PDF, JPEG or PNG; the attachment checks apply).
PUBLICITY_SCAN_MAX_BYTES = env.int("PUBLICITY_SCAN_MAX_BYTES", default=10 * 1024 * 1024)
# The anonymous objection form: attempts per client address and per notice, per hour; the
# shortest time a person takes to fill it in, and how long a rendered form stays valid.
PUBLICITY_OBJECTIONS_PER_IP_PER_HOUR = env.int("PUBLICITY_OBJECTIONS_PER_IP_PER_HOUR", default=10)
PUBLICITY_OBJECTIONS_PER_NOTICE_PER_HOUR = env.int(
    "PUBLICITY_OBJECTIONS_PER_NOTICE_PER_HOUR", default=100
)
# A JSON file with the official holiday arrangement of years that chinesecalendar does not carry
# yet (publicity/workdays.py says the format); empty: the package's years only.
PUBLICITY_HOLIDAY_SUPPLEMENT = env("PUBLICITY_HOLIDAY_SUPPLEMENT", default="")
PUBLICITY_FORM_MIN_SECONDS = env.int("PUBLICITY_FORM_MIN_SECONDS", default=5)
PUBLICITY_FORM_MAX_AGE_SECONDS = env.int("PUBLICITY_FORM_MAX_AGE_SECONDS", default=4 * 60 * 60)
PUBLICITY_MAIL_MAX_ATTEMPTS = env.int("PUBLICITY_MAIL_MAX_ATTEMPTS", default=5)
# Who signs the award certificates (printed on them).
CERTIFICATE_ISSUER = env("CERTIFICATE_ISSUER", default="十堰市总工会")
CELERY_BEAT_SCHEDULE.update(
    {
        "publicity-finalize-due-notices": {
            "task": "publicity.tasks.finalize_due_notices",
            "schedule": timedelta(minutes=5),
        },
        "publicity-sweep-objection-mails": {
            "task": "publicity.tasks.sweep_objection_mails",
            "schedule": timedelta(minutes=5),
            "options": {"queue": "notices"},
        },
    }
)
