"""Backends: one small protocol, an embedded llama.cpp one and an OpenAI-compatible one."""

from __future__ import annotations

from ..config import Settings
from .base import Backend, ChatRequest, Completion, Message
from .fake import FakeBackend

__all__ = ["Backend", "ChatRequest", "Completion", "FakeBackend", "Message", "create_backend"]


def create_backend(settings: Settings) -> Backend:
    """Build the backend that ``settings`` describe. Nothing is loaded or contacted yet."""
    if settings.backend == "openai":
        from .openai_compat import OpenAIBackend

        return OpenAIBackend(
            model=settings.model or "",
            api_key=settings.api_key.get_secret_value() if settings.api_key else None,
            base_url=settings.base_url,
            timeout_s=settings.timeout_s,
            max_retries=settings.max_retries,
        )
    from ..embedded_model import embedded_model
    from .local import LocalBackend

    return LocalBackend(
        settings.local_model_path,
        n_ctx=settings.n_ctx,
        n_threads=settings.n_threads,
        constraint=settings.constraint,
        embedded=embedded_model(settings.embedded_model),
    )
