from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from servicedesk import settings as settings_module
from servicedesk.celery import app


def test_envbool_rejects_a_value_that_is_not_a_boolean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be true or false"):
        settings_module.envbool("SOME_FLAG", "false")


def test_envint_rejects_a_value_that_is_not_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_NUMBER", "ten")

    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer"):
        settings_module.envint("SOME_NUMBER", "1")


def test_an_empty_variable_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_NUMBER", "")

    assert settings_module.envint("SOME_NUMBER", "7") == 7


def test_celery_never_loses_a_task() -> None:
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options == {
        "visibility_timeout": 600,
        # Every broker key under this installation's name (tests: their own).
        "global_keyprefix": f"{settings.SERVICEDESK_INSTANCE}:",
    }
    assert settings.SERVICEDESK_INSTANCE == "servicedesk-tests"
    # The sweep that answers whatever a lost task left owed runs on beat.
    assert conf.beat_schedule["sweep-unanswered-messages"]["task"] == "chatbot.reply_sweep_task"
    assert conf.task_time_limit == 180
    assert conf.worker_proc_alive_timeout >= 60  # time to load the model in a new process
    assert conf.broker_url == settings.REDIS_URL


def test_the_channel_layer_has_an_explicit_pool_size() -> None:
    layer: dict[str, Any] = settings.CHANNEL_LAYERS["default"]
    assert layer["BACKEND"] == "servicedesk.channel_layer.RedisChannelLayer"  # a waiting pool
    assert layer["CONFIG"]["hosts"][0]["max_connections"] == 100
    assert layer["CONFIG"]["capacity"] == 20000
    assert layer["CONFIG"]["prefix"] == f"asgi.{settings.SERVICEDESK_INSTANCE}:"
    # An idle websocket must not time out its blocking read (redis-py 8 would, after 5 s).
    assert layer["CONFIG"]["hosts"][0]["socket_timeout"] is None
    assert settings.ASGI_APPLICATION == "servicedesk.asgi.application"


def test_every_setting_read_from_the_environment_is_in_env_example() -> None:
    import re
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    read = set(
        re.findall(
            r'env(?:str|bool|int|list|decimal)\("([A-Z_]+)"',
            (root / "servicedesk/settings.py").read_text(),
        )
    )
    read |= {"SECRET_KEY", "HOST", "PORT", "CELERY_CONCURRENCY"}
    listed = set(re.findall(r"^([A-Z_]+)=", (root / ".env.example").read_text(), re.M))
    assert read <= listed, read - listed
