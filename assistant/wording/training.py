"""Training the wording model on the shop's own data: a LoRA adapter (`peft`) on the bundled
SmolLM2-135M-Instruct, trained on the CPU, evaluated before and after on a held-out split, and
saved as a new version (`assistant.wording.versions`).

Training examples are (customer message, draft, rewording) in the production prompt
(`assistant.replies.prompts.rewrite_prompt`), the loss on the rewording only. They come from:

- reviewed rewordings kept in the repository (`data/rewrites.jsonl`, English and Simplified
  Chinese; written by people, never by the model being trained);
- the shop's agents' replies in resolved handoffs, the shop's own voice, with customer data
  masked (`mask`), as examples of replies worth keeping as they are;
- the help center: each article's opening, the answer the assistant drafts from it.

The held-out split is chosen by draft, so no draft of the held-out part is trained on."""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from assistant.replies.prompts import rewrite_prompt
from assistant.wording import gate

if TYPE_CHECKING:
    import torch

DATA_FILE = Path(__file__).resolve().parent / "data" / "rewrites.jsonl"
HELD_OUT = 0.15
LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


@dataclass
class Example:
    question: str
    draft: str
    rewording: str
    language: str = "en"
    kind: str = "other"
    must_keep: list[str] = field(default_factory=list)
    source: str = "reviewed"  # reviewed, agent, help_center
    group: str = ""  # examples of one draft share a group: never split across train/held-out

    def held_out(self, share: float = HELD_OUT) -> bool:
        key = self.group or self.draft
        bucket = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        return bucket < share


def reviewed_pairs(path: Path = DATA_FILE) -> list[Example]:
    if not path.is_file():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            out.append(
                Example(
                    question=row["question"],
                    draft=row["draft"],
                    rewording=row["rewording"],
                    language=row.get("language", "en"),
                    kind=row.get("kind", "other"),
                    must_keep=list(row.get("must_keep", [])),
                    source="reviewed",
                    group=row.get("group", row["draft"]),
                )
            )
        except KeyError as error:
            raise ValueError(f"{path}:{n}: missing {error}") from error
    return out


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ()-]{7,}\d")
_CARD = re.compile(r"\b(?:\d[ -]?){13,19}\b")


def mask(text: str, names: Sequence[str] = ()) -> str:
    """Customer data out of an agent's reply: emails, phone and card numbers, the customer's
    names. Replaced with neutral stand-ins (not placeholders the model would learn to write)."""
    text = _EMAIL.sub("you", text)
    text = _CARD.sub("your card", text)
    text = _PHONE.sub("your phone", text)
    for name in names:
        if len(name) >= 2:
            text = re.sub(rf"\b{re.escape(name)}\b", "there", text)
    return text


def agent_pairs(limit: int = 2000) -> list[Example]:
    """The agents' replies in resolved handoffs, masked: kept as they are (draft = reply)."""
    from chatbot.models import ConversationStatus, Message, MessageRole

    rows = (
        Message.objects.filter(
            role=MessageRole.AGENT, conversation__status=ConversationStatus.RESOLVED
        )
        .exclude(text="")
        .select_related("conversation__customer")
        .order_by("-pk")[:limit]
    )
    out = []
    for reply in rows:
        if (reply.metadata or {}).get("note"):
            continue  # internal notes are not said to customers
        customer = reply.conversation.customer
        names = [customer.first_name, customer.last_name] if customer is not None else []
        question = (
            Message.objects.filter(
                conversation_id=reply.conversation_id,
                role=MessageRole.CUSTOMER,
                seq__lt=reply.seq,
            )
            .order_by("-seq")
            .values_list("text", flat=True)
            .first()
        ) or ""
        text = mask(reply.text, names)
        if len(text) < 12:
            continue
        out.append(
            Example(
                question=mask(question, names),
                draft=text,
                rewording=text,
                language=reply.conversation.language or "en",
                kind="agent",
                source="agent",
            )
        )
    return out


def help_center_pairs() -> list[Example]:
    """Each published article's opening as the answer to its title: kept as it is."""
    from orders.models import HelpArticle

    out = []
    for article in HelpArticle.objects.filter(published=True):
        sentences = gate.split(" ".join(article.body.split()))[:2]
        if not sentences:
            continue
        answer = " ".join(sentences)
        out.append(
            Example(
                question=article.title,
                draft=answer,
                rewording=answer,
                kind="help_center",
                source="help_center",
            )
        )
    return out


def all_examples() -> list[Example]:
    return [*reviewed_pairs(), *agent_pairs(), *help_center_pairs()]


# --- the model ------------------------------------------------------------------------------


def _chat(example: Example) -> list[dict[str, str]]:
    prompt = rewrite_prompt(
        question=example.question, draft=example.draft, language=example.language
    )
    return [{"role": m.role, "content": m.content} for m in prompt]


def encode(tokenizer: Any, example: Example, max_length: int) -> tuple[list[int], list[int]]:
    """Token ids of prompt + rewording, and labels that count the rewording only."""
    prompt_ids = tokenizer.apply_chat_template(
        _chat(example), add_generation_prompt=True, tokenize=True, return_dict=False
    )
    if isinstance(prompt_ids, dict) or hasattr(prompt_ids, "input_ids"):
        prompt_ids = prompt_ids["input_ids"]
    target = tokenizer(example.rewording + "<|im_end|>", add_special_tokens=False)["input_ids"]
    ids = (list(prompt_ids) + list(target))[:max_length]
    labels = ([-100] * len(prompt_ids) + list(target))[:max_length]
    return ids, labels


def _batches(
    encoded: list[tuple[list[int], list[int]]], size: int, pad: int, rng: random.Random
) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    import torch

    # Similar lengths together: less padding, less wasted compute on two cores.
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
    groups = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(groups)
    out = []
    for group in groups:
        longest = max(len(encoded[i][0]) for i in group)
        ids = torch.full((len(group), longest), pad, dtype=torch.long)
        labels = torch.full((len(group), longest), -100, dtype=torch.long)
        mask_ = torch.zeros((len(group), longest), dtype=torch.long)
        for row, i in enumerate(group):
            a, b = encoded[i]
            ids[row, : len(a)] = torch.tensor(a)
            labels[row, : len(b)] = torch.tensor(b)
            mask_[row, : len(a)] = 1
        out.append((ids, labels, mask_))
    return out


def _loss(model: Any, ids: torch.Tensor, labels: torch.Tensor, mask_: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the rewording's tokens. The vocabulary projection (49k words)
    runs on those positions only, not on the prompt: on two cores that is a third of a step."""
    import torch

    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = inner.model(input_ids=ids, attention_mask=mask_).last_hidden_state
    wanted = labels[:, 1:] != -100
    logits = inner.lm_head(hidden[:, :-1][wanted])
    return torch.nn.functional.cross_entropy(logits.float(), labels[:, 1:][wanted])


def perplexity(model: Any, tokenizer: Any, examples: Sequence[Example], max_length: int) -> float:
    """Per-token perplexity of the rewordings given their prompts."""
    import torch

    if not examples:
        return float("nan")
    encoded = [encode(tokenizer, e, max_length) for e in examples]
    batches = _batches(encoded, 8, tokenizer.pad_token_id or 0, random.Random(0))
    total, count = 0.0, 0
    model.eval()
    with torch.inference_mode():
        for ids, labels, mask_ in batches:
            tokens = int((labels[:, 1:] != -100).sum())
            total += float(_loss(model, ids, labels, mask_)) * tokens
            count += tokens
    return math.exp(total / max(1, count))


@dataclass
class WordingScore:
    drafts: int = 0
    passed: int = 0  # every sentence passed the gate and every value was kept
    kept: int = 0  # every value the draft must keep is in the wording
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind: [passed, total]
    reasons: Counter[str] = field(default_factory=Counter)
    # Every wording with its draft: kept with the version, so a changed gate can re-score it
    # without generating again (`rescore`).
    wordings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pass_rate(self) -> float:
        return self.passed / self.drafts if self.drafts else 0.0

    @property
    def kept_rate(self) -> float:
        return self.kept / self.drafts if self.drafts else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "drafts": self.drafts,
            "pass_rate": round(self.pass_rate, 4),
            "kept_rate": round(self.kept_rate, 4),
            "by_kind": {k: {"passed": v[0], "total": v[1]} for k, v in self.by_kind.items()},
            "reasons": dict(self.reasons.most_common(10)),
            "wordings": self.wordings,
        }


def generate(model: Any, tokenizer: Any, example: Example, max_new_tokens: int) -> str:
    import torch

    inputs = tokenizer.apply_chat_template(
        _chat(example), add_generation_prompt=True, return_dict=True, return_tensors="pt"
    )
    with torch.inference_mode():
        out = model.generate(
            **inputs,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            repetition_penalty=settings.LLM_REPETITION_PENALTY,
        )
    text: str = tokenizer.decode(out[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)
    return text.strip()


def score_wording(
    model: Any,
    tokenizer: Any,
    examples: Sequence[Example],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> WordingScore:
    """Let the model word each distinct held-out draft; count how many pass the gate whole."""
    drafts: dict[str, Example] = {}
    for example in examples:
        drafts.setdefault(example.draft, example)
    score = WordingScore()
    for n, example in enumerate(drafts.values(), start=1):
        limit = min(settings.LLM_MAX_NEW_TOKENS, len(tokenizer(example.draft)["input_ids"]) + 40)
        text = generate(model, tokenizer, example, limit)
        _tally(score, example, text)
        if progress is not None:
            progress(n, len(drafts))
    return score


def _tally(score: WordingScore, example: Example, text: str) -> None:
    from assistant.replies import grounding

    draft = gate.Draft(text=example.draft, language=example.language, sources=[example.draft])
    reasons = gate.reply_check(text, draft, example.must_keep)
    ok = not reasons
    score.drafts += 1
    score.passed += ok
    score.kept += not grounding.keeps(text, example.must_keep)
    tally = score.by_kind.setdefault(example.kind, [0, 0])
    tally[0] += ok
    tally[1] += 1
    for reason in reasons:
        score.reasons[reason.split(" (")[0].split(" [")[0][:40]] += 1
    score.wordings.append(
        {
            "kind": example.kind,
            "language": example.language,
            "draft": example.draft,
            "must_keep": example.must_keep,
            "wording": text,
            "passed": ok,
        }
    )


def rescore(figures: dict[str, Any]) -> WordingScore:
    """The stored wordings of a measurement, scored again with the gate as it is now."""
    score = WordingScore()
    for row in figures.get("wordings") or []:
        example = Example(
            question="",
            draft=row["draft"],
            rewording="",
            language=row.get("language", "en"),
            kind=row.get("kind", "other"),
            must_keep=list(row.get("must_keep", [])),
        )
        _tally(score, example, row["wording"])
    return score


@dataclass
class TrainResult:
    folder: Path
    examples: int
    steps: int
    seconds: float
    metrics: dict[str, Any]


def train(
    *,
    out: Path,
    epochs: float = 1.0,
    batch_size: int = 8,
    learning_rate: float = 3e-4,
    rank: int = 16,
    max_length: int = 512,
    max_examples: int = 0,
    eval_drafts: int = 40,
    seed: int = 0,
    examples: list[Example] | None = None,
    say: Callable[[str], None] = print,
    bar: Callable[..., Any] | None = None,
) -> TrainResult:
    """Train an adapter into `out` and measure it against the base model on the held-out split."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from assistant.llm.transformers_backend import prepare

    random.seed(seed)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    pool = examples if examples is not None else all_examples()
    train_set = [e for e in pool if not e.held_out()]
    held = [e for e in pool if e.held_out()]
    if max_examples:
        rng.shuffle(train_set)
        train_set = train_set[:max_examples]
        held = held[: max(2, max_examples // 4)]
    if not train_set:
        raise ValueError("no training examples")
    sources = Counter(e.source for e in train_set)
    languages = Counter(e.language for e in train_set)
    say(
        f"{len(train_set)} training examples ({dict(sources)}; {dict(languages)}), "
        f"{len(held)} held out"
    )
    folder = prepare(say)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, local_files_only=True)
    held_drafts = list({e.draft: e for e in held}.values())[:eval_drafts]
    metrics: dict[str, Any] = {"train_examples": len(train_set), "held_out": len(held)}

    def wording(label: str) -> WordingScore:
        say(f"Wording {len(held_drafts)} held-out drafts with the {label} model")
        return score_wording(model, tokenizer, held_drafts)

    before = wording("base") if held_drafts else WordingScore()
    metrics["before"] = {
        **before.as_dict(),
        "perplexity": round(perplexity(model, tokenizer, held, max_length), 3),
    }
    say(
        f"before: gate pass rate {before.pass_rate:.0%}, values kept {before.kept_rate:.0%}, "
        f"perplexity {metrics['before']['perplexity']}"
    )
    # The upper half of the layers only: backpropagation then stops halfway down, which on two
    # cores makes a step about a third faster than adapting every layer.
    layers = model.config.num_hidden_layers
    config = LoraConfig(
        r=rank,
        lora_alpha=rank * 2,
        lora_dropout=0.05,
        target_modules=LORA_TARGETS,
        layers_to_transform=list(range(layers // 2, layers)),
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, config)  # type: ignore[assignment]
    encoded = [encode(tokenizer, e, max_length) for e in train_set]
    # An example longer than max_length would teach the model to stop mid-sentence: left out.
    encoded = [pair for pair in encoded if len(pair[0]) < max_length]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    say(f"{len(encoded)} examples of at most {max_length} tokens")
    per_epoch = math.ceil(len(encoded) / batch_size)
    total = max(1, round(per_epoch * epochs))
    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=learning_rate, weight_decay=0.0
    )
    warmup = max(1, total // 20)

    def lr_at(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.05, 1 - (step - warmup) / max(1, total - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_at)
    model.train()
    started = time.monotonic()
    step = 0
    progress = bar(total=total, desc="training", unit="step") if bar is not None else None
    losses: list[float] = []
    while step < total:
        for ids, labels, mask_ in _batches(encoded, batch_size, pad, rng):
            if step >= total:
                break
            loss = _loss(model, ids, labels, mask_)
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            losses.append(float(loss.detach()))
            elapsed = time.monotonic() - started
            left = elapsed / step * (total - step)
            if progress is not None:
                progress.set_postfix(loss=f"{losses[-1]:.3f}", left=f"{left / 60:.1f} min")
                progress.update(1)
            elif step == 1 or step % 10 == 0 or step == total:
                say(
                    f"step {step}/{total} · loss {losses[-1]:.3f} · {elapsed:.0f} s · "
                    f"about {left:.0f} s left"
                )
    if progress is not None:
        progress.close()
    seconds = time.monotonic() - started
    model.eval()  # type: ignore[no-untyped-call]
    after = wording("trained") if held_drafts else WordingScore()
    metrics["after"] = {
        **after.as_dict(),
        "perplexity": round(perplexity(model, tokenizer, held, max_length), 3),
    }
    metrics["final_loss"] = round(sum(losses[-10:]) / len(losses[-10:]), 4)
    say(
        f"after: gate pass rate {after.pass_rate:.0%}, values kept {after.kept_rate:.0%}, "
        f"perplexity {metrics['after']['perplexity']}"
    )
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    (out / "training.json").write_text(
        json.dumps(
            {
                "epochs": epochs,
                "batch_size": batch_size,
                "learning_rate": learning_rate,
                "rank": rank,
                "steps": step,
                "seconds": round(seconds, 1),
                "sources": dict(sources),
                "languages": dict(languages),
            },
            indent=2,
        )
        + "\n"
    )
    return TrainResult(
        folder=out, examples=len(encoded), steps=step, seconds=seconds, metrics=metrics
    )
