"""Pydantic models: what a candidate gives, what the model writes, what callers get."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator

from .text import reaches, same_step, without_repeated_sentences

DEFAULT_QUESTION = "What are your career aspirations?"

# Generous but finite: a company name is a name, not a paragraph.
MAX_COMPANY_CHARS = 200
# Resumes are a page or two; 5 MB is far beyond any real one and keeps a
# mistaken path (a log file, a dump) out of memory and out of a prompt. What
# fits here may still not fit the model's context: the backend says so.
MAX_INPUT_BYTES = 5 * 1024 * 1024

GoalKind = Literal["hire", "learn", "skill", "project", "client", "promotion", "credential"]


def _has_control_chars(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text)


def candidate_text(
    company: str,
    role: str | None,
    question: str,
    name: str | None,
    skills: Sequence[str],
    resume: str | None,
    job_description: str | None,
) -> str:
    """Everything a candidate told us, as one text: what rules and steering compare drafts with."""
    parts = [company, role or "", question, name or "", ", ".join(skills), resume or "", job_description or ""]
    return "\n".join(p for p in parts if p)


class CandidateProfile(BaseModel):
    """Everything aspire knows about the candidate and the job.

    Only ``resume`` and ``company`` are required. ``skills`` also accepts one
    comma-separated string, the way people type them on a command line.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = None
    resume: str
    skills: list[str] = Field(default_factory=list)
    company: str
    role: str | None = None
    job_description: str | None = None
    question: str = DEFAULT_QUESTION
    # The O*NET-SOC occupation to build the draft on ("23-2011.00"), where the candidate
    # chose one; otherwise aspire matches one from the role, the titles and the job description.
    occupation: str | None = Field(default=None, pattern=r"^\d\d-\d{4}(\.\d\d)?$")

    @field_validator("resume")
    @classmethod
    def _resume_not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("the resume is empty")
        return value

    @field_validator("resume", "job_description")
    @classmethod
    def _within_size_limit(cls, value: str | None) -> str | None:
        if value is not None and len(value) > MAX_INPUT_BYTES:
            raise ValueError(f"the text is {len(value):,} characters; the limit is {MAX_INPUT_BYTES:,} (5 MB)")
        return value

    @field_validator("company")
    @classmethod
    def _company_is_a_name(cls, value: str) -> str:
        if not value:
            raise ValueError("the company name is empty")
        if len(value) > MAX_COMPANY_CHARS:
            raise ValueError(f"the company name is {len(value)} characters long; the limit is {MAX_COMPANY_CHARS}")
        if _has_control_chars(value) or "\n" in value:
            raise ValueError("the company name contains control characters or line breaks")
        return value

    @field_validator("skills", mode="before")
    @classmethod
    def _split_skills(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list):
            # Non-strings pass through untouched so pydantic reports them.
            return [
                item.strip() if isinstance(item, str) else item
                for item in value
                if not (isinstance(item, str) and not item.strip())
            ]
        return value

    @field_validator("occupation", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("name", "role", "job_description", mode="after")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("question", mode="before")
    @classmethod
    def _default_question(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return DEFAULT_QUESTION
        return value

    def all_text(self) -> str:
        """Everything the candidate told us, as one text."""
        return candidate_text(
            self.company, self.role, self.question, self.name, self.skills, self.resume, self.job_description
        )


class SelfAssessment(BaseModel):
    """The article's "question yourself" and "review your resume" steps."""

    model_config = ConfigDict(extra="forbid")

    strengths: list[str] = Field(min_length=1, max_length=5)
    growth_areas: list[str] = Field(min_length=1, max_length=4)


class AspirationOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    aspiration: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class Goal(BaseModel):
    """One actionable step of the Individual Development Plan."""

    model_config = ConfigDict(extra="forbid")

    goal: str = Field(min_length=1)
    kind: GoalKind
    company_support: str = Field(description="How the target company aids this step; empty if it does not.")
    evidence: str = Field(
        description="What in the candidate's inputs this step rests on, quoted or closely paraphrased."
    )


class Plan(BaseModel):
    """The Individual Development Plan: goals from "Get hired" up to the aspiration.

    Bounds here are loose on purpose: how many goals a good plan has is the
    ``goals-actionable`` rule's verdict, reported with evidence, not a crash.
    """

    model_config = ConfigDict(extra="forbid")

    aspirations: list[AspirationOption] = Field(min_length=1, max_length=5)
    aspiration: str = Field(min_length=1)
    goals: list[Goal] = Field(min_length=1, max_length=30)


class DraftContent(BaseModel):
    """A complete draft's content: self-assessment, plan and spoken answer."""

    model_config = ConfigDict(extra="forbid")

    self_assessment: SelfAssessment
    plan: Plan
    answer: str = Field(min_length=1)


class GeneratedPlan(BaseModel):
    """The plan as the model writes it: every goal *after* getting hired.

    "Get hired by <company>" is always the first goal, so the program adds it
    rather than spending tokens (and risking mistakes) on generating it.
    """

    model_config = ConfigDict(extra="forbid")

    aspirations: list[AspirationOption] = Field(min_length=2, max_length=3)
    aspiration: str = Field(min_length=1)
    goals: list[Goal] = Field(min_length=2, max_length=8)


class GeneratedContent(BaseModel):
    """Exactly what the model is asked to write (its JSON schema is the grammar)."""

    model_config = ConfigDict(extra="forbid")

    self_assessment: SelfAssessment
    plan: GeneratedPlan
    answer: str = Field(min_length=1)


class CheckResult(BaseModel):
    """One rule's verdict on one draft or answer.

    ``skip`` means the rule had nothing to judge (no plan, no resume); it
    never counts as a failure. ``suggestion`` is empty unless the rule failed.
    """

    model_config = ConfigDict(extra="forbid")

    rule: str
    verdict: Literal["pass", "fail", "skip"]
    evidence: str
    suggestion: str = ""

    @model_validator(mode="before")
    @classmethod
    def _drop_derived(cls, data: Any) -> Any:
        # ``passed`` is derived from ``verdict``; accept it back from our own JSON.
        if isinstance(data, dict) and "passed" in data:
            data = {k: v for k, v in data.items() if k != "passed"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool:
        return self.verdict != "fail"

    def as_instruction(self) -> str:
        """The failure in plain words, for a repair turn."""
        return f"{self.rule}: {self.evidence} {self.suggestion}".strip()


class Usage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class MatchedOccupation(BaseModel):
    """The O*NET occupation a draft was built on, and how it was found."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="O*NET-SOC code, e.g. 23-2011.00")
    title: str = Field(description="O*NET's title of the occupation")
    confidence: float = Field(ge=0, le=1, description="1 for an exact title match or a chosen code")
    matched_on: list[str] = Field(default_factory=list, description="the O*NET titles that matched")
    source: str = Field(description='what was matched: "the role applied for", "chosen", ...')
    used: bool = Field(description="whether the draft was built on it (false below the confidence threshold)")


class Draft(DraftContent):
    """A finished draft: the model's content plus how it was judged and produced."""

    occupation: MatchedOccupation | None = None
    checks: list[CheckResult]
    attempts: int
    usage: Usage
    backend: str
    model: str
    elapsed_s: float

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    @property
    def passed(self) -> bool:
        return not self.failed_checks


_Reply = TypeVar("_Reply", bound=BaseModel)


def parse_reply(
    text: str, finish_reason: str | None, model: type[_Reply], *, write_less: str, most_problems: int
) -> tuple[_Reply | None, list[str]]:
    """A model's JSON reply validated as ``model``, or why it is not one, in words for a repair note.

    ``write_less`` ends the note for a reply cut off at the token limit.
    """
    import json

    from pydantic import ValidationError

    if finish_reason == "length":
        return None, [f"Your reply was cut off before the JSON was complete. {write_less}"]
    text = text.strip()
    if not text:
        return None, ["Your reply was empty. Reply with the JSON object."]
    try:
        # strict=False: a raw line break inside a string is harmless here.
        data = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        return None, [f"Your reply is not valid JSON ({exc.msg} at position {exc.pos})."]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [
            f"In the JSON, {'.'.join(str(p) for p in error['loc']) or 'the object'}: {error['msg']}."
            for error in exc.errors()[:most_problems]
        ]


def checked_draft(
    content: DraftContent,
    checks: list[CheckResult],
    *,
    attempts: int,
    usage: Usage,
    backend: str,
    model: str,
    started: float,
    strict: bool,
    what: str,
    last_output: str,
    occupation: MatchedOccupation | None = None,
) -> Draft:
    """The finished :class:`Draft`; with ``strict``, :class:`DraftRejectedError` if a rule still fails.

    ``started`` is a ``time.perf_counter()`` reading; ``what`` names the draft in the error
    ("the best of 3 attempts", "the stepwise draft").
    """
    import time

    from .errors import DraftRejectedError

    draft = Draft(
        **content.model_dump(),
        occupation=occupation,
        checks=checks,
        attempts=attempts,
        usage=usage,
        backend=backend,
        model=model,
        elapsed_s=round(time.perf_counter() - started, 3),
    )
    if strict and not draft.passed:
        raise DraftRejectedError(
            f"{what} still fails: " + ", ".join(c.rule for c in draft.failed_checks),
            last_output=last_output,
            violations=[c.as_instruction() for c in draft.failed_checks],
            attempts=attempts,
        )
    return draft


def hire_goal(profile: CandidateProfile) -> Goal:
    """The first goal of every plan, written by the program from the inputs alone."""
    opening = f"The {profile.role} opening" if profile.role else "An opening"
    evidence = f"Target company: {profile.company}"
    if profile.role:
        evidence += f"; role applied for: {profile.role}"
    return Goal(
        goal=f"Get hired by {profile.company}",
        kind="hire",
        company_support=f"{opening} at {profile.company}",
        evidence=evidence,
    )


def _is_hire_goal(goal: Goal) -> bool:
    return goal.kind == "hire" or goal.goal.lower().startswith(("get hired", "be hired", "join "))


def _goal_key(goal: Goal) -> str:
    return " ".join(goal.goal.lower().replace(".", " ").split())


def complete_content(generated: GeneratedContent, profile: CandidateProfile) -> DraftContent:
    """Put "Get hired by <company>" in front of the model's goals, and cut its loops.

    A hire goal the model wrote anyway is dropped, so it never appears twice.
    Small models loop: a goal that a later goal says again (perhaps under
    another verb) gives way to the later one, while at least two remain, and
    a sentence the answer already said is cut. Cutting a repeat is cheaper
    than a repair round, and a repeat adds nothing; the ``goals-actionable``
    and ``answer-form`` rules still report whatever repeat is left.
    """
    later: list[Goal] = []
    seen: set[str] = set()
    for goal in generated.plan.goals:
        if _is_hire_goal(goal) or _goal_key(goal) in seen:
            continue
        seen.add(_goal_key(goal))
        later.append(goal)
    for goal in list(later):
        if len(later) > 2 and any(same_step(goal.goal, after.goal) for after in later[later.index(goal) + 1 :]):
            later.remove(goal)
    # The article puts the aspiration at the bottom of the plan. When the
    # model's last rung stops short of it, the aspiration itself closes the
    # plan, so the goals always run from getting hired to where they lead.
    if later and not reaches(later[-1].goal, generated.plan.aspiration):
        later.append(
            Goal(
                goal=_as_goal(generated.plan.aspiration),
                kind="promotion",
                company_support=later[-1].company_support,
                evidence=later[-1].evidence,
            )
        )
    assessment = generated.self_assessment
    return DraftContent(
        self_assessment=SelfAssessment(
            strengths=list(dict.fromkeys(assessment.strengths)),
            growth_areas=list(dict.fromkeys(assessment.growth_areas)),
        ),
        plan=Plan(
            aspirations=generated.plan.aspirations,
            aspiration=generated.plan.aspiration,
            goals=[hire_goal(profile), *later][:10],
        ),
        answer=without_repeated_sentences(generated.answer),
    )


def _as_goal(aspiration: str) -> str:
    return aspiration.strip().rstrip(".")


def generated_part(content: DraftContent) -> GeneratedContent:
    """The inverse of :func:`complete_content`: what the model should have written."""
    return GeneratedContent(
        self_assessment=content.self_assessment,
        plan=GeneratedPlan(
            aspirations=content.plan.aspirations,
            aspiration=content.plan.aspiration,
            goals=[g for g in content.plan.goals if not _is_hire_goal(g)],
        ),
        answer=content.answer,
    )
