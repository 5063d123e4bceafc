"""What a customer's message asks for: one of the 18 `Intent`s, or "not sure".

The classifier is a logistic regression on sentence embeddings (`assistant.understanding.encoder`)
and the text's n-grams, blended with a nearest-neighbour vote: the regression generalises across
phrasings, the neighbours pin down messages that closely match a taught example (including one
staff added a minute ago, which the regression, weighing it against hundreds of others, may not
yet follow). Trained on the "train" lines of `data/intents.jsonl` plus the active
`IntentExample` rows: about 8 s once the file's embeddings are cached under `DATA_DIR/nlu` (see
`file_embeddings`), longer the first time; a trained classifier is cached there too
(`classifier_train`) and loads in milliseconds.

Below `CONFIDENCE_THRESHOLD` the answer is "not sure": the bot should ask rather than act.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

from assistant.understanding import chinese, encoder
from assistant.understanding.entities import normalize
from chatbot.models import Intent, IntentExample

log = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parent / "data" / "intents.jsonl"
# Simplified Chinese (and mixed Chinese/English) messages, read through `chinese.reading`.
ZH_DATA_FILE: Path | None = Path(__file__).resolve().parent / "data" / "intents_zh.jsonl"


def data_files() -> tuple[Path, ...]:
    """The project's training files: English, and Chinese (read at call time, so a test can
    put its own files in their place)."""
    return tuple(p for p in (DATA_FILE, ZH_DATA_FILE) if p is not None)


SPLITS = ("train", "test")
NOT_SURE = "not_sure"

# Under this confidence the answer is "not sure". Chosen by counting a confident wrong answer
# (the bot acts on the wrong intent, the customer must notice and correct it) as twice as costly
# as a "not sure" (one clarifying question). On out-of-fold predictions over the whole data file
# (5-fold, 1,419 messages) that cost is flat from 0.40 to 0.50 and rises on both sides; 0.45 is
# its middle. On the held-out split (`eval_nlu --tune`, 284 messages, so one message is 0.35
# points) it turns confident wrong answers from 8.5% into 7.0% for 5.3% "not sure".
CONFIDENCE_THRESHOLD = 0.45
# How much of a prediction is the regression's probability; the rest is the neighbours' vote.
REGRESSION_WEIGHT = 0.7
# Inverse regularisation strength; cross-validation liked 20 to 50 about equally.
REGRESSION_C = 20.0
EMBEDDING_WEIGHT = 2.0  # how the embedding's columns are scaled next to the n-grams'
NEIGHBOURS = 5  # examples that vote, per message
NEIGHBOUR_TEMPERATURE = 0.1  # softmax temperature over cosine similarities

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    split: str = "train"


@dataclass(frozen=True)
class Prediction:
    label: str  # an `Intent` value, or NOT_SURE when the confidence is under the threshold
    confidence: float  # 0..1, of `guess`
    guess: str  # the most likely intent, also when `label` is NOT_SURE
    scores: tuple[tuple[str, float], ...]  # the three most likely intents, best first

    @property
    def is_sure(self) -> bool:
        return self.label != NOT_SURE


class DataFileError(ValueError):
    """A data file that is missing or has a line that can't be used; says which line."""


# --- data ------------------------------------------------------------------------------------


def examples_parse(
    data: bytes, *, source: str = "<data>", require_split: bool = True
) -> list[Example]:
    """The examples of a JSONL file: one `{"text", "label", "split"}` object a line. Blank lines
    are skipped; anything else that isn't a usable example raises DataFileError naming its
    line. Without `require_split`, a missing "split" means "test" (a file to score)."""
    labels = set(Intent.values)
    examples = []
    for number, line in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}, line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataFileError(f"{where}: not JSON ({error.msg}).") from error
        if not isinstance(row, dict):
            raise DataFileError(f"{where}: expected an object with text and label.")
        text, label = row.get("text"), row.get("label")
        split = row.get("split", None if require_split else "test")
        if not isinstance(text, str) or not text.strip():
            raise DataFileError(f"{where}: 'text' must be a non-empty string.")
        if label not in labels:
            raise DataFileError(f"{where}: unknown label {label!r}.")
        if split not in SPLITS:
            raise DataFileError(f"{where}: 'split' must be one of {', '.join(SPLITS)}.")
        examples.append(Example(text=text.strip(), label=str(label), split=str(split)))
    return examples


def examples_load(path: Path, *, require_split: bool = True) -> list[Example]:
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise DataFileError(f"No such file: {path}") from error
    return examples_parse(data, source=str(path), require_split=require_split)


def _cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "nlu"


def file_embeddings(path: Path) -> tuple[list[Example], Matrix]:
    """A data file's examples and their embeddings, one row each. The embeddings are cached in
    `DATA_DIR/nlu`, keyed by a hash of the file's bytes and of the model, so a worker start reads
    them (milliseconds) instead of importing torch and encoding every example (3-4 s, then about
    2 s per 1,000 examples on two cores). A changed file gets a new cache; the old one goes."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise DataFileError(f"No such file: {path}") from error
    examples = examples_parse(data, source=str(path))
    # Named after the file's path too, so caching another file never evicts this one's.
    stem = f"{path.stem}-{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]}"
    # A file with Chinese is read through the lexicon, so its version is part of the key.
    lexicon = chinese.VERSION if chinese.is_chinese(data.decode("utf-8", "replace")) else ""
    digest = hashlib.sha256(
        b"\0".join([encoder.model_id().encode(), READING_VERSION.encode(), lexicon.encode(), data])
    ).hexdigest()[:20]
    cache = _cache_dir() / f"{stem}-{digest}.npy"
    try:
        vectors = np.load(cache)
        if vectors.shape == (len(examples), encoder.DIMENSIONS):
            return examples, vectors.astype(np.float32, copy=False)
        log.warning("Ignoring %s: its shape %s does not fit the file.", cache, vectors.shape)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as error:  # a truncated or foreign file: just encode again
        log.warning("Ignoring unreadable %s: %s", cache, error)
    vectors = encode([e.text for e in examples])
    save_atomic(cache, vectors)
    for old in cache.parent.glob(f"{stem}-*.npy"):
        if old != cache:
            old.unlink(missing_ok=True)
    return examples, vectors


# Bump when `reading()` changes: cached file embeddings are keyed by it.
READING_VERSION = "numbers-1"

_LONG_NUMBER = re.compile(r"\d{4,}")


def reading(text: str) -> str:
    """A message as the encoder reads it: Chinese through its English reading
    (`chinese.reading`), so the English encoder carries its meaning too, and every long number
    (an order, tracking or postal number) as the same one. The encoder splits "106561" into word
    pieces that carry meaning of their own: measured, "where is SD-106561" read as a return
    (0.43) while "where is SD-100003" read as order status (0.67). Which number it is never
    changes what the customer asks; short numbers (sizes, quantities, prices) may, so they stay."""
    return _LONG_NUMBER.sub(lambda m: "1" + "0" * (len(m.group()) - 1), chinese.reading(text))


def encode(texts: Sequence[str]) -> Matrix:
    """The sentence embeddings of messages as the classifier reads them (`reading`)."""
    return encoder.encode([reading(t) for t in texts])


def save_atomic(path: Path, array: Matrix) -> None:
    """Write then rename, so a worker starting at the same moment reads a whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, array)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def database_examples() -> list[Example]:
    """The examples staff taught in the admin, active ones only."""
    rows = IntentExample.objects.filter(active=True).values_list("text", "label")
    return [Example(text=text.strip(), label=label) for text, label in rows if text.strip()]


# --- the classifier --------------------------------------------------------------------------


class IntentClassifier:
    """A logistic regression on the sentence embedding together with word and character n-grams
    of the text, blended with a nearest-neighbour vote on the embeddings.

    The embedding carries the meaning ("where's my stuff" ~ "order status"); the n-grams carry
    the words that decide between close intents ("cancel" vs "change") and survive typos
    ("refnd"). Measured on the project's data (5-fold cross-validation): embeddings alone 86.6%,
    with n-grams 89.4%, plus neighbours 90.1%."""

    def __init__(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        vectors: Matrix,
        *,
        threshold: float = CONFIDENCE_THRESHOLD,
    ) -> None:
        if not (len(texts) == len(labels) == len(vectors)) or not len(labels):
            raise ValueError("Need one text, label and vector per example, and one example.")
        self.threshold = threshold
        self.classes: list[str] = sorted(set(labels))
        index = {label: i for i, label in enumerate(self.classes)}
        self._vectors = vectors
        self._targets = np.array([index[label] for label in labels])
        self._words = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, preprocessor=_preprocess
        )
        self._chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, preprocessor=_preprocess
        )
        self._regression: Any = None
        if len(self.classes) > 1:
            features = self._features(texts, vectors, fit=True)
            self._regression = LogisticRegression(C=REGRESSION_C, max_iter=3000)
            self._regression.fit(features, self._targets)

    @classmethod
    def from_examples(
        cls, examples: Sequence[Example], vectors: Matrix | None = None, **kwargs: Any
    ) -> IntentClassifier:
        texts = [e.text for e in examples]
        if vectors is None:
            vectors = encode(texts)
        return cls(texts, [e.label for e in examples], vectors, **kwargs)

    def _features(self, texts: Sequence[str], vectors: Matrix, *, fit: bool = False) -> Any:
        words = self._words.fit_transform(texts) if fit else self._words.transform(texts)
        chars = self._chars.fit_transform(texts) if fit else self._chars.transform(texts)
        # Weighted up so the meaning counts as much as the n-grams, which are many more columns.
        dense = sparse.csr_matrix(vectors * EMBEDDING_WEIGHT)
        return sparse.hstack([dense, words, chars]).tocsr()

    def probabilities(self, texts: Sequence[str], vectors: Matrix) -> npt.NDArray[np.float64]:
        """One row per text, one column per class in `self.classes`; rows sum to 1."""
        if self._regression is None:
            return np.ones((len(texts), 1))
        features = self._features(texts, vectors)
        regression = np.asarray(self._regression.predict_proba(features), dtype=np.float64)
        # Neighbours: the k most similar examples vote with softmax weights of their similarity,
        # so one near-identical example outvotes four loosely related ones.
        similarity = vectors @ self._vectors.T
        k = min(NEIGHBOURS, similarity.shape[1])
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        sims = np.take_along_axis(similarity, nearest, axis=1).astype(np.float64)
        weights = np.exp((sims - sims.max(axis=1, keepdims=True)) / NEIGHBOUR_TEMPERATURE)
        weights /= weights.sum(axis=1, keepdims=True)
        votes = np.zeros((len(texts), len(self.classes)))
        np.add.at(votes, (np.arange(len(texts))[:, None], self._targets[nearest]), weights)
        blended: npt.NDArray[np.float64] = (
            REGRESSION_WEIGHT * regression + (1 - REGRESSION_WEIGHT) * votes
        )
        return blended

    def predict_encoded(self, texts: Sequence[str], vectors: Matrix) -> list[Prediction]:
        """Predictions for texts already encoded (`vectors`, one row each)."""
        predictions = []
        for row in self.probabilities(texts, vectors):
            order = np.argsort(-row)[:3]
            scores = tuple((self.classes[i], round(float(row[i]), 4)) for i in order)
            guess, confidence = scores[0]
            confidence = min(max(confidence, 0.0), 1.0)
            # A confident "out of scope" and a "not sure" lead to the same polite decline, but
            # an unsure out-of-scope guess is still reported as not sure, for the numbers.
            predictions.append(
                Prediction(
                    label=guess if confidence >= self.threshold else NOT_SURE,
                    confidence=confidence,
                    guess=guess,
                    scores=scores,
                )
            )
        return predictions

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        return self.predict_encoded(texts, encode(texts)) if texts else []

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]


def _preprocess(text: str) -> str:
    """For the n-grams: the English reading of Chinese, full-width to ASCII, lower case, every
    digit a 0, so "SD-100123" and "SD-204518" are the same feature."""
    return re.sub(r"\d", "0", normalize(chinese.reading(text)).lower())


def classifier_train(
    *,
    path: Path | Sequence[Path] | None = None,
    splits: Iterable[str] = ("train",),
    include_database: bool = True,
) -> IntentClassifier:
    """A classifier trained on the lines of `splits` of `path` (a file or several; default: the
    project's `data_files()`, English and Chinese), plus the active database examples, which
    win over a file line with the same text (that is how staff correct a label)."""
    wanted = set(splits)
    taught = database_examples() if include_database else []
    # A trained classifier is cached on disk under what it learned from (the file's bytes, the
    # splits, the taught examples, the encoder), so a worker that starts, or a process whose
    # examples come back as they were, loads it in milliseconds instead of fitting for seconds.
    sources = [path] if isinstance(path, Path) else list(path or data_files())
    contents = []
    for source in sources:
        try:
            contents.append(source.read_bytes())
        except FileNotFoundError as error:
            raise DataFileError(f"No such file: {source}") from error
    key = hashlib.sha256(
        b"\0".join(
            [
                CLASSIFIER_VERSION.encode(),
                encoder.model_id().encode(),
                chinese.VERSION.encode(),
                *contents,
                repr(sorted(wanted)).encode(),
                repr(sorted((e.text, e.label) for e in taught)).encode(),
            ]
        )
    ).hexdigest()[:24]
    cached = _classifier_load(key)
    if cached is not None:
        return cached
    classifier = _classifier_fit(sources, wanted, taught)
    _classifier_store(key, classifier)
    return classifier


# Bump when IntentClassifier's fields or features change, so old cached classifiers are ignored.
CLASSIFIER_VERSION = "2026-12-04"


def _classifier_path(key: str) -> Path:
    return _cache_dir() / f"classifier-{key}.pkl"


def _classifier_load(key: str) -> IntentClassifier | None:
    try:
        with _classifier_path(key).open("rb") as handle:
            loaded = pickle.load(handle)  # our own cache under DATA_DIR, written below
    except FileNotFoundError:
        return None
    except Exception:  # a cache written by another version: train again
        log.warning("Ignoring the unreadable cached classifier %s", _classifier_path(key))
        return None
    return loaded if isinstance(loaded, IntentClassifier) else None


def _classifier_store(key: str, classifier: IntentClassifier) -> None:
    target = _classifier_path(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            pickle.dump(classifier, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, target)
        for old in target.parent.glob("classifier-*.pkl"):
            if old != target and time.time() - old.stat().st_mtime > 7 * 24 * 3600:
                old.unlink(missing_ok=True)  # classifiers nobody loaded for a week
    except OSError as error:
        log.warning("Could not cache the classifier: %s", error)


def files_embeddings(paths: Sequence[Path]) -> tuple[list[Example], Matrix]:
    """The examples of several data files, in order, and their embeddings."""
    examples: list[Example] = []
    matrices = []
    for source in paths:
        found, vectors = file_embeddings(source)
        examples.extend(found)
        matrices.append(vectors)
    if not matrices:
        return examples, np.zeros((0, encoder.DIMENSIONS), dtype=np.float32)
    return examples, np.concatenate(matrices).astype(np.float32, copy=False)


def _classifier_fit(
    sources: Sequence[Path], wanted: set[str], taught: Sequence[Example]
) -> IntentClassifier:
    examples, vectors = files_embeddings(sources)
    keep = [i for i, e in enumerate(examples) if e.split in wanted]
    if taught:
        taught_texts = {e.text.casefold() for e in taught}
        keep = [i for i in keep if examples[i].text.casefold() not in taught_texts]
        chosen = [examples[i] for i in keep] + list(taught)
        matrix = np.concatenate([vectors[keep], encode([e.text for e in taught])])
    else:
        chosen = [examples[i] for i in keep]
        matrix = vectors[keep]
    return IntentClassifier.from_examples(chosen, matrix)


# --- the process's classifier ------------------------------------------------------------------

# How often a process compares the database's examples with those its classifier learned. Staff
# teach examples in the admin, which resets the admin's own process; the reply workers notice
# within this long.
REFRESH_SECONDS = 10.0

_lock = threading.Lock()
_classifier: IntentClassifier | None = None
_fingerprint: str | None = None  # of the examples `_classifier` learned
_checked_at = 0.0  # `_clock()` of the last comparison
_clock = time.monotonic  # a clock that never goes back; tests move it


def examples_fingerprint() -> str:
    """A hash of the active database examples, read in one query. Not a count and a newest date:
    staff correct a label by editing a row, which changes neither."""
    rows = (
        IntentExample.objects.filter(active=True).order_by("pk").values_list("pk", "label", "text")
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def get_classifier() -> IntentClassifier:
    """The process's classifier, trained on first use and again when the database's examples
    changed (compared at most every REFRESH_SECONDS), so an example taught in the admin reaches
    every worker. Training holds the lock, so a reset that comes meanwhile waits and then drops
    the result: it never keeps a stale one."""
    global _classifier, _fingerprint, _checked_at
    classifier = _classifier
    if classifier is not None and _clock() - _checked_at < REFRESH_SECONDS:
        return classifier
    with _lock:
        if _classifier is not None and _clock() - _checked_at < REFRESH_SECONDS:
            return _classifier
        # Read before training: an example added meanwhile is learned now and retrained for
        # once more at the next check, never missed.
        fingerprint = examples_fingerprint()
        if _classifier is None or fingerprint != _fingerprint:
            _classifier = classifier_train()
            _fingerprint = fingerprint
        _checked_at = _clock()
        return _classifier


def classifier_reset() -> None:
    """Forget this process's classifier; the next `classify()` trains a fresh one, with the
    database's examples as they are then."""
    global _classifier, _fingerprint
    with _lock:
        _classifier = None
        _fingerprint = None


_recent: tuple[IntentClassifier | None, dict[str, Prediction]] = (None, {})


def classify(text: str) -> Prediction:
    """The intent of `text`. The last few texts' predictions are kept per classifier, since one
    turn reads its message more than once (its acts first, then the flow that handles it)."""
    global _recent
    classifier = get_classifier()
    owner, memo = _recent
    if owner is not classifier:
        memo = {}
        _recent = (classifier, memo)
    found = memo.get(text)
    if found is None:
        found = classifier.predict(text)
        if len(memo) >= 64:
            memo.clear()
        memo[text] = found
    return found
