from django.apps import AppConfig


class ChatbotConfig(AppConfig):
    """Conversations, the websocket consumers, reply tasks and the bot. Filled in by the live-chat
    issue; today it only owns the websocket routing table that asgi.py mounts."""

    name = "chatbot"
