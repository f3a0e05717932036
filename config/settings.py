"""Settings come from the environment only (DESIGN.md "Shape")."""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    # Never a random per-process key (sessions and password-reset links would break between processes) and never
    # a publicly known one outside DEBUG: `make run` sets DJANGO_DEBUG=1 and its own dev key, tests use
    # config/settings_test.py, production sets the variable.
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY 未设置：关闭 DEBUG 时必须设置密钥（见 README「Running in production」）。")
    SECRET_KEY = "insecure-debug-only-key-never-used-in-production"  # noqa: S105
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "guardian",
    "django_celery_beat",
    "axes",
    "csp",
    "config.apps.PortalConfig",  # input bounds (config/inputs.py)
    "jurisdictions",
    "teams",
    "attendance",
    "leave",
    "subsidies",
    "funds",
    "reports",
    "assessment",
]

MIDDLEWARE = [
    "jurisdictions.reference_cache.RequestStampMiddleware",  # where a request begins and ends (policy/calendar cache)
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.security.PermissionsPolicyMiddleware",
    "config.security.RejectNulMiddleware",
    "jurisdictions.middleware.PortalErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the Chinese 429 (config.security.lockout_response)
]
# The chain of an API request that carries a token and no cookie (config/wsgi.py, issue 15): MIDDLEWARE less what
# only a browser session, a form or an HTML page needs. In MIDDLEWARE's order (tests/test_wsgi.py checks it).
API_TOKEN_MIDDLEWARE = [
    "jurisdictions.reference_cache.RequestStampMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.security.RejectNulMiddleware",
]

ROOT_URLCONF = "config.urls"
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
                "jurisdictions.context_processors.portal",
            ],
        },
    },
]
WSGI_APPLICATION = "config.wsgi.application"

# Persistent connections only under a real WSGI server (gunicorn: a fixed number of worker processes). `runserver`
# starts a thread per request and each thread would keep its own idle connection ("too many clients").
# In production put PgBouncer (transaction pooling) in front of PostgreSQL when workers × threads grow (README).
RUNSERVER = len(sys.argv) > 1 and sys.argv[1] == "runserver"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0 if RUNSERVER else int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# the statements every request runs are prepared once per kept connection (config/prepared.py); 0 behind a pooler that
# moves or resets server connections (PgBouncer in transaction mode, RDS Proxy), with DB_CONN_MAX_AGE=0
DB_PREPARED_STATEMENTS = os.environ.get("DB_PREPARED_STATEMENTS", "1") != "0"
# Several test runs may share one PostgreSQL server (CI, developers in parallel).
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "jurisdictions.User"

AUTHENTICATION_BACKENDS = [
    "config.security.LockoutBackend",  # django-axes, first: refuses a locked-out username+address before any password check
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Django's full set; messages are Django's own zh-hans translations (services validate under zh-hans).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "display_name", "email")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
# The portal speaks Chinese only: a phone set to English still gets Chinese messages (DRF's included), and the
# locale middleware matches Accept-Language against one language, not Django's hundred (issue 15: every request).
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
# Without a broker, tasks run in-process so `make run` works with nothing else installed.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# issue 14, faults: a task is acknowledged only after it finished; a worker killed mid-task (kill -9, OOM) leaves
# its message unacknowledged, and Redis hands it out again after the visibility timeout. A pool child lost under a
# live worker is rejected and requeued at once. Every task is idempotent (a run skips cadres with a statement).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # with late acks a prefetched message would wait behind a long run
# Longer than the longest run or report (minutes at 50,000 cadres), else a running task is handed out twice (harmless
# but wasted: the month lock serializes them); a killed worker's run resumes at most this long after it started.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "1800"))}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for Redis to come back rather than exiting
# A Redis restart loses the messages (no persistence is assumed): a task under way keeps running to its end.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Cadres per chunk of the allowance run (read, computed and written per transaction; subsidies.services.CHUNK when unset).
SUBSIDY_RUN_CHUNK = int(os.environ.get("SUBSIDY_RUN_CHUNK", "0")) or None
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Scheduled work is declared here, in code (beat copies it into its table).
CELERY_BEAT_SCHEDULE: dict = {
    "calendar-coverage-check": {
        "task": "jurisdictions.tasks.check_calendar_coverage",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
    # issue 12: each jurisdiction's monthly report for the month before, on the 1st
    "monthly-reports": {
        "task": "reports.tasks.monthly_reports_beat",
        "schedule": crontab(minute=30, hour=1, day_of_month=1),
    },
    "duty-digests": {  # issue 13: one reminder digest per person per day
        "task": "attendance.tasks.send_duty_digests",
        "schedule": crontab(minute=30, hour=7),
    },
    # issue 14: runs and reports whose message was lost (a Redis restart) are queued again; duplicates change nothing
    "requeue-stalled-runs": {"task": "subsidies.tasks.requeue_stalled_runs", "schedule": crontab(minute="*/15")},
    "requeue-stalled-reports": {"task": "reports.tasks.requeue_stalled_reports", "schedule": crontab(minute="*/15")},
}

# Absolute links in emails (e.g. https://zhucun.example.gov.cn); pages use relative links.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "")
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@zhucuntong.local")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "jurisdictions.api_common.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "jurisdictions.api_schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "jurisdictions.api_common.exception_handler",
    # auth/token/ has its own scopes (config.security); the public board and others may add theirs.
    "DEFAULT_THROTTLE_RATES": {
        "token_ip": os.environ.get("DJANGO_TOKEN_RATE_IP", "30/min"),
        "token_username": os.environ.get("DJANGO_TOKEN_RATE_USER", "10/min"),
        "login_ip": os.environ.get("DJANGO_LOGIN_RATE_IP", "30/min"),
        "public_board": os.environ.get("DJANGO_PUBLIC_BOARD_RATE", "60/min"),
    },
    "NUM_PROXIES": int(os.environ.get("DJANGO_PROXY_COUNT", "0")) or None,
    "DATE_FORMAT": "%Y-%m-%d",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "驻村通 API",
    "DESCRIPTION": "驻村第一书记和驻村工作队管理平台 (/api/v1/)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # the schema (issue 14): one shared error component on every operation, named choice sets
    "ENUM_NAME_OVERRIDES": {
        "AttendanceStatusEnum": "attendance.models.Status",
        "InspectionLevelEnum": "attendance.models.Inspection.Level",
        "DiaryKindEnum": "attendance.models.DiaryEntry.Kind",
        "DutyKindEnum": "attendance.models.DutyKind",
        "CadreCategoryEnum": "teams.models.Cadre.Category",
        "TeamKindEnum": "teams.models.Team.Kind",
        "MembershipRoleEnum": "teams.models.Membership.Role",
        "RoleEnum": "jurisdictions.models.Role",
        "JurisdictionLevelEnum": "jurisdictions.models.Jurisdiction.Level",
        "DispatchLevelEnum": "jurisdictions.models.DispatchUnit.Level",
        "LeaveKindEnum": "leave.models.LeaveRequest.Kind",
        "FundsCategoryEnum": "funds.models.Category",
        "FundsSourceEnum": "funds.models.Source",
        "EndKindEnum": "teams.models.Membership.EndKind",
        "OrgUnitKindEnum": "jurisdictions.models.OrgUnit.Kind",
    },
}

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

# --- Security (issue 14) -------------------------------------------------------------------------------------
# Behind HTTPS in production set DJANGO_SECURE_COOKIES=1 (`make run` serves plain HTTP on 127.0.0.1): cookies only
# over HTTPS, HTTP redirected to HTTPS, HSTS. Behind a proxy that terminates TLS set DJANGO_PROXY_COUNT=1 so that
# X-Forwarded-Proto and X-Forwarded-For are trusted (the proxy must overwrite, not append, those headers).
HTTPS = env_bool("DJANGO_SECURE_COOKIES", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600))) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Lockout (django-axes): a username is locked after AXES_FAILURE_LIMIT failures *from one address*, for the
# cool-off; other users behind the same township address still get in. An address trying many usernames is
# throttled separately (login_ip / token_ip rates above). Failures live in the database (tests roll them back).
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PROXY_COUNT else ["REMOTE_ADDR"]

# API tokens expire (hours); POST /api/v1/auth/sign-out-everywhere/ ends every token and session of a user.
API_TOKEN_LIFETIME = timedelta(hours=int(os.environ.get("DJANGO_TOKEN_LIFETIME_HOURS", "12")))
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0] = "config.security.ExpiringTokenAuthentication"

# Content-Security-Policy: scripts only from the portal itself (no inline scripts, no inline handlers, no eval).
# Inline style attributes are still allowed (templates and htmx use them); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Bounds on input (config/inputs.py): every date in the API and on pages, every money amount (2 decimal places).
PORTAL_DATE_MIN = os.environ.get("DJANGO_DATE_MIN", "1900-01-01")  # birth dates are the earliest the portal keeps
PORTAL_DATE_MAX = os.environ.get("DJANGO_DATE_MAX", "2099-12-31")
PORTAL_AMOUNT_MAX = os.environ.get("DJANGO_AMOUNT_MAX", "10000000.00")  # 1,000万元: above any allowance or fund
# Permissions-Policy: no powerful feature anywhere, geolocation only on the pages named here (check-in).
PERMISSIONS_POLICY_GEOLOCATION_URL_NAMES = ["attendance-check-in"]
# ------------------------------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
