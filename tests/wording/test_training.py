"""Training the wording model end to end, on two cores and in a minute: a tiny LoRA run on the
repository's reviewed pairs saves a version; the worker's backend loads it, words a real reply
with it through the reply service, and rolls back to the base model without a restart. Also the
masking of agents' replies, the per-kind policy and the staff console's switch."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from assistant.llm.fake import FakeBackend
from assistant.llm.transformers_backend import TransformersBackend
from assistant.models import ModelVersion
from assistant.replies import pipeline as replies
from assistant.wording import policy, training, versions
from chatbot import services
from chatbot.models import Message
from orders.models import Customer, OrderStatus
from tests.conftest import OrderMaker

NAME = "ci-tiny"


@pytest.fixture
def tiny_folder() -> Iterator[Path]:
    folder = Path(settings.LLM_CACHE_DIR) / "wording" / NAME
    shutil.rmtree(folder, ignore_errors=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_reviewed_pairs_are_many_and_in_both_languages() -> None:
    pairs = training.reviewed_pairs()
    languages = {e.language for e in pairs}
    assert len(pairs) >= 1500
    assert languages == {"en", "zh-Hans"}
    held = [e for e in pairs if e.held_out()]
    assert 0.08 < len(held) / len(pairs) < 0.25
    # The split is by draft: no held-out draft is trained on.
    assert not {e.draft for e in held} & {e.draft for e in pairs if not e.held_out()}


@pytest.mark.django_db(transaction=True)
def test_a_tiny_training_is_saved_loaded_used_and_rolled_back(
    tiny_folder: Path,
    alice: Customer,
    order_in_status: OrderMaker,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command(
        "train_model", "--max-examples", "8", "--eval-drafts", "1", "--name", NAME, "--live"
    )

    out = capsys.readouterr()
    assert "step" in out.err or "training" in out.err  # the progress bar
    version = ModelVersion.objects.get(name=NAME)
    assert version.is_live and version.steps == 1 and version.examples == 8
    assert (tiny_folder / "adapter_config.json").is_file()
    for phase in ("before", "after"):
        figures = version.metrics[phase]
        assert figures["drafts"] == 1 and figures["perplexity"] > 1.0
    assert _lora_b_moved(tiny_folder)  # LoRA's B starts at zero: one step of training moved it

    backend = TransformersBackend()
    assert backend.adapter == NAME and f"+{NAME}" in backend.name

    # Through the reply service, with the trained model words allowed: the reply records it.
    settings.BOT_LLM_MODE = "rewrite"
    monkeypatch.setattr(replies, "get_backend", lambda: backend)
    monkeypatch.setattr(services, "_enqueue_reply", lambda message_id: None)
    conversation = services.conversation_start_or_resume(customer=alice, resume=None)
    order = order_in_status(alice, OrderStatus.SHIPPED)
    question, _ = services.message_post_customer(
        conversation_id=conversation.pk, text=f"where is {order.number}?"
    )
    reply = replies.reply_generate(customer_message_id=question.pk)
    assert reply is not None
    stored = Message.objects.get(pk=reply.pk)
    assert f"+{NAME}" in stored.metadata["model"]
    assert stored.metadata["written_by"] in ("model", "model+draft", "draft")
    assert order.number in stored.text  # whoever wrote it, the fact is there

    # Rolled back in the console: the next reply is worded by the base model, no restart.
    versions.version_make_live(version=None)
    backend.sync_adapter()
    assert backend.adapter is None and "+" not in backend.name


def _lora_b_moved(folder: Path) -> bool:
    from safetensors.torch import load_file

    weights = load_file(str(folder / "adapter_model.safetensors"))
    b = [t for k, t in weights.items() if "lora_B" in k]
    return bool(b) and any(float(t.abs().sum()) > 0 for t in b)


def test_agents_replies_are_masked_before_training() -> None:
    text = training.mask(
        "Hi Alice, I emailed alice@example.com and called +1 (555) 010-2233 about card "
        "4111 1111 1111 1111.",
        ["Alice", "Martin"],
    )
    assert "alice@example.com" not in text and "Alice" not in text
    assert "555" not in text and "4111" not in text


@pytest.mark.django_db
def test_a_kind_whose_wording_mostly_fails_does_not_wait_for_the_model(
    alice: Customer,
    order_in_status: OrderMaker,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    settings.BOT_LLM_MIN_PASS_RATE = 0.6
    ModelVersion.objects.create(
        name="measured",
        path="/nowhere",
        base_model="SmolLM2-135M-Instruct",
        is_live=True,
        metrics={
            "after": {
                "pass_rate": 0.5,
                "by_kind": {
                    "greeting": {"passed": 4, "total": 4},
                    "status": {"passed": 1, "total": 5},
                },
            }
        },
    )
    policy.reset()
    assert policy.may_word("greeting") and not policy.may_word("status")
    assert not policy.may_word("products")  # unmeasured: the overall 50% decides
    backend = FakeBackend()
    monkeypatch.setattr(replies, "get_backend", lambda: backend)
    monkeypatch.setattr(services, "_enqueue_reply", lambda message_id: None)
    conversation = services.conversation_start_or_resume(customer=alice, resume=None)
    order = order_in_status(alice, OrderStatus.SHIPPED)

    for text, worded in (("hi", True), (f"where is {order.number}?", False)):
        before = len(backend.calls)
        question, _ = services.message_post_customer(conversation_id=conversation.pk, text=text)
        reply = replies.reply_generate(customer_message_id=question.pk)
        assert reply is not None
        assert (len(backend.calls) > before) is worded, text
    policy.reset()


def test_the_base_models_shipped_figures_keep_it_from_wording_by_default() -> None:
    figures = json.loads(policy.BASE_FILE.read_text())
    assert figures["drafts"] >= 20
    assert figures["pass_rate"] < 0.6  # why the base model words (almost) nothing


@pytest.mark.django_db
def test_staff_switch_and_roll_back_versions_in_the_console(client: Client, staff: Any) -> None:
    old = ModelVersion.objects.create(name="v1", path="/a", base_model="m", is_live=True)
    new = ModelVersion.objects.create(name="v2", path="/b", base_model="m")
    client.force_login(staff)
    url = "/admin/assistant/modelversion/"

    page = client.get(url)
    assert page.status_code == 200 and b"v1" in page.content and b"v2" in page.content

    client.post(url, {"action": "make_live", "_selected_action": [new.pk]})
    assert set(ModelVersion.objects.filter(is_live=True).values_list("name", flat=True)) == {"v2"}
    client.post(url, {"action": "make_live", "_selected_action": [old.pk]})  # roll back
    assert ModelVersion.objects.get(is_live=True).name == "v1"
    client.post(url, {"action": "use_base_model", "_selected_action": [old.pk]})
    assert not ModelVersion.objects.filter(is_live=True).exists()
