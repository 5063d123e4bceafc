from django.apps import AppConfig


class DeskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "desk"
    verbose_name = "Agent desk"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from chatbot import staff
        from desk import events
        from desk.models import CannedResponse
        from desk.services import StaffDesk

        staff.register(StaffDesk())
        # A canned response added or edited in the console reaches open desks without a reload.
        post_save.connect(events.canned_changed_signal, sender=CannedResponse)
        post_delete.connect(events.canned_changed_signal, sender=CannedResponse)
