from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assistant.understanding import chinese, encoder
from assistant.understanding.acts import intents_read
from assistant.understanding.intents import (
    NOT_SURE,
    DataFileError,
    Example,
    IntentClassifier,
    Prediction,
    classifier_train,
    data_files,
    examples_load,
    files_embeddings,
)
from chatbot.models import Intent

# Column heads of the confusion table, so 18 columns fit a terminal.
SHORT = {
    Intent.ORDER_STATUS: "ord",
    Intent.TRACK_SHIPMENT: "trk",
    Intent.CANCEL_ORDER: "cnl",
    Intent.CHANGE_ORDER: "chg",
    Intent.RETURN_REFUND: "ret",
    Intent.PAYMENT_ISSUE: "pay",
    Intent.SHIPPING_INFO: "shp",
    Intent.PRODUCT_QUESTION: "pq",
    Intent.PRODUCT_RECOMMENDATION: "rec",
    Intent.PLACE_ORDER: "buy",
    Intent.ACCOUNT: "acct",
    Intent.COMPLAINT: "cmpl",
    Intent.HUMAN_AGENT: "hum",
    Intent.GREETING: "hi",
    Intent.THANKS: "thx",
    Intent.GOODBYE: "bye",
    Intent.SMALL_TALK: "st",
    Intent.OUT_OF_SCOPE: "oos",
    NOT_SURE: "?",
}
DECLINED = {Intent.OUT_OF_SCOPE.value, NOT_SURE}


@dataclass(frozen=True)
class Report:
    total: int
    correct: int
    not_sure: int
    per_intent: dict[str, tuple[int, int, int]]  # label: (count, correct, not sure)
    confusion: Counter[tuple[str, str]]  # (true, predicted): count
    oos_precision: float | None  # of the messages declined (out_of_scope or not_sure)
    oos_recall: float | None  # of the out-of-scope messages

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def score(labels: Sequence[str], predicted: Sequence[str]) -> Report:
    """How `predicted` labels compare with the true `labels`. "not sure" is never correct, but
    for an out-of-scope message it counts as declined, like "out_of_scope" itself."""
    pairs = list(zip(labels, predicted, strict=True))
    per_intent = {}
    for label in sorted(set(labels)):
        mine = [p for t, p in pairs if t == label]
        per_intent[label] = (len(mine), mine.count(label), mine.count(NOT_SURE))
    oos = Intent.OUT_OF_SCOPE.value
    declined = [t for t, p in pairs if p in DECLINED]
    caught = declined.count(oos)
    n_oos = list(labels).count(oos)
    return Report(
        total=len(pairs),
        correct=sum(t == p for t, p in pairs),
        not_sure=list(predicted).count(NOT_SURE),
        per_intent=per_intent,
        confusion=Counter(pairs),
        oos_precision=caught / len(declined) if declined else None,
        oos_recall=caught / n_oos if n_oos else None,
    )


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


class Command(BaseCommand):
    help = (
        "Measure the intent classifier. Without --file: train on the project data file's train "
        "split and score its test split. With --file: train on the whole project file and score "
        'the given JSONL file of {"text", "label"} lines.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="a JSONL file to score instead")
        parser.add_argument(
            "--predictions", type=Path, help="write one JSONL line per scored message here"
        )
        parser.add_argument(
            "--data",
            type=Path,
            action="append",
            help="a training file (repeat for several; default: the English and Chinese files)",
        )
        parser.add_argument(
            "--with-db-examples",
            action="store_true",
            help="also train on the active IntentExample rows (off: results stay reproducible)",
        )
        parser.add_argument(
            "--classifier-only",
            action="store_true",
            help="score the classifier's intents alone, without the understanding stage's "
            'reading of negation ("don\'t cancel it, where is it?" is not a cancel)',
        )
        parser.add_argument(
            "--tune",
            action="store_true",
            help="print accuracy, not-sure rate and OOS precision/recall for a range of thresholds",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data: list[Path] = options["data"] or list(data_files())
        names = " + ".join(p.name for p in data)
        started = time.perf_counter()
        try:
            if options["file"] is None:
                examples, vectors = files_embeddings(data)
                test = [i for i, e in enumerate(examples) if e.split == "test"]
                if not test:
                    raise CommandError(f"{names} has no test lines to score.")
                scored = [examples[i] for i in test]
                classifier = classifier_train(
                    path=data, include_database=options["with_db_examples"]
                )
                trained = time.perf_counter() - started
                predictions = classifier.predict_encoded([e.text for e in scored], vectors[test])
                what = "its train split"
            else:
                scored = examples_load(options["file"], require_split=False)
                if not scored:
                    raise CommandError(f"{options['file']} has no lines to score.")
                classifier = classifier_train(
                    path=data,
                    splits=("train", "test"),
                    include_database=options["with_db_examples"],
                )
                trained = time.perf_counter() - started
                predictions = classifier.predict_many([e.text for e in scored])
                what = "all of it"
        except DataFileError as error:
            raise CommandError(str(error)) from error
        if not options["classifier_only"]:
            # As the engine reads a message that says not to do something (the rest of it).
            predictions = intents_read([e.text for e in scored], classifier.predict_many)
        self.stdout.write(
            f"Trained on {names} ({what}) in {trained:.2f} s; "
            f"scoring {len(scored)} messages from {options['file'] or 'its test split'}."
        )
        self.stdout.write(f"Encoding one short message: {self._latency_ms():.1f} ms (median)")
        self.stdout.write(
            f"Not-sure threshold: {classifier.threshold:.2f}; scoring "
            + (
                "the classifier alone\n"
                if options["classifier_only"]
                else "classifier + negation\n"
            )
        )
        self._report(score([e.label for e in scored], [p.label for p in predictions]))
        self._by_language(scored, predictions)
        if options["tune"]:
            self._tune(classifier, scored, predictions)
        if options["predictions"] is not None:
            self._write(options["predictions"], scored, predictions)

    def _latency_ms(self, runs: int = 20) -> float:
        encoder.encode(["warm up"])
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            encoder.encode(["where is my order SD-100123?"])
            times.append(time.perf_counter() - started)
        return 1000 * statistics.median(times)

    def _report(self, report: Report) -> None:
        w = self.stdout.write
        w(
            f"Accuracy: {_percent(report.accuracy)} ({report.correct}/{report.total})    "
            f"not sure: {_percent(report.not_sure / report.total)} ({report.not_sure})"
        )
        w(
            f"Out of scope, declined (out_of_scope or not_sure): precision "
            f"{_percent(report.oos_precision)}, recall {_percent(report.oos_recall)}\n"
        )
        w(f"{'intent':<24}{'n':>5}{'right':>7}{'acc':>8}{'unsure':>8}")
        for label, (n, right, unsure) in report.per_intent.items():
            w(f"{label:<24}{n:>5}{right:>7}{_percent(right / n):>8}{unsure:>8}")

        rows = list(report.per_intent)
        predicted = {p for _, p in report.confusion}
        columns = [c for c in [*SHORT] if c in predicted or c in rows]
        w("\nConfusion (rows: true label, columns: predicted)")
        w(" " * 24 + "".join(f"{SHORT[c]:>5}" for c in columns))
        for row in rows:
            cells = (report.confusion[(row, c)] for c in columns)
            w(f"{row:<24}" + "".join(f"{n or '.':>5}" for n in cells))
        w("  " + ", ".join(f"{SHORT[c]}={c}" for c in columns))

    def _by_language(self, scored: list[Example], predictions: list[Prediction]) -> None:
        """Accuracy of the Chinese (and mixed) messages and of the others, side by side."""
        groups: dict[str, list[tuple[str, str]]] = {"English": [], "Chinese": []}
        for example, prediction in zip(scored, predictions, strict=True):
            language = "Chinese" if chinese.is_chinese(example.text) else "English"
            groups[language].append((example.label, prediction.label))
        self.stdout.write("")
        for language, pairs in groups.items():
            if pairs:
                right = sum(t == p for t, p in pairs)
                self.stdout.write(
                    f"{language:<8} accuracy: {_percent(right / len(pairs))} ({right}/{len(pairs)})"
                )

    def _tune(
        self, classifier: IntentClassifier, scored: list[Example], predictions: list[Prediction]
    ) -> None:
        labels = [e.label for e in scored]
        self.stdout.write("\nthreshold  accuracy  not sure  sure+wrong  oos prec  oos recall")
        for step in range(0, 19):
            threshold = step * 0.05
            predicted = [p.guess if p.confidence >= threshold else NOT_SURE for p in predictions]
            r = score(labels, predicted)
            wrong = sum(p not in (t, NOT_SURE) for t, p in zip(labels, predicted, strict=True))
            self.stdout.write(
                f"{threshold:>9.2f}{_percent(r.accuracy):>10}{_percent(r.not_sure / r.total):>10}"
                f"{_percent(wrong / r.total):>12}{_percent(r.oos_precision):>10}"
                f"{_percent(r.oos_recall):>12}"
            )

    def _write(self, path: Path, scored: list[Example], predictions: list[Prediction]) -> None:
        try:
            with path.open("w", encoding="utf-8") as f:
                for example, prediction in zip(scored, predictions, strict=True):
                    line = {
                        "text": example.text,
                        "label": example.label,
                        "predicted": prediction.label,
                        "confidence": round(prediction.confidence, 4),
                    }
                    f.write(json.dumps(line, ensure_ascii=False) + "\n")
        except OSError as error:
            raise CommandError(f"Can't write {path}: {error}") from error
        self.stdout.write(f"\nWrote {len(predictions)} predictions to {path}")
