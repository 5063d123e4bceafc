"""The faithfulness gate: what it refuses (the trial's nonsense, added claims, run-together words,
the wrong language), what it lets through, and streamed text that keeps its spaces."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.flows.engine import respond
from assistant.llm.fake import FakeBackend
from assistant.llm.transformers_backend import cache_dir, model_source
from assistant.replies import pipeline as replies
from assistant.wording import gate
from chatbot import services
from chatbot.models import Conversation
from orders.models import Customer

GREETING = (
    "Hi! I'm the Harbor Lane assistant. I can track your orders, cancel or change them, start "
    "returns and exchanges, answer questions about shipping, returns and payments, and help you "
    "find and buy products."
)
STATUS = (
    "Order SD-100002, placed December 1, 2026, is processing. It has 1 × High-Rise Straight "
    "Jeans (Indigo / 34) at $78.00, total $110.00."
)


def _draft(text: str, language: str = "en", sources: tuple[str, ...] = ()) -> gate.Draft:
    return gate.Draft(text=text, language=language, sources=[text, *sources])


@pytest.mark.parametrize(
    "sentence",
    [
        # What the trial's customers got (docs/model.md): every one must be refused.
        "I'm sorry for your mistake.",
        "Pleasedo not provide me with any additional details unless they're requested by the user.",
        "Youmay ask about my services again if there was something wrong related to the order.",
        "Thankyou for understanding.",
        "I don't have the ability to assist with your orders.",
        "Please try contacting us directly by sending an email to [address].",
        "I'm sorry for the confusion earlier.",
        "You mentioned that you'd be able to make changes to your order.",
        "I hope this response meets your requirements.",
        "Here is the rewritten reply:",
        "我可以帮您查询订单。",  # the right idea, the wrong language for this conversation
        "Your order will arrive tomorrow.",
    ],
)
def test_the_trials_nonsense_is_refused(sentence: str) -> None:
    verdict = gate.check(sentence, _draft(GREETING))
    assert not verdict.ok, sentence


@pytest.mark.parametrize(
    ("sentence", "draft"),
    [
        ("Hello! I'm the Harbor Lane assistant.", GREETING),
        ("I can track, cancel or change your orders, and start returns or exchanges.", GREETING),
        ("Your order SD-100002, placed December 1, 2026, is being processed.", STATUS),
    ],
)
def test_a_faithful_rewording_passes(sentence: str, draft: str) -> None:
    verdict = gate.check(sentence, _draft(draft))
    assert verdict.ok, verdict.reason


def test_an_invented_figure_and_a_made_up_name_are_refused() -> None:
    assert not gate.check("Your order SD-100002 is processing, total $99.00.", _draft(STATUS)).ok
    assert not gate.check("It ships with FedEx from Ohio.", _draft(STATUS)).ok


def test_a_chinese_conversation_gets_chinese_sentences_only() -> None:
    draft = _draft("订单 SD-100002 正在处理中。", language="zh-Hans")
    assert gate.check("您的订单 SD-100002 正在处理中。", draft).ok
    assert not gate.check("Your order SD-100002 is processing.", draft).ok


def test_a_cut_off_last_sentence_is_refused() -> None:
    verdict = gate.check("Order SD-100002 is processing and", _draft(STATUS), final=True)
    assert not verdict.ok and verdict.reason == "cut off"


def test_what_the_model_left_out_remains_to_be_said() -> None:
    draft = _draft(STATUS)
    # The first sentence without its date: not said, so both draft sentences remain.
    assert gate.remaining(["Order SD-100002 is processing."], draft) == draft.sentences
    said = "Order SD-100002, placed December 1, 2026, is being processed."
    assert gate.remaining([said], draft) == draft.sentences[1:]


def test_streamed_text_is_split_without_losing_a_space() -> None:
    whole, rest = gate.split_stream("Sorry for the wait. Please ")
    assert whole == ["Sorry for the wait."] and rest == "Please "
    whole, rest = gate.split_stream(rest + "do check. Thank")
    assert whole == ["Please do check."] and rest == "Thank"
    assert gate.split_stream("订单已发货。请查收")[0] == ["订单已发货。"]


@pytest.mark.django_db(transaction=True)
def test_the_tokenizers_own_stream_reaches_the_customer_with_every_space(
    alice: Customer, monkeypatch: pytest.MonkeyPatch, published: list[dict[str, Any]]
) -> None:
    """The bundled model's tokenizer, streamed the way `TextIteratorStreamer` hands text out
    (up to the last space of what it has decoded): the reply must read exactly as written. The
    old splitting kept only the stripped last piece and sent "Pleasedo", "Thankyou"."""
    from transformers import AutoTokenizer, TextIteratorStreamer

    tokenizer = AutoTokenizer.from_pretrained(cache_dir(model_source()), local_files_only=True)
    monkeypatch.setattr(services, "_enqueue_reply", lambda message_id: None)
    conversation: Conversation = services.conversation_start_or_resume(customer=alice, resume=None)
    question, _ = services.message_post_customer(conversation_id=conversation.pk, text="hi")
    draft = respond(message=question).text  # what the model will be asked to reword
    streamer = TextIteratorStreamer(tokenizer, skip_special_tokens=True)
    for token in tokenizer(draft)["input_ids"]:
        streamer.put(_tensor([token]))
    streamer.end()
    deltas = [d for d in streamer if d]
    assert any(d.endswith(" ") for d in deltas[:-1])  # the case that lost its space
    monkeypatch.setattr(replies, "get_backend", lambda: FakeBackend(script=deltas))
    monkeypatch.setattr(replies, "respond", lambda message: _turn(draft))

    reply = replies.reply_generate(customer_message_id=question.pk)

    assert reply is not None
    reply.refresh_from_db()
    assert reply.metadata["written_by"] == "model", reply.metadata.get("rejected")
    assert reply.text == draft


def _tensor(ids: list[int]) -> Any:
    import torch

    return torch.tensor(ids)


def _turn(text: str) -> Any:
    from assistant.replies.turn import Turn

    turn = Turn(intent="greeting", llm_ok=True)
    turn.say(text)
    return turn
