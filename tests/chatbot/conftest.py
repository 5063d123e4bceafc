"""Fixtures shared by the chatbot tests."""

from __future__ import annotations

from typing import Any

import pytest

from chatbot import events


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(events, "publish", lambda _conversation, event: sent.append(dict(event)))
    return sent
