"""An on-disk cache in front of any backend, for batch evals.

The key is everything that decides a completion: the backend, the model's
identity, the template version and the rendered request (messages, schema,
sampling settings). A re-run that changes none of these replays the stored
completions and calls no model at all; change a template and every key moves.
Entries are written atomically, so an interrupted run never leaves a torn one.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..files import atomic_write
from .base import (
    Backend,
    ChatRequest,
    Completion,
    StreamItem,
    aclose_backend,
    astream_completion,
    stream_completion,
)


def default_cache_dir() -> Path:
    """Where replies are cached unless told otherwise: ``$ASPIRE_CACHE_DIR/replies``."""
    from ..embedded_model import cache_dir

    return cache_dir() / "replies"


def _identity(backend: Backend) -> str:
    return str(getattr(backend, "cache_identity", backend.model))


class CachingBackend:
    """Wraps a backend; ``hits`` and ``misses`` count what the cache saved."""

    def __init__(self, inner: Backend, directory: Path, *, template_version: str) -> None:
        self.inner = inner
        self.name = inner.name
        self.directory = directory
        self._template_version = template_version
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    async def aclose(self) -> None:
        await aclose_backend(self.inner)

    @property
    def model(self) -> str:
        return self.inner.model

    def key(self, request: ChatRequest) -> str:
        material = {
            "backend": self.inner.name,
            "model": _identity(self.inner),
            "templates": self._template_version,
            # The deadline says how long to wait, not what is asked.
            "request": {k: v for k, v in asdict(request).items() if k not in ("deadline", "fixed_messages")},
        }
        blob = json.dumps(material, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def _lookup(self, request: ChatRequest) -> tuple[str, Completion | None]:
        key = self.key(request)
        try:
            data: dict[str, Any] = json.loads(self._path(key).read_text(encoding="utf-8"))
            completion = Completion(**data)
        except (OSError, ValueError, TypeError):
            with self._lock:
                self.misses += 1
            return key, None
        with self._lock:
            self.hits += 1
        return key, completion

    def _store(self, key: str, completion: Completion) -> None:
        atomic_write(self._path(key), json.dumps(asdict(completion), ensure_ascii=False))

    def complete(self, request: ChatRequest) -> Completion:
        key, cached = self._lookup(request)
        if cached is not None:
            return cached
        completion = self.inner.complete(request)
        self._store(key, completion)
        return completion

    async def acomplete(self, request: ChatRequest) -> Completion:
        key, cached = self._lookup(request)
        if cached is not None:
            return cached
        completion = await self.inner.acomplete(request)
        self._store(key, completion)
        return completion

    def stream(self, request: ChatRequest) -> Iterator[StreamItem]:
        key, cached = self._lookup(request)
        if cached is not None:
            yield cached.text
            yield cached
            return
        for item in stream_completion(self.inner, request):
            if isinstance(item, Completion):
                self._store(key, item)
            yield item

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamItem]:
        key, cached = self._lookup(request)
        if cached is not None:
            yield cached.text
            yield cached
            return
        async for item in astream_completion(self.inner, request):
            if isinstance(item, Completion):
                self._store(key, item)
            yield item
