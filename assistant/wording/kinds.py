"""Kinds of turns, for deciding where the model may word a reply and for reporting how often its
wording passes the gate: the intent the dialogue manager answered, grouped."""

from __future__ import annotations

from assistant.replies.turn import Turn

GROUPS = {
    "greeting": "greeting",
    "thanks": "greeting",
    "goodbye": "greeting",
    "small_talk": "small_talk",
    "out_of_scope": "small_talk",
    "order_status": "status",
    "track_shipment": "status",
    "help_center": "help_center",
    "shipping_info": "help_center",
    "payment_issue": "help_center",
    "account": "help_center",
    "product_question": "products",
    "product_recommendation": "products",
    "product_refine": "products",
    "complaint": "apology",
    "human_agent": "handoff",
}


def kind_of(intent: str, draft: str) -> str:
    """The group of an intent; a draft that only asks the customer something is `clarify`."""
    group = GROUPS.get(intent, "action" if intent else "other")
    if group in ("action", "other") and draft.rstrip().endswith(("?", "？")):
        return "clarify"
    return group


def turn_kind(turn: Turn) -> str:
    return kind_of(turn.intent, turn.text)
