"""Test overrides on top of the one settings file."""

import os

# The tests' own namespace in Redis (queues, keys, channel groups), whatever database they use:
# a test run never takes an installation's tasks, nor leaves it any (servicedesk.settings).
os.environ.setdefault("SERVICEDESK_INSTANCE", "servicedesk-tests")

from servicedesk.settings import *  # noqa: F403

# Hashing with the production hasher would dominate the run time of tests that log in.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False

# Unit tests run reply tasks in-process with the scripted model; the end-to-end tests start real
# daphne and Celery processes with these switched back (tests/e2e/conftest.py).
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "true")  # noqa: F405
LLM_BACKEND = envstr("LLM_BACKEND", "fake")  # noqa: F405
CHAT_STREAM_INTERVAL_MS = envint("CHAT_STREAM_INTERVAL_MS", "0")  # noqa: F405
# The scripted model is tried on every turn kind; tests/wording checks the measured policy.
BOT_LLM_MIN_PASS_RATE = float(envstr("BOT_LLM_MIN_PASS_RATE", "0"))  # noqa: F405

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory, so the end-to-end tests' daphne and Celery processes see the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}  # noqa: F405

# Set by tests/e2e for the processes they start: point them at the test database.
if _e2e_db := os.environ.get("SERVICEDESK_E2E_DATABASE"):
    DATABASES["default"]["NAME"] = _e2e_db  # noqa: F405
