"""HTTP for the desk: the dashboard page, the sidebar's order actions and POST /chat/offline/."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from chatbot import services as chat_services
from chatbot.models import Conversation
from chatbot.tokens import ChatGrant, ws_token
from desk import selectors, services
from desk.models import CannedResponse, OfflineTicket
from orders.models import Customer, OrderStatus
from tests.conftest import OrderMaker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _manual_claims(settings: Any) -> None:
    settings.DESK_AUTO_ASSIGN = False


def _chat(customer: Customer | None, agent: User | None = None) -> Conversation:
    conversation = chat_services.conversation_start_or_resume(customer=customer, resume=None)
    services.conversation_handoff(conversation_id=conversation.pk, reason="requested")
    if agent is not None:
        services.conversation_claim(conversation_id=conversation.pk, user=agent)
    return conversation


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_dashboard_needs_a_staff_login(client: Client) -> None:
    response = client.get("/desk/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_dashboard_is_for_agents_and_supervisors_only(client: Client, sam: User) -> None:
    outsider = User.objects.create_user("ops", is_staff=True)
    client.force_login(outsider)
    assert client.get("/desk/").status_code == 403

    client.force_login(sam)
    response = client.get("/desk/")

    assert response.status_code == 200
    assert "desk/desk.js" in response.content.decode()


def test_an_agent_cancels_the_verified_customers_order_from_the_chat(
    client: Client, sam: User, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)
    conversation = _chat(alice, sam)
    client.force_login(sam)

    response = _post(
        client,
        f"/desk/api/conversations/{conversation.pk}/orders/{order.number}/cancel/",
        {"reason": "Customer asked in chat"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["message"] == f"Order {order.number} is cancelled."
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    event = (
        order.audit_events.filter(action__contains="cancel").first() or order.audit_events.last()
    )
    assert event is not None and event.actor_kind == "agent" and event.actor_label == "sam"


def test_the_customer_is_told_in_their_language_and_placeholders_mean_the_acted_order(
    client: Client, sam: User, alice: Customer, order_in_status: OrderMaker
) -> None:
    acted = order_in_status(alice, OrderStatus.PROCESSING)
    mentioned = order_in_status(alice, OrderStatus.SHIPPED)
    conversation = _chat(alice, sam)
    Conversation.objects.filter(pk=conversation.pk).update(language="zh-Hans")
    chat_services.message_post_customer(
        conversation_id=conversation.pk,
        text=f"cancel {acted.number}, and where is {mentioned.number}?",
    )
    CannedResponse.objects.create(title="Done", text="Order {order_number} is cancelled.")
    client.force_login(sam)

    response = _post(
        client,
        f"/desk/api/conversations/{conversation.pk}/orders/{acted.number}/cancel/",
        {"reason": "Customer asked in chat"},
    )

    assert response.status_code == 200, response.content
    acted.refresh_from_db()
    # What the agent typed is for the team; the customer's order shows the shop's reason.
    assert acted.cancel_reason == "Cancelled by our team at the customer's request"
    assert acted.audit_events.filter(action="order.cancel_reason", note="Customer asked in chat")
    told = conversation.messages.filter(role="system").order_by("-seq").first()
    assert told is not None and told.text == f"Sam 已取消订单 {acted.number}。"
    conversation.refresh_from_db()
    canned = selectors.canned_list(conversation=conversation, agent=sam)
    # The last order the customer named is the shipped one; the agent just acted on the other.
    assert [c["text"] for c in canned] == [f"Order {acted.number} is cancelled."]


def test_an_order_of_another_customer_is_not_found(
    client: Client, sam: User, alice: Customer, bob: Customer, order_in_status: OrderMaker
) -> None:
    bobs = order_in_status(bob)
    conversation = _chat(alice, sam)
    client.force_login(sam)

    response = _post(
        client,
        f"/desk/api/conversations/{conversation.pk}/orders/{bobs.number}/cancel/",
        {"reason": "x"},
    )

    assert (response.status_code, response.json()["error"]) == (400, "order_not_found")
    bobs.refresh_from_db()
    assert bobs.status == OrderStatus.PENDING


def test_an_agent_cannot_act_on_another_agents_chat(
    client: Client, sam: User, kim: User, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    conversation = _chat(alice, kim)
    client.force_login(sam)

    response = _post(
        client,
        f"/desk/api/conversations/{conversation.pk}/orders/{order.number}/cancel/",
        {"reason": "x"},
    )

    assert (response.status_code, response.json()["error"]) == (403, "forbidden")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_a_policy_refusal_comes_back_as_json(
    client: Client, sam: User, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.SHIPPED)
    conversation = _chat(alice, sam)
    client.force_login(sam)

    response = _post(
        client,
        f"/desk/api/conversations/{conversation.pk}/orders/{order.number}/address/",
        {"address": {"full_name": "Alice Martin", "line1": "1 Main St", "city": "Bend"}},
    )

    assert (response.status_code, response.json()["error"]) == (400, "order_not_modifiable")


def test_customers_and_anonymous_users_get_no_desk_api(
    client: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    conversation = _chat(alice)
    url = f"/desk/api/conversations/{conversation.pk}/orders/{order.number}/cancel/"

    anonymous = _post(client, url, {"reason": "x"})
    assert alice.user is not None
    client.force_login(alice.user)
    customer = _post(client, url, {"reason": "x"})

    assert (anonymous.status_code, customer.status_code) == (403, 403)


def test_a_message_left_offline_becomes_a_ticket(client: Client, alice: Customer) -> None:
    conversation = _chat(alice)
    token = ws_token(chat_services.conversation_grant(conversation))

    response = _post(
        client, "/chat/offline/", {"token": token, "email": "alice@example.com", "text": "Call me"}
    )

    assert response.status_code == 201
    ticket = OfflineTicket.objects.get()
    assert (ticket.pk, ticket.email, ticket.text) == (
        response.json()["ticket"],
        "alice@example.com",
        "Call me",
    )


def test_bob_cannot_leave_a_message_in_alices_chat(
    client: Client, alice: Customer, bob: Customer
) -> None:
    conversation = _chat(alice)
    forged = ws_token(ChatGrant(conversation_id=conversation.pk, customer_id=bob.pk))

    response = _post(client, "/chat/offline/", {"token": forged, "email": "b@x.io", "text": "hi"})

    assert (response.status_code, response.json()["error"]) == (403, "bad_token")
    assert not OfflineTicket.objects.exists()


# --- messages left offline: the desk's Messages list ---------------------------------------------


def _ticket(customer: Customer | None, text: str = "Where is my parcel?") -> OfflineTicket:
    conversation = _chat(customer)
    return services.offline_ticket_create(
        conversation_id=conversation.pk, email="alice@example.com", text=text
    )


def test_an_agent_lists_open_messages_before_answered_ones(
    client: Client, sam: User, alice: Customer, django_assert_num_queries: Any
) -> None:
    answered = _ticket(alice, "First")
    services.offline_ticket_answer(ticket_id=answered.pk, user=sam, text="Done.")
    older = _ticket(alice, "Second")
    newer = _ticket(None, "Third")
    client.force_login(sam)

    with django_assert_num_queries(6):  # session, user, role; open rows, answered rows, count
        response = client.get("/desk/api/tickets/")

    assert response.status_code == 200
    body = response.json()
    assert body["open"] == 2
    assert [(t["id"], t["status"]) for t in body["tickets"]] == [
        (newer.pk, "open"),
        (older.pk, "open"),
        (answered.pk, "answered"),
    ]
    last = body["tickets"][2]
    assert (last["text"], last["answer"], last["answered_by"]) == (
        "First",
        "Done.",
        {"id": sam.pk, "name": "Sam"},
    )
    assert last["answered_at"] is not None and body["tickets"][0]["answered_at"] is None


def test_customers_and_anonymous_users_cannot_list_messages(
    client: Client, alice: Customer
) -> None:
    _ticket(alice)

    anonymous = client.get("/desk/api/tickets/")
    assert alice.user is not None
    client.force_login(alice.user)
    customer = client.get("/desk/api/tickets/")

    assert (anonymous.status_code, customer.status_code) == (403, 403)
    assert "alice@example.com" not in customer.content.decode()


def test_an_agent_answers_a_message_by_email(client: Client, sam: User, alice: Customer) -> None:
    ticket = _ticket(alice)
    client.force_login(sam)

    response = _post(client, f"/desk/api/tickets/{ticket.pk}/answer/", {"text": "It ships today."})

    assert response.status_code == 200, response.content
    assert response.json()["ticket"]["answered_by"] == {"id": sam.pk, "name": "Sam"}
    ticket.refresh_from_db()
    assert (ticket.status, ticket.answer, ticket.answered_by) == (
        "answered",
        "It ships today.",
        sam,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    assert mail.outbox[0].body.startswith("It ships today.")


def test_a_message_is_answered_only_once(client: Client, sam: User, kim: User) -> None:
    ticket = _ticket(None)
    client.force_login(sam)
    _post(client, f"/desk/api/tickets/{ticket.pk}/answer/", {"text": "It ships today."})
    client.force_login(kim)

    again = _post(client, f"/desk/api/tickets/{ticket.pk}/answer/", {"text": "Me too"})

    assert (again.status_code, again.json()["error"]) == (400, "already_answered")
    ticket.refresh_from_db()
    assert (ticket.answer, ticket.answered_by) == ("It ships today.", sam)
    assert len(mail.outbox) == 1


def test_an_empty_answer_is_refused(client: Client, sam: User) -> None:
    ticket = _ticket(None)
    client.force_login(sam)

    response = _post(client, f"/desk/api/tickets/{ticket.pk}/answer/", {"text": "   "})

    assert response.status_code == 400
    ticket.refresh_from_db()
    assert (ticket.status, ticket.answer) == ("open", "")
    assert mail.outbox == []


def test_a_customer_cannot_answer_a_message(client: Client, alice: Customer) -> None:
    ticket = _ticket(alice)
    assert alice.user is not None
    client.force_login(alice.user)

    response = _post(client, f"/desk/api/tickets/{ticket.pk}/answer/", {"text": "Sure"})

    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert mail.outbox == []
