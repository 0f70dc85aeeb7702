"""The API's own request and response bodies; drafts, profiles and verdicts are the library's models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..evaluation.judge import JudgeVerdict
from ..models import DEFAULT_QUESTION, CheckResult, SelfAssessment

# The question's wordings the page offers: the article's, and the ones the eval cases use.
QUESTIONS = (
    DEFAULT_QUESTION,
    "Where do you see yourself in five years?",
    "Where do you see yourself in 10 years?",
    "What are your goals for your future?",
    "What advances are you looking to make in your career?",
)


class ErrorBody(BaseModel):
    """Every error: one line, as the command line prints it."""

    error: str = Field(description="What went wrong and what to do, in one line.")
    type: str | None = Field(default=None, description="The library's exception class, e.g. InputError.")
    field: str | None = Field(default=None, description="The input at fault, when one is.")
    violations: list[str] = Field(default_factory=list, description="Why the last attempt was unusable.")


class CheckRequest(BaseModel):
    """An answer you wrote, with what you can give besides; rules needing what is missing say ``skip``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    answer: str = Field(description="The answer as you would say it.")
    company: str = Field(description="The company you are interviewing with.")
    question: str | None = Field(default=None, description=f'The question as asked (default: "{DEFAULT_QUESTION}").')
    plan: list[str | dict[str, Any]] | dict[str, Any] | None = Field(
        default=None,
        description='Your plan: a list of goals from "Get hired by <company>" to the aspiration (the last item), '
        'an object {"aspiration": ..., "goals": [...]}, or a saved draft. Goals are strings or objects with '
        '"goal" and, optionally, "company_support".',
    )
    self_assessment: SelfAssessment | None = None
    resume: str | None = Field(default=None, description="Your resume's text, so that nothing is invented.")
    skills: list[str] | str = Field(
        default_factory=list, description="Skills, as a list or one comma-separated string."
    )
    role: str | None = None
    job_description: str | None = None
    judge: bool = Field(
        default=False,
        description="Also ask the server's model to score the answer against the reader's rubric "
        "(a second opinion beside the rules; waits its turn for the model like a draft).",
    )


class CheckResponse(BaseModel):
    checks: list[CheckResult]
    passed: bool = Field(description="True when no rule fails (skips do not count).")
    judge: JudgeVerdict | None = Field(default=None, description="The judge's scores, when asked for.")


class ResumeText(BaseModel):
    """An uploaded resume as text, read as the command line reads the file."""

    text: str
    format: str = Field(description="text, markdown, pdf, docx or json-resume")
    name: str | None = Field(default=None, description="The candidate's name, from a JSON Resume.")
    skills: list[str] = Field(default_factory=list, description="A JSON Resume's skill keywords: the candidate's own.")
    proposed_skills: list[str] = Field(
        default_factory=list, description="Skills the resume lists (its Skills section), offered, not imposed."
    )


class JobDescriptionText(BaseModel):
    """An uploaded job description as text; a JSON Resume job file also names the company and role."""

    text: str
    format: str
    company: str | None = None
    role: str | None = None


class QueueState(BaseModel):
    running: int
    waiting: int
    workers: int = Field(description="Drafts run at once (1 on the embedded model).")
    limit: int = Field(description="Drafts that may wait; past them a draft gets 503 with Retry-After.")


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
    backend: str = Field(description="local (the embedded model or a GGUF file), openai, or fake in tests.")
    model: str
    verified: bool | None = Field(
        description="The embedded model file matches its SHA-256; null when aspire cannot tell "
        "(a server's model, your own GGUF file)."
    )
    detail: str
    method: str = Field(description="How drafts are written: steps or whole.")
    queue: QueueState


class OccupationFound(BaseModel):
    code: str = Field(description="O*NET-SOC code, e.g. 23-2011.00")
    title: str = Field(description="O*NET's title of the occupation")
    confidence: float | None = Field(default=None, description="The best match's: 1 is the same words")
    confident: bool | None = Field(default=None, description="Whether a draft would build on it")
    score: float | None = Field(default=None, description="An alternative's match score")
    matched_on: list[str] = Field(default_factory=list, description="The O*NET titles it matched")
    job_zone: int | None = None
    major_group: str | None = None


class StepUpOccupation(BaseModel):
    title: str = Field(description="The step up as a person would name it")
    code: str
    occupation: str = Field(description="O*NET's title of the step-up occupation")
    why: str


class OccupationLookup(BaseModel):
    """What ``aspire occupation TITLE --json`` prints: the match, close alternatives, step ups."""

    match: OccupationFound | None
    alternatives: list[OccupationFound]
    step_ups: list[StepUpOccupation]
