"""What the assistant remembers between turns of one conversation, stored as JSON on the
conversation (`Conversation.bot_state`) and read and written under the conversation's row lock.

Nothing here is trusted from the customer: the verified customer is a foreign key on the
conversation, set by `chatbot.services.conversation_verify`; this state only holds the order in
focus, the task being filled in, and the confirmation waiting for a yes."""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

CONFIRMATION_TTL_S = 10 * 60  # a confirmation left unanswered for 10 minutes expires


@dataclass
class Pending:
    """An action that changes data, described to the customer, waiting for their yes. Bound to
    this conversation (it lives in its state), to one order and to one action."""

    action: str  # "cancel", "swap", "address", "payment", "return", "place_order", ...
    order: str | None
    params: dict[str, Any]
    id: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    expires_at: float = field(default_factory=lambda: time.time() + CONFIRMATION_TTL_S)

    def expired(self, now: float | None = None) -> bool:
        return (now or time.time()) > self.expires_at


@dataclass
class Task:
    """A request being filled in over several turns: which slot the last reply asked for."""

    name: str  # the same names as Pending.action
    order: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    asking: str | None = None  # the slot the last reply asked the customer for


@dataclass
class DialogueState:
    focus_order: str | None = None  # the order "it" means
    listed_orders: list[str] = field(default_factory=list)  # the orders last shown, in order
    asked_which: bool = False  # the last reply asked which of `listed_orders` was meant
    asked_text: str | None = None  # the request that asked it, read again with the answer
    shown_products: list[int] = field(default_factory=list)  # the products last recommended
    last_query: str | None = None  # the last recommendation request, to narrow it
    task: Task | None = None
    pending: Pending | None = None
    agenda: list[str] = field(default_factory=list)  # later parts of a multi-request message
    last_intent: str | None = None  # what "and the other one?" asks again
    not_sure_streak: int = 0
    verify_failures: int = 0
    verify_locked: bool = False
    # Identity details a guest gave so far (an email without an order number yet, ...).
    verify_given: dict[str, str] = field(default_factory=dict)
    resume_text: str | None = None  # the request to come back to once the guest is verified
    failures: dict[str, int] = field(default_factory=dict)  # failed attempts per action

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> DialogueState:
        data = dict(data or {})
        task = data.pop("task", None)
        pending = data.pop("pending", None)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        state = cls(**known)
        state.task = Task(**task) if isinstance(task, dict) else None
        state.pending = Pending(**pending) if isinstance(pending, dict) else None
        return state

    def dump(self) -> dict[str, Any]:
        return asdict(self)
