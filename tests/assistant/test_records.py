"""Questions the customer's own record answers, and what a flow remembers: why an order was
cancelled and where its money went, which card was charged and how much, whether an exchange's
replacement went out, how many of a line to return (and a correction of it), a question asked
while a confirmation waits, and a "no, I'd rather talk to a person". (Phrasings here are this
file's own, never the frozen evaluation sets'.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from assistant.flows import items
from assistant.replies import facts
from assistant.replies.turn import Turn
from chatbot.models import Conversation
from orders import services
from orders.actors import Actor
from orders.models import Customer, Order, OrderStatus, ReturnRequest
from orders.services import ReturnLine
from tests.assistant.chat import chat, drafts_only, say, state, types, yes
from tests.conftest import OrderMaker


@pytest.fixture(autouse=True)
def _drafts(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    drafts_only(settings, monkeypatch)


def _cancelled(order: Order, reason: str = "It will arrive too late") -> Order:
    services.order_cancel(order_number=order.number, reason=reason, actor=Actor.system("test"))
    order.refresh_from_db()
    return order


# --- cancelled orders -------------------------------------------------------------------------


@pytest.mark.django_db
def test_why_an_order_was_cancelled_is_answered_from_its_record(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = _cancelled(order_in_status(alice, OrderStatus.PROCESSING))

    reply = say(chat(alice), f"how come {order.number} got cancelled? did the money come back?")

    assert "It will arrive too late" in reply.text, reply.text
    assert f"${order.grand_total}" in reply.text and "ending" in reply.text, reply.text
    assert "can't cancel" not in reply.text
    assert "confirm" not in types(reply)


@pytest.mark.django_db
def test_a_cancelled_order_never_charged_says_so(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.PENDING)
    order.payments.all().delete()
    order = _cancelled(order, "Payment not completed within 48 hours")
    turn = Turn()

    with translation.override("zh-hans"):
        facts.cancellation(turn, order)

    assert "48 小时内未完成付款" in turn.text  # a reason the shop writes, in Chinese
    assert "没有扣过款" in turn.text
    assert "refunded" not in turn.text


@pytest.mark.django_db
def test_which_card_was_charged_and_how_much(alice: Customer, order_in_status: OrderMaker) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)

    reply = say(
        chat(alice), f"what card did you take the money from for {order.number}, and how much?"
    )

    assert f"${order.grand_total} was charged to" in reply.text, reply.text
    assert "products" not in types(reply)  # "and how much?" goes with the payment question


@pytest.mark.django_db
def test_a_card_reads_in_the_reply_language(alice: Customer) -> None:
    method = alice.payment_methods.first()
    assert method is not None
    with translation.override("zh-hans"):
        assert "尾号" in method.label and "ending" not in method.label
        assert "ending" in method.record_label  # the audit trail stays in one language
    assert "ending" in method.label


# --- exchanges --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_whether_an_exchange_replacement_went_out_names_the_replacement(
    alice: Customer, order_in_status: OrderMaker, tee: dict[str, Any]
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)
    item = order.items.get()
    services.return_request_create(
        order_number=order.number,
        lines=[ReturnLine(order_item_id=item.pk, quantity=1, exchange_variant_id=tee["navy-l"].pk)],
        reason="too_small",
        kind="exchange",
        actor=Actor.customer(alice),
    )

    reply = say(chat(alice), "has the replacement tee from my exchange been sent yet?")

    rma = ReturnRequest.objects.get()
    assert rma.rma_number in reply.text, reply.text
    assert "for Navy / L" in reply.text, reply.text
    assert ReturnRequest.objects.count() == 1  # a question, not a new return


# --- how many of a line ----------------------------------------------------------------------


def test_a_stated_number_under_the_line_is_how_many() -> None:
    line = type(
        "Item", (), {"pk": 7, "quantity": 3, "product_name": "Camp Chair", "variant_label": ""}
    )()

    assert items.pick("return 2 of the camp chairs", [line]).quantities == {7: 2}
    assert items.pick("return the camp chairs", [line]).quantities == {}
    lines = [{"item_id": 7, "quantity": 3}]
    assert items.requantify("actually only 1", lines, {7: line}, {7: 3}) is True
    assert lines[0]["quantity"] == 1
    assert items.requantify("only 5", lines, {7: line}, {7: 3}) is False  # more than bought


@pytest.mark.django_db
def test_a_return_of_part_of_a_line_and_its_correction(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)  # 2 × Harbor Tee
    conversation = chat(alice)

    first = say(
        conversation,
        f"I'd like to send back 1 tee from {order.number}, it has a hole, gift card please",
    )
    assert "1 × Harbor Tee" in first.text and "confirm" in types(first), first.text

    second = say(conversation, "sorry, make it both, quantity 2")
    assert "2 × Harbor Tee" in second.text and "confirm" in types(second), second.text

    yes(conversation)
    rma = ReturnRequest.objects.get(order=order)
    assert [line.quantity for line in rma.items.all()] == [2]
    assert rma.reason == "damaged"


@pytest.mark.django_db
def test_how_many_said_in_chinese_while_asked_why(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)
    conversation = chat(alice, language="zh-Hans")

    asked = say(conversation, f"{order.number} 的T恤我想退")
    asking = state(conversation).task
    assert asking is not None and asking.asking == "reason"
    assert order.number in asked.text  # the question names the order

    say(conversation, "只退一件")
    task = state(conversation).task
    assert task is not None and task.asking == "reason"
    assert [line["quantity"] for line in task.slots["lines"]] == [1]


# --- while a confirmation waits --------------------------------------------------------------


@pytest.mark.django_db
def test_a_question_while_a_confirmation_waits_keeps_it(
    alice: Customer, order_in_status: OrderMaker, help_center: None
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)
    conversation = chat(alice)
    say(conversation, f"please cancel {order.number}, I don't need it anymore")
    waiting = state(conversation).pending
    assert waiting is not None

    side = say(conversation, "before I say yes: how long does a refund take to reach my card?")

    assert "business days" in side.text, side.text
    assert "confirm" in types(side)
    still = state(conversation).pending
    assert still is not None and still.id == waiting.id
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING  # nothing done on a question

    say(conversation, "alright, do it")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


@pytest.mark.django_db
def test_no_and_a_person_instead_hands_over_and_changes_nothing(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)
    conversation = chat(alice)
    say(conversation, f"cancel {order.number}")

    say(conversation, "no, on second thought put me through to a human agent")

    conversation = Conversation.objects.get(pk=conversation.pk)
    assert conversation.status == "queued"
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING
    assert state(conversation).pending is None


@pytest.mark.django_db
def test_an_option_after_not_is_the_one_they_dont_want(
    alice: Customer, order_in_status: OrderMaker, tee: dict[str, Any]
) -> None:
    tee["navy-l"].stock = 5
    tee["navy-l"].save()
    order = order_in_status(alice, OrderStatus.PENDING)
    conversation = chat(alice)
    say(conversation, f"can the tees on {order.number} be red instead?")  # red is sold out

    reply = say(conversation, "ok then size L, not M")

    assert "Navy / L" in reply.text and "confirm" in types(reply), reply.text
    assert Decimal(order.grand_total) > 0


@pytest.mark.django_db
def test_a_chinese_reply_links_the_chinese_article(help_center: None) -> None:
    from assistant.flows.context import help_article_in_reply_language

    english = help_article_in_reply_language("refunds-and-timing")
    with translation.override("zh-hans"):
        chinese = help_article_in_reply_language("refunds-and-timing")

    assert english is not None and chinese is not None
    assert english[0] == "Refunds and how long they take"
    assert chinese[1] == "refunds-and-timing-zh" and "退款" in chinese[0]


# --- what must not be read too broadly --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("alright, do it", "yes"),
        ("cool, go ahead", "yes"),
        ("yes, no problem", "yes"),
        ("fine, but only 1", None),  # a correction, not a yes
        ("ok, how long do refunds take?", None),  # a question first
        ("cool, never mind then", None),
        ("好的，不过只要一个", None),
    ],
)
def test_a_yes_is_only_a_yes_when_nothing_takes_it_back(text: str, answer: str | None) -> None:
    from assistant.understanding import chinese, guard

    assert guard.yes_or_no(chinese.reading(text)) == answer


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("did the money for the trousers I sent back come through?", True),
        ("has the replacement from my exchange gone out yet?", True),
        ("退货的钱到账了没有", True),
        ("I need a replacement, it arrived broken", False),
        ("I want to exchange the shoes I received for a bigger size", False),
        ("I have to return these shoes, I want my money back", False),
    ],
)
def test_a_question_about_a_refund_is_told_from_a_request_for_one(text: str, status: bool) -> None:
    from assistant.flows.orders_flow import asks_refund_status
    from assistant.understanding import chinese

    assert asks_refund_status(chinese.reading(text)) is status


def test_a_count_with_another_item_is_no_count_of_this_one() -> None:
    chair = type(
        "Item", (), {"pk": 1, "quantity": 2, "product_name": "Camp Chair", "variant_label": ""}
    )()
    lamp = type(
        "Item", (), {"pk": 2, "quantity": 1, "product_name": "Desk Lamp", "variant_label": ""}
    )()
    lines = [{"item_id": 1, "quantity": 2}]

    assert (
        items.requantify("no, it's the desk lamp, just 1", lines, {1: chair, 2: lamp}, {1: 2})
        is False
    )
    assert lines[0]["quantity"] == 2


@pytest.mark.django_db
def test_a_question_of_its_own_after_a_request_is_answered_on_its_own(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    from types import SimpleNamespace

    from assistant.flows.engine import _fragment

    ctx: Any = SimpleNamespace(customer=alice)
    assert _fragment(ctx, "and how much?", "payment_issue")
    assert _fragment(ctx, "charged how much", "payment_issue")
    assert not _fragment(ctx, "How much is shipping?", "return_refund")
    assert not _fragment(ctx, "When does it arrive?", "return_refund")


@pytest.mark.django_db
def test_a_reason_the_chat_stored_reads_in_chinese(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = _cancelled(order_in_status(alice, OrderStatus.PROCESSING), "ordered by mistake")
    typed = _cancelled(order_in_status(alice, OrderStatus.PROCESSING), "Yes")
    turn, quoted = Turn(), Turn()

    with translation.override("zh-hans"):
        facts.cancellation(turn, order)
        facts.cancellation(turn, order)  # a second request about it says nothing again
        facts.cancellation(quoted, typed)

    assert "误下单" in turn.text and "ordered by mistake" not in turn.text, turn.text
    assert turn.text.count("记录的原因") == 1
    assert "Yes" in quoted.text  # typed by a customer: quoted as written


# --- parcels that haven't come, and questions about how returns work --------------------------


@pytest.mark.django_db
def test_a_parcel_that_hasnt_come_gets_what_the_shop_does_about_it(
    alice: Customer, order_in_status: OrderMaker, help_center: None
) -> None:
    order = order_in_status(alice, OrderStatus.SHIPPED)

    # Asked as a return: nothing on its way can be sent back, so it is answered as tracking.
    reply = say(chat(alice), "I want my tees returned, they still haven't arrived")

    assert order.number in reply.text and "1ZTEST" in reply.text, reply.text
    assert "trace" in reply.text, reply.text  # the help center's remedy, quoted
    assert "can't return" not in reply.text
    assert not ReturnRequest.objects.exists()


@pytest.mark.django_db
def test_a_question_about_how_returns_work_starts_no_return(
    alice: Customer, order_in_status: OrderMaker, help_center: None
) -> None:
    order_in_status(alice, OrderStatus.DELIVERED)
    conversation = chat(alice)

    reply = say(conversation, "who pays for the postage when I send something back?")

    assert state(conversation).task is None, reply.text
    assert "help_center" in reply.metadata["tools"], reply.metadata
