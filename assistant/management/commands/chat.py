"""`manage.py chat`: talk to the assistant from a terminal, as a signed-in customer or a guest.

One message per call, so a script (or a person trying a shop's data) can hold a conversation:

    python manage.py chat --customer mei.chen@example.net --say "return the lamp from #W2001001"
    python manage.py chat --conversation <id printed above> --yes

Each call prints the reply, its buttons and chips, and the conversation's id. Unlike
`eval_bot`, nothing is rolled back: what the customer confirms happens to the database.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from assistant.evaluation import QUIET_CHANNELS
from assistant.flows.state import DialogueState
from assistant.replies import pipeline as replies
from chatbot import services
from chatbot.models import Conversation, Message, MessageRole
from orders.models import Customer


class Command(BaseCommand):
    help = "Send one message to the assistant and print its reply (changes are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customer", help="signed in as this email (default: a guest)")
        parser.add_argument("--conversation", help="go on with this conversation's id")
        parser.add_argument("--say", help="the message")
        parser.add_argument("--yes", action="store_true", help="press the pending Yes button")
        parser.add_argument("--no", action="store_true", help="press the pending No button")
        parser.add_argument(
            "--llm", action="store_true", help="leave BOT_LLM_MODE as configured (default: off)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if sum(bool(options[k]) for k in ("say", "yes", "no")) != 1:
            raise CommandError("give exactly one of --say TEXT, --yes and --no")
        overrides: dict[str, Any] = {"CHANNEL_LAYERS": QUIET_CHANNELS}
        if not options["llm"]:
            overrides["BOT_LLM_MODE"] = "off"
        with override_settings(**overrides):
            conversation = self._conversation(options)
            action = None
            text = options["say"] or ("yes" if options["yes"] else "no")
            if options["yes"] or options["no"]:
                pending = DialogueState.load(conversation.bot_state).pending
                if pending is None:
                    raise CommandError("no confirmation is waiting in this conversation")
                action = {"confirm": pending.id, "answer": "yes" if options["yes"] else "no"}
            try:
                question, _ = services.message_post_customer(
                    conversation_id=conversation.pk, text=text, action=action
                )
            except services.ChatInputError as error:
                raise CommandError(f"message refused: {error.code}") from error
            reply = replies.reply_generate(customer_message_id=question.pk)
        self.stdout.write(f"conversation {conversation.pk}")
        if reply is None:
            self.stdout.write("(no reply: a person has the chat)")
            return
        reply.refresh_from_db()
        self.stdout.write(f"assistant: {reply.text}")
        for attachment in reply.metadata.get("attachments") or []:
            kind = attachment.get("type")
            if kind == "confirm":
                self.stdout.write(f"  [buttons] {attachment.get('yes')} / {attachment.get('no')}")
            elif kind == "quick_replies":
                self.stdout.write("  [chips] " + " | ".join(attachment.get("options") or []))
            elif kind == "links":
                labels = [link.get("title", "") for link in attachment.get("items") or []]
                self.stdout.write("  [links] " + " | ".join(labels))
            elif kind == "products":
                names = [item.get("name", "") for item in attachment.get("items") or []]
                self.stdout.write("  [products] " + " | ".join(names))
        # What the widget shows after the reply: the handoff notice, "nobody is online"…
        for line in Message.objects.filter(
            conversation=conversation, role=MessageRole.SYSTEM, seq__gt=reply.seq
        ).order_by("seq"):
            self.stdout.write(f"  [notice] {line.text}")

    def _conversation(self, options: dict[str, Any]) -> Conversation:
        if options["conversation"]:
            try:
                return Conversation.objects.get(pk=uuid.UUID(options["conversation"]))
            except (ValueError, Conversation.DoesNotExist) as error:
                raise CommandError(f"no conversation {options['conversation']}") from error
        customer = None
        if options["customer"]:
            customer = Customer.objects.filter(email__iexact=options["customer"]).first()
            if customer is None:
                raise CommandError(f"no customer {options['customer']}")
        return services.conversation_start_or_resume(customer=customer, resume=None)
