"""``aspire check``: judge an answer (and optionally a plan) that a person wrote.

A hand-written plan may be the ``plan`` of a draft saved with ``--json``, a
plan object (``aspiration`` and ``goals``), or just a list of goals whose
last item is the aspiration, the way the article writes one. Goals may be
strings or objects with ``goal`` and, optionally, ``company_support``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast, get_args

from pydantic import ValidationError

from .errors import InputError
from .inputs import read_text_file
from .models import DEFAULT_QUESTION, AspirationOption, CheckResult, Goal, GoalKind, Plan, SelfAssessment
from .prompts import echo_sources_for
from .rulebase import Subject
from .rules import check

_KIND_HINTS: tuple[tuple[GoalKind, tuple[str, ...]], ...] = (
    ("hire", ("hired", "join")),
    ("promotion", ("promot", "become")),
    ("credential", ("certif", "licen", "degree", "credential")),
    ("client", ("client", "customer", "account")),
    ("learn", ("learn", "study", "master")),
    ("project", ("lead", "launch", "project", "build")),
)


def _kind(goal: str, given: Any = None) -> GoalKind:
    if given in get_args(GoalKind):
        return cast(GoalKind, given)
    lowered = goal.lower()
    for kind, hints in _KIND_HINTS:
        if any(h in lowered for h in hints):
            return kind
    return "skill"


def _goal(item: Any, where: str) -> Goal:
    if isinstance(item, str) and item.strip():
        return Goal(goal=item.strip(), kind=_kind(item), company_support="", evidence="")
    if isinstance(item, dict) and isinstance(item.get("goal"), str) and item["goal"].strip():
        return Goal(
            goal=item["goal"].strip(),
            kind=_kind(item["goal"], item.get("kind")),
            company_support=str(item.get("company_support") or ""),
            evidence=str(item.get("evidence") or ""),
        )
    raise InputError(f"{where}: each goal must be a non-empty string or an object with 'goal'", field="plan")


def parse_plan(data: Any) -> Plan:
    """A :class:`Plan` from any of the shapes described in the module docstring."""
    if isinstance(data, dict) and "plan" in data and isinstance(data["plan"], dict):
        data = data["plan"]
    if isinstance(data, list):
        if len(data) < 2:
            raise InputError("a plan written as a list needs at least two goals; the last is the aspiration")
        goals = [_goal(item, f"goal {n}") for n, item in enumerate(data, start=1)]
        aspiration = goals[-1].goal
    elif isinstance(data, dict):
        raw_goals = data.get("goals")
        if not isinstance(raw_goals, list) or not raw_goals:
            raise InputError("the plan has no 'goals' list", field="plan")
        goals = [_goal(item, f"goal {n}") for n, item in enumerate(raw_goals, start=1)]
        given = data.get("aspiration")
        aspiration = given.strip() if isinstance(given, str) and given.strip() else goals[-1].goal
    else:
        raise InputError("the plan must be a JSON list of goals or an object with 'goals'", field="plan")
    return Plan(
        aspirations=[AspirationOption(aspiration=aspiration, reason="given")], aspiration=aspiration, goals=goals
    )


def _read_json(path: str | Path) -> Any:
    text = read_text_file(path, what="plan")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"the plan file is not valid JSON ({exc.msg}, line {exc.lineno})", field="plan") from None


def read_plan(path: str | Path) -> Plan:
    return parse_plan(_read_json(path))


def read_self_assessment(path: str | Path) -> SelfAssessment | None:
    """The self-assessment of a draft saved with ``--json``, if the plan file is one."""
    data = _read_json(path)
    if isinstance(data, dict) and isinstance(data.get("self_assessment"), dict):
        try:
            return SelfAssessment.model_validate(data["self_assessment"])
        except ValidationError as exc:
            raise InputError(f"the saved draft's self_assessment is not valid: {exc.errors()[0]['msg']}") from None
    return None


def check_answer(
    answer: str,
    *,
    company: str,
    question: str | None = None,
    plan: Plan | None = None,
    resume: str | None = None,
    skills: list[str] | None = None,
    role: str | None = None,
    job_description: str | None = None,
    self_assessment: SelfAssessment | None = None,
) -> list[CheckResult]:
    """Every rule's verdict on an answer a person wrote; rules that need a plan
    or a resume that was not given say ``skip``."""
    return check(
        answer_subject(
            answer,
            company=company,
            question=question,
            plan=plan,
            resume=resume,
            skills=skills,
            role=role,
            job_description=job_description,
            self_assessment=self_assessment,
        )
    )


def answer_subject(
    answer: str,
    *,
    company: str,
    question: str | None = None,
    plan: Plan | None = None,
    resume: str | None = None,
    skills: list[str] | None = None,
    role: str | None = None,
    job_description: str | None = None,
    self_assessment: SelfAssessment | None = None,
) -> Subject:
    """An answer a person wrote, and what was given with it, as the rules (and the judge) read it."""
    if not answer.strip():
        raise InputError("the answer is empty", field="answer")
    if not company.strip():
        raise InputError("the company name is empty", field="company")
    return Subject(
        answer=answer.strip(),
        company=company.strip(),
        question=question or DEFAULT_QUESTION,
        plan=plan,
        strengths=tuple(self_assessment.strengths) if self_assessment else (),
        growth_areas=tuple(self_assessment.growth_areas) if self_assessment else (),
        resume=resume,
        skills=tuple(skills or ()),
        role=role,
        job_description=job_description,
        echo_sources=echo_sources_for(resume),
    )
