"""Pay links: a guest pays for an order placed in the chat through a signed, expiring link."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.core import signing
from django.test import Client, override_settings

from orders import services
from orders.actors import Actor
from orders.errors import TransitionNotAllowed
from orders.models import AuditEvent, Customer, Order, OrderStatus, Payment
from orders.payment_links import payment_link_check, payment_url
from tests.conftest import OrderMaker


def token_of(url: str) -> str:
    assert url.startswith("/pay/") and url.endswith("/")
    return url.removeprefix("/pay/").removesuffix("/")


def signed_hours_ago(monkeypatch: pytest.MonkeyPatch, number: str, hours: float) -> str:
    """A link for `number` as if it had been made `hours` ago."""
    with monkeypatch.context() as patch:
        stamp = signing.b62_encode(int(time.time() - hours * 3600))
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: stamp)
        return payment_url(number)


def charges(order: Order) -> list[Payment]:
    return list(Payment.objects.filter(order=order, kind="charge"))


def test_it_signs_the_order_number_into_a_relative_url(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)

    url = payment_url(order.number)

    assert payment_link_check(token_of(url)) == order.number


@pytest.mark.parametrize(
    "token", ["", "garbage", "SD-100001", "SD-100001:1abcde:forged", "x" * 500]
)
def test_it_rejects_tokens_it_did_not_sign(token: str) -> None:
    assert payment_link_check(token) is None


def test_the_page_shows_the_order_and_a_pay_button(
    client: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)

    response = client.get(payment_url(order.number))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"Order {order.number}" in body
    assert "Harbor Tee" in body and "Pending" in body
    assert "Alice Martin" in body  # the shipping address
    assert f"Pay ${order.grand_total:.2f} (demo)" in body
    assert "no-store" in response["Cache-Control"]


def test_a_tampered_token_is_a_friendly_404(
    client: Client, alice: Customer, bob: Customer, order_in_status: OrderMaker
) -> None:
    alices = order_in_status(alice)
    bobs = order_in_status(bob)
    token = token_of(payment_url(alices.number))
    # alice's signature on bob's order number: as if she edited her link to reach bob's order.
    pointed_at_bob = token.replace(alices.number, bobs.number, 1)
    other_salt = signing.TimestampSigner(salt="chat").sign(bobs.number)

    for bad in (pointed_at_bob, other_salt, token[:-2], "nothing-here"):
        response = client.get(f"/pay/{bad}/")
        body = response.content.decode()
        assert response.status_code == 404
        assert "This payment link doesn't work" in body
        assert bobs.number not in body

    response = client.post(f"/pay/{pointed_at_bob}/")
    assert response.status_code == 404
    assert charges(bobs) == []


def test_an_expired_link_is_refused(
    client: Client,
    alice: Customer,
    order_in_status: OrderMaker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order = order_in_status(alice)
    fresh_enough = signed_hours_ago(monkeypatch, order.number, 47.9)
    expired = signed_hours_ago(monkeypatch, order.number, 48.1)

    assert client.get(fresh_enough).status_code == 200
    assert client.get(expired).status_code == 404
    assert client.post(expired).status_code == 404
    assert charges(order) == []
    with override_settings(PAYMENT_LINK_MAX_AGE_HOURS=72):
        assert payment_link_check(token_of(expired)) == order.number


def test_paying_captures_the_total_once(
    client: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    url = payment_url(order.number)

    first = client.post(url, follow=True)
    second = client.post(url, follow=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING and order.paid_at is not None
    [payment] = charges(order)
    assert (payment.amount, payment.status) == (order.grand_total, "succeeded")
    assert payment.amount > Decimal("0")
    event = AuditEvent.objects.get(order=order, action="order.status", to_value="processing")
    assert (event.actor_kind, event.actor_label) == ("system", "checkout")
    assert first.redirect_chain == [(url, 302)]
    assert f"Thank you! Order {order.number} is paid." in first.content.decode()
    assert "Payment received" in first.content.decode()
    assert "(demo)</button>" not in first.content.decode()
    assert f"Order {order.number} is already paid." in second.content.decode()


def test_a_cancelled_order_cannot_be_paid(
    client: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    services.order_cancel(
        order_number=order.number, reason="Changed my mind", actor=Actor.customer(alice)
    )
    url = payment_url(order.number)

    page = client.get(url).content.decode()
    refused = client.post(url, follow=True).content.decode()

    assert "This order is cancelled" in page and "(demo)</button>" not in page
    assert f"Order {order.number} is cancelled, so it can&#x27;t be paid." in refused
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert charges(order) == []


def test_the_service_refuses_orders_that_are_not_awaiting_payment(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    paid = order_in_status(alice, OrderStatus.SHIPPED)

    with pytest.raises(TransitionNotAllowed, match="already paid"):
        services.order_pay_by_link(order_number=paid.number)

    assert len(charges(paid)) == 1


def test_the_pay_form_needs_the_csrf_token(alice: Customer, order_in_status: OrderMaker) -> None:
    order = order_in_status(alice)

    response = Client(enforce_csrf_checks=True).post(payment_url(order.number))

    assert response.status_code == 403
    assert charges(order) == []
