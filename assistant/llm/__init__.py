"""The language model behind a small typed interface, chosen by `settings.LLM_BACKEND` the way
Django chooses an email backend. See `base.py`."""

from assistant.llm.base import (
    ChatMessage,
    GenerationSettings,
    LLMBackend,
    LLMError,
    LLMTimeout,
    generation_settings,
    get_backend,
    reset_backend,
)

__all__ = [
    "ChatMessage",
    "GenerationSettings",
    "LLMBackend",
    "LLMError",
    "LLMTimeout",
    "generation_settings",
    "get_backend",
    "reset_backend",
]
