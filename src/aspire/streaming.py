"""Drafts as they are written: the answer's text while the model writes it, then the checked Draft.

The model writes one JSON object, aspirations and plan first and the answer
last, so the stream is quiet while the plan is written and then yields the
answer a few characters at a time. When an attempt breaks a rule and another
is made, a :class:`Retry` comes first: the text shown so far is void. The
last item is the :class:`~aspire.models.Draft`, checked like any other; its
answer may differ slightly from the streamed text (a repeated sentence is
dropped before checking).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .backends import Backend, Completion
from .backends.base import aclose_backend, astream_completion, stream_completion
from .errors import DeadlineError
from .generate import _NeedsRepair, _prepare, _Session
from .models import CandidateProfile, Draft

_ANSWER_KEY = re.compile(r'"answer"\s*:\s*"')


@dataclass(frozen=True)
class Retry:
    """An attempt was discarded (it broke a rule or was not valid JSON); another follows.

    Whatever answer text was streamed since the last Retry is void.
    """

    attempt: int
    problems: tuple[str, ...]


StreamEvent = str | Retry | Draft


class AnswerText:
    """Pulls the answer out of JSON that is still being written: the top-level ``"answer"``
    string, or the strings under ``keys`` in turn, joined by spaces (a stepwise answer
    comes as four sentences).

    Quotes inside JSON strings are escaped, so an unescaped ``"key": "`` can
    only be the key itself; escapes are decoded once they are complete.
    """

    def __init__(self, keys: tuple[str, ...] = ("answer",)) -> None:
        self._keys = [re.compile(r'"' + re.escape(key) + r'"\s*:\s*"') for key in keys]
        self._raw = ""
        self._start: int | None = None
        self._shown = 0
        self._done_keys = 0
        self.done = False

    def feed(self, delta: str) -> str:
        """Take the next piece of the reply; return the answer text it completes."""
        self._raw += delta
        shown = []
        while not self.done:
            if self._start is None:
                match = self._keys[self._done_keys].search(self._raw)
                if match is None:
                    break
                self._start = match.end()
                if self._done_keys:
                    shown.append(" ")
            decoded, closed = self._decoded(self._raw[self._start :])
            if decoded is None:
                break
            shown.append(decoded[self._shown :])
            self._shown = max(self._shown, len(decoded))
            if not closed:
                break
            self._done_keys += 1
            self._raw, self._start, self._shown = self._raw[self._start :], None, 0
            self.done = self._done_keys == len(self._keys)
        return "".join(shown)

    @staticmethod
    def _decoded(raw: str) -> tuple[str | None, bool]:
        end, closed = 0, False
        while end < len(raw):
            char = raw[end]
            if char == '"':
                closed = True
                break
            if char == "\\":
                size = _escape_size(raw, end)
                if size == 0:  # the escape is still arriving
                    break
                end += size
            else:
                end += 1
        try:
            # strict=False, as when the whole reply is parsed: a raw line break in the
            # answer is harmless, and the stream must not stop at it.
            return str(json.loads(f'"{raw[:end]}"', strict=False)), closed
        except json.JSONDecodeError:  # an escape the final parse will reject too
            return None, closed


def _escape_size(raw: str, at: int) -> int:
    """Length of the complete escape at ``raw[at]``, or 0 if it is not all there yet."""
    if at + 1 >= len(raw):
        return 0
    if raw[at + 1] != "u":
        return 2
    if at + 6 > len(raw):
        return 0
    # A high surrogate decodes only with the low one after it.
    if raw[at + 2 : at + 4].lower() in ("d8", "d9", "da", "db"):
        return 12 if at + 12 <= len(raw) else 0
    return 6


class _Attempt:
    """One attempt's stream: the answer text it adds, then its outcome. Pure logic, no I/O."""

    def __init__(self, session: _Session, strict: bool) -> None:
        self.session = session
        self.strict = strict
        self.answer = AnswerText(session.answer_keys())
        self.completion: Completion | None = None
        # A stepwise draft's earlier steps write the plan, not the answer: nothing to show.
        self.shows_text = session.streams_answer()

    def take(self, item: str | Completion) -> str:
        """The answer text ``item`` adds ("" for the finished Completion)."""
        if isinstance(item, Completion):
            self.completion = item
            return ""
        return self.answer.feed(item) if self.shows_text else ""

    def outcome(self) -> Retry | Draft | None:
        """The draft when it is done, a Retry when shown text is void, None when more
        steps follow; or (raised) the last attempt's error."""
        assert self.completion is not None, "a stream ends with its Completion"
        session = self.session
        try:
            session.accept(self.completion)
        except _NeedsRepair:
            if session.tries >= session.max_tries:
                session.settle()
            elif self.shows_text:
                return Retry(attempt=session.attempts, problems=tuple(session.last_violations))
        return session.result(self.strict) if session.finished else None


def stream(
    profile: CandidateProfile | Mapping[str, Any],
    *,
    backend: Backend | str | None = None,
    strict: bool = False,
    **options: Any,
) -> Iterator[StreamEvent]:
    """Yield the answer's text as it is generated, :class:`Retry` when an attempt is
    discarded, and the checked :class:`Draft` last. Arguments as for :func:`aspire.generate`;
    its errors are raised from the iterator."""
    session = _prepare(profile, backend, options)
    outcome: Retry | Draft | None = None
    while not isinstance(outcome, Draft):
        attempt = _Attempt(session, strict)
        try:
            for item in stream_completion(session.backend, session.request()):
                if text := attempt.take(item):
                    yield text
        except DeadlineError:
            yield session.out_of_time(strict)
            return
        outcome = attempt.outcome()
        if outcome is not None:
            yield outcome


async def astream(
    profile: CandidateProfile | Mapping[str, Any],
    *,
    backend: Backend | str | None = None,
    strict: bool = False,
    **options: Any,
) -> AsyncIterator[StreamEvent]:
    """Async :func:`stream`: the same events, for a chatbot's event loop."""
    session = _prepare(profile, backend, options)
    outcome: Retry | Draft | None = None
    try:
        while not isinstance(outcome, Draft):
            attempt = _Attempt(session, strict)
            try:
                async for item in astream_completion(session.backend, session.request()):
                    if text := attempt.take(item):
                        yield text
            except DeadlineError:
                yield session.out_of_time(strict)
                return
            outcome = attempt.outcome()
            if outcome is not None:
                yield outcome
    finally:
        if isinstance(backend, str) or backend is None:  # made here from a name: ours to close
            await aclose_backend(session.backend)
