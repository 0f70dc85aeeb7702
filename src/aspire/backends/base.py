"""The one small protocol every backend implements, and the data it exchanges."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

Message = dict[str, str]


@dataclass(frozen=True)
class ChatRequest:
    """One chat completion asked of a backend, already rendered to messages."""

    messages: list[Message]
    schema: dict[str, Any]
    max_tokens: int
    temperature: float
    seed: int
    # Words the reply should steer away from: the worked examples' own domain
    # words and names. A backend that can bias tokens (llama.cpp) uses them;
    # others may ignore them. The no-prompt-echo rule judges the result either way.
    avoid_words: tuple[str, ...] = ()
    # The candidate writes only in a Latin script: a backend that can ban tokens
    # of other scripts should (small models slip into Chinese mid-sentence).
    latin_only: bool = False
    # When the whole draft must be done, on the time.monotonic() clock. Not part
    # of what is asked (the reply cache ignores it), only of how long to wait.
    deadline: float | None = field(default=None, compare=False)
    # How many leading messages are the same for every candidate (the system prompt and
    # the worked examples): a backend may keep its work on them across processes. Not
    # part of what is asked either.
    fixed_messages: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Completion:
    """What a backend returns: the raw text and how it ended."""

    text: str
    finish_reason: str | None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


async def aclose_backend(backend: object) -> None:
    """Release a backend's async resources, if it has any (``aclose`` is optional)."""
    closer = getattr(backend, "aclose", None)
    if closer is not None:
        await closer()


@runtime_checkable
class Backend(Protocol):
    """A chat model that can answer with JSON matching a schema.

    ``complete`` and ``acomplete`` must behave the same; only their I/O differs.
    Transient transport failures are the backend's to retry (or not); the
    generation loop only ever retries on bad *content*.
    """

    name: str

    @property
    def model(self) -> str: ...

    def complete(self, request: ChatRequest) -> Completion: ...

    async def acomplete(self, request: ChatRequest) -> Completion: ...


# What a streaming backend yields: text as it is generated, then the finished
# Completion (whose text is all of it) as the last item.
StreamItem = str | Completion


def stream_completion(backend: Backend, request: ChatRequest) -> Iterator[StreamItem]:
    """Stream from a backend that can (an optional ``stream`` method), else the whole reply at once."""
    streamer: Callable[[ChatRequest], Iterator[StreamItem]] | None = getattr(backend, "stream", None)
    if streamer is not None:
        yield from streamer(request)
        return
    completion = backend.complete(request)
    yield completion.text
    yield completion


async def astream_completion(backend: Backend, request: ChatRequest) -> AsyncIterator[StreamItem]:
    """Async :func:`stream_completion`, through the backend's optional ``astream``."""
    streamer: Callable[[ChatRequest], AsyncIterator[StreamItem]] | None = getattr(backend, "astream", None)
    if streamer is not None:
        async for item in streamer(request):
            yield item
        return
    completion = await backend.acomplete(request)
    yield completion.text
    yield completion


async def iterate_in_thread(make: Callable[[], Iterator[StreamItem]]) -> AsyncIterator[StreamItem]:
    """Drive a blocking iterator in a worker thread and hand its items to the event loop.

    When the consumer stops early, the thread is told to stop at its next item
    and closes the iterator, so a model lock held inside it is released.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    stop = threading.Event()

    def produce() -> None:
        iterator = make()
        try:
            for item in iterator:
                if stop.is_set():
                    break
                loop.call_soon_threadsafe(queue.put_nowait, ("item", item))
        except BaseException as exc:  # handed to the consumer, raised there
            loop.call_soon_threadsafe(queue.put_nowait, ("error", exc))
        else:
            loop.call_soon_threadsafe(queue.put_nowait, ("end", None))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    worker = asyncio.ensure_future(asyncio.to_thread(produce))
    try:
        while True:
            kind, value = await queue.get()
            if kind == "end":
                break
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        await asyncio.shield(worker)
