"""A backend that replays queued replies: for unit tests, yours and ours."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from .base import ChatRequest, Completion, StreamItem


class FakeBackend:
    """Returns queued replies in order and records every request it was sent.

    A reply may be a string (returned verbatim), a dict (serialised to JSON),
    a :class:`Completion` (returned as is) or an exception (raised).
    """

    name = "fake"

    def __init__(self, replies: Iterable[Any] = (), *, model: str = "fake-model") -> None:
        self._replies: deque[Any] = deque(replies)
        self._model = model
        self._lock = threading.Lock()
        self.requests: list[ChatRequest] = []

    @property
    def model(self) -> str:
        return self._model

    def queue(self, *replies: Any) -> None:
        with self._lock:
            self._replies.extend(replies)

    def complete(self, request: ChatRequest) -> Completion:
        with self._lock:
            self.requests.append(request)
            if not self._replies:
                raise AssertionError("FakeBackend ran out of queued replies")
            reply = self._replies.popleft()
        if isinstance(reply, BaseException):
            raise reply
        if isinstance(reply, Completion):
            return reply
        text = reply if isinstance(reply, str) else json.dumps(reply)
        return Completion(
            text=text,
            finish_reason="stop",
            prompt_tokens=sum(len(m["content"].split()) for m in request.messages),
            completion_tokens=len(text.split()),
            model=self._model,
        )

    async def acomplete(self, request: ChatRequest) -> Completion:
        return self.complete(request)

    def stream(self, request: ChatRequest) -> Iterator[StreamItem]:
        """The queued reply a word at a time, then the :class:`Completion`, as a streaming server sends it."""
        completion = self.complete(request)
        yield from re.findall(r"\s*\S+", completion.text)
        yield completion

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamItem]:
        for item in self.stream(request):
            await asyncio.sleep(0)
            yield item
