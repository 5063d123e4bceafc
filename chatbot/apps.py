from django.apps import AppConfig


class ChatbotConfig(AppConfig):
    """Conversations, the websocket consumer, the reply task and the language models."""

    name = "chatbot"
