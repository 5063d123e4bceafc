"""The grounding check: a sentence may state a number, identifier, name, promise or markup only
if the sources hold it."""

from __future__ import annotations

import pytest

from assistant.replies.grounding import keeps, split_sentences, unsupported

ORDER = (
    "Order SD-100002 shipped with UPS on March 3, tracking 1Z999AA10123456784. Total $15.00. "
    "The item costs 1299.00."
)


def test_it_rejects_a_changed_amount() -> None:
    assert unsupported("Your total was $12.00.", [ORDER]) == ["12.00"]


def test_it_accepts_the_same_amount_written_differently() -> None:
    assert unsupported("That comes to 1,299.00.", [ORDER]) == []
    assert unsupported("The total is $15.", [ORDER]) == []


def test_it_rejects_an_invented_tracking_number() -> None:
    assert unsupported("Your tracking number is 1Z999AA10999999999.", [ORDER]) == [
        "1Z999AA10999999999"
    ]


def test_it_rejects_an_invented_name() -> None:
    assert unsupported("Your parcel was signed for by Margaret.", [ORDER]) == ["Margaret"]


def test_it_rejects_another_order_number() -> None:
    assert unsupported("Order SD-100009 is on its way.", [ORDER]) == ["SD-100009"]


def test_it_accepts_plain_wording() -> None:
    assert unsupported("Good news, it's on its way to you!", [ORDER]) == []
    assert unsupported("Order SD-100002 went out with UPS.", [ORDER]) == []
    assert unsupported("Feel free to ask if anything else comes up.", [ORDER]) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Great news: every order is free today!",
        "As a goodwill gesture I promise you a discount.",
        "This is legally binding.",
        "I'll waive the shipping cost.",
    ],
)
def test_it_rejects_promises_the_sources_do_not_make(sentence: str) -> None:
    assert unsupported(sentence, [ORDER])


def test_it_accepts_a_promise_word_the_sources_use() -> None:
    assert unsupported("Shipping is free.", ["Standard shipping is free on orders over $50."]) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "You said: <script>alert('hi')</script>",
        "Click <a href='x' onclick=steal()>here</a>",
        "See [the details](javascript:alert(1)).",
    ],
)
def test_it_rejects_markup(sentence: str) -> None:
    assert unsupported(sentence, [ORDER])


def test_keeps_names_dropped_values() -> None:
    assert keeps("Order SD-100002 is on its way.", ["SD-100002", "UPS"]) == ["UPS"]


def test_split_sentences() -> None:
    assert split_sentences("Hi there. Your order shipped! Anything else?") == [
        "Hi there.",
        "Your order shipped!",
        "Anything else?",
    ]
