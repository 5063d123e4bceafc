"""Chinese messages read through their English reading (`assistant.understanding.chinese`)."""

from __future__ import annotations

import pytest

from assistant.understanding import chinese
from assistant.understanding.entities import extract


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十五", 25),
        ("两", 2),
        ("一百", 100),
        ("一百零五", 105),
        ("两千", 2000),
        ("一千二百", 1200),
    ],
)
def test_chinese_numbers(text: str, number: int) -> None:
    assert chinese.chinese_number(text) == number


def test_not_a_number() -> None:
    assert chinese.chinese_number("订单") is None
    assert chinese.chinese_number("") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("我想退货", "zh-Hans"),
        ("我的order到哪了", "zh-Hans"),
        ("好", "zh-Hans"),
        ("where is my order", "en"),
        ("ok", None),
        ("SD-100003", None),
        ("yes please", None),
    ],
)
def test_the_language_a_customer_wrote_in(text: str, language: str | None) -> None:
    assert chinese.message_language(text) == language


def test_english_is_read_unchanged() -> None:
    text = "Where is my order SD-100003? I'm at 12 Main St, 98101."
    assert chinese.reading(text) == text


def test_latin_values_inside_chinese_are_kept_exactly() -> None:
    reading = chinese.reading("请取消订单SD-100002，邮箱alice@example.com，邮编98101")
    assert "SD-100002" in reading
    assert "alice@example.com" in reading
    assert "98101" in reading
    assert "cancel" in reading


def test_the_reading_is_idempotent() -> None:
    for text in ["我想把牛仔裤换成L码", "买两件红色的T恤", "八月份买的包还没到"]:
        once = chinese.reading(text)
        assert chinese.reading(once) == once


@pytest.mark.parametrize(
    ("text", "quantity", "sizes", "colours"),
    [
        ("买两件红色的T恤", 2, (), ("red",)),
        ("我想换成L码的", None, ("L",), ()),
        ("鞋子要38码，黑色", None, ("38",), ("black",)),
        ("要三双袜子", 3, (), ()),
        ("藏青色XL号", None, ("XL",), ("navy",)),
    ],
)
def test_entities_are_found_in_chinese(
    text: str, quantity: int | None, sizes: tuple[str, ...], colours: tuple[str, ...]
) -> None:
    found = extract(chinese.reading(text))
    assert found.quantity == quantity
    assert found.sizes == sizes
    assert found.colours == colours


def test_an_order_number_inside_chinese_text_is_found() -> None:
    assert extract(chinese.reading("SD-100003什么时候到？")).order_numbers == ("SD-100003",)
    assert extract(chinese.reading("请取消订单SD-100002")).order_numbers == ("SD-100002",)


@pytest.mark.parametrize(
    ("text", "amount"),
    [("一百块以内的礼物", "under $100"), ("五十刀以上", "over $50"), ("150美元以内", "under $150")],
)
def test_amounts_in_chinese_numerals_read_as_amounts(text: str, amount: str) -> None:
    assert amount in chinese.reading(text)


def test_a_length_of_time_is_not_a_quantity() -> None:
    assert "1 week" in chinese.reading("一个礼拜了还没到")
    assert extract(chinese.reading("一个礼拜了还没到")).quantity is None
    assert extract(chinese.reading("买两个杯子")).quantity == 2


def test_months_are_read_as_the_english_rules_know_them() -> None:
    assert "August" in chinese.reading("八月份买的")
    assert "March 5" in chinese.reading("3月5号下的单")


def test_negation_reads_as_negation() -> None:
    from assistant.understanding.acts import negated_tasks

    negated, _ = negated_tasks(chinese.reading("不要取消了"))
    assert "cancel_order" in negated
    negated, _ = negated_tasks(chinese.reading("不要退款，我想知道订单到哪了"))
    assert "return_refund" in negated


def test_the_language_of_a_reply() -> None:
    assert chinese.reply_language("您的订单 SD-100003 已发货，承运商 UPS。") == "zh-Hans"
    # Product names quoted in English don't make a Chinese reply English.
    assert (
        chinese.reply_language("SD-100003：Quilted Liner Jacket，US$45.00，已发货。") == "zh-Hans"
    )
    assert chinese.reply_language("Your order SD-100003 has shipped with UPS.") == "en"
    assert chinese.reply_language("") == "en"
