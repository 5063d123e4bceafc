"""POST /chat/session/: tokens for the visitor's own conversation only."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from chatbot.models import Conversation
from chatbot.tokens import resume_token_check, ws_token_check
from orders.models import Customer

URL = "/chat/session/"


def _post(client: Client, body: object, origin: str = "http://127.0.0.1:8000"):
    return client.post(
        URL, json.dumps(body), content_type="application/json", headers={"Origin": origin}
    )


def test_a_signed_in_customer_gets_a_conversation_of_their_own(
    client: Client, alice: Customer
) -> None:
    assert alice.user is not None
    client.force_login(alice.user)

    data = _post(client, {"page": "http://127.0.0.1:8000/"}).json()

    conversation = Conversation.objects.get(pk=data["conversation"])
    assert conversation.customer == alice and conversation.verified_customer == alice
    assert conversation.started_on == "http://127.0.0.1:8000/"
    assert data["customer"] == {"name": "Alice"}
    grant = ws_token_check(data["token"])
    assert grant is not None and (str(grant.conversation_id), grant.customer_id) == (
        data["conversation"],
        alice.pk,
    )


def test_the_resume_token_continues_the_same_conversation(client: Client, alice: Customer) -> None:
    assert alice.user is not None
    client.force_login(alice.user)
    first = _post(client, {}).json()

    second = _post(client, {"resume": first["resume"]}).json()

    assert second["conversation"] == first["conversation"]
    assert Conversation.objects.count() == 1


def test_bob_cannot_resume_alices_conversation(
    client: Client, alice: Customer, bob: Customer
) -> None:
    assert alice.user is not None and bob.user is not None
    client.force_login(alice.user)
    alices = _post(client, {}).json()
    client.force_login(bob.user)

    bobs = _post(client, {"resume": alices["resume"]}).json()

    assert bobs["conversation"] != alices["conversation"]
    assert Conversation.objects.get(pk=bobs["conversation"]).customer == bob


def test_a_guest_gets_a_guest_conversation_and_cannot_resume_a_customers(
    client: Client, alice: Customer
) -> None:
    assert alice.user is not None
    client.force_login(alice.user)
    alices = _post(client, {}).json()
    client.logout()

    guest = _post(client, {"resume": alices["resume"]}).json()

    assert guest["customer"] is None
    assert guest["conversation"] != alices["conversation"]
    grant = resume_token_check(guest["resume"])
    assert grant is not None and grant.customer_id is None


@pytest.mark.django_db
def test_a_foreign_origin_gets_403(client: Client) -> None:
    response = _post(client, {}, origin="https://evil.example")

    assert response.status_code == 403
    assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_an_allowed_origin_gets_cors_headers_and_bad_json_a_400(client: Client) -> None:
    preflight = client.options(URL, headers={"Origin": "http://localhost:8000"})
    bad = client.post(
        URL, "{", content_type="application/json", headers={"Origin": "http://localhost:8000"}
    )

    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "http://localhost:8000"
    assert preflight["Access-Control-Allow-Credentials"] == "true"
    assert bad.status_code == 400
