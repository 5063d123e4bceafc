from django.apps import AppConfig


class DeskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "desk"
    verbose_name = "Agent desk"

    def ready(self) -> None:
        from chatbot import staff
        from desk.services import StaffDesk

        staff.register(StaffDesk())
