"""End-to-end evaluation of the assistant against the demo shop (`manage.py eval_bot`).

A scenario is a scripted conversation: what the customer says (or which confirmation button they
press), what each bot reply must and must not contain, and what the database must look like
afterwards. The format is documented in docs/scenarios.md; the suite lives in
`assistant/scenarios/demo.yaml`.

Every scenario starts from the demo shop as the database holds it (freshly seeded, see
`demo_drift`) and leaves no trace: the whole run happens inside one transaction that is rolled back
at the end, and each scenario inside a savepoint that is rolled back after it. Nothing is
committed, so the reply task is never enqueued (it is scheduled on commit) and the runner calls the
reply service itself, in-process.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.test.utils import override_settings

from assistant.flows import engine
from assistant.replies import pipeline as replies
from assistant.understanding import chinese
from chatbot import services
from chatbot.models import Conversation, Message
from orders.models import Customer, Order, Payment, PaymentMethod, ReturnRequest

SCENARIO_DIR = Path(__file__).parent / "scenarios"
DEMO_FILE = SCENARIO_DIR / "demo.yaml"
SECOND_FILE = SCENARIO_DIR / "second.yaml"
SHOPS = ("demo", "second")

EXPECT_KEYS = {
    "contains",
    "not_contains",
    "intent",
    "attachment",
    "no_attachment",
    "reply_language",
}
TURN_KEYS = {"say", "button", "expect", "acts"}
SCENARIO_KEYS = {"name", "description", "customer", "turns", "after", "brief", "language"}
LANGUAGES = ("en", "zh-Hans")
AFTER_KEYS = {
    "order",
    "conversation",
    "orders_created",
    "returns_created",
    "return",
    "customer",
    "payments",
    "gift_card",
}
ORDER_KEYS = {"status", "items", "not_items", "address", "payment", "cancel_reason", "total"}
CONVERSATION_KEYS = {"status", "verified", "handoff_reason"}
RETURN_KEYS = {
    "kind",
    "status",
    "reason",
    "refund_method",
    "exchange",
    "items",
    "refund_amount",
    "charge_amount",
    "payment_method",
}
CUSTOMER_KEYS = {"default_address", "addresses"}


class ScenarioError(ValueError):
    """A scenario file that doesn't follow the format."""


@dataclass(frozen=True)
class Expect:
    contains: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()
    intent: str | None = None
    attachment: str | None = None  # an attachment type the reply must carry
    no_attachment: str | None = None  # one it must not carry
    reply_language: str | None = None  # "en" or "zh-Hans": the language the reply is written in


@dataclass(frozen=True)
class Step:
    say: str | None
    button: str | None  # "yes" / "no": answers the pending confirmation by its id
    expect: Expect
    # The dialogue acts the message carries ("request:cancel_order", "deny", "small_talk:thanks"),
    # as `assistant.understanding.acts` writes them; empty: not checked.
    acts: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.say if self.say is not None else f"[{self.button} button]"


@dataclass(frozen=True)
class Scenario:
    name: str
    customer: str | None  # signed in as this email; None for a guest
    turns: tuple[Step, ...]
    after: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    shop: str = "demo"  # the shop it runs on: the demo, or the second test shop
    language: str = "en"  # the chat widget's language


@dataclass
class Result:
    name: str
    failures: list[str] = field(default_factory=list)
    fact_checks: int = 0
    facts_passed: int = 0
    act_checks: int = 0  # turns whose acts were checked
    acts_passed: int = 0
    act_misses: list[str] = field(default_factory=list)
    turns: int = 0
    latencies_ms: list[float] = field(default_factory=list)  # turns the model didn't write
    # (what the customer said, the reply, its intent and attachment types), for --verbosity 2
    transcript: list[tuple[str, str, str, list[str]]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def fail(self, reason: str) -> None:
        self.failures.append(reason)


@dataclass(frozen=True)
class Summary:
    results: list[Result]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def task_success(self) -> float:
        return self.passed / len(self.results) if self.results else 0.0

    @property
    def fact_accuracy(self) -> float:
        checks = sum(r.fact_checks for r in self.results)
        return sum(r.facts_passed for r in self.results) / checks if checks else 1.0

    @property
    def act_accuracy(self) -> float | None:
        checks = sum(r.act_checks for r in self.results)
        return sum(r.acts_passed for r in self.results) / checks if checks else None

    @property
    def average_turns(self) -> float:
        return statistics.fmean(r.turns for r in self.results) if self.results else 0.0

    @property
    def median_latency_ms(self) -> float:
        latencies = [ms for r in self.results for ms in r.latencies_ms]
        return statistics.median(latencies) if latencies else 0.0


# --- loading -------------------------------------------------------------------------------------


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return tuple(str(v) for v in value)
    raise ScenarioError(f"{where}: expected a string or a list of strings")


def _unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = set(data) - allowed
    if extra:
        raise ScenarioError(f"{where}: unknown key(s) {sorted(extra)}; allowed: {sorted(allowed)}")


def _dict(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: expected a mapping")
    return value


def _after_validate(after: dict[str, Any], where: str) -> None:
    _unknown(after, AFTER_KEYS, where)
    for number, fields in _dict(after.get("order", {}), f"{where}.order").items():
        _unknown(_dict(fields, f"{where}.order.{number}"), ORDER_KEYS, f"{where}.order.{number}")
    for number, fields in _dict(after.get("return", {}), f"{where}.return").items():
        _unknown(_dict(fields, f"{where}.return.{number}"), RETURN_KEYS, f"{where}.return.{number}")
    for email, fields in _dict(after.get("customer", {}), f"{where}.customer").items():
        _unknown(
            _dict(fields, f"{where}.customer.{email}"), CUSTOMER_KEYS, f"{where}.customer.{email}"
        )
    _unknown(
        _dict(after.get("conversation", {}), f"{where}.conversation"),
        CONVERSATION_KEYS,
        f"{where}.conversation",
    )
    returns = after.get("returns_created", {})
    if not isinstance(returns, int | dict):
        raise ScenarioError(f"{where}.returns_created: expected a number or {{order: number}}")


def scenario_parse(data: Any, where: str = "scenario") -> Scenario:
    data = _dict(data, where)
    _unknown(data, SCENARIO_KEYS, where)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ScenarioError(f"{where}: `name` is required")
    where = f"scenario {name!r}"
    customer = data.get("customer")
    if customer is not None and not isinstance(customer, str):
        raise ScenarioError(f"{where}: `customer` is an email or null")
    raw_turns = data.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise ScenarioError(f"{where}: `turns` must be a non-empty list")
    turns = []
    for i, raw in enumerate(raw_turns, start=1):
        at = f"{where} turn {i}"
        raw = _dict(raw, at)
        _unknown(raw, TURN_KEYS, at)
        say, button = raw.get("say"), raw.get("button")
        if (say is None) == (button is None):
            raise ScenarioError(f"{at}: give exactly one of `say` and `button`")
        if say is not None and not isinstance(say, str):
            raise ScenarioError(f"{at}: `say` must be text")
        if button is not None and button not in ("yes", "no"):
            raise ScenarioError(f'{at}: `button` is "yes" or "no"')
        expect = _dict(raw.get("expect") or {}, f"{at}.expect")
        _unknown(expect, EXPECT_KEYS, f"{at}.expect")
        if expect.get("reply_language") not in (None, *LANGUAGES):
            raise ScenarioError(f"{at}: `reply_language` is one of {', '.join(LANGUAGES)}")
        turns.append(
            Step(
                say=say,
                button=button,
                expect=Expect(
                    contains=_strings(expect.get("contains"), f"{at}.contains"),
                    not_contains=_strings(expect.get("not_contains"), f"{at}.not_contains"),
                    intent=expect.get("intent"),
                    attachment=expect.get("attachment"),
                    no_attachment=expect.get("no_attachment"),
                    reply_language=expect.get("reply_language"),
                ),
                acts=_strings(raw.get("acts"), f"{at}.acts"),
            )
        )
    after = _dict(data.get("after") or {}, f"{where}.after")
    _after_validate(after, f"{where}.after")
    language = data.get("language", "en")
    if language not in LANGUAGES:
        raise ScenarioError(f"{where}: `language` is one of {', '.join(LANGUAGES)}")
    return Scenario(
        language=language,
        name=name,
        customer=customer,
        turns=tuple(turns),
        after=after,
        description=str(data.get("description") or ""),
    )


def scenarios_load(path: Path = DEMO_FILE) -> list[Scenario]:
    """The scenarios of a YAML (or JSON, a subset of YAML) file: a list, or {"scenarios": [...]}."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ScenarioError(f"{path}: {error}") from error
    shop = "demo"
    if isinstance(data, dict):
        shop = str(data.get("shop") or "demo")
        if shop not in SHOPS:
            raise ScenarioError(f"{path}: shop is one of {', '.join(SHOPS)}, not {shop!r}")
        data = data.get("scenarios")
    if not isinstance(data, list):
        raise ScenarioError(f"{path}: expected a list of scenarios")
    scenarios = [
        dataclasses.replace(scenario_parse(item, f"{path} item {i}"), shop=shop)
        for i, item in enumerate(data, 1)
    ]
    names = [s.name for s in scenarios]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ScenarioError(f"{path}: duplicate scenario names {duplicates}")
    return scenarios


# --- the demo shop -------------------------------------------------------------------------------


# The scripted orders of the demo personas, as `seed_demo` creates them. Scenarios assume these.
SEEDED_STATUSES = {
    "SD-100001": "pending",
    "SD-100002": "processing",
    "SD-100003": "shipped",
    "SD-100004": "delivered",
    "SD-100005": "cancelled",
    "SD-100006": "return_requested",
    "SD-100007": "returned",
    "SD-100008": "delivered",
    "SD-100009": "shipped",
    "SD-100010": "pending",
    "SD-100011": "delivered",
}


def demo_drift() -> list[str]:
    """How the demo personas' orders differ from the freshly seeded shop (empty when they don't).
    Chatting with the demo changes it; the seed only adds what is missing, so a changed shop needs
    a fresh database (`make run` on a new DATA_DIR, or `migrate` + `seed_demo` on a new file)."""
    found = dict(Order.objects.filter(number__in=SEEDED_STATUSES).values_list("number", "status"))
    drift = [
        f"{number} is {found.get(number, 'missing')}, seeded {status}"
        for number, status in SEEDED_STATUSES.items()
        if found.get(number) != status
    ]
    extra = ReturnRequest.objects.filter(order__number__in=SEEDED_STATUSES).exclude(
        order__number__in=("SD-100006", "SD-100007")
    )
    drift += [f"{rma.rma_number} was opened after seeding" for rma in extra]
    return drift


@contextmanager
def _rolled_back() -> Iterator[None]:
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


# Replies stream their deltas to the channel layer as they are written; nobody listens to an
# evaluation, so they go to an in-process layer instead of Redis.
QUIET_CHANNELS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


# --- running -------------------------------------------------------------------------------------


def _reply_text_and_meta(reply: Message | None) -> tuple[str, dict[str, Any]]:
    if reply is None:
        return "", {}
    reply.refresh_from_db()
    return reply.text, reply.metadata if isinstance(reply.metadata, dict) else {}


def _check_turn(result: Result, n: int, step: Step, text: str, meta: dict[str, Any]) -> None:
    where = f"turn {n} ({step.label!r})"
    low = text.casefold()
    for fact in step.expect.contains:
        result.fact_checks += 1
        if fact.casefold() in low:
            result.facts_passed += 1
        else:
            result.fail(f"{where}: reply lacks {fact!r}; reply: {text!r}")
    for fact in step.expect.not_contains:
        result.fact_checks += 1
        if fact.casefold() not in low:
            result.facts_passed += 1
        else:
            result.fail(f"{where}: reply should not contain {fact!r}; reply: {text!r}")
    if step.expect.reply_language is not None:
        result.fact_checks += 1
        written = chinese.reply_language(text)
        if written == step.expect.reply_language:
            result.facts_passed += 1
        else:
            result.fail(
                f"{where}: reply in {written}, expected {step.expect.reply_language}; "
                f"reply: {text!r}"
            )
    if step.acts:
        result.act_checks += 1
        heard = [a for a in meta.get("acts") or [] if isinstance(a, str)]
        missing = [a for a in step.acts if a not in heard]
        # A request the customer did not make (a negated one above all) is the dangerous error.
        unasked = [a for a in heard if a.startswith("request:") and a not in step.acts]
        if missing or unasked:
            # Reported beside task success, not as a failure: the reply is what the customer
            # gets, the acts are how the assistant got there.
            result.act_misses.append(f"{where}: acts {heard}, expected {list(step.acts)}")
        else:
            result.acts_passed += 1
    if step.expect.intent is not None and meta.get("intent") != step.expect.intent:
        result.fail(f"{where}: intent {meta.get('intent')!r}, expected {step.expect.intent!r}")
    types = [a.get("type") for a in meta.get("attachments") or [] if isinstance(a, dict)]
    if step.expect.attachment is not None and step.expect.attachment not in types:
        result.fail(f"{where}: no {step.expect.attachment!r} attachment (has {types})")
    if step.expect.no_attachment is not None and step.expect.no_attachment in types:
        result.fail(f"{where}: unexpected {step.expect.no_attachment!r} attachment")


def _order_desc(order: Order) -> list[str]:
    out = []
    for item in order.items.select_related("variant__product"):
        options = item.variant.label  # colour before size, whatever order the database keeps
        out.append(
            f"{item.variant.product.name} ({options})" if options else item.variant.product.name
        )
    return out


def _check_order(result: Result, order: Order, fields: dict[str, Any]) -> None:
    items = _order_desc(order)
    actual: dict[str, Any] = {
        "total": f"{order.grand_total:.2f}",
        "status": order.status,
        "items": items,
        "not_items": items,
        "address": " ".join(str(v) for v in (order.shipping_address or {}).values()),
        "payment": str(order.payment_method or ""),
        "cancel_reason": order.cancel_reason,
    }
    for key, want in fields.items():
        value = actual[key]
        if key in ("status", "total"):
            ok = value == str(want).lstrip("$")
        elif key == "items":
            ok = all(any(_contains(i, x) for i in items) for x in _strings(want, key))
        elif key == "not_items":
            ok = not any(any(_contains(i, x) for i in items) for x in _strings(want, key))
        else:
            ok = _contains(value, want)
        if not ok:
            result.fail(f"after: order {order.number} {key} is {value!r}, expected {want!r}")


def _contains(haystack: str, needle: Any) -> bool:
    return str(needle).casefold() in haystack.casefold()


def _item_desc(item: Any, quantity: int) -> str:
    return f"{quantity} × {item.product_name} ({item.variant_label})"


def _check_after(
    result: Result,
    scenario: Scenario,
    conversation: Conversation,
    orders_before: set[str],
    returns_before: dict[str, int],
    payments_before: int = 0,
) -> None:
    after = scenario.after
    for number, fields in after.get("order", {}).items():
        order = Order.objects.filter(number=number).first()
        if order is None:
            result.fail(f"after: order {number} does not exist")
            continue
        _check_order(result, order, fields)
    conversation.refresh_from_db()
    expected_conversation = after.get("conversation", {})
    if "status" in expected_conversation and conversation.status != expected_conversation["status"]:
        result.fail(
            f"after: conversation status {conversation.status!r}, "
            f"expected {expected_conversation['status']!r}"
        )
    if "verified" in expected_conversation:
        verified = conversation.verified_customer
        email = verified.email if verified is not None else None
        if email != expected_conversation["verified"]:
            result.fail(
                f"after: conversation verified as {email!r}, "
                f"expected {expected_conversation['verified']!r}"
            )
    if (
        "handoff_reason" in expected_conversation
        and conversation.handoff_reason != expected_conversation["handoff_reason"]
    ):
        result.fail(
            f"after: handoff reason {conversation.handoff_reason!r}, "
            f"expected {expected_conversation['handoff_reason']!r}"
        )
    new_orders = set(Order.objects.values_list("number", flat=True)) - orders_before
    if "orders_created" in after and len(new_orders) != after["orders_created"]:
        result.fail(f"after: {len(new_orders)} orders created, expected {after['orders_created']}")
    returns_now = _returns_by_order()
    created = {n: c - returns_before.get(n, 0) for n, c in returns_now.items()}
    created = {n: c for n, c in created.items() if c}
    expected_returns = after.get("returns_created")
    if isinstance(expected_returns, int) and sum(created.values()) != expected_returns:
        result.fail(f"after: returns created {created}, expected {expected_returns}")
    if isinstance(expected_returns, dict):
        for number, count in expected_returns.items():
            if created.get(number, 0) != count:
                result.fail(
                    f"after: {created.get(number, 0)} returns created for {number}, "
                    f"expected {count}"
                )
    for number, fields in after.get("return", {}).items():
        rma = ReturnRequest.objects.filter(order__number=number).order_by("-pk").first()
        if rma is None:
            result.fail(f"after: order {number} has no return")
            continue
        exchange = [
            str(i.exchange_variant)
            for i in rma.items.select_related("exchange_variant")
            if i.exchange_variant is not None
        ]
        returned = [
            _item_desc(i.order_item, i.quantity) for i in rma.items.select_related("order_item")
        ]
        actual = {
            "items": returned,
            "refund_amount": f"{rma.refund_amount:.2f}",
            "charge_amount": f"{rma.charge_amount:.2f}",
            "payment_method": rma.payment_method.label if rma.payment_method else "",
            "kind": rma.kind,
            "status": rma.status,
            "reason": rma.reason,
            "refund_method": rma.refund_method,
            "exchange": " ".join(exchange)
            + " "
            + " ".join(
                " ".join(str(v) for v in (i.exchange_variant.options or {}).values())
                for i in rma.items.select_related("exchange_variant")
                if i.exchange_variant is not None
            ),
        }
        for key, want in fields.items():
            if key == "items":
                wanted = _strings(want, key)
                ok = len(wanted) == len(returned) and all(
                    any(_contains(r, w) for r in returned) for w in wanted
                )
            elif key in ("exchange", "payment_method"):
                ok = _contains(str(actual[key]), want)
            elif key in ("refund_amount", "charge_amount"):
                ok = actual[key] == str(want).lstrip("$")
            else:
                ok = actual[key] == want
            if not ok:
                result.fail(
                    f"after: return of {number} {key} is {actual[key]!r}, expected {want!r}"
                )
    for number, wanted in after.get("payments", {}).items():
        made = [
            f"{p.kind} {p.amount:.2f} {p.method.label if p.method else ''}".strip()
            for p in Payment.objects.filter(order__number=number, pk__gt=payments_before)
            .select_related("method")
            .order_by("pk")
        ]
        want = list(_strings(wanted, f"payments {number}"))
        if len(made) != len(want) or not all(
            _contains(m, w) for m, w in zip(made, want, strict=True)
        ):
            result.fail(f"after: payments on {number} are {made}, expected {want}")
    for email, balance in after.get("gift_card", {}).items():
        cards = PaymentMethod.objects.filter(customer__email=email, kind="gift_card")
        balances = [f"{c.gift_card_balance:.2f}" for c in cards]
        if str(balance).lstrip("$") not in balances:
            result.fail(f"after: {email} gift card balances {balances}, expected {balance}")
    for email, fields in after.get("customer", {}).items():
        customer = Customer.objects.filter(email=email).first()
        if customer is None:
            result.fail(f"after: no customer {email}")
            continue
        addresses = list(customer.addresses.all())
        default = next((a for a in addresses if a.is_default), None)
        if "default_address" in fields:
            text = " ".join(str(v) for v in default.snapshot().values()) if default else ""
            if not _contains(text, fields["default_address"]):
                result.fail(
                    f"after: {email} default address is {text!r}, "
                    f"expected it to contain {fields['default_address']!r}"
                )
        if "addresses" in fields and len(addresses) != fields["addresses"]:
            result.fail(
                f"after: {email} has {len(addresses)} addresses, expected {fields['addresses']}"
            )


def _returns_by_order() -> dict[str, int]:
    counts: dict[str, int] = {}
    for number in ReturnRequest.objects.values_list("order__number", flat=True):
        counts[number] = counts.get(number, 0) + 1
    return counts


def scenario_run(scenario: Scenario) -> Result:
    """Play one scenario and check it. Call inside `_rolled_back()`: it writes."""
    result = Result(name=scenario.name)
    customer = None
    if scenario.customer is not None:
        customer = Customer.objects.filter(email=scenario.customer).first()
        if customer is None:
            result.fail(f"no customer {scenario.customer} in the demo shop")
            return result
    engine.catalog_reset()
    conversation = services.conversation_start_or_resume(
        customer=customer, resume=None, language=scenario.language
    )
    orders_before = set(Order.objects.values_list("number", flat=True))
    returns_before = _returns_by_order()
    payments_before = Payment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for n, step in enumerate(scenario.turns, start=1):
        result.turns += 1
        conversation.refresh_from_db()
        action = None
        if step.button is not None:
            pending = (conversation.bot_state or {}).get("pending") or {}
            if not pending.get("id"):
                result.fail(f"turn {n}: [{step.button} button] but no confirmation is pending")
                continue
            action = {"confirm": str(pending["id"]), "answer": step.button}
        text = step.say if step.say is not None else step.button or ""
        try:
            question, _ = services.message_post_customer(
                conversation_id=conversation.pk, text=text, action=action
            )
        except services.ChatInputError as error:
            result.fail(f"turn {n} ({step.label!r}): message refused: {error.code}")
            continue
        started = time.perf_counter()
        reply = replies.reply_generate(customer_message_id=question.pk)
        elapsed_ms = (time.perf_counter() - started) * 1000
        reply_text, meta = _reply_text_and_meta(reply)
        if reply is not None and meta.get("written_by") != "model":
            result.latencies_ms.append(elapsed_ms)
        _check_turn(result, n, step, reply_text, meta)
        types = [str(a.get("type")) for a in meta.get("attachments") or [] if isinstance(a, dict)]
        result.transcript.append((step.label, reply_text, str(meta.get("intent", "")), types))
    _check_after(result, scenario, conversation, orders_before, returns_before, payments_before)
    return result


@contextmanager
def evaluation(*, llm: bool = False) -> Iterator[None]:
    """The setting every scenario runs in: one transaction rolled back at the end, an in-process
    channel layer, and the model off unless `llm`."""
    overrides: dict[str, Any] = {"CHANNEL_LAYERS": QUIET_CHANNELS}
    if not llm:
        overrides["BOT_LLM_MODE"] = "off"
    with override_settings(**overrides), _rolled_back():
        yield


def shop_ensure(shop: str) -> None:
    """The second test shop is imported (inside the caller's transaction) when it isn't there."""
    if shop == "second" and not Order.objects.filter(number="#W2001001").exists():
        from orders.demo import second_shop
        from orders.shop_io import shop_import

        shop_import(data=second_shop.document())


def scenario_check(scenario: Scenario) -> Result:
    """Run one scenario from the current state and roll everything it did back."""
    with _rolled_back():
        shop_ensure(scenario.shop)
        return scenario_run(scenario)


def suite_run(
    scenarios: list[Scenario],
    *,
    llm: bool = False,
    report: Callable[[Result], None] | None = None,
) -> Summary:
    results = []
    with evaluation(llm=llm):
        for scenario in scenarios:
            result = scenario_check(scenario)
            results.append(result)
            if report is not None:
                report(result)
    return Summary(results=results)
