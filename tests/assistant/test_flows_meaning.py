"""What a customer means, whatever the classifier made of the words: items they already have
are not a purchase, a size change of a delivered item is an exchange, a short question right
after an order was shown is about that order, "do you have…" is a question for the catalog."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from assistant.flows import orders_flow
from assistant.understanding import chinese
from orders.models import Customer, OrderStatus, ProductVariant, ReturnRequest
from tests.assistant.chat import chat, drafts_only, say, state, types, yes
from tests.conftest import OrderMaker


@pytest.fixture(autouse=True)
def _drafts(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    drafts_only(settings, monkeypatch)


# --- the second shop ---------------------------------------------------------------------------


@pytest.mark.usefixtures("second_shop")
def test_sending_back_named_items_of_an_order_is_a_return_not_a_purchase() -> None:
    conversation = chat(Customer.objects.get(email="mei.chen@example.net"))
    reply = say(
        conversation,
        "could I send the desk lamp and the water bottle from #W2001001 back to you please?",
    )
    assert "reason" in reply.text.lower(), reply.text
    assert "Which option" not in reply.text
    task = state(conversation).task
    assert task is not None and task.name == "return"


@pytest.mark.usefixtures("second_shop")
def test_what_the_customer_already_has_is_not_an_order() -> None:
    conversation = chat(Customer.objects.get(email="mei.chen@example.net"))
    reply = say(
        conversation,
        "I already have the black 1000ml water bottle. Which other water bottles are there, "
        "and what do they cost?",
    )
    assert "Which option" not in reply.text, reply.text
    assert "$" in reply.text
    assert state(conversation).task is None


# --- the demo personas -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_size_change_of_a_delivered_item_is_an_exchange(
    alice: Customer, order_in_status: OrderMaker, tee: dict[str, ProductVariant]
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)
    tee["navy-l"].stock = 5
    tee["navy-l"].save(update_fields=["stock"])
    conversation = chat(alice)
    reply = say(conversation, f"can you change {order.number} to size L?")
    task = state(conversation).task
    assert task is not None and task.name == "return", reply.text
    assert task.slots["kind"] == "exchange"
    assert ReturnRequest.objects.count() == 0  # nothing before the yes


@pytest.mark.django_db
def test_the_status_of_a_returned_order_gives_the_return(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)
    conversation = chat(alice)
    proposal = say(conversation, f"I want to return {order.number}, it's too small")
    if "confirm" not in types(proposal):
        proposal = say(conversation, "back to my original payment method")
    assert "confirm" in types(proposal), proposal.text
    yes(conversation)
    rma = ReturnRequest.objects.get(order=order)
    status = say(chat(alice), f"how is {order.number} doing?")
    assert rma.rma_number in status.text, status.text


@pytest.mark.django_db
def test_where_are_the_things_i_bought_is_about_my_order(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.SHIPPED)
    reply = say(chat(alice), "when are the two tees I bought going to show up?")
    assert order.number in reply.text, reply.text
    assert order.shipments.get().tracking_number in reply.text


@pytest.mark.django_db
def test_a_short_question_after_an_order_was_shown_is_about_it(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)
    conversation = chat(alice)
    first = say(conversation, f"status of {order.number}?")
    assert order.number in first.text
    again = say(conversation, "hm ok, and how far along is it now?")
    assert order.number in again.text, again.text
    assert "confirm" not in types(again)


def test_a_gift_card_named_never_picks_a_card_when_the_customer_has_none() -> None:
    visa = SimpleNamespace(label="Visa ending 1142", kind="card")
    paypal = SimpleNamespace(label="PayPal", kind="paypal")
    assert orders_flow.payment_methods_named("refund it to a gift card", [visa, paypal]) == []
    assert orders_flow.payment_methods_named("to my card please", [visa, paypal]) == [visa]


def test_an_opening_na_reads_as_so_and_a_demonstrative_does_not() -> None:
    assert chinese.reading("那它现在到哪了").startswith("so ")
    assert not chinese.reading("那个杯子多少钱").startswith("so ")


@pytest.mark.django_db
def test_a_reason_the_classifier_calls_out_of_scope_still_answers_why(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)
    conversation = chat(alice)
    asked = say(conversation, f"please cancel {order.number}")
    assert state(conversation).task is not None, asked.text
    proposal = say(conversation, "a friend found the same thing at a lower price in town")
    assert "confirm" in types(proposal), proposal.text


@pytest.mark.django_db
def test_a_statement_about_the_product_answers_why_it_goes_back(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)
    conversation = chat(alice)
    say(conversation, f"I'd like to return {order.number}")
    assert state(conversation).task is not None
    say(conversation, "it is not waterproof at all")
    task = state(conversation).task
    assert task is not None and task.name == "return", task
    assert task.slots.get("reason"), task.slots


@pytest.mark.parametrize(
    ("text", "city", "region", "postal_code", "line1"),
    [
        ("广东省深圳市南山区科技园南路88号2栋301室，邮编518057", "深圳市", "广东省", "518057",
         "南山区科技园南路88号2栋301室"),
        ("地址改成北京市朝阳区建国路88号A座1201 100022", "北京市", "", "100022",
         "朝阳区建国路88号A座1201"),
        ("新地址是广西壮族自治区南宁市青秀区民族大道12号 530022", "南宁市", "广西壮族自治区",
         "530022", "青秀区民族大道12号"),
        ("寄到成都市武侯区人民南路四段9号，邮政编码：610041", "成都市", "", "610041",
         "武侯区人民南路四段9号"),
    ],
)  # fmt: skip
def test_a_chinese_address_is_read_into_the_address_fields(
    text: str, city: str, region: str, postal_code: str, line1: str
) -> None:
    assert chinese.address(text) == {
        "line1": line1,
        "city": city,
        "region": region,
        "postal_code": postal_code,
        "country": "CN",
    }


@pytest.mark.parametrize(
    "text",
    ["我在深圳市", "上海市浦东新区世纪大道100号", "订单SD-100002什么时候到", "my zip is 518057"],
)
def test_no_address_is_made_up(text: str) -> None:
    assert chinese.address(text) is None  # no postal code, no city, or no Chinese at all


@pytest.mark.django_db
def test_a_chinese_customer_moves_a_pending_order_to_a_chinese_address(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.PENDING)
    conversation = chat(alice, language="zh-Hans")
    proposal = say(
        conversation, f"{order.number}的收货地址改成上海市徐汇区漕溪北路398号，邮编200030"
    )
    if "confirm" not in types(proposal):
        proposal = say(conversation, "上海市徐汇区漕溪北路398号，邮编200030")
    assert "confirm" in types(proposal), proposal.text
    assert "漕溪北路398号" in proposal.text
    yes(conversation)
    order.refresh_from_db()
    assert order.shipping_address["postal_code"] == "200030", order.shipping_address
    assert order.shipping_address["country"] == "CN"


# --- quantities and the recipient's name ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "for {number} could you drop it down to a single tee? two was a mistake"),
        ("en", "{number}: make the tees 1 instead of 2 please"),
        ("zh-Hans", "{number} T恤我只需要一件就够了"),
    ],
)
def test_fewer_of_an_item_is_a_confirmed_quantity_change_not_a_cancellation(
    alice: Customer, order_in_status: OrderMaker, language: str, text: str
) -> None:
    order = order_in_status(alice)  # 2 × navy M tee, pending
    conversation = chat(alice, language)

    reply = say(conversation, text.format(number=order.number))

    assert "confirm" in types(reply), reply.text
    pending = state(conversation).pending
    assert pending is not None and pending.action == "quantity", reply.text
    assert pending.params["quantity"] == 1
    done = yes(conversation)
    order.refresh_from_db()
    assert (order.status, order.items.get().quantity) == (OrderStatus.PENDING, 1), done.text


@pytest.mark.django_db
def test_a_new_name_on_a_pending_order_keeps_the_address(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    before = dict(order.shipping_address)
    conversation = chat(alice)

    reply = say(conversation, f"please put {order.number} under the name Jo Martin instead")

    assert "Jo Martin" in reply.text and "confirm" in types(reply), reply.text
    yes(conversation)
    order.refresh_from_db()
    assert order.shipping_address == {**before, "full_name": "Jo Martin"}


# Last in the module: the demo shop stays seeded until the module ends.
@pytest.mark.usefixtures("demo_shop")
@pytest.mark.django_db
def test_do_you_have_without_a_product_name_asks_the_catalog() -> None:
    reply = say(chat(None), "do you have anything for kids that keeps the rain off?")
    assert "$" in reply.text, reply.text  # products with prices, not a help passage
