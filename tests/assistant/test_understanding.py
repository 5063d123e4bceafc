"""Understanding without a database: negation, small talk, order numbers in any shop's format,
references to orders, addresses on one line, and how intents adjust to them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.flows.orders_flow import parse_address
from assistant.understanding import acts, references
from assistant.understanding.intents import NOT_SURE, Prediction
from assistant.understanding.references import OrderFacts

ORDERS = [
    OrderFacts(
        "SD-1",
        "processing",
        dt.date(2026, 11, 30),
        ("Round Polarized Sunglasses (Black)", "Ribbed Cotton Tank Top (Heather Grey / XL)"),
    ),
    OrderFacts("SD-2", "pending", dt.date(2026, 11, 29), ("Quilted Puffer Vest (Olive / S)",)),
    OrderFacts("SD-3", "delivered", dt.date(2026, 8, 7), ("One-Piece Swimsuit (Coral / M)",)),
    OrderFacts("SD-4", "shipped", dt.date(2026, 8, 20), ("Straight Jeans (Light Wash / 24)",)),
    OrderFacts("SD-5", "delivered", dt.date(2026, 6, 2), ("Wool Topcoat (Camel / M)",)),
]


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("NO dont cancel anything!! i was asking about SD-100001", {"cancel_order"}),
        ("i didnt ask to change it, i asked WHEN WILL IT ARRIVE", {"change_order"}),
        ("please do not cancel, just tell me where it is", {"cancel_order"}),
        ("no cancellation please, which carrier has it", {"cancel_order"}),
        ("no need for the tracking, I want to cancel it", {"track_shipment"}),
        ("it's not a payment problem, the parcel never came", {"payment_issue"}),
        ("I'm not complaining, thanks for the help", {"complaint"}),
        ("I don't want to talk to a human, just check my order", {"human_agent"}),
        ("I didn't say to cancel SD-100286", {"cancel_order"}),
        ("i never said cancel", {"cancel_order"}),
        ("don't you dare cancel my order", {"cancel_order"}),
        # Requests, not refusals:
        ("No I want to cancel my order", set()),
        ("cancel it, I don't want it anymore", set()),
        ("not a refund, I want an exchange for a bigger size", set()),
        ("my order says not paid but I paid", set()),
        ("no not that one, the one with the sunglasses", set()),
    ],
)
def test_negation_names_what_the_customer_does_not_want(text: str, negated: set[str]) -> None:
    found, rest = acts.negated_tasks(text)
    assert found == negated
    if negated:
        assert len(rest) < len(text)


def test_a_negated_intent_gives_way_to_the_next_likely_one_or_to_not_sure() -> None:
    guess = Prediction(
        "cancel_order", 0.6, "cancel_order", (("cancel_order", 0.6), ("order_status", 0.3))
    )
    assert acts.intent_after_negation(guess, frozenset({"cancel_order"})).label == "order_status"
    alone = Prediction("cancel_order", 0.9, "cancel_order", (("cancel_order", 0.9), ("x", 0.05)))
    assert acts.intent_after_negation(alone, frozenset({"cancel_order"})).label == NOT_SURE
    assert acts.intent_after_negation(alone, frozenset()).label == "cancel_order"


def test_a_message_naming_an_order_is_never_out_of_scope() -> None:
    guess = Prediction(
        NOT_SURE, 0.35, "out_of_scope", (("out_of_scope", 0.35), ("return_refund", 0.34))
    )
    assert acts.about_the_shop(guess).label == "return_refund"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("are you a bot?", "bot_identity"),
        ("am i talking to a real person", "bot_identity"),
        ("lol ok. whats your name", "name"),
        ("how are you today", "how_are_you"),
        ("what are you selling", None),
        ("where is my order", None),
    ],
)
def test_small_talk_kinds(text: str, kind: str | None) -> None:
    assert acts.small_talk_kind(text) == kind


def test_order_numbers_match_whatever_format_the_shop_uses() -> None:
    shop = ["#W8665881", "SD-100003", "ORD-5521", "SD-100009"]
    said = "is #w8665881 here? also order 100003, ord5521 and sd 100009"
    expected = ["#W8665881", "SD-100003", "ORD-5521", "SD-100009"]
    assert references.match_numbers(said, shop) == expected
    assert references.match_numbers("W8665881 please", shop) == ["#W8665881"]
    assert references.match_numbers("8665881", shop) == ["#W8665881"]
    assert references.match_numbers("AB8665881", shop) == []  # other letters: another number
    # A zip code, a price and an email are no order numbers.
    assert references.match_numbers("zip 98101, $8665881, 8665881@example.com", shop) == []


@pytest.mark.parametrize(
    ("text", "numbers", "how"),
    [
        ("pls cancel the sunglasses order", ("SD-1",), "item"),
        ("the order with the jeans", ("SD-4",), "item"),
        ("the sunglases one", ("SD-1",), "item"),  # a typo
        ("has my coat shipped", ("SD-5",), "item"),  # "coat" names the topcoat
        ("i want to return the swimsuit i got in august", ("SD-3",), "item"),
        ("what happened to the order i placed in august", ("SD-3", "SD-4"), "date"),
        ("cancel the pending one", ("SD-2",), "status"),
        ("the second one", ("SD-4",), "position"),
        ("my latest order", ("SD-1",), "recent"),
        ("my last order please", ("SD-1",), "recent"),  # the newest, not the bottom of a list
        ("the last one", ("SD-4",), "position"),
        ("where is my order", (), ""),
    ],
)
def test_references_resolve_against_the_customers_orders(
    text: str, numbers: tuple[str, ...], how: str
) -> None:
    ref = references.refer(text, ORDERS, listed=["SD-2", "SD-4"])
    assert (ref.numbers, ref.how) == (numbers, how)


@pytest.mark.parametrize(
    ("text", "city", "region", "country"),
    [
        ("1200 3rd Ave, Seattle WA 98101", "Seattle", "WA", "US"),
        ("22 Collins St, Melbourne VIC 3000", "Melbourne", "VIC", "AU"),
        ("100 King St W, Toronto ON M5H 2N2", "Toronto", "ON", "CA"),
        ("500 Pine St, Seattle, WA 98101", "Seattle", "WA", "US"),
    ],
)
def test_a_full_address_on_one_line(text: str, city: str, region: str, country: str) -> None:
    address = parse_address(text, "Alice Martin")
    assert address is not None
    assert (address["city"], address["region"], address["country"]) == (city, region, country)


def test_acts_of_a_message_read_with_the_dialogue_state() -> None:
    sure = Prediction("order_status", 0.9, "order_status", (("order_status", 0.9),))
    denied = acts.understand(
        "NO dont cancel anything, where is it",
        sure,
        negated=frozenset({"cancel_order"}),
        rest="where is it",
        confirming=True,
        asking=None,
        identity=False,
        listed=False,
    )
    assert denied.labels() == ["deny", "request:order_status"]
    unsure = Prediction(NOT_SURE, 0.2, "complaint", (("complaint", 0.2),))
    answer = acts.understand(
        "it was too small",
        unsure,
        negated=frozenset(),
        rest="it was too small",
        confirming=False,
        asking="reason",
        identity=False,
        listed=False,
    )
    assert answer.labels() == ["inform"]


def test_a_trained_classifier_is_cached_under_what_it_learned(tmp_path: Any) -> None:
    from django.conf import settings

    from assistant.understanding import intents

    lines = [
        ("where is my order", "order_status"),
        ("has my parcel shipped", "order_status"),
        ("cancel my order", "cancel_order"),
        ("please cancel it", "cancel_order"),
    ]
    data = tmp_path / "tiny.jsonl"
    data.write_text(
        "".join(json.dumps({"text": t, "label": lb, "split": "train"}) + "\n" for t, lb in lines)
    )
    cache = Path(settings.DATA_DIR) / "nlu"
    before = set(cache.glob("classifier-*.pkl"))
    first = intents.classifier_train(path=data, include_database=False)
    made = set(cache.glob("classifier-*.pkl")) - before
    assert len(made) == 1
    again = intents.classifier_train(path=data, include_database=False)
    assert again is not first  # read back from the cache
    assert again.predict("cancel it please").label == first.predict("cancel it please").label
    data.write_text(
        data.read_text()
        + json.dumps({"text": "stop my order", "label": "cancel_order", "split": "train"})
        + "\n"
    )
    intents.classifier_train(path=data, include_database=False)
    assert len(set(cache.glob("classifier-*.pkl")) - before) == 2  # new data, new classifier
    for path in set(cache.glob("classifier-*.pkl")) - before:
        path.unlink()
