"""What every rule shares: the subject it judges, and how it says pass, fail or skip.

Rule families live in their own modules (``rules`` for the article's rules,
``rules_meaning`` for the checks that read a draft as a reader would); they
all build on this one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .models import DEFAULT_QUESTION, CandidateProfile, CheckResult, DraftContent, Plan, candidate_text


@dataclass(frozen=True)
class Subject:
    """What is judged (an answer, perhaps a plan) and what it is judged against."""

    answer: str
    company: str
    question: str = DEFAULT_QUESTION
    plan: Plan | None = None
    strengths: tuple[str, ...] = ()
    growth_areas: tuple[str, ...] = ()
    resume: str | None = None
    skills: tuple[str, ...] = ()
    role: str | None = None
    job_description: str | None = None
    name: str | None = None
    # The O*NET-SOC occupation the candidate chose, where they chose one (else it is matched).
    occupation: str | None = None
    # Worked examples whose texts count as prompt material for no-prompt-echo.
    echo_sources: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    @classmethod
    def from_draft(cls, content: DraftContent, profile: CandidateProfile) -> Subject:
        from .prompts import echo_sources

        return cls(
            answer=content.answer,
            company=profile.company,
            question=profile.question,
            plan=content.plan,
            strengths=tuple(content.self_assessment.strengths),
            growth_areas=tuple(content.self_assessment.growth_areas),
            resume=profile.resume,
            skills=tuple(profile.skills),
            role=profile.role,
            job_description=profile.job_description,
            name=profile.name,
            occupation=profile.occupation,
            echo_sources=echo_sources(profile),
        )

    @property
    def inputs(self) -> str:
        """Everything the candidate told us, as one text."""
        return candidate_text(
            self.company, self.role, self.question, self.name, self.skills, self.resume, self.job_description
        )

    @property
    def later_goals(self) -> list[str]:
        return [g.goal for g in self.plan.goals[1:]] if self.plan else []


Rule = Callable[[Subject], CheckResult]


def _pass(rule: str, evidence: str) -> CheckResult:
    return CheckResult(rule=rule, verdict="pass", evidence=evidence)


def _fail(rule: str, evidence: str, suggestion: str) -> CheckResult:
    return CheckResult(rule=rule, verdict="fail", evidence=evidence, suggestion=suggestion)


def _skip(rule: str, why: str) -> CheckResult:
    return CheckResult(rule=rule, verdict="skip", evidence=why)


def _no_plan(rule: str) -> CheckResult:
    return _skip(rule, "No plan given; this rule judges the Individual Development Plan.")


def _clip(value: str, limit: int = 90) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
