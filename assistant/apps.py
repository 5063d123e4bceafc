from django.apps import AppConfig


class AssistantConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assistant"
    verbose_name = "Assistant"

    def ready(self) -> None:
        from chatbot import services

        services.reply_starter_register(_start_reply)


def _start_reply(message_id: int) -> None:
    # Imported when first needed: the tasks load the assistant's models, which a web process
    # only needs once a customer writes.
    from assistant.tasks import reply_generate_task

    reply_generate_task.delay(message_id)
