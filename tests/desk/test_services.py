"""The desk's state machine and queue (desk.services), given / when / then."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.utils import timezone

from chatbot import services as chat_services
from chatbot.models import (
    CONVERSATION_TRANSITIONS,
    Conversation,
    ConversationStatus,
    Message,
    MessageRole,
)
from desk import selectors, services
from desk.hours import hours_open, hours_parse
from desk.models import AgentProfile, CannedResponse, ConversationEvent, Note, Presence
from orders.models import Customer, OrderStatus
from tests.conftest import OrderMaker
from tests.desk.conftest import ChatMaker, online

pytestmark = pytest.mark.django_db
S = ConversationStatus


def _status(conversation: Conversation) -> str:
    conversation.refresh_from_db()
    return conversation.status


# --- the state machine -----------------------------------------------------------------------


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(S.values, S.values)))
def test_the_transition_map_allows_exactly_the_documented_moves(
    alice: Customer, sam: User, from_status: str, to_status: str
) -> None:
    conversation = Conversation.objects.create(
        customer=alice, status=from_status, assigned_agent=sam if from_status == "agent" else None
    )
    allowed = to_status in CONVERSATION_TRANSITIONS[from_status]

    try:
        services.conversation_transition(
            conversation=conversation, to_status=to_status, actor=sam, agent=sam, reason="test"
        )
        moved = True
    except services.DeskError as error:
        assert error.code == "transition_not_allowed"
        moved = False

    assert moved is allowed
    events = list(ConversationEvent.objects.values_list("from_status", "to_status", "actor"))
    assert events == ([(from_status, to_status, sam.pk)] if allowed else [])
    assert _status(conversation) == (to_status if allowed else from_status)


def test_the_documented_map_is_the_one_enforced() -> None:
    assert {k: set(v) for k, v in CONVERSATION_TRANSITIONS.items()} == {
        "bot": {"queued"},
        "queued": {"agent", "bot", "resolved"},
        "agent": {"queued", "agent", "bot", "resolved"},
        "resolved": {"bot"},
    }


# --- handoff and priority --------------------------------------------------------------------


def test_a_handoff_queues_the_chat_audited_with_its_reason(
    chat: ChatMaker, alice: Customer
) -> None:
    conversation = chat(alice, reason="not_sure")

    assert (conversation.status, conversation.handoff_reason, conversation.priority) == (
        "queued",
        "not_sure",
        0,
    )
    assert conversation.queued_at is not None
    event = ConversationEvent.objects.get(conversation=conversation)
    assert (event.from_status, event.to_status, event.actor_label, event.reason) == (
        "bot",
        "queued",
        "assistant",
        "not_sure",
    )


def test_priority_adds_urgency_a_large_open_order_and_repeated_contact(
    chat: ChatMaker, alice: Customer, order_in_status: OrderMaker, settings: Any
) -> None:
    settings.DESK_LARGE_ORDER = "40.00"  # two tees at 20.00 plus shipping
    order_in_status(alice, OrderStatus.PROCESSING)
    chat_services.conversation_start_or_resume(customer=alice, resume=None)  # an earlier chat

    conversation = chat(alice, reason="complaint")

    assert conversation.priority == 2 + 1 + 1


def test_a_guest_with_a_plain_request_gets_no_priority(chat: ChatMaker) -> None:
    assert chat(None).priority == 0


def test_with_nobody_online_the_handoff_offers_to_leave_a_message(
    chat: ChatMaker, alice: Customer
) -> None:
    conversation = chat(alice)

    note = conversation.messages.get(role=MessageRole.SYSTEM)
    assert note.metadata == {"attachments": [{"type": "offline_form"}]}
    assert "no one is available right now" in note.text


def test_with_an_agent_online_the_handoff_promises_a_person(
    chat: ChatMaker, alice: Customer, sam: User
) -> None:
    online(sam)

    conversation = chat(alice)

    note = conversation.messages.get(role=MessageRole.SYSTEM)
    assert note.metadata == {}
    assert note.text == chat_services.HANDOFF_TEXT


def test_outside_opening_hours_nobody_is_available(sam: User, settings: Any) -> None:
    online(sam)
    settings.DESK_HOURS = "mon-fri 09:00-17:00"
    settings.DESK_TIMEZONE = "UTC"
    monday_noon = dt.datetime(2024, 6, 3, 12, 0, tzinfo=dt.UTC)
    sunday_noon = dt.datetime(2024, 6, 2, 12, 0, tzinfo=dt.UTC)

    assert selectors.agents_available(now=monday_noon) is True
    assert selectors.agents_available(now=sunday_noon) is False


def test_opening_hours_are_read_in_their_timezone() -> None:
    spec = "mon-fri 09:00-17:00; sat 10:00-14:00"
    # 08:30 UTC on a Monday is 10:30 in Berlin (summer time).
    at = dt.datetime(2024, 6, 3, 8, 30, tzinfo=dt.UTC)

    assert hours_open(spec=spec, timezone="Europe/Berlin", now=at) is True
    assert hours_open(spec=spec, timezone="UTC", now=at) is False
    assert hours_open(spec="", timezone="UTC", now=at) is True
    with pytest.raises(ValueError, match="can't read"):
        hours_parse("weekdays 9-5")


# --- auto-assignment and claims --------------------------------------------------------------


def test_auto_assignment_picks_the_least_loaded_online_agent(
    chat: ChatMaker, alice: Customer, bob: Customer, sam: User, kim: User, sue: User, settings: Any
) -> None:
    online(sam)
    online(kim)
    AgentProfile.objects.create(user=sue, presence=Presence.AWAY)
    first = chat(alice, agent=sam)
    second = chat(bob)
    settings.DESK_AUTO_ASSIGN = True

    assigned = services.queue_dispatch()

    assert assigned == [(second.pk, kim.pk)]
    assert (first.status, _status(second)) == ("agent", "agent")
    second.refresh_from_db()
    assert second.assigned_agent == kim
    assert ConversationEvent.objects.filter(conversation=second, kind="assign").count() == 1


def test_on_a_tie_the_agent_waiting_longest_since_their_last_chat_gets_it(
    chat: ChatMaker, alice: Customer, sam: User, kim: User, settings: Any
) -> None:
    online(sam).__class__.objects.filter(user=sam).update(last_assigned_at=timezone.now())
    AgentProfile.objects.filter(user=kim).delete()
    online(kim)  # never assigned: waited longest
    conversation = chat(alice)
    settings.DESK_AUTO_ASSIGN = True

    assert services.queue_dispatch() == [(conversation.pk, kim.pk)]


def test_auto_assignment_skips_full_and_away_agents_and_keeps_priority_order(
    chat: ChatMaker, alice: Customer, bob: Customer, sam: User, kim: User, settings: Any
) -> None:
    online(sam, max_chats=1)
    AgentProfile.objects.create(user=kim, presence=Presence.AWAY)
    plain = chat(bob)
    urgent = chat(alice, reason="complaint")
    settings.DESK_AUTO_ASSIGN = True

    assert services.queue_dispatch() == [(urgent.pk, sam.pk)]
    assert _status(plain) == "queued"


def test_a_claim_takes_a_queued_chat_and_the_second_claim_is_refused(
    chat: ChatMaker, alice: Customer, sam: User, kim: User
) -> None:
    conversation = chat(alice)

    services.conversation_claim(conversation_id=conversation.pk, user=sam)
    with pytest.raises(services.ClaimError) as refused:
        services.conversation_claim(conversation_id=conversation.pk, user=kim)

    assert refused.value.code == "already_claimed"
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_agent) == ("agent", sam)
    joined = conversation.messages.filter(role=MessageRole.SYSTEM).last()
    assert joined is not None and joined.text == "Sam from our team has joined the chat."


def test_an_agent_at_capacity_cannot_claim(
    chat: ChatMaker, alice: Customer, bob: Customer, sam: User
) -> None:
    AgentProfile.objects.create(user=sam, max_chats=1)
    chat(alice, agent=sam)
    waiting = chat(bob)

    with pytest.raises(services.ClaimError) as refused:
        services.conversation_claim(conversation_id=waiting.pk, user=sam)

    assert refused.value.code == "at_capacity"
    assert _status(waiting) == "queued"


def test_someone_outside_the_desk_cannot_claim(
    chat: ChatMaker, alice: Customer, staff: User, bob: Customer
) -> None:
    conversation = chat(alice)
    assert bob.user is not None
    outsider = User.objects.create_user("ops", is_staff=True)

    for user in (bob.user, outsider):
        with pytest.raises(services.DeskError) as refused:
            services.conversation_claim(conversation_id=conversation.pk, user=user)
        assert refused.value.code == "forbidden"
    assert _status(conversation) == "queued"


@pytest.mark.django_db(transaction=True)
def test_two_agents_claiming_at_once_exactly_one_wins(
    chat: ChatMaker, alice: Customer, sam: User, kim: User
) -> None:
    conversation = chat(alice)
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def claim(user: User) -> None:
        try:
            barrier.wait()
            services.conversation_claim(conversation_id=conversation.pk, user=user)
            results[user.username] = "won"
        except services.ClaimError as error:
            results[user.username] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in (sam, kim)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(results.values()) == ["already_claimed", "won"]
    winner = next(name for name, r in results.items() if r == "won")
    conversation.refresh_from_db()
    assert conversation.assigned_agent is not None
    assert conversation.assigned_agent.username == winner
    assert ConversationEvent.objects.filter(conversation=conversation, kind="claim").count() == 1
    assert conversation.messages.filter(text__endswith="has joined the chat.").count() == 1


# --- release, transfer, hand back, resolve ----------------------------------------------------


def test_a_released_chat_goes_back_to_the_queue_keeping_its_place(
    chat: ChatMaker, alice: Customer, sam: User
) -> None:
    conversation = chat(alice, agent=sam)
    queued_at = conversation.queued_at

    services.conversation_release(conversation_id=conversation.pk, user=sam)

    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_agent, conversation.queued_at) == (
        "queued",
        None,
        queued_at,
    )


def test_an_agent_transfers_their_own_chat_but_not_another_agents(
    chat: ChatMaker, alice: Customer, bob: Customer, sam: User, kim: User
) -> None:
    mine = chat(alice, agent=sam)
    kims = chat(bob, agent=kim)
    online(kim)

    services.conversation_transfer(conversation_id=mine.pk, user=sam, to_user_id=kim.pk)
    with pytest.raises(services.DeskError) as refused:
        services.conversation_transfer(conversation_id=kims.pk, user=sam, to_user_id=sam.pk)

    assert refused.value.code == "forbidden"
    mine.refresh_from_db()
    kims.refresh_from_db()
    assert (mine.assigned_agent, kims.assigned_agent) == (kim, kim)
    event = ConversationEvent.objects.filter(conversation=mine).last()
    assert event is not None
    assert (event.kind, event.from_status, event.to_status, event.agent) == (
        "transfer",
        "agent",
        "agent",
        kim,
    )


def test_a_supervisor_reassigns_any_chat_and_assigns_from_the_queue(
    chat: ChatMaker, alice: Customer, bob: Customer, sam: User, kim: User, sue: User
) -> None:
    sams = chat(alice, agent=sam)
    waiting = chat(bob)
    online(kim)
    online(sam)

    services.conversation_transfer(conversation_id=sams.pk, user=sue, to_user_id=kim.pk)
    services.conversation_transfer(conversation_id=waiting.pk, user=sue, to_user_id=sam.pk)

    sams.refresh_from_db()
    waiting.refresh_from_db()
    assert (sams.assigned_agent, waiting.assigned_agent) == (kim, sam)


def test_only_supervisors_assign_from_the_queue(
    chat: ChatMaker, alice: Customer, sam: User, kim: User
) -> None:
    waiting = chat(alice)

    with pytest.raises(services.DeskError) as refused:
        services.conversation_transfer(conversation_id=waiting.pk, user=sam, to_user_id=kim.pk)

    assert refused.value.code == "forbidden"


def test_an_agent_cannot_resolve_or_hand_back_another_agents_chat(
    chat: ChatMaker, alice: Customer, sam: User, kim: User
) -> None:
    kims = chat(alice, agent=kim)

    for action in (services.conversation_resolve, services.conversation_hand_back):
        with pytest.raises(services.DeskError) as refused:
            action(conversation_id=kims.pk, user=sam)
        assert refused.value.code == "forbidden"
    assert _status(kims) == "agent"


def test_after_a_hand_back_the_assistant_answers_the_next_message(
    chat: ChatMaker,
    alice: Customer,
    sam: User,
    no_replies: list[int],
    pushed: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    conversation = chat(alice, agent=sam)
    with django_capture_on_commit_callbacks(execute=True):
        silent, _ = chat_services.message_post_customer(conversation_id=conversation.pk, text="hi?")

    services.conversation_hand_back(conversation_id=conversation.pk, user=sam)
    with django_capture_on_commit_callbacks(execute=True):
        answered, _ = chat_services.message_post_customer(
            conversation_id=conversation.pk, text="ok"
        )

    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_agent) == ("bot", None)
    assert silent.pk not in no_replies and answered.pk in no_replies
    texts = list(conversation.messages.filter(role="system").values_list("text", flat=True))
    assert texts[-1] == "You're chatting with our assistant again."


def test_a_message_after_resolve_starts_a_new_bot_episode(
    chat: ChatMaker,
    alice: Customer,
    sam: User,
    no_replies: list[int],
    pushed: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    conversation = chat(alice, agent=sam)
    Conversation.objects.filter(pk=conversation.pk).update(bot_state={"task": "x"})
    services.conversation_resolve(conversation_id=conversation.pk, user=sam)
    assert _status(conversation) == "resolved"

    with django_capture_on_commit_callbacks(execute=True):
        message, created = chat_services.message_post_customer(
            conversation_id=conversation.pk, text="one more thing"
        )

    conversation.refresh_from_db()
    assert created and message.role == "customer"
    assert (conversation.status, conversation.episode_start_seq, conversation.bot_state) == (
        "bot",
        message.seq,
        {},
    )
    assert (conversation.handoff_reason, conversation.assigned_agent) == ("", None)
    assert message.pk in no_replies
    last = ConversationEvent.objects.filter(conversation=conversation).last()
    assert last is not None and (last.from_status, last.to_status) == ("resolved", "bot")


def test_a_rating_is_stored_only_for_a_resolved_chat(
    chat: ChatMaker, alice: Customer, sam: User
) -> None:
    conversation = chat(alice, agent=sam)

    early = services.conversation_rate(conversation_id=conversation.pk, score=5, comment="")
    services.conversation_resolve(conversation_id=conversation.pk, user=sam)
    bad = services.conversation_rate(conversation_id=conversation.pk, score=6, comment="")
    rated = services.conversation_rate(conversation_id=conversation.pk, score=4, comment=" ok ")

    conversation.refresh_from_db()
    assert (early, bad, rated) == (False, False, True)
    assert (conversation.rating, conversation.rating_comment) == (4, "ok")


# --- requeue on timeout ----------------------------------------------------------------------


def test_a_chat_left_unanswered_goes_back_to_the_queue_and_the_agent_is_away(
    chat: ChatMaker, alice: Customer, bob: Customer, sam: User, kim: User
) -> None:
    online(sam)
    online(kim)
    stale = chat(alice, agent=sam)
    answered = chat(bob, agent=kim)
    services.agent_message_post(conversation_id=answered.pk, user=kim, text="Hi Bob!")
    later = timezone.now() + dt.timedelta(minutes=4)

    requeued = services.requeue_stale(now=later)

    assert requeued == [stale.pk]
    assert (_status(stale), _status(answered)) == ("queued", "agent")
    assert AgentProfile.objects.get(user=sam).presence == "away"
    assert AgentProfile.objects.get(user=kim).presence == "online"
    event = ConversationEvent.objects.filter(conversation=stale).last()
    assert event is not None and (event.reason, event.actor) == ("reply_timeout", None)
    assert services.requeue_stale(now=later) == []  # idempotent


def test_a_chat_the_agent_has_answered_stays_theirs_and_a_working_agent_is_never_set_away(
    chat: ChatMaker, alice: Customer, bob: Customer, sam: User
) -> None:
    online(sam)
    answered = chat(alice, agent=sam)
    services.agent_message_post(conversation_id=answered.pk, user=sam, text="Looking...")
    chat_services.message_post_customer(conversation_id=answered.pk, text="any news?")
    unopened = chat(bob, agent=sam)
    later = timezone.now() + dt.timedelta(minutes=4)
    # Sam keeps answering Alice while Bob's chat waits past the timeout.
    answered.refresh_from_db()
    answered.last_agent_message_at = later - dt.timedelta(minutes=1)
    answered.save(update_fields=["last_agent_message_at"])

    requeued = services.requeue_stale(now=later)

    assert requeued == [unopened.pk]
    assert (_status(answered), _status(unopened)) == ("agent", "queued")
    assert AgentProfile.objects.get(user=sam).presence == "online"


def test_the_timeout_tells_the_agent_which_chats_went_back(
    chat: ChatMaker,
    alice: Customer,
    sam: User,
    pushed: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    stale = chat(alice, agent=sam)

    with django_capture_on_commit_callbacks(execute=True):
        services.requeue_stale(now=timezone.now() + dt.timedelta(minutes=4))

    told = [e for group, e in pushed if e.get("type") == "requeued"]
    assert told == [{"type": "requeued", "conversations": [str(stale.pk)], "minutes": 3}]
    assert [g for g, e in pushed if e.get("type") == "requeued"] == [f"desk.agent.{sam.pk}"]


def test_the_customer_is_told_once_when_the_same_agent_gets_the_chat_back(
    chat: ChatMaker, alice: Customer, sam: User, kim: User
) -> None:
    conversation = chat(alice)
    online(sam)
    services.conversation_claim(conversation_id=conversation.pk, user=sam)
    services.conversation_release(conversation_id=conversation.pk, user=sam)
    services.conversation_claim(conversation_id=conversation.pk, user=sam)
    online(kim)
    services.conversation_transfer(conversation_id=conversation.pk, user=sam, to_user_id=kim.pk)

    lines = list(
        conversation.messages.filter(role="system").order_by("seq").values_list("text", flat=True)
    )
    assert [line for line in lines if "Sam" in line] == ["Sam from our team has joined the chat."]
    assert [line for line in lines if "Kim" in line] == [
        "Kim from our team has taken over the chat."
    ]


def test_a_transfer_to_an_offline_agent_is_refused_with_a_reason(
    chat: ChatMaker, alice: Customer, sam: User, kim: User
) -> None:
    mine = chat(alice, agent=sam)

    with pytest.raises(services.ClaimError) as refused:
        services.conversation_transfer(conversation_id=mine.pk, user=sam, to_user_id=kim.pk)

    assert refused.value.code == "agent_offline"
    assert "offline" in refused.value.message
    assert _status(mine) == "agent"


# --- messages, notes, pushes -----------------------------------------------------------------


def test_an_agent_message_goes_to_the_customers_chat(
    chat: ChatMaker,
    alice: Customer,
    sam: User,
    pushed: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    conversation = chat(alice, agent=sam)

    with django_capture_on_commit_callbacks(execute=True):
        message, created = services.agent_message_post(
            conversation_id=conversation.pk, user=sam, text="Hi Alice, I'm on it.", client_id="a1"
        )
    again, created_again = services.agent_message_post(
        conversation_id=conversation.pk, user=sam, text="Hi Alice, I'm on it.", client_id="a1"
    )

    assert (created, created_again, again.pk) == (True, False, message.pk)
    assert (message.role, message.metadata["author"]) == ("agent", "Sam")
    group, event = next((g, e) for g, e in pushed if e.get("type") == "message")
    assert group == f"chat.{conversation.pk}"
    assert event["message"]["author"] == "Sam"
    assert event["message"]["text"] == "Hi Alice, I'm on it."


def test_an_agent_cannot_write_in_a_chat_they_havent_claimed(
    chat: ChatMaker, alice: Customer, sam: User, kim: User
) -> None:
    waiting = chat(alice)
    kims = chat(alice, agent=kim)

    for conversation in (waiting, kims):
        with pytest.raises(services.DeskError) as refused:
            services.agent_message_post(conversation_id=conversation.pk, user=sam, text="hi")
        assert refused.value.code == "forbidden"
    assert not Message.objects.filter(role="agent").exists()


def test_a_note_goes_to_staff_only(
    chat: ChatMaker,
    alice: Customer,
    sam: User,
    pushed: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    conversation = chat(alice, agent=sam)

    with django_capture_on_commit_callbacks(execute=True):
        services.note_add(conversation_id=conversation.pk, user=sam, text="VIP, be nice")

    assert Note.objects.get().text == "VIP, be nice"
    assert [g for g, e in pushed] == [f"desk.conversation.{conversation.pk}"]
    assert pushed[0][1]["note"]["text"] == "VIP, be nice"
    assert not conversation.messages.filter(text="VIP, be nice").exists()


def test_every_queued_customer_hears_their_place_and_wait(
    chat: ChatMaker,
    alice: Customer,
    bob: Customer,
    pushed: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
    sam: User,
) -> None:
    online(sam)
    first = chat(alice)
    pushed.clear()

    with django_capture_on_commit_callbacks(execute=True):
        second = chat(bob)

    statuses = {g: e for g, e in pushed if e.get("type") == "status" and "position" in e}
    # No resolved chats yet: 180 s a chat, one agent online.
    assert statuses[f"chat.{first.pk}"] == {
        "type": "status",
        "status": "queued",
        "position": 1,
        "eta_s": 180,
    }
    assert statuses[f"chat.{second.pk}"] == {
        "type": "status",
        "status": "queued",
        "position": 2,
        "eta_s": 360,
    }
    queue = next(e for g, e in pushed if e.get("type") == "queue")
    assert [q["conversation"] for q in queue["queue"]] == [str(first.pk), str(second.pk)]
    assert (
        "desk.queue",
        {"type": "notify", "conversation": str(second.pk), "reason": "requested"},
    ) in pushed


# --- offline tickets --------------------------------------------------------------------------


def test_a_message_left_offline_is_answered_by_email(
    chat: ChatMaker, alice: Customer, sam: User
) -> None:
    conversation = chat(alice)

    ticket = services.offline_ticket_create(
        conversation_id=conversation.pk, email="alice@example.com", text="Where is my parcel?"
    )
    services.offline_ticket_answer(ticket_id=ticket.pk, user=sam, text="It ships today.")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.answered_by, ticket.customer) == ("answered", sam, alice)
    assert _status(conversation) == "resolved"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["alice@example.com"]
    assert sent.body.startswith("It ships today.") and "> Where is my parcel?" in sent.body
    with pytest.raises(services.DeskError) as again:
        services.offline_ticket_answer(ticket_id=ticket.pk, user=sam, text="again")
    assert again.value.code == "already_answered" and len(mail.outbox) == 1


def test_a_bad_email_leaves_no_ticket(chat: ChatMaker, alice: Customer) -> None:
    conversation = chat(alice)

    with pytest.raises(services.DeskError) as refused:
        services.offline_ticket_create(conversation_id=conversation.pk, email="nope", text="hi")

    assert refused.value.code == "bad_email"
    assert _status(conversation) == "queued"


# --- summary, canned responses, suggestion ----------------------------------------------------


def test_the_handoff_summary_is_built_from_stored_facts_only(
    chat: ChatMaker, alice: Customer, bob: Customer, order_in_status: OrderMaker, no_replies: Any
) -> None:
    mine = order_in_status(alice)
    bobs = order_in_status(bob)
    conversation = chat_services.conversation_start_or_resume(customer=alice, resume=None)
    question, _ = chat_services.message_post_customer(
        conversation_id=conversation.pk, text=f"cancel {mine.number} and {bobs.number}"
    )
    reply = chat_services.reply_start(customer_message_id=question.pk, model_name="fake")
    assert reply is not None
    chat_services.reply_finish(
        reply=reply,
        text="I can't do that here.",
        metadata={"intent": "cancel_order", "tools": ["order_lookup", "order_cancel"]},
    )
    services.conversation_handoff(conversation_id=conversation.pk, reason="action_failed")
    conversation.refresh_from_db()

    summary = selectors.handoff_summary(conversation=conversation)

    assert summary == {
        "customer": {"name": "Alice Martin", "email": "alice@example.com", "verified": True},
        "said": [f"cancel {mine.number} and {bobs.number}"],
        "deadline": [],
        "threats": [],
        "wants": ["cancel_order"],
        "orders": [mine.number],  # bob's number was mentioned but isn't alice's
        "bot_did": ["order_lookup"],  # "order_cancel" is no name the desk knows: left out
        "reason": "action_failed",
    }


def _said(conversation: Conversation, text: str, intent: str, tools: list[str]) -> None:
    question, _ = chat_services.message_post_customer(conversation_id=conversation.pk, text=text)
    reply = chat_services.reply_start(customer_message_id=question.pk, model_name="fake")
    assert reply is not None
    chat_services.reply_finish(
        reply=reply, text=f"(reply to {text})", metadata={"intent": intent, "tools": tools}
    )


def test_the_summary_quotes_the_customer_and_names_deadline_and_threat_not_internal_labels(
    alice: Customer, order_in_status: OrderMaker, no_replies: Any
) -> None:
    late = order_in_status(alice, OrderStatus.SHIPPED)
    others = [order_in_status(alice) for _ in range(3)]
    conversation = chat_services.conversation_start_or_resume(customer=alice, resume=None)
    _said(conversation, "show me my orders", "order_status", ["order_lookup"])
    # The bot's list shows every order: none of them is "discussed" by that.
    chat_services.message_post_system(
        conversation_id=conversation.pk, text=" ".join(o.number for o in others)
    )
    _said(conversation, "yes", "confirm:yes", ["propose:address", "swap:variant"])
    _said(
        conversation,
        f"{late.number} has to arrive before my daughter's birthday on Saturday. "
        "If it doesn't I'll file a chargeback.",
        "complaint",
        ["tracking"],
    )
    _said(conversation, "ok", "thanks", [])
    services.conversation_handoff(conversation_id=conversation.pk, reason="complaint")
    conversation.refresh_from_db()

    summary = selectors.handoff_summary(conversation=conversation)

    assert summary["said"] == [
        "show me my orders",
        f"{late.number} has to arrive before my daughter's birthday on Saturday. "
        "If it doesn't I'll file a chargeback.",
        "ok",
    ]
    assert summary["deadline"] == [
        f"{late.number} has to arrive before my daughter's birthday on Saturday."
    ]
    assert summary["threats"] == ["chargeback"]
    assert summary["orders"] == [late.number]
    assert summary["wants"] == ["order_status", "complaint"]
    assert summary["bot_did"] == ["order_lookup", "tracking"]
    flat = repr(summary)
    assert "confirm:yes" not in flat and "swap:variant" not in flat and "propose:" not in flat


def test_a_chinese_summary_finds_the_deadline_and_the_threat(
    alice: Customer, no_replies: Any
) -> None:
    conversation = chat_services.conversation_start_or_resume(customer=alice, resume=None)
    _said(conversation, "周五之前必须收到，不然我就给差评", "complaint", [])

    summary = selectors.handoff_summary(conversation=conversation)

    assert summary["deadline"] == ["周五之前必须收到，不然我就给差评"]
    assert summary["threats"] == ["review"]


def test_a_guests_summary_shows_them_unverified_with_no_orders(chat: ChatMaker) -> None:
    summary = selectors.handoff_summary(conversation=chat(None))

    assert (summary["customer"], summary["orders"]) == (None, [])


def test_canned_responses_fill_only_the_known_placeholders(
    chat: ChatMaker, alice: Customer, sam: User, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    conversation = chat(alice, agent=sam)
    chat_services.message_post_customer(
        conversation_id=conversation.pk, text=f"about {order.number}"
    )
    CannedResponse.objects.create(
        title="Hello",
        text="Hi {customer_name}, {agent_name} here about {order_number}. {x.__class__}",
    )
    CannedResponse.objects.create(title="Off", text="unused", active=False)

    canned = selectors.canned_list(conversation=conversation, agent=sam)

    assert [c["text"] for c in canned] == [
        f"Hi Alice, Sam here about {order.number}. {{x.__class__}}"
    ]


def test_a_suggested_reply_changes_nothing(
    chat: ChatMaker, alice: Customer, sam: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = chat(alice, agent=sam)
    before = (conversation.bot_state, conversation.last_seq, Message.objects.count())

    def respond(*, message: Message) -> Any:
        # The real brain saves its state and may act; all of it must be rolled back.
        Conversation.objects.filter(pk=message.conversation_id).update(bot_state={"x": 1})
        chat_services.message_post_system(conversation_id=message.conversation_id, text="side")

        class Turn:
            text = f"Suggested answer to: {message.text}"

        return Turn()

    monkeypatch.setattr("assistant.flows.engine.respond", respond)

    text = selectors.reply_suggestion(conversation=conversation)

    conversation.refresh_from_db()
    assert text == "Suggested answer to: I need help"
    assert (conversation.bot_state, conversation.last_seq, Message.objects.count()) == before


def test_a_suggested_reply_answers_the_question_not_the_request_for_a_person(
    chat: ChatMaker, alice: Customer, sam: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = chat(alice, agent=sam)
    chat_services.message_post_customer(conversation_id=conversation.pk, text="where is my parcel")
    chat_services.message_post_customer(conversation_id=conversation.pk, text="get me a human")

    def respond(*, message: Message) -> Any:
        class Turn:
            text = f"Answer to: {message.text}"
            handoff = "requested" if "human" in message.text else None

        return Turn()

    monkeypatch.setattr("assistant.flows.engine.respond", respond)

    assert selectors.reply_suggestion(conversation=conversation, agent=sam) == (
        "Answer to: where is my parcel"
    )


def test_when_every_recent_message_would_hand_over_the_agent_gets_an_opening_in_their_name(
    chat: ChatMaker, alice: Customer, sam: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation = chat(alice, agent=sam)

    def respond(*, message: Message) -> Any:
        class Turn:
            text = "This needs a person, so I'm passing your chat to our team."
            handoff = "requested"

        return Turn()

    monkeypatch.setattr("assistant.flows.engine.respond", respond)

    text = selectors.reply_suggestion(conversation=conversation, agent=sam)

    assert text.startswith("Hi Alice, this is Sam from our team.")
    assert "passing your chat" not in text


def test_a_new_canned_response_reaches_open_desks(
    pushed: list[tuple[str, dict[str, Any]]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        CannedResponse.objects.create(title="New", text="Hello {customer_name}")

    assert ("desk.queue", {"type": "canned_changed"}) in pushed


# --- waiting in the queue --------------------------------------------------------------------


def test_a_customer_waiting_in_the_queue_is_still_answered_by_the_assistant(
    chat: ChatMaker,
    alice: Customer,
    no_replies: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    conversation = chat(alice)  # queued, nobody has it
    with django_capture_on_commit_callbacks(execute=True):
        waiting, _ = chat_services.message_post_customer(
            conversation_id=conversation.pk, text="while I wait, where is my parcel?"
        )

    assert waiting.pk in no_replies
    assert _status(conversation) == "queued"


def test_a_customer_can_stop_waiting_and_carry_on_with_the_assistant(
    chat: ChatMaker, alice: Customer, sam: User
) -> None:
    conversation = chat(alice)

    left = chat_services.conversation_leave_queue(conversation_id=conversation.pk)
    again = chat_services.conversation_leave_queue(conversation_id=conversation.pk)

    assert (left, again) == (True, False)
    assert _status(conversation) == "bot"
    line = conversation.messages.filter(role="system").order_by("-seq").first()
    assert line is not None and line.text == "You're chatting with our assistant again."
    event = ConversationEvent.objects.filter(conversation=conversation).last()
    assert event is not None and (event.reason, event.actor_label) == ("left_queue", "customer")
    taken = chat(alice, agent=sam)
    assert chat_services.conversation_leave_queue(conversation_id=taken.pk) is False


def test_the_same_customer_in_two_chats_shows_as_one_customer_with_another_chat(
    chat: ChatMaker, alice: Customer, bob: Customer, sam: User
) -> None:
    first = chat(alice)
    second = chat(alice)  # another tab
    chat(bob)
    mine = chat(alice, agent=sam)

    queue = {item["conversation"]: item for item in selectors.queue_payload()}
    sams = selectors.mine_payload(sam.pk)

    assert (queue[str(first.pk)]["other_open"], queue[str(second.pk)]["other_open"]) == (2, 2)
    bobs = [
        i for i in queue.values() if str(i["customer"] and i["customer"]["name"]) == "Bob Nguyen"
    ]
    assert [i["other_open"] for i in bobs] == [0]
    assert [(i["conversation"], i["other_open"]) for i in sams] == [(str(mine.pk), 2)]
