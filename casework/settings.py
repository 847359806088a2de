"""Settings, read from the environment only (README.md, "Configuration", lists every variable).

Two modes:
- development (``DEBUG=1``, what ``make run`` and ``make test`` use): SQLite by default, Celery
  tasks run in process when ``REDIS_URL`` is unset, and local keys are generated under ``var/dev/``
  on first use (never committed: ``var/`` is ignored by git).
- production (``DEBUG`` unset or false): ``SECRET_KEY`` and the encryption keys are required and
  a missing, default or malformed value stops start-up with one line naming the variable.
"""

import base64
from pathlib import Path

import environ
from celery.schedules import crontab

from casework.crypto.keyring import KeyRingError, dev_secret, load_keyring_settings, new_key_b64
from casework.startup import ConfigurationError, fail_startup

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_DIR = BASE_DIR / "var" / "dev"

env = environ.Env()


def _read(name, default=None):
    """A variable's value, or the content of the file named by NAME_FILE (for secrets)."""
    file_var = f"{name}_FILE"
    if file_var in env:
        path = Path(env.str(file_var))
        try:
            return path.read_text().strip()
        except OSError as exc:
            raise ConfigurationError(file_var, f"cannot read {path}: {exc.strerror}") from None
    return env.str(name, default=default)


def _bool(name, default):
    # Strict: django-environ reads any unknown word ("maybe") as false without a word.
    value = env.str(name, default="").strip().lower()
    if not value:
        return default
    if value not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
        raise ConfigurationError(name, "expected true/false, 1/0, yes/no")
    return value in ("1", "true", "yes", "on")


def _int(name, default):
    try:
        return env.int(name, default=default)
    except ValueError:
        raise ConfigurationError(name, "expected an integer") from None


try:
    DEBUG = _bool("DEBUG", False)

    _INSECURE_SECRET = "django-insecure-development-only-never-use-in-production"
    SECRET_KEY = _read("SECRET_KEY", default=_INSECURE_SECRET if DEBUG else None)
    if not SECRET_KEY:
        raise ConfigurationError("SECRET_KEY", "required in production (set it or SECRET_KEY_FILE)")
    if not DEBUG and (SECRET_KEY == _INSECURE_SECRET or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 32):
        raise ConfigurationError("SECRET_KEY", "the development default or a short value is refused in production")

    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
    if not DEBUG and not ALLOWED_HOSTS:
        raise ConfigurationError("ALLOWED_HOSTS", "required in production (comma-separated host names)")

    if not env.str("DATABASE_URL", default="sqlite://").startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ConfigurationError("DATABASE_URL", "only postgres:// and sqlite:// are supported")
    try:
        DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
    except (environ.ImproperlyConfigured, ValueError, KeyError) as exc:
        raise ConfigurationError("DATABASE_URL", f"not a database URL ({exc.__class__.__name__})") from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions take the write lock at BEGIN, so two writers of the audit chain
        # queue instead of failing halfway with "database is locked".
        DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        if not DATABASES["default"].get("NAME"):
            raise ConfigurationError("DATABASE_URL", "names no database (postgres://user@host:5432/NAME)")
        DATABASES["default"]["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", 60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    else:
        raise ConfigurationError("DATABASE_URL", "only postgres:// and sqlite:// are supported")

    REDIS_URL = env.str("REDIS_URL", default="")
    if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError("REDIS_URL", "expected redis://host:port/db")

    # Encryption keys (casework.crypto): a key ring of AES-256 master keys, newest first, and a
    # separate HMAC key for the blind indexes.
    try:
        CASEWORK_KEYRING = load_keyring_settings(_read, debug=DEBUG, dev_dir=DEV_DIR)
    except KeyRingError as exc:
        raise ConfigurationError(exc.variable, exc.reason) from None

    # Audit checkpoints (audit.checkpoints): where signed chain heads are written, outside the database.
    AUDIT_CHECKPOINT_DIR = Path(env.str("AUDIT_CHECKPOINT_DIR", default=str(BASE_DIR / "var" / "audit-checkpoints")))
    # Ed25519 private key (base64 of the 32 raw bytes) that signs the checkpoints; the
    # database never holds it, so whoever can edit the database cannot forge a checkpoint.
    AUDIT_SIGNING_KEY = _read("AUDIT_SIGNING_KEY", default=None)
    if not AUDIT_SIGNING_KEY:
        if not DEBUG:
            raise ConfigurationError("AUDIT_SIGNING_KEY", "required in production (base64 Ed25519 private key, or AUDIT_SIGNING_KEY_FILE)")
        AUDIT_SIGNING_KEY = dev_secret(DEV_DIR, "audit_signing_key", new_key_b64)
    try:
        if len(base64.b64decode(AUDIT_SIGNING_KEY, validate=True)) != 32:
            raise ValueError
    except ValueError:  # binascii.Error (not base64) is a ValueError too
        raise ConfigurationError("AUDIT_SIGNING_KEY", "expected base64 of a 32-byte Ed25519 private key") from None

    AXES_FAILURE_LIMIT = _int("AXES_FAILURE_LIMIT", 5)  # django-axes, below
    INDICATOR_SUPPRESSION_K = _int("INDICATOR_SUPPRESSION_K", 5)
    if INDICATOR_SUPPRESSION_K < 1:
        raise ConfigurationError("INDICATOR_SUPPRESSION_K", "must be 1 or more")

    SECURE_COOKIES = _bool("SECURE_COOKIES", not DEBUG)

    # Two-factor authentication (TOTP): required for every account in production; in
    # development it is asked only of accounts that enrolled a device.
    CASEWORK_REQUIRE_2FA = _bool("CASEWORK_REQUIRE_2FA", not DEBUG)

    # Closed cases are purged (rows and history) this many days after closing.
    CASEWORK_RETENTION_DAYS = _int("CASEWORK_RETENTION_DAYS", 5 * 365)
    if CASEWORK_RETENTION_DAYS < 30:
        raise ConfigurationError("CASEWORK_RETENTION_DAYS", "must be at least 30 days")
except ConfigurationError as exc:
    fail_startup(exc)


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "casework",
    "audit",
    "victims",
    "detainees",
    "radicalisation",
    "casework.plan",
    # Capability apps (casework/<app>/): they import the core, the core never imports them.
    "casework.notifications",
    "casework.agenda",
    "casework.partners",
    "casework.contacts",
    "casework.documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "casework.middleware.TwoFactorMiddleware",
    "casework.middleware.PasswordChangeRequiredMiddleware",  # separation of duties (issue 8)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "casework.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "casework.urls"
WSGI_APPLICATION = "casework.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casework.context_processors.workspaces",
            ],
        },
    },
]

# Django's form renderer, with selects written in Python (casework/rendering.py: rendering
# their options through templates was a quarter of the filter pages' rendering time).
FORM_RENDERER = "casework.rendering.FormRenderer"

AUTH_USER_MODEL = "auth.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Guardian is installed for its object-permission tables and shortcuts; access checks go
    # through casework.access, never through user.has_perm(obj), so no backend is needed
    # here and no superuser shortcut can open a case.
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock an account+address pair after repeated failures.
# AXES_FAILURE_LIMIT is read above, inside the block where a bad value fails start-up cleanly.
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Casework Molenbeek"

SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# django-csp: every asset is ours, so nothing but 'self' is allowed; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when serving from finders

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches hold nothing personal (only axes counters and similar); local memory is enough for
# one process and Redis is used when configured so that several app hosts share lock-outs.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery (casework/celery.py). Without REDIS_URL tasks run eagerly in the calling process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
# Visibility timeout longer than the longest task, so acks_late never re-delivers a running task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
CELERY_TIMEZONE = TIME_ZONE
# Periodic work (run by `celery beat`; each task calls a service and holds no logic itself).
CELERY_BEAT_SCHEDULE = {
    "audit-checkpoint": {"task": "audit.write_checkpoint", "schedule": crontab(minute="*/10")},
    "audit-verify": {"task": "audit.verify_chain", "schedule": crontab(hour=2, minute=15)},
    "audit-anomalies": {"task": "audit.detect_anomalies", "schedule": crontab(hour=3, minute=0)},
    "indicators-nightly": {"task": "plan.compute_indicators_current_year", "schedule": crontab(hour=1, minute=30)},
    "retention-purge": {"task": "casework.purge_expired_cases", "schedule": crontab(hour=4, minute=0)},
}

SIMPLE_HISTORY_REVERT_DISABLED = True
# Guardian: no "AnonymousUser" row; object permissions only for real accounts.
ANONYMOUS_USER_NAME = None
GUARDIAN_AUTO_PREFETCH = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_control_chars": {"()": "casework.logging.ControlCharFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_control_chars"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The request logger would print the URL and, on errors, a traceback with local values.
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.db.backends": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # axes logs every successful login with the username at INFO; the audit log has it.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}


# Tracebacks (debug page, admin e-mails) never show local variables or POST data: they hold
# decrypted values while a case is being rendered.
DEFAULT_EXCEPTION_REPORTER_FILTER = "casework.errors.ConfidentialExceptionReporterFilter"
CSRF_FAILURE_VIEW = "casework.views.errors.csrf_failure"
# Guardian's backend is deliberately not installed (see AUTHENTICATION_BACKENDS).
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]


# --- Integrity (issue 8: second factor, case integrity, audit trail, deployment) ----------
try:
    # Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated): the
    # client address of audit events and of the lock-out (audit.services.client_ip).
    TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
    for _proxy in TRUSTED_PROXIES:
        try:
            __import__("ipaddress").ip_network(_proxy, strict=False)
        except ValueError:
            raise ConfigurationError("TRUSTED_PROXIES", "expected IP addresses or networks, comma-separated") from None
    # verify_audit exits 2 when events older than this are covered by no signed checkpoint.
    AUDIT_CHECKPOINT_MAX_AGE_MINUTES = _int("AUDIT_CHECKPOINT_MAX_AGE_MINUTES", 30)
    if AUDIT_CHECKPOINT_MAX_AGE_MINUTES < 1:
        raise ConfigurationError("AUDIT_CHECKPOINT_MAX_AGE_MINUTES", "must be 1 or more")
    # A signed-in session unused this long ends (casework.middleware.IdleTimeoutMiddleware).
    CASEWORK_IDLE_TIMEOUT_MINUTES = _int("CASEWORK_IDLE_TIMEOUT_MINUTES", 30)
    if CASEWORK_IDLE_TIMEOUT_MINUTES < 1:
        raise ConfigurationError("CASEWORK_IDLE_TIMEOUT_MINUTES", "must be 1 or more")
    # HTTPS (`manage.py check --deploy` is clean in production): every plain-HTTP request is
    # redirected (the proxy sets X-Forwarded-Proto, SECURE_PROXY_SSL_HEADER above); a set-up
    # whose proxy already redirects, or a plain-HTTP test rig, turns it off explicitly with 0.
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", not DEBUG)
    # Browsers remember to use HTTPS only for this many seconds (one year in production).
    SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
    if SECURE_HSTS_SECONDS < 0:
        raise ConfigurationError("SECURE_HSTS_SECONDS", "must be 0 (off) or more")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # The "preload" directive only allows the domain to be submitted to the browsers' preload
    # list (hstspreload.org accepts registrable domains only, not the app's host name).
    SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", True)
    # The owner role that `migrate` connects as (docs/database-roles.sql); the app's own
    # DATABASE_URL role then owns nothing. PostgreSQL only; unset: migrate uses DATABASE_URL.
    DATABASE_MIGRATION = None
    _migration_url = _read("DATABASE_MIGRATION_URL", default="")
    if _migration_url:
        if not _migration_url.startswith(("postgres://", "postgresql://")) or DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise ConfigurationError("DATABASE_MIGRATION_URL", "only with PostgreSQL: postgres://owner:…@host:5432/db")
        try:
            DATABASE_MIGRATION = environ.Env.db_url_config(_migration_url)
        except (environ.ImproperlyConfigured, ValueError, KeyError) as exc:
            raise ConfigurationError("DATABASE_MIGRATION_URL", f"not a database URL ({exc.__class__.__name__})") from None
        if DATABASE_MIGRATION.get("NAME") != DATABASES["default"]["NAME"]:
            raise ConfigurationError("DATABASE_MIGRATION_URL", "must name the same database as DATABASE_URL")
except ConfigurationError as exc:
    fail_startup(exc)
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"
# The load balancer's health probe may speak plain HTTP to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
MIDDLEWARE.insert(MIDDLEWARE.index("django_otp.middleware.OTPMiddleware"), "casework.middleware.IdleTimeoutMiddleware")
# --- lists (issue 13, language): Belgian formats in French, Dutch and English alike ----------
# dd/mm/yyyy dates and 24-hour times whatever the interface language (casework/formats/).
FORMAT_MODULE_PATH = ["casework.formats"]
# --- Separation of duties (issue 8; docs/decisions/0005-role-approval.md) ---
# Anomaly rule ``role_then_reads``: case reads by an account within this many hours of a role
# being granted to it.
AUDIT_ROLE_READS_HOURS = env.int("AUDIT_ROLE_READS_HOURS", default=24)
# Production mode, fixed when settings load (test runners switch DEBUG off at run time, this
# stays): seed_demo refuses to run in it.
CASEWORK_PRODUCTION = not DEBUG
# --- Agenda and notifications (casework/agenda, casework/notifications) ----------------------
try:
    # How long an emergency access ("break the glass") lets a worker read the file and record a session.
    CASEWORK_EMERGENCY_MINUTES = _int("CASEWORK_EMERGENCY_MINUTES", 60)
    # The optional e-mail digest ("you have N new notifications"; nothing else in the message).
    CASEWORK_NOTIFICATION_DIGEST = _bool("CASEWORK_NOTIFICATION_DIGEST", False)
    # Notifications read longer ago than this are deleted nightly (unread ones are kept).
    CASEWORK_NOTIFICATION_RETENTION_DAYS = _int("CASEWORK_NOTIFICATION_RETENTION_DAYS", 180)
    if CASEWORK_NOTIFICATION_RETENTION_DAYS < 1:
        raise ConfigurationError("CASEWORK_NOTIFICATION_RETENTION_DAYS", "must be at least 1")
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend" if DEBUG
                            else "django.core.mail.backends.smtp.EmailBackend")
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = _int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = _read("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = _bool("EMAIL_USE_TLS", False)
    DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="casework@localhost")
except ConfigurationError as exc:
    fail_startup(exc)
CELERY_BEAT_SCHEDULE.update({
    "agenda-overdue-follow-ups": {"task": "agenda.notify_overdue_follow_ups", "schedule": crontab(hour=6, minute=30)},
    "notifications-digest": {"task": "notifications.send_digests", "schedule": crontab(hour=7, minute=0)},
    "notifications-purge-read": {"task": "notifications.purge_read", "schedule": crontab(hour=4, minute=15)},
})
# --- Documents (casework/documents): encrypted attachments, stored outside the database ---
# CASEWORK_DOCUMENT_STORAGE: a directory path (default var/documents) or s3://bucket[/prefix]
# for any S3-compatible object store (django-storages + boto3; credentials and endpoint from
# the usual AWS_* variables, e.g. AWS_S3_ENDPOINT_URL for a non-Amazon store). Only
# ciphertext is ever written there (docs/decisions/0012-documents.md).
CASEWORK_DOCUMENT_MAX_MB = env.int("CASEWORK_DOCUMENT_MAX_MB", default=20)
if not 1 <= CASEWORK_DOCUMENT_MAX_MB <= 2048:
    raise ConfigurationError("CASEWORK_DOCUMENT_MAX_MB", "must be between 1 and 2048")
_document_storage = env.str("CASEWORK_DOCUMENT_STORAGE", default=str(BASE_DIR / "var" / "documents"))
if _document_storage.startswith("s3://"):
    _bucket, _, _prefix = _document_storage.removeprefix("s3://").partition("/")
    STORAGES["documents"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": _bucket, "location": _prefix.strip("/"), "file_overwrite": False, "default_acl": None,
        "querystring_auth": True, "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
    }}
elif "://" in _document_storage:
    raise ConfigurationError("CASEWORK_DOCUMENT_STORAGE", "a directory path or s3://bucket[/prefix]")
else:
    STORAGES["documents"] = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {
        "location": _document_storage, "base_url": None,
        "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700,
    }}
CELERY_BEAT_SCHEDULE["documents-sweep"] = {"task": "documents.sweep_orphan_blobs", "schedule": crontab(hour=4, minute=30)}
# Uploads stay in memory (never a temporary file in clear) up to the size limit.
FILE_UPLOAD_HANDLERS = ["casework.documents.uploads.MemoryOnlyUploadHandler"]
