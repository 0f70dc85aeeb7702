"""The one small protocol every backend implements, and the data it exchanges."""

from __future__ import annotations

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
