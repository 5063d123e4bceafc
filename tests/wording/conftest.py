"""Fixtures shared by the wording tests."""

from tests.chatbot.conftest import published

__all__ = ["published"]
