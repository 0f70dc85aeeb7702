"""render → call → validate → rule check → repair, shared by sync and async.

``_DraftSession`` holds all the logic and no I/O. ``generate`` and
``agenerate`` differ only in how they call the backend; tenacity owns the
bounded repair loop. Transport failures are *not* retried here: the backend
(the openai client's own retries) owns those, so no request is multiplied.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from tenacity import AsyncRetrying, Retrying, retry_if_exception_type, stop_after_attempt

from . import prompts, rules, text
from .backends import Backend, ChatRequest, Completion, Message, create_backend
from .backends.base import aclose_backend
from .config import Settings, resolve_settings
from .errors import DeadlineError, GenerationError, InputError
from .ladders import career_path
from .models import (
    CandidateProfile,
    CheckResult,
    Draft,
    DraftContent,
    GeneratedContent,
    Usage,
    checked_draft,
    complete_content,
    parse_reply,
)
from .stepwise import StepSession

# INFO carries counts and rule ids only; DEBUG adds the violation texts, which
# may quote the model's output (and so the resume). Neither logs the resume.
logger = logging.getLogger("aspire")


FRESH_TEMPERATURE_STEP = 0.1


class _NeedsRepair(Exception):
    """Internal signal: the last reply was unusable or broke a rule; ask again."""


def _profile(profile: CandidateProfile | Mapping[str, Any]) -> CandidateProfile:
    if isinstance(profile, CandidateProfile):
        return profile
    try:
        return CandidateProfile.model_validate(dict(profile))
    except ValidationError as exc:
        raise InputError(_describe_validation(exc), field=_first_field(exc)) from None


def _first_field(exc: ValidationError) -> str | None:
    loc = exc.errors()[0]["loc"]
    return str(loc[0]) if loc else None


def _describe_validation(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"]) or "input"
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def parse_content(completion: Completion) -> tuple[GeneratedContent | None, list[str]]:
    """The model's reply as a validated :class:`GeneratedContent`, or why it is not one."""
    return parse_reply(
        completion.text,
        completion.finish_reason,
        GeneratedContent,
        write_less="Write less: shorter goals and an answer under 150 words.",
        most_problems=6,
    )


class _DraftSession:
    """The state of one draft across attempts. Pure logic: no I/O."""

    def __init__(self, profile: CandidateProfile, backend: Backend, settings: Settings) -> None:
        self.profile = profile
        self.backend = backend
        self.settings = settings
        self.repair = settings.repair or ("fresh" if backend.name == "local" else "conversation")
        self.schema = prompts.generation_schema(profile)
        self.messages: list[Message] = prompts.build_messages(profile)
        # The system prompt and worked examples: every turn before the candidate's.
        self.fixed_messages = len(self.messages) - 1
        self.avoid_words = prompts.avoid_words(profile)
        self.latin_only = text.latin_script_only(profile.all_text())
        self.usage = Usage()
        self.attempts = 0
        self.model = backend.model
        self.best: tuple[DraftContent, list[CheckResult]] | None = None
        self.last_text = ""
        self.last_violations: list[str] = []
        self.started = time.perf_counter()
        self.deadline = time.monotonic() + settings.deadline_s
        self.max_tries = settings.max_attempts
        self.finished = False

    @property
    def tries(self) -> int:
        """Tries of the current part: for a whole draft, every attempt so far."""
        return self.attempts

    def streams_answer(self) -> bool:
        return True

    def answer_keys(self) -> tuple[str, ...]:
        return ("answer",)

    def request(self) -> ChatRequest:
        return ChatRequest(
            messages=list(self.messages),
            schema=self.schema,
            max_tokens=self.settings.max_tokens,
            temperature=self._temperature(),
            # A fresh attempt gets the next seed, or it would sample the same draft again.
            seed=self.settings.seed + (self.attempts if self.repair == "fresh" else 0),
            avoid_words=self.avoid_words,
            latin_only=self.latin_only,
            deadline=self.deadline,
            fixed_messages=self.fixed_messages,
        )

    def _temperature(self) -> float:
        """Fresh attempts sample a little hotter each time: at 0.2 a new seed alone
        gives the 0.5B model's same draft back, the same rule broken the same way."""
        if self.repair != "fresh":
            return self.settings.temperature
        return min(1.0, self.settings.temperature + FRESH_TEMPERATURE_STEP * self.attempts)

    def accept(self, completion: Completion) -> None:
        """Record one reply; raise :class:`_NeedsRepair` if another attempt is needed."""
        self.attempts += 1
        self.usage = self.usage + Usage(
            prompt_tokens=completion.prompt_tokens, completion_tokens=completion.completion_tokens
        )
        if completion.model:
            self.model = completion.model
        self.last_text = completion.text
        generated, violations = parse_content(completion)
        if generated is not None:
            content = complete_content(generated, self.profile)
            checks = rules.run_checks(content, self.profile)
            failed = [c for c in checks if not c.passed]
            if self.best is None or len(failed) < sum(not c.passed for c in self.best[1]):
                self.best = (content, checks)
            violations = [c.as_instruction() for c in failed]
        self.last_violations = violations
        logger.info(
            "attempt %d of %d on %s: %s, %d completion tokens",
            self.attempts,
            self.settings.max_attempts,
            self.backend.name,
            "unusable reply" if generated is None else f"{len(violations)} rule(s) failed",
            completion.completion_tokens,
        )
        for violation in violations:
            logger.debug("violation: %s", violation)
        if violations:
            if self.repair == "fresh":
                self.messages = prompts.fresh_repair_messages(violations, self.profile)
            else:
                self.messages += prompts.repair_messages(completion.text, violations, self.profile)
            raise _NeedsRepair
        self.finished = True

    def settle(self) -> None:
        """The attempts are spent: the best draft so far is the result."""
        self.finished = True

    def result(self, strict: bool) -> Draft:
        return self.give_up(strict)

    def draft(self, strict: bool = False) -> Draft:
        assert self.best is not None
        content, checks = self.best
        return checked_draft(
            content,
            checks,
            attempts=self.attempts,
            usage=self.usage,
            backend=self.backend.name,
            model=self.model,
            started=self.started,
            strict=strict,
            what=f"the best of {self.attempts} attempts",
            last_output=self.last_text,
            occupation=career_path(self.profile).record(),
        )

    def give_up(self, strict: bool) -> Draft:
        """After the last attempt: the best valid draft, or a typed error."""
        if self.best is None:
            raise GenerationError(
                f"no attempt out of {self.attempts} produced a valid draft",
                last_output=self.last_text,
                violations=self.last_violations,
                attempts=self.attempts,
            )
        return self.draft(strict)

    def out_of_time(self, strict: bool) -> Draft:
        """The deadline passed mid-repair: the best draft so far, or the deadline error."""
        if self.best is None:
            raise DeadlineError(
                f"no usable draft within the {self.settings.deadline_s:g} s time limit (ASPIRE_DEADLINE) "
                f"after {self.attempts} attempt(s)",
                backend=self.backend.name,
            )
        return self.give_up(strict)


_Session = _DraftSession | StepSession


def _prepare(
    profile: CandidateProfile | Mapping[str, Any],
    backend: Backend | str | None,
    options: dict[str, Any],
) -> _Session:
    candidate = _profile(profile)
    if isinstance(backend, str) or backend is None:
        settings = resolve_settings(backend=backend, **options)
        client = create_backend(settings)
    else:
        # A ready backend instance: only the generation settings (attempts,
        # tokens, temperature, seed) apply; "local" merely skips the checks
        # for OpenAI credentials that this instance already holds.
        settings = resolve_settings(backend="local", **options)
        client = backend
    if settings.method == "steps":
        return StepSession(candidate, client, settings, _NeedsRepair)
    return _DraftSession(candidate, client, settings)


Session = _Session


def start_session(profile: CandidateProfile, backend: Backend, settings: Settings) -> Session:
    """A draft's state machine without a loop around it, for a caller that sends the
    requests itself (a batch eval sends every case's next request in one file)."""
    if settings.method == "steps":
        return StepSession(profile, backend, settings, _NeedsRepair)
    return _DraftSession(profile, backend, settings)


def feed_reply(session: Session, completion: Completion) -> None:
    """Take one reply as :func:`generate`'s loop does: a reply that needs repairing is
    asked again until the part's tries are spent, then the part goes on with its best.

    The checks are pure, so feeding a session the same replies again rebuilds it
    exactly: a batch run killed at any point resumes from the replies it kept.
    Raises :class:`GenerationError` when a step had no usable reply in its tries.
    """
    try:
        session.accept(completion)
    except _NeedsRepair:
        # tenacity's stop_after_attempt(max_tries) in generate(), counted per part.
        if session.tries >= session.max_tries:
            session.settle()


def _retrying_kwargs(max_tries: int) -> dict[str, Any]:
    return {
        "stop": stop_after_attempt(max_tries),
        "retry": retry_if_exception_type(_NeedsRepair),
        "reraise": True,
    }


def generate(
    profile: CandidateProfile | Mapping[str, Any],
    *,
    backend: Backend | str | None = None,
    strict: bool = False,
    **options: Any,
) -> Draft:
    """Draft an answer and an Individual Development Plan for ``profile``.

    ``backend`` is ``"local"``, ``"openai"``, a :class:`~aspire.backends.Backend`
    instance (reuse one across calls in a chatbot), or ``None`` to choose from
    the environment. ``options`` are the keyword arguments of
    :func:`aspire.config.resolve_settings` (``model``, ``base_url``, ``api_key``,
    ``method``, ``max_attempts``, ``max_tokens``, ``temperature``, ``seed``, ``timeout_s``).

    Returns the best draft; its ``checks`` show any rule it still breaks. With
    ``strict=True`` such a draft raises :class:`DraftRejectedError` instead.
    Raises :class:`GenerationError` when no attempt produced valid JSON.
    """
    session = _prepare(profile, backend, options)
    try:
        # One round per part: the whole draft at once, or each step of a stepwise one.
        while not session.finished:
            try:
                for attempt in Retrying(**_retrying_kwargs(session.max_tries)):
                    with attempt:
                        session.accept(session.backend.complete(session.request()))
            except _NeedsRepair:
                session.settle()
    except DeadlineError:
        return session.out_of_time(strict)
    return session.result(strict)


async def agenerate(
    profile: CandidateProfile | Mapping[str, Any],
    *,
    backend: Backend | str | None = None,
    strict: bool = False,
    **options: Any,
) -> Draft:
    """Async :func:`generate`: same arguments, same result, awaits the backend."""
    session = _prepare(profile, backend, options)
    try:
        while not session.finished:
            try:
                async for attempt in AsyncRetrying(**_retrying_kwargs(session.max_tries)):
                    with attempt:
                        completion = await session.backend.acomplete(session.request())
                        # The rule checks take a few ms of CPU: off the event loop, they
                        # hold up neither a chatbot's loop nor a batch's other requests.
                        await asyncio.to_thread(session.accept, completion)
            except _NeedsRepair:
                session.settle()
    except DeadlineError:
        return session.out_of_time(strict)
    finally:
        if isinstance(backend, str) or backend is None:  # made here from a name: ours to close
            await aclose_backend(session.backend)
    return session.result(strict)
