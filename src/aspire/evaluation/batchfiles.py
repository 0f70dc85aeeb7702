"""The OpenAI batch file format, which the Batch API and vLLM's run_batch both read and write.

A request line is ``{"custom_id", "method": "POST", "url": "/v1/chat/completions", "body"}``,
the body exactly what a live request posts. A result line is ``{"id", "custom_id",
"response": {"status_code", "request_id", "body"}, "error"}``: OpenAI writes the successes to
an output file and the failures to an error file; vLLM writes both to one file, a failure
with ``status_code`` 400 and ``error`` a string or an error object.

Everything read here comes from elsewhere and may be anything: a line that is not JSON, a
body that is no chat completion, an error of any shape. Each becomes a :class:`Result` (or,
with no ``custom_id`` to go by, an unreadable line number), never an exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..backends import Completion

ENDPOINT: Literal["/v1/chat/completions"] = "/v1/chat/completions"
# Statuses a request may be sent again after: the server was busy, broken or out of time.
RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})


class RequestLine(BaseModel):
    """One line of a batch input file."""

    model_config = ConfigDict(extra="forbid")

    custom_id: str
    method: Literal["POST"] = "POST"
    url: Literal["/v1/chat/completions"] = ENDPOINT
    body: dict[str, Any]


def request_line(custom_id: str, body: dict[str, Any]) -> str:
    return json.dumps({"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}, ensure_ascii=False)


@dataclass(frozen=True)
class Failure:
    """Why a request of a batch brought no reply, and whether sending it again may help."""

    kind: str  # "http", "error", "not_a_completion", "expired", "cancelled", "batch_failed", "missing"
    message: str
    retryable: bool
    status_code: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "retryable": self.retryable,
            "status_code": self.status_code,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Failure:
        return cls(
            kind=str(data.get("kind", "error")),
            message=str(data.get("message", "")),
            retryable=bool(data.get("retryable")),
            status_code=data.get("status_code"),
        )


@dataclass(frozen=True)
class Result:
    """One result line: a reply, or why there is none."""

    custom_id: str
    completion: Completion | None
    failure: Failure | None


def completion_from_body(body: Any) -> Completion:
    """A chat completion body as a :class:`Completion`; ``ValueError`` when it is not one."""
    if not isinstance(body, dict):
        raise ValueError("the response body is not a JSON object")
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ValueError("the response body has no choices")
    message = choices[0].get("message")
    if not isinstance(message, dict) or not isinstance(message.get("content"), str):
        raise ValueError("the response body has no chat message in it")
    given = body.get("usage")
    usage: dict[str, Any] = given if isinstance(given, dict) else {}
    finish = choices[0].get("finish_reason")

    def count(key: str) -> int:
        value = usage.get(key)
        return value if isinstance(value, int) and value >= 0 else 0

    return Completion(
        text=message["content"],
        finish_reason=finish if isinstance(finish, str) else None,
        prompt_tokens=count("prompt_tokens"),
        completion_tokens=count("completion_tokens"),
        model=body["model"] if isinstance(body.get("model"), str) else "",
    )


def _error_text(error: Any) -> str:
    """The message of an error in whichever shape it came: a string, {message}, {error: {message}}."""
    if isinstance(error, str):
        return error
    if isinstance(error, dict):
        nested = error.get("error")
        inner: dict[str, Any] = nested if isinstance(nested, dict) else error
        message = inner.get("message")
        code = inner.get("code")
        text = str(message) if message else json.dumps(error)[:300]
        return f"{code}: {text}" if isinstance(code, str) and code and code not in text else text
    return str(error)


def _error_code(error: Any) -> str | None:
    if isinstance(error, dict):
        nested = error.get("error")
        inner: dict[str, Any] = nested if isinstance(nested, dict) else error
        code = inner.get("code")
        return code if isinstance(code, str) else None
    return None


def parse_result(data: Any) -> Result | None:
    """One parsed result line as a :class:`Result`; ``None`` when it names no request."""
    if not isinstance(data, dict) or not isinstance(data.get("custom_id"), str):
        return None
    custom_id = data["custom_id"]
    raw = data.get("response")
    response: dict[str, Any] = raw if isinstance(raw, dict) else {}
    error = data.get("error")
    status = response.get("status_code")
    status = status if isinstance(status, int) else None
    if error is None and response and (status is None or status == 200):
        try:
            return Result(custom_id, completion_from_body(response.get("body")), None)
        except ValueError as exc:
            # A server bug more likely than a bad request: worth one more try.
            return Result(custom_id, None, Failure("not_a_completion", str(exc), retryable=True, status_code=status))
    body = response.get("body")
    why = error if error is not None else (body.get("error", body) if isinstance(body, dict) else body)
    code = _error_code(error)
    if code == "batch_expired":
        return Result(custom_id, None, Failure("expired", _error_text(why), retryable=True, status_code=status))
    if code == "batch_cancelled":
        return Result(custom_id, None, Failure("cancelled", _error_text(why), retryable=True, status_code=status))
    # A 4xx other than a busy server's is the request's own fault: sent again, it fails again.
    retryable = status is None or status in RETRYABLE_STATUS or status >= 500
    message = f"HTTP {status}: {_error_text(why)}" if status else _error_text(why)
    return Result(custom_id, None, Failure("http" if status else "error", message, retryable, status))


def parse_results(text: str) -> tuple[list[Result], list[int]]:
    """Every result in a result file, and the numbers of the lines that name no request."""
    results: list[Result] = []
    unreadable: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed = parse_result(json.loads(line))
        except json.JSONDecodeError:
            parsed = None
        if parsed is None:
            unreadable.append(number)
        else:
            results.append(parsed)
    return results, unreadable
