from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assistant.llm import LLMError


class Command(BaseCommand):
    help = (
        "Prepare the local language model once (dequantize the GGUF file into LLM_CACHE_DIR), so "
        "workers start in seconds, then load it to check it works."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.LLM_BACKEND != "transformers":
            self.stdout.write(f"LLM_BACKEND is {settings.LLM_BACKEND!r}: nothing to prepare.")
            return
        # Imported here: it is the only backend with something to prepare, and it pulls in torch.
        from assistant.llm.transformers_backend import TransformersBackend, prepare

        try:
            started = time.monotonic()
            prepare(progress=self.stdout.write)
            self.stdout.write(f"Prepare step took {time.monotonic() - started:.1f} s")
            started = time.monotonic()
            backend = TransformersBackend()
        except LLMError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {backend.name} in {time.monotonic() - started:.1f} s")
        )
