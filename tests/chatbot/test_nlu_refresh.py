"""A worker's classifier learns examples staff teach in another process (the admin's), without
that process being able to reset it: it compares the database's examples every REFRESH_SECONDS."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.understanding import intents
from assistant.understanding.intents import REFRESH_SECONDS, classifier_reset, get_classifier
from chatbot.models import IntentExample
from tests.chatbot.test_nlu import FIXTURE, TAUGHT


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The test data file as the project's, a clock the test moves, a fresh classifier."""
    settings.DATA_DIR = tmp_path
    path = tmp_path / "intents.jsonl"
    path.write_text(
        "".join(
            json.dumps({"text": text, "label": label, "split": "train"}) + "\n"
            for label, (train, _) in FIXTURE.items()
            for text in train
        )
    )
    monkeypatch.setattr(intents, "DATA_FILE", path)
    monkeypatch.setattr(intents, "ZH_DATA_FILE", None)
    fake = Clock()
    monkeypatch.setattr(intents, "_clock", fake)
    classifier_reset()
    yield fake
    classifier_reset()


@pytest.mark.django_db
def test_it_learns_an_example_added_by_another_process(clock: Clock) -> None:
    first = get_classifier()
    assert first.predict(TAUGHT).label != "complaint"

    # Given another process adds an example (no reset here)
    IntentExample.objects.create(text=TAUGHT, label="complaint")

    # then this process keeps its classifier until REFRESH_SECONDS have passed
    clock.now += REFRESH_SECONDS - 1
    assert get_classifier() is first
    # and learns the example after that
    clock.now += 2
    refreshed = get_classifier()
    assert refreshed is not first
    assert refreshed.predict(TAUGHT).label == "complaint"


@pytest.mark.django_db
def test_it_learns_a_corrected_label(clock: Clock) -> None:
    example = IntentExample.objects.create(text=TAUGHT, label="complaint")
    assert get_classifier().predict(TAUGHT).label == "complaint"

    # A label edited in the admin changes neither the count nor the newest date.
    IntentExample.objects.filter(pk=example.pk).update(label="order_status")
    clock.now += REFRESH_SECONDS + 1

    assert get_classifier().predict(TAUGHT).label == "order_status"


@pytest.mark.django_db
def test_it_forgets_a_deactivated_example(clock: Clock) -> None:
    example = IntentExample.objects.create(text=TAUGHT, label="complaint")
    assert get_classifier().predict(TAUGHT).label == "complaint"

    IntentExample.objects.filter(pk=example.pk).update(active=False)
    clock.now += REFRESH_SECONDS + 1

    assert get_classifier().predict(TAUGHT).label != "complaint"


@pytest.mark.django_db
def test_it_does_not_retrain_when_nothing_changed(
    clock: Clock, django_assert_num_queries: Any
) -> None:
    first = get_classifier()
    clock.now += REFRESH_SECONDS + 1

    with django_assert_num_queries(1):  # the comparison, and no training
        assert get_classifier() is first
    with django_assert_num_queries(0):  # checked just now
        assert get_classifier() is first
