"""One exception root for everything aspire raises on purpose.

Callers (the CLI, a chatbot) catch :class:`AspireError` and show ``str(err)``;
each subclass carries the data a program needs to react without parsing text.
"""

from __future__ import annotations

from collections.abc import Sequence


class AspireError(Exception):
    """Root of all errors aspire raises deliberately."""


class ConfigError(AspireError):
    """Settings are missing or contradictory (unknown backend, no API key, ...)."""

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


class InputError(AspireError):
    """The candidate's input cannot be used (empty resume, unreadable file, ...)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ContextOverflowError(InputError):
    """The prompt and the longest reply do not fit the model's context window.

    Raised before any tokens are generated; nothing is truncated silently.
    """

    def __init__(self, message: str, *, prompt_tokens: int, max_tokens: int, context_tokens: int) -> None:
        super().__init__(message, field="resume")
        self.prompt_tokens = prompt_tokens
        self.max_tokens = max_tokens
        self.context_tokens = context_tokens


class ModelFileError(AspireError):
    """The embedded GGUF model is missing, incomplete or fails its checksum."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        expected_sha256: str | None = None,
        actual_sha256: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.expected_sha256 = expected_sha256
        self.actual_sha256 = actual_sha256


class BackendError(AspireError):
    """The model backend failed to produce a completion (server error, timeout, ...).

    ``status_code`` is the server's HTTP status and ``code`` its error code
    (``"insufficient_quota"``, ``"model_not_found"``), when it gave them.
    """

    def __init__(self, message: str, *, backend: str, status_code: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.backend = backend
        self.status_code = status_code
        self.code = code


class DeadlineError(BackendError):
    """A draft ran out of its total time (``ASPIRE_DEADLINE``) before a usable reply."""


class BudgetExhaustedError(AspireError):
    """An eval run spent its ``--token-budget``; the cases not yet started are skipped."""

    def __init__(self, message: str, *, budget: int, spent: int) -> None:
        super().__init__(message)
        self.budget = budget
        self.spent = spent


class BatchRequestError(AspireError):
    """A request of a batch eval brought no reply: the runner answered it with an error, or
    it expired, was cancelled or went missing, the second time for a failure that may pass.

    ``custom_id`` is the request's line id in the batch file, ``kind`` what happened
    (``"http"``, ``"expired"``, ``"cancelled"``, ``"batch_failed"``, ``"missing"``, ...) and
    ``status_code`` the HTTP status the runner gave it, if any.
    """

    def __init__(self, message: str, *, custom_id: str, kind: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.custom_id = custom_id
        self.kind = kind
        self.status_code = status_code


class GenerationError(AspireError):
    """Every attempt produced unusable output (invalid JSON or wrong shape).

    ``last_output`` is the raw text of the final attempt and ``violations`` says
    in plain words what was wrong with it, so a caller can log or show both.
    """

    def __init__(
        self,
        message: str,
        *,
        last_output: str,
        violations: Sequence[str],
        attempts: int,
    ) -> None:
        super().__init__(message)
        self.last_output = last_output
        self.violations = list(violations)
        self.attempts = attempts


class DraftRejectedError(GenerationError):
    """Raised in strict mode when the best draft still fails rule checks."""
