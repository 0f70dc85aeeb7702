"""OpenAI, or any server that speaks its chat API (vLLM, Ollama, llama.cpp server)."""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Literal

import openai
from openai.types.chat import ChatCompletion
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from ..errors import AspireError, BackendError, DeadlineError
from .base import ChatRequest, Completion, StreamItem

ResponseFormatMode = Literal["json_schema", "json_object"]

# Transport retries belong to this module alone: the openai client's own are
# switched off (max_retries=0), and aspire's repair loop only retries bad
# content. So each kind of failure has exactly one owner and no request is
# multiplied (the SDK's 3 tries inside tenacity's 3 would be 9).
DEFAULT_MAX_RETRIES = 2
# A server asking to wait longer than this (a quota reset, not a blip) fails
# the request at once instead of holding a chatbot's user for minutes.
MAX_RETRY_AFTER_S = 30.0
RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
# 429s that no amount of waiting fixes: the account is out of credit.
QUOTA_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached"})


def _response_format(mode: ResponseFormatMode, schema: dict[str, Any]) -> dict[str, Any]:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "career_aspirations_draft", "schema": schema, "strict": False},
        }
    # JSON mode; servers such as llama.cpp's also honour a schema given here.
    return {"type": "json_object", "schema": schema}


def chat_body(model: str, request: ChatRequest, mode: ResponseFormatMode = "json_schema") -> dict[str, Any]:
    """The chat completion body for ``request``: what a live request posts, and what a
    batch file's line carries, so that a batch asks exactly what a live run would."""
    return {
        "model": model,
        "messages": request.messages,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "seed": request.seed,
        "response_format": _response_format(mode, request.schema),
    }


def _looks_like_format_rejection(exc: openai.APIStatusError) -> bool:
    # llama-cpp-python's server answers 500 (not 400/422) to an unknown format.
    if exc.status_code not in (400, 422, 500):
        return False
    text = str(exc).lower()
    return "response_format" in text or "json_schema" in text


def _error_code(exc: openai.APIStatusError) -> str | None:
    code = getattr(exc, "code", None)
    if code is None and isinstance(exc.body, dict):
        code = exc.body.get("code") or (exc.body.get("error") or {}).get("code")
    return str(code) if code else None


def retry_after_s(exc: BaseException) -> float | None:
    """The wait a server asked for (``retry-after-ms`` or ``Retry-After``: seconds or an HTTP date)."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes timeouts
        return True
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code not in RETRYABLE_STATUS or _error_code(exc) in QUOTA_CODES:
            return False
        wait = retry_after_s(exc)
        return wait is None or wait <= MAX_RETRY_AFTER_S
    return False


class OpenAIBackend:
    """Chat completions with structured output where the server supports it.

    The first request asks for ``json_schema`` structured output; a server that
    rejects that format is asked again at once in JSON mode, and the instance
    remembers the mode. Transient failures (connection errors, timeouts,
    408/409/429/5xx) are retried ``max_retries`` times with exponential backoff,
    or after the server's ``Retry-After``; anything else (400, 401, 403, 404, a
    quota-exhausted 429, a ``Retry-After`` over 30 s) fails at once.
    """

    name = "openai"

    def __init__(
        self,
        *,
        model: str,
        api_key: str | None,
        base_url: str | None,
        timeout_s: float = 120.0,
        max_retries: int = DEFAULT_MAX_RETRIES,
        response_format: ResponseFormatMode | None = None,
        backoff_s: float = 1.0,
    ) -> None:
        self._model = model
        # Local servers ignore the key, but the SDK insists on one.
        self._key = api_key or "sk-no-key-needed"
        self._timeout_s = timeout_s
        self._max_retries = max_retries
        self._backoff_s = backoff_s
        self._client = openai.OpenAI(api_key=self._key, base_url=base_url, timeout=timeout_s, max_retries=0)
        self._aclient = openai.AsyncOpenAI(api_key=self._key, base_url=base_url, timeout=timeout_s, max_retries=0)
        self._mode: ResponseFormatMode | None = response_format
        self._mode_lock = threading.Lock()

    @property
    def model(self) -> str:
        return self._model

    @property
    def cache_identity(self) -> str:
        return f"{self._client.base_url}|{self._model}"

    @property
    def response_format(self) -> ResponseFormatMode | None:
        """The format this server accepts, once known."""
        return self._mode

    def __repr__(self) -> str:
        return f"OpenAIBackend(model={self._model!r}, base_url={str(self._client.base_url)!r})"

    def _body(self, request: ChatRequest, mode: ResponseFormatMode) -> dict[str, Any]:
        return chat_body(self._model, request, mode)

    def _post(self, request: ChatRequest, mode: ResponseFormatMode) -> dict[str, Any]:
        # The client's generic post, not chat.completions.create: create runs its typed
        # transform over every node of the messages and schema, about 3 ms a request,
        # most of what a batch eval spends per case. The body is plain JSON already.
        return {
            "path": "/chat/completions",
            "cast_to": ChatCompletion,
            "body": self._body(request, mode),
            "options": {"timeout": self._timeout_for(request)},
        }

    def _timeout_for(self, request: ChatRequest) -> float:
        """The per-request timeout, cut to what is left of the draft's deadline."""
        if request.deadline is None:
            return self._timeout_s
        left = request.deadline - time.monotonic()
        if left <= 0:
            raise DeadlineError("the draft's time limit ran out before the next request", backend=self.name)
        return min(self._timeout_s, left)

    async def aclose(self) -> None:
        """Close the async client's connections while its event loop still runs.

        Left to the garbage collector after ``asyncio.run`` returns, they are
        closed on a dead loop and print "Event loop is closed" tracebacks.
        """
        await self._aclient.close()

    def _next_mode(self, exc: openai.APIStatusError) -> ResponseFormatMode | None:
        """JSON mode, when this first rejection says the server does not know ``json_schema``."""
        with self._mode_lock:
            if self._mode is None and _looks_like_format_rejection(exc):
                self._mode = "json_object"
                return self._mode
        return None

    def _settle(self) -> None:
        with self._mode_lock:
            self._mode = self._mode or "json_schema"

    def _retrying_kwargs(self, request: ChatRequest) -> dict[str, Any]:
        return {
            "stop": stop_after_attempt(1 + self._max_retries),
            "retry": retry_if_exception(_is_transient),
            "wait": _wait(self._backoff_s, request.deadline),
            "reraise": True,
        }

    def complete(self, request: ChatRequest) -> Completion:
        try:
            for attempt in Retrying(**self._retrying_kwargs(request)):
                with attempt:
                    return self._send(request)
        except openai.OpenAIError as exc:
            raise self._as_backend_error(exc) from None
        except json.JSONDecodeError:
            raise BackendError("the server's response was not JSON", backend=self.name) from None
        raise AssertionError("unreachable: tenacity re-raises the last failure")  # pragma: no cover

    async def acomplete(self, request: ChatRequest) -> Completion:
        try:
            async for attempt in AsyncRetrying(**self._retrying_kwargs(request)):
                with attempt:
                    return await self._asend(request)
        except openai.OpenAIError as exc:
            raise self._as_backend_error(exc) from None
        except json.JSONDecodeError:
            raise BackendError("the server's response was not JSON", backend=self.name) from None
        raise AssertionError("unreachable: tenacity re-raises the last failure")  # pragma: no cover

    def _send(self, request: ChatRequest) -> Completion:
        mode = self._mode or "json_schema"
        try:
            response = self._client.post(**self._post(request, mode))
        except openai.APIStatusError as exc:
            if (fallback := self._next_mode(exc)) is None:
                raise
            response = self._client.post(**self._post(request, fallback))
        self._settle()
        return self._to_completion(response)

    async def _asend(self, request: ChatRequest) -> Completion:
        mode = self._mode or "json_schema"
        try:
            response = await self._aclient.post(**self._post(request, mode))
        except openai.APIStatusError as exc:
            if (fallback := self._next_mode(exc)) is None:
                raise
            response = await self._aclient.post(**self._post(request, fallback))
        self._settle()
        return self._to_completion(response)

    def _stream_kwargs(self, request: ChatRequest, mode: ResponseFormatMode) -> dict[str, Any]:
        return {
            **self._body(request, mode),
            "stream": True,
            # Usage arrives in a last chunk; servers that do not know the option ignore it.
            "stream_options": {"include_usage": True},
            "timeout": self._timeout_for(request),
        }

    def _open_stream(self, request: ChatRequest) -> Any:
        mode = self._mode or "json_schema"
        try:
            stream = self._client.chat.completions.create(**self._stream_kwargs(request, mode))
        except openai.APIStatusError as exc:
            if (fallback := self._next_mode(exc)) is None:
                raise
            stream = self._client.chat.completions.create(**self._stream_kwargs(request, fallback))
        self._settle()
        return stream

    async def _aopen_stream(self, request: ChatRequest) -> Any:
        mode = self._mode or "json_schema"
        try:
            stream = await self._aclient.chat.completions.create(**self._stream_kwargs(request, mode))
        except openai.APIStatusError as exc:
            if (fallback := self._next_mode(exc)) is None:
                raise
            stream = await self._aclient.chat.completions.create(**self._stream_kwargs(request, fallback))
        self._settle()
        return stream

    def stream(self, request: ChatRequest) -> Iterator[StreamItem]:
        """The reply's text as the server streams it, then the whole :class:`Completion`.

        Transport failures are retried only before the first chunk; a stream that
        breaks off later is a :class:`BackendError`.
        """
        try:
            opened = None
            for attempt in Retrying(**self._retrying_kwargs(request)):
                with attempt:
                    opened = self._open_stream(request)
            assert opened is not None
            collected = _Collected(self._model)
            with opened:
                for chunk in opened:
                    if delta := collected.add(chunk):
                        yield delta
        except openai.OpenAIError as exc:
            raise self._as_backend_error(exc) from None
        except (AspireError, GeneratorExit):
            raise
        except Exception as exc:  # the stream's transport breaking off mid-reply
            raise BackendError(f"the server's stream broke off: {type(exc).__name__}", backend=self.name) from None
        yield collected.completion()

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamItem]:
        """Async :meth:`stream`."""
        try:
            opened = None
            async for attempt in AsyncRetrying(**self._retrying_kwargs(request)):
                with attempt:
                    opened = await self._aopen_stream(request)
            assert opened is not None
            collected = _Collected(self._model)
            async with opened:
                async for chunk in opened:
                    if delta := collected.add(chunk):
                        yield delta
        except openai.OpenAIError as exc:
            raise self._as_backend_error(exc) from None
        except (AspireError, GeneratorExit):
            raise
        except Exception as exc:
            raise BackendError(f"the server's stream broke off: {type(exc).__name__}", backend=self.name) from None
        yield collected.completion()

    def _to_completion(self, response: Any) -> Completion:
        # The SDK builds responses without validating them: any shape gets here.
        try:
            choice = response.choices[0]
            text = choice.message.content
        except (AttributeError, IndexError, TypeError):
            raise BackendError("the server's response has no chat message in it", backend=self.name) from None
        usage = response.usage
        return Completion(
            text=text if isinstance(text, str) else "",
            finish_reason=choice.finish_reason,
            prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
            model=getattr(response, "model", None) or self._model,
        )

    def _as_backend_error(self, exc: openai.OpenAIError) -> BackendError:
        # A server may echo the key back in its message; it never leaves this object.
        def clean(text: str) -> str:
            return _short(text.replace(self._key, "***"))

        if isinstance(exc, openai.APIStatusError):
            code = _error_code(exc)
            hint = ""
            if exc.status_code == 429 and code in QUOTA_CODES:
                hint = " (the account's quota is used up; retrying will not help)"
            elif (wait := retry_after_s(exc)) is not None and wait > MAX_RETRY_AFTER_S:
                hint = f" (it asked to wait {wait:.0f} s, more than aspire waits)"
            return BackendError(
                f"the server answered HTTP {exc.status_code}{hint}: {clean(exc.message)}",
                backend=self.name,
                status_code=exc.status_code,
                code=code,
            )
        if isinstance(exc, openai.APITimeoutError):
            return BackendError(
                f"the server did not answer within {self._timeout_s:g} s (ASPIRE_TIMEOUT)", backend=self.name
            )
        if isinstance(exc, openai.APIConnectionError):
            return BackendError(f"could not connect to the server at {self._client.base_url}", backend=self.name)
        return BackendError(f"the openai client failed: {clean(str(exc))}", backend=self.name)


def _wait(backoff_s: float, deadline: float | None) -> Callable[[RetryCallState], float]:
    """Wait what the server asked for, else back off exponentially with jitter."""
    backoff = wait_exponential_jitter(multiplier=backoff_s, max=8 * backoff_s, jitter=backoff_s / 2)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_s(exc) if exc is not None else None
        seconds = asked if asked is not None else backoff(state)
        if deadline is not None:
            seconds = min(seconds, max(0.0, deadline - time.monotonic()))
        return seconds

    return wait


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Collected:
    """What a stream of chat completion chunks adds up to."""

    def __init__(self, model: str) -> None:
        self.pieces: list[str] = []
        self.finish_reason: str | None = None
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.model = model

    def add(self, chunk: Any) -> str:
        """Take one chunk in; return its new text."""
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            self.prompt_tokens = getattr(usage, "prompt_tokens", 0) or 0
            self.completion_tokens = getattr(usage, "completion_tokens", 0) or 0
        self.model = getattr(chunk, "model", None) or self.model
        choices = getattr(chunk, "choices", None) or []
        if not choices:
            return ""
        choice = choices[0]
        self.finish_reason = getattr(choice, "finish_reason", None) or self.finish_reason
        delta = getattr(getattr(choice, "delta", None), "content", None)
        if isinstance(delta, str) and delta:
            self.pieces.append(delta)
            return delta
        return ""

    def completion(self) -> Completion:
        return Completion(
            text="".join(self.pieces),
            finish_reason=self.finish_reason,
            prompt_tokens=self.prompt_tokens,
            # Servers that send no usage: one chunk is about one token.
            completion_tokens=self.completion_tokens or len(self.pieces),
            model=self.model,
        )
