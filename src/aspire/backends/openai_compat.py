"""OpenAI, or any server that speaks its chat API (vLLM, Ollama, llama.cpp server)."""

from __future__ import annotations

import threading
from typing import Any, Literal

import openai

from ..errors import BackendError
from .base import ChatRequest, Completion

ResponseFormatMode = Literal["json_schema", "json_object"]

# The openai client owns transport retries (408/409/429/5xx and connection
# errors, with backoff). aspire's own retry loop only handles bad content, so
# no failure is ever retried by two layers at once.
DEFAULT_MAX_RETRIES = 2


def _response_format(mode: ResponseFormatMode, schema: dict[str, Any]) -> dict[str, Any]:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "career_aspirations_draft", "schema": schema, "strict": False},
        }
    # JSON mode; servers such as llama.cpp's also honour a schema given here.
    return {"type": "json_object", "schema": schema}


def _looks_like_format_rejection(exc: openai.APIStatusError) -> bool:
    # llama-cpp-python's server answers 500 (not 400/422) to an unknown format.
    if exc.status_code not in (400, 422, 500):
        return False
    text = str(exc).lower()
    return "response_format" in text or "json_schema" in text


class OpenAIBackend:
    """Chat completions with structured output where the server supports it.

    Until a server has answered one request, the request asks for
    ``json_schema`` structured output *without* client retries (a probe). A
    server that rejects that format is asked again in JSON mode, and the
    instance remembers the mode. Any other failure of the probe is sent once
    more through the normal client, whose own retries then apply: at most one
    extra request, once per instance, never a multiplication of retries.
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
    ) -> None:
        self._model = model
        # Local servers ignore the key, but the SDK insists on one.
        key = api_key or "sk-no-key-needed"
        self._client = openai.OpenAI(api_key=key, base_url=base_url, timeout=timeout_s, max_retries=max_retries)
        self._aclient = openai.AsyncOpenAI(api_key=key, base_url=base_url, timeout=timeout_s, max_retries=max_retries)
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

    def _params(self, request: ChatRequest, mode: ResponseFormatMode) -> dict[str, Any]:
        return {
            "model": self._model,
            "messages": request.messages,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "seed": request.seed,
            "response_format": _response_format(mode, request.schema),
        }

    def _settle(self, mode: ResponseFormatMode) -> None:
        with self._mode_lock:
            self._mode = mode

    def complete(self, request: ChatRequest) -> Completion:
        try:
            if self._mode is None:
                try:
                    probe = self._client.with_options(max_retries=0)
                    response = probe.chat.completions.create(**self._params(request, "json_schema"))
                    self._settle("json_schema")
                    return self._to_completion(response)
                except openai.APIStatusError as exc:
                    if _looks_like_format_rejection(exc):
                        self._settle("json_object")
                except openai.APIConnectionError:
                    pass
            mode = self._mode or "json_schema"
            response = self._client.chat.completions.create(**self._params(request, mode))
        except openai.OpenAIError as exc:
            raise _as_backend_error(exc) from None
        return self._to_completion(response)

    async def acomplete(self, request: ChatRequest) -> Completion:
        try:
            if self._mode is None:
                try:
                    probe = self._aclient.with_options(max_retries=0)
                    response = await probe.chat.completions.create(**self._params(request, "json_schema"))
                    self._settle("json_schema")
                    return self._to_completion(response)
                except openai.APIStatusError as exc:
                    if _looks_like_format_rejection(exc):
                        self._settle("json_object")
                except openai.APIConnectionError:
                    pass
            mode = self._mode or "json_schema"
            response = await self._aclient.chat.completions.create(**self._params(request, mode))
        except openai.OpenAIError as exc:
            raise _as_backend_error(exc) from None
        return self._to_completion(response)

    def _to_completion(self, response: Any) -> Completion:
        if not response.choices:
            raise BackendError("the server returned no choices", backend=self.name)
        choice = response.choices[0]
        usage = response.usage
        return Completion(
            text=choice.message.content or "",
            finish_reason=choice.finish_reason,
            prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
            model=response.model or self._model,
        )


def _as_backend_error(exc: openai.OpenAIError) -> BackendError:
    if isinstance(exc, openai.APIStatusError):
        return BackendError(
            f"the server answered HTTP {exc.status_code}: {_short(exc.message)}",
            backend="openai",
            status_code=exc.status_code,
        )
    if isinstance(exc, openai.APITimeoutError):
        return BackendError("the server did not answer in time", backend="openai")
    if isinstance(exc, openai.APIConnectionError):
        return BackendError("could not connect to the server", backend="openai")
    return BackendError(f"the openai client failed: {_short(str(exc))}", backend="openai")


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
