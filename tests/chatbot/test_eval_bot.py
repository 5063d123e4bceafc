"""`manage.py eval_bot`: the scenario suite passes on the freshly seeded demo shop, and the runner
catches a scenario that doesn't hold (so these tests can fail)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from assistant.evaluation import (
    DEMO_FILE,
    SECOND_FILE,
    Scenario,
    ScenarioError,
    demo_drift,
    scenario_check,
    scenario_parse,
    scenarios_load,
    suite_run,
)
from chatbot.models import Conversation
from orders.models import Order

SCENARIOS = scenarios_load(DEMO_FILE)
SECOND = scenarios_load(SECOND_FILE)
CHINESE = scenarios_load(DEMO_FILE.with_name("demo_zh.yaml"))


@pytest.fixture
def shop(demo_shop: None, db: None) -> None:
    return None


def _scenario(data: dict[str, Any]) -> Scenario:
    return scenario_parse(data)


def test_it_has_the_whole_suite() -> None:
    assert len(SCENARIOS) >= 45
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)


def test_it_finds_the_shop_as_seeded(shop: None) -> None:
    assert demo_drift() == []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_it_passes_the_scenario(shop: None, scenario: Scenario, settings: Any) -> None:
    summary = suite_run([scenario])

    (result,) = summary.results
    assert result.failures == []
    assert result.facts_passed == result.fact_checks


def test_the_chinese_suite_mirrors_the_flows() -> None:
    assert len(CHINESE) >= 40
    assert {s.language for s in CHINESE} == {"zh-Hans", "en"}  # some in an English widget
    assert all(
        step.expect.reply_language == "zh-Hans" for s in CHINESE for step in s.turns if step.say
    )


@pytest.mark.parametrize("scenario", CHINESE, ids=[s.name for s in CHINESE])
def test_it_passes_the_chinese_scenario(shop: None, scenario: Scenario) -> None:
    (result,) = suite_run([scenario]).results
    assert result.failures == []
    assert result.facts_passed == result.fact_checks


def test_a_reply_in_the_wrong_language_fails_the_scenario(shop: None) -> None:
    scenario = _scenario(
        {
            "name": "english expected from a chinese question",
            "customer": "alice@example.com",
            "language": "zh-Hans",
            "turns": [{"say": "SD-100003到哪了", "expect": {"reply_language": "en"}}],
        }
    )
    (result,) = suite_run([scenario]).results
    assert any("reply in zh-Hans, expected en" in f for f in result.failures), result.failures


def test_the_second_shop_suite_is_whole() -> None:
    assert len(SECOND) >= 40
    assert {s.shop for s in SECOND} == {"second"}
    assert all(s.after for s in SECOND), "every brief names the database state it requires"


@pytest.mark.parametrize("scenario", SECOND, ids=[s.name for s in SECOND])
def test_it_passes_the_second_shop_scenario(shop: None, scenario: Scenario) -> None:
    (result,) = suite_run([scenario]).results
    assert result.failures == []
    assert result.facts_passed == result.fact_checks


def test_it_fails_a_scenario_whose_money_is_wrong(shop: None) -> None:
    scenario = dataclasses.replace(
        _scenario(
            {
                "name": "refund expected to the wrong card",
                "customer": "mei.chen@example.net",
                "turns": [
                    {"say": "please cancel #W2001002, I don't need it anymore"},
                    {"button": "yes"},
                ],
                "after": {
                    "payments": {"#W2001002": ["refund 125.00 PayPal"]},
                    "gift_card": {"mei.chen@example.net": "205.00"},
                },
            }
        ),
        shop="second",
    )

    (result,) = suite_run([scenario]).results

    assert result.failures == [
        "after: payments on #W2001002 are ['refund 125.00 Visa ending 1142'], expected "
        "['refund 125.00 PayPal']",
        "after: mei.chen@example.net gift card balances ['80.00'], expected 205.00",
    ]


def test_it_fails_a_scenario_that_expects_a_wrong_fact(shop: None) -> None:
    scenario = _scenario(
        {
            "name": "wrong tracking number",
            "customer": "alice@example.com",
            "turns": [
                {
                    "say": "track SD-100003",
                    "expect": {"contains": ["UPS", "1ZWRONG000000"], "not_contains": ["FedEx"]},
                }
            ],
        }
    )

    summary = suite_run([scenario])

    (result,) = summary.results
    assert not result.passed
    assert result.failures[0].startswith("turn 1 ('track SD-100003'): reply lacks '1ZWRONG000000'")
    assert (result.fact_checks, result.facts_passed) == (3, 2)
    assert summary.task_success == 0.0
    assert summary.fact_accuracy == pytest.approx(2 / 3)


def test_it_fails_a_scenario_whose_database_state_is_wrong(shop: None) -> None:
    scenario = _scenario(
        {
            "name": "cancel refused but expected",
            "customer": "alice@example.com",
            "turns": [{"say": "cancel SD-100003"}],
            "after": {
                "order": {"SD-100003": {"status": "cancelled"}},
                "conversation": {"status": "queued"},
                "orders_created": 1,
            },
        }
    )

    (result,) = suite_run([scenario]).results

    assert result.failures == [
        "after: order SD-100003 status is 'shipped', expected 'cancelled'",
        "after: conversation status 'bot', expected 'queued'",
        "after: 0 orders created, expected 1",
    ]


def test_it_fails_a_button_with_no_confirmation_pending(shop: None) -> None:
    scenario = _scenario({"name": "stray button", "customer": None, "turns": [{"button": "yes"}]})

    (result,) = suite_run([scenario]).results

    assert result.failures == ["turn 1: [yes button] but no confirmation is pending"]


def test_it_leaves_the_database_as_it_was(shop: None) -> None:
    (cancel,) = [s for s in SCENARIOS if s.name == "cancel_pending_with_reason_typed_yes"]
    conversations = Conversation.objects.count()

    summary = suite_run([cancel])

    assert summary.results[0].passed
    assert Order.objects.get(number="SD-100001").status == "pending"
    assert Conversation.objects.count() == conversations


def test_it_rolls_back_between_scenarios(shop: None) -> None:
    (cancel,) = [s for s in SCENARIOS if s.name == "cancel_pending_with_reason_typed_yes"]

    first = scenario_check(cancel)
    second = scenario_check(cancel)  # SD-100001 is pending again, so it can be cancelled again

    assert first.passed and second.passed


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "x", "customer": None, "turns": []}, "`turns` must be a non-empty list"),
        ({"name": "x", "turns": [{"say": "hi", "button": "yes"}]}, "exactly one of"),
        ({"name": "x", "turns": [{"say": "hi", "expect": {"contain": ["a"]}}]}, "unknown key"),
        ({"name": "x", "turns": [{"say": "hi"}], "after": {"orders": {}}}, "unknown key"),
        ({"name": "x", "turns": [{"button": "maybe"}]}, '"yes" or "no"'),
    ],
)
def test_it_rejects_a_malformed_scenario(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        scenario_parse(data)


def test_the_command_exits_1_when_a_scenario_fails(
    shop: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "- name: greets\n"
        "  customer: alice@example.com\n"
        "  turns: [{say: hi, expect: {contains: [Alice]}}]\n"
        "- name: wrong status\n"
        "  customer: alice@example.com\n"
        '  turns: [{say: "status of SD-100002", expect: {contains: [delivered]}}]\n'
    )

    with pytest.raises(SystemExit) as exit_info:
        call_command("eval_bot", "--file", str(path))

    out = capsys.readouterr().out
    assert exit_info.value.code == 1
    assert "PASS greets" in out
    assert "FAIL wrong status: turn 1" in out
    assert "task success      50.0%  (1/2 scenarios)" in out


def test_the_command_runs_one_scenario(shop: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("eval_bot", "--scenario", "greeting_signed_in")

    out = capsys.readouterr().out
    assert "PASS greeting_signed_in" in out
    assert "task success     100.0%  (1/1 scenarios)" in out
