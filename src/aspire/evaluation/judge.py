"""An LLM judge, optional: the configured backend reads a draft against the reader's rubric.

The rules are cheap, explainable and always run; the judge is a second opinion
that reads meaning (a claim the resume does not support, an answer that never
says how the company helps) where word rules run out. It never replaces the
rules: its verdict is reported beside theirs, and measured against the judged
set (``evals/judged``) the same way, so how far to trust it is a number.

The judge sees what a blind reader sees: the rubric, the candidate's inputs and
the draft. It never sees the rules. Sync and async share one core; only the
backend call differs.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tenacity import AsyncRetrying, Retrying, retry_if_exception_type, stop_after_attempt

from ..backends import Backend, ChatRequest, Completion, Message
from ..errors import AspireError, GenerationError
from ..models import Usage
from ..prompts import as_data, render
from ..rulebase import Subject
from .judged import DEFECT_TAGS, JudgedDraft


@dataclass(frozen=True)
class RubricLine:
    id: str
    key: str
    wanted: str
    rejects: str
    # The part of the draft this line reads; a line whose part was not given is not scored.
    needs: Literal["plan", "answer", "resume", "self_assessment"]


# evals/RUBRIC.md (from the shared rubric), one line each, in the words the judge is given.
RUBRIC: tuple[RubricLine, ...] = (
    RubricLine(
        "R1",
        "aspiration",
        "a long-term destination beyond the role applied for (a step up, or a lasting body of work) "
        "that grows from this resume and this field",
        "salary, a place or the company itself; the applied role or current title restated; a past "
        "achievement restated; a lateral or downward move",
        "answer",
    ),
    RubricLine(
        "R2",
        "plan",
        'distinct, concrete goals in a sensible order from "Get hired by <company>" to the aspiration '
        "(learn, master, project, credential, promotion), each saying how the target company helps",
        "a resume achievement recycled as a future goal; a credential already held; garbled or glued "
        "words; a past employer, a software vendor or a pasted resume line as how the company helps; "
        "rungs borrowed from another profession",
        "plan",
    ),
    RubricLine(
        "R3",
        "answer",
        "first-person speech a real candidate could say aloud: coherent, natural, answering the question "
        "as asked, naming the company and how it helps the candidate grow",
        "repeated sentences or phrases, skill lists dumped into a sentence, fragments, template or JSON "
        "debris, meta-commentary, the wrong company, talk of a past employer's future",
        "answer",
    ),
    RubricLine(
        "R4",
        "truthful",
        "every claim about the candidate's past and present is supported by the inputs; plans for the future are fine",
        "past work at the target company, credentials not held, altered or invented numbers, invented "
        "employers, skills or names, a goal of the plan retold as already done",
        "resume",
    ),
    RubricLine(
        "R5",
        "self_assessment",
        "strengths and growth areas are real skills or qualities; growth areas are things the candidate "
        "does not have yet",
        "employer names, places, headings, dates, resume fragments, or a growth area the resume already shows",
        "self_assessment",
    ),
)

REASON_MAX_CHARS = 300
JUDGE_MAX_TOKENS = 900
JUDGE_ATTEMPTS = 2


class LineScore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1)
    score: int = Field(ge=1, le=5)


class JudgeVerdict(BaseModel):
    """What the judge said of one draft: a score and a reason per rubric line it could read,
    the defects it names (ids of :data:`DEFECT_TAGS`), and accept or reject."""

    model_config = ConfigDict(extra="forbid")

    aspiration: LineScore | None = None
    plan: LineScore | None = None
    answer: LineScore | None = None
    truthful: LineScore | None = None
    self_assessment: LineScore | None = None
    defects: list[str] = Field(default_factory=list)
    verdict: Literal["accept", "reject"]
    model: str = ""
    usage: Usage = Field(default_factory=Usage)

    @property
    def accepts(self) -> bool:
        """Accept only as the rubric defines it: said so, no defect named, no line below 3.
        A small model says "accept" while listing defects; that is counted as a reject."""
        return self.verdict == "accept" and not self.defects and all(s.score >= 3 for _, s in self.scores())

    def scores(self) -> list[tuple[RubricLine, LineScore]]:
        """The scored lines, in rubric order."""
        return [(line, score) for line in RUBRIC if (score := getattr(self, line.key)) is not None]


def _lines_for(subject: Subject) -> list[RubricLine]:
    given = {
        "answer": True,
        "plan": subject.plan is not None,
        "resume": bool(subject.resume),
        "self_assessment": bool(subject.strengths or subject.growth_areas),
    }
    return [line for line in RUBRIC if given[line.needs]]


def judge_schema(lines: Sequence[RubricLine]) -> dict[str, Any]:
    """The reply's JSON schema: each line's reason before its score (the score follows the
    reading), then the defects, then the verdict."""
    line_schema = {
        "type": "object",
        "properties": {
            "reason": {"type": "string", "minLength": 1, "maxLength": REASON_MAX_CHARS},
            "score": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        },
        "required": ["reason", "score"],
        "additionalProperties": False,
    }
    properties: dict[str, Any] = {line.key: line_schema for line in lines}
    properties["defects"] = {"type": "array", "items": {"type": "string", "enum": list(DEFECT_TAGS)}, "maxItems": 8}
    properties["verdict"] = {"type": "string", "enum": ["accept", "reject"]}
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def judge_messages(subject: Subject) -> list[Message]:
    lines = _lines_for(subject)
    system = render("judge/system.j2", lines=lines, tags=list(DEFECT_TAGS.items()))
    # The candidate's text and the draft are data: markup in them is defused, never evaluated.
    data = Subject(
        answer=as_data(subject.answer),
        company=as_data(subject.company),
        question=as_data(subject.question),
        plan=subject.plan,
        strengths=tuple(as_data(s) for s in subject.strengths),
        growth_areas=tuple(as_data(g) for g in subject.growth_areas),
        resume=as_data(subject.resume) if subject.resume else None,
        skills=tuple(as_data(s) for s in subject.skills),
        role=as_data(subject.role) if subject.role else None,
        job_description=as_data(subject.job_description) if subject.job_description else None,
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": render("judge/draft.j2", s=data)}]


class _Unusable(Exception):
    """The judge's reply was not the JSON asked for; ask once more."""


class _JudgeCall:
    """One judgement across attempts. Pure logic: no I/O."""

    def __init__(self, subject: Subject, backend: Backend, seed: int) -> None:
        self.lines = _lines_for(subject)
        self.messages = judge_messages(subject)
        self.schema = judge_schema(self.lines)
        self.backend = backend
        self.seed = seed
        self.attempts = 0
        self.usage = Usage()
        self.last_text = ""
        self.problem = ""

    def request(self) -> ChatRequest:
        # Greedy: the same draft gets the same verdict; a second attempt moves the seed only.
        return ChatRequest(
            messages=self.messages,
            schema=self.schema,
            max_tokens=JUDGE_MAX_TOKENS,
            temperature=0.0,
            seed=self.seed + self.attempts,
            fixed_messages=1,  # the rubric, the same for every draft
        )

    def take(self, completion: Completion) -> JudgeVerdict:
        self.attempts += 1
        self.usage += Usage(prompt_tokens=completion.prompt_tokens, completion_tokens=completion.completion_tokens)
        self.last_text = completion.text
        try:
            data = json.loads(completion.text, strict=False)
            verdict = JudgeVerdict.model_validate(data)
        except json.JSONDecodeError as exc:
            self.problem = f"the judge's reply is not JSON ({exc.msg})"
            raise _Unusable from None
        except ValidationError as exc:
            error = exc.errors()[0]
            self.problem = f"the judge's reply: {'.'.join(map(str, error['loc']))}: {error['msg']}"
            raise _Unusable from None
        missing = [line.key for line in self.lines if getattr(verdict, line.key) is None]
        unknown = [tag for tag in verdict.defects if tag not in DEFECT_TAGS]
        if missing or unknown:
            self.problem = f"the judge's reply lacks {missing} or names unknown defects {unknown}"
            raise _Unusable
        return verdict.model_copy(update={"model": completion.model or self.backend.model, "usage": self.usage})

    def failed(self) -> GenerationError:
        return GenerationError(
            f"the judge gave no usable verdict in {self.attempts} attempts: {self.problem}",
            last_output=self.last_text,
            violations=[self.problem],
            attempts=self.attempts,
        )


def judge(subject: Subject, backend: Backend, *, seed: int = 42) -> JudgeVerdict:
    """The backend's verdict on a draft (or an answer with what was given), against the rubric."""
    call = _JudgeCall(subject, backend, seed)
    try:
        for attempt in Retrying(
            stop=stop_after_attempt(JUDGE_ATTEMPTS), retry=retry_if_exception_type(_Unusable), reraise=True
        ):
            with attempt:
                return call.take(backend.complete(call.request()))
    except _Unusable:
        raise call.failed() from None
    raise AssertionError("unreachable")  # pragma: no cover


async def ajudge(subject: Subject, backend: Backend, *, seed: int = 42) -> JudgeVerdict:
    """:func:`judge` for async callers."""
    call = _JudgeCall(subject, backend, seed)
    try:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(JUDGE_ATTEMPTS), retry=retry_if_exception_type(_Unusable), reraise=True
        ):
            with attempt:
                return call.take(await backend.acomplete(call.request()))
    except _Unusable:
        raise call.failed() from None
    raise AssertionError("unreachable")  # pragma: no cover


def verdict_to_text(verdict: JudgeVerdict) -> str:
    """The judge's verdict for a terminal: one line per rubric line, then the defects."""
    said = "ACCEPT" if verdict.accepts else "REJECT"
    if verdict.verdict == "accept" and not verdict.accepts:
        said += ' (it said "accept", but named defects or scored a line below 3)'
    head = f"JUDGE {said} ({verdict.model or 'model'}; a second opinion, not a rule)"
    lines = [head]
    for line, score in verdict.scores():
        lines.append(f"  {line.id} {line.key:<16} {score.score}/5  {' '.join(score.reason.split())}")
    if verdict.defects:
        lines.append(f"  defects: {', '.join(verdict.defects)}")
    return "\n".join(lines)


# --- the judge measured against the reader, as the rules are (``aspire eval --judged DIR --judge``)


@dataclass(frozen=True)
class JudgeCompared:
    """One judged draft with the judge's verdict (or why it gave none) beside the reader's."""

    entry: JudgedDraft
    verdict: JudgeVerdict | None
    error: str = ""

    @property
    def reader_accepts(self) -> bool:
        return self.entry.judgement.verdict == "accept"


async def ajudge_judged(
    entries: Sequence[JudgedDraft],
    backend: Backend,
    *,
    concurrency: int = 1,
    seed: int = 42,
    on_result: Callable[[JudgeCompared], None] | None = None,
) -> list[JudgeCompared]:
    """The judge's verdict on every judged draft, in the entries' order; a failure is recorded, not raised."""
    slots = asyncio.Semaphore(max(1, concurrency))

    async def one(entry: JudgedDraft) -> JudgeCompared:
        async with slots:
            try:
                verdict = await ajudge(Subject.from_draft(entry.draft, entry.profile), backend, seed=seed)
            except AspireError as exc:
                result = JudgeCompared(entry, None, str(exc))
            else:
                result = JudgeCompared(entry, verdict)
        if on_result:
            on_result(result)
        return result

    return list(await asyncio.gather(*(one(e) for e in entries)))


def judge_agreement_to_text(compared: Sequence[JudgeCompared]) -> str:
    """The judge against the reader: the confusion table, the same two shares the rules are held to,
    recall per defect tag (the judge named the tag), and how far its scores sit from the reader's."""
    judged = [c for c in compared if c.verdict is not None]
    errors = [c for c in compared if c.verdict is None]
    model = next((c.verdict.model for c in judged if c.verdict), "")

    def count(reader: bool, judge_accepts: bool) -> int:
        return sum(
            c.reader_accepts == reader and c.verdict is not None and c.verdict.accepts == judge_accepts for c in judged
        )

    accepted = sum(c.reader_accepts for c in judged)
    rejected = len(judged) - accepted
    lines = [
        f"the LLM judge ({model or 'model'}) on {len(judged)} judged drafts"
        + (f"; no verdict on {len(errors)}" if errors else ""),
        "",
        f"{'':<22}{'judge accepts':>15}{'judge rejects':>15}",
        f"{'reader accepts':<22}{count(True, True):>15}{count(True, False):>15}",
        f"{'reader rejects':<22}{count(False, True):>15}{count(False, False):>15}",
        "",
        f"rejected drafts the judge rejects   {count(False, False) / rejected if rejected else 0:>5.0%}",
        f"accepted drafts the judge accepts   {count(True, True) / accepted if accepted else 0:>5.0%}",
        "",
        "recall per defect tag (drafts carrying it where the judge names it):",
    ]
    for tag in DEFECT_TAGS:
        tagged = [c for c in judged if tag in c.entry.judgement.defects]
        if tagged:
            named = sum(tag in (c.verdict.defects if c.verdict else []) for c in tagged)
            lines.append(f"  {tag:<30}{named:>3} of {len(tagged):<4}{named / len(tagged):>5.0%}")
    lines += ["", "mean distance from the reader's score (0 = the same, 4 = opposite ends):"]
    for line in RUBRIC:
        pairs = [
            (getattr(c.entry.judgement.scores, line.id), score.score)
            for c in judged
            if c.verdict is not None and (score := getattr(c.verdict, line.key)) is not None
        ]
        if pairs:
            distance = sum(abs(a - b) for a, b in pairs) / len(pairs)
            lines.append(f"  {line.id} {line.key:<16}{distance:>5.2f}  ({len(pairs)} drafts)")
    for c in errors[:5]:
        lines.append(f"no verdict: {c.entry.id}: {c.error}")
    return "\n".join(lines)
