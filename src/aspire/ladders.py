"""Career ladders from common fields, shown to the model as worked examples.

Examples from the candidate's own field show the ladder (learn, master, project,
credential, promotion) without carrying another trade's words into the draft:
three fixed professions leaked "field hours" into an accountant's plan.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from . import english, prompts, resume_facts, rules_meaning, step_patterns, text
from .models import CandidateProfile, Goal

FIELDS_SHOWN = 2


@dataclass(frozen=True)
class CareerField:
    """One field's ladder, shown as an example to candidates close to it."""

    field: str
    words: frozenset[str]
    role: str
    aspirations: tuple[str, str]
    support: tuple[str, ...]
    # Skills the field's upper rungs need: growth areas when the model's own fall short.
    growth: tuple[str, ...]
    goals: tuple[str, ...]


@cache
def career_fields() -> tuple[CareerField, ...]:
    data = json.loads((prompts.template_dir() / "steps" / "fields.json").read_text(encoding="utf-8"))
    return tuple(
        CareerField(
            field=item["field"],
            words=text.stems(item["words"]),
            role=item["role"],
            aspirations=(item["aspirations"][0], item["aspirations"][1]),
            support=tuple(item["support"]),
            growth=tuple(item["growth"]),
            goals=tuple(item["goals"]),
        )
        for item in data["fields"]
    )


def close_fields(profile: CandidateProfile, count: int = FIELDS_SHOWN) -> list[CareerField]:
    """The fields nearest the candidate's: their role and titles count most, then skills and texts.

    Examples from one's own field show the ladder without carrying another trade's
    words into the draft ("field hours" in an accountant's plan).
    """
    # The role sought and the job held now, not every job before: a product manager of 20
    # years who began as a software engineer got the software ladder.
    held = resume_facts.titles(profile.resume)
    # The job's own words, not its rung: "manager" of "store manager" says nothing of the field.
    sought = text.specific_stems(profile.role or "")
    now = text.specific_stems(" ".join(held[:1]))
    around = text.stems(" ".join([*held[1:], *profile.skills, profile.resume, profile.job_description or ""]))

    # The role sought counts most: a teacher applying to be an instructional designer got the
    # school's ladder ("curriculum committees in the department") for an ed-tech company.
    def closeness(field: CareerField) -> tuple[int, int]:
        words = field.words
        score = 4 * len(words & sought) + 2 * len(words & now) + len(words & around)
        return (score, -career_fields().index(field))

    return sorted(career_fields(), key=closeness, reverse=True)[:count]


# "unit manual or training materials": a reader read two offers joined by "or" as a hedge.
_EITHER = re.compile(r"\s+or\s+", re.IGNORECASE)
# A person of a trade: "therapist", "pharmacist", "physician", "inspector".
_TRADE_PERSON = re.compile(r"^[a-z]{3,}(?:ist|ian|er|or)s?$")
_PROJECT = 2  # the ladder's third rung, and its support, is the work that proves a skill
_PROMOTION = 3  # the ladder's fourth rung, and its support, is the step up
_TAUGHT = re.compile(r"\b(?:training|course|class|certification|workshop)s?\b", re.IGNORECASE)


def tidy_goals(goals: list[Goal], aspiration: str, profile: CandidateProfile, field: CareerField | None) -> list[Goal]:
    """The model's goals as a reader would let them stand: one offer per support, no other
    trade's credential, no promotion helped by the job itself, and the aspiration closing the
    plan with help of its own.

    Readers rejected "Earn the advanced respiratory therapist certification" in a nurse's
    plan, "HR business partner role" as the help toward becoming an HR business partner,
    and an engineering manager reached by "ownership of a service in production", the
    support of the step before it, copied."""
    tidied = [g.model_copy(update={"company_support": _one_offer(g.company_support)}) for g in goals]
    if field is None:
        return tidied
    known = _known_stems(profile, field)
    credential = next((i for i, g in enumerate(field.goals) if g.lower().startswith("earn ")), None)
    for index, goal in enumerate(tidied):
        if goal.kind == "credential" and _borrowed(goal.goal, known) and credential is not None:
            tidied[index] = goal.model_copy(
                update={"goal": field.goals[credential], "company_support": _support(field, credential)}
            )
    used = [g.company_support for g in tidied]
    # Work that proves a skill is helped by the work itself, not a course: "Lead a project to
    # improve onboarding" on an "onboarding training program" read as vague to a reader.
    project_help = _support(field, _PROJECT)
    for index, goal in enumerate(tidied):
        if _a_project(goal) and _TAUGHT.search(goal.company_support) and not _said(project_help, used):
            tidied[index] = goal.model_copy(update={"company_support": project_help})
            used.append(project_help)
    step_up = _support(field, _PROMOTION)
    for index, goal in enumerate(tidied):
        if _helped_by_itself(goal) and not _said(step_up, used):
            tidied[index] = goal.model_copy(update={"company_support": step_up})
            used.append(step_up)
    if tidied and not _arrives(tidied[-1].goal, aspiration):
        # The field's promotion program read as borrowed under an aim of the model's own ("the
        # company's store manager training" toward "coffee roaster"): mentoring by one who
        # holds the job fits any aim that names one.
        help_up = _mentoring(aspiration, profile.company) or ("" if _said(step_up, used) else step_up)
        if help_up:
            closing = aspiration.strip().rstrip(".")
            tidied.append(Goal(goal=closing, kind="promotion", company_support=help_up, evidence=tidied[-1].evidence))
    return tidied


def _mentoring(aspiration: str, company: str) -> str:
    """ "mentoring from a nurse manager at Mercy Valley Medical Center": help of its own for the
    last step, which no other goal's support says."""
    # "executive assistant to a senior partner": mentoring from an executive assistant.
    title = re.split(r"\s+(?:to|for)\s+", rules_meaning.aspired_title(aspiration), maxsplit=1)[0]
    if len(title.split()) == 1 and title.lower() in text.GENERIC_CAREER_WORDS:
        # "head of learning", "director of product": one of a kind, so "the".
        of = re.search(rf"\b{re.escape(title)}\s+of\s+([a-z]+(?:\s+[a-z]+)?)\b(?=\s+who|\s+that|$)", aspiration, re.I)
        return f"mentoring from the {title.lower()} of {of.group(1)} at {company}" if of else ""
    if not title or len(title.split()) > 4:
        return ""
    said = step_patterns.spoken_title(title)
    return f"mentoring from {english.indefinite_article(said)} {said} at {company}"


def _arrives(goal: str, aspiration: str) -> bool:
    """Whether a goal is the aspiration's job: "Get promoted to charge nurse" shares "nurse" with
    "nurse manager who leads a critical care unit" but stops short of it (a reader said so)."""
    title = rules_meaning.aspired_title(aspiration)
    if title and text.stems(title):
        return text.stems(title) <= text.stems(goal)
    return text.reaches(goal, aspiration)


def _a_project(goal: Goal) -> bool:
    return goal.kind == "project" or bool(re.match(r"\s*(?:lead|run)\s+a\s+project\b", goal.goal, re.IGNORECASE))


def _one_offer(support: str) -> str:
    parts = _EITHER.split(support.strip())
    if len(parts) == 2 and all(len(p.split()) >= 2 for p in parts):
        return parts[0]
    return support


def _support(field: CareerField, rung: int) -> str:
    return field.support[min(rung, len(field.support) - 1)]


def _said(support: str, used: list[str]) -> bool:
    return any(text.same_step(support, u) for u in used if u.strip())


def _known_stems(profile: CandidateProfile, field: CareerField) -> frozenset[str]:
    said = " ".join([profile.all_text(), field.role, *field.aspirations, *field.goals, *field.support, *field.growth])
    return text.stems(said) | field.words


def _borrowed(goal: str, known: frozenset[str]) -> bool:
    """Whether a goal names a person of another trade: "respiratory therapist" for a nurse. Rung
    words shared by every ladder ("supervisor", "technician") do not count."""
    for word in text.words(goal):
        if (
            _TRADE_PERSON.match(word)
            and word.removesuffix("s") not in resume_facts.JOB_LEVELS
            and word not in text.GENERIC_CAREER_WORDS
            and text.stem(word) not in known
        ):
            return True
    return False


def _helped_by_itself(goal: Goal) -> bool:
    """ "Get promoted to HR business partner", helped by the "HR business partner role"."""
    if goal.kind != "promotion" and not goal.goal.lower().startswith("get promoted"):
        return False
    if re.match(r"\s*(?:mentoring|coaching|shadowing)\b", goal.company_support, re.IGNORECASE):
        return False  # one who holds the job, helping: no circle
    title = text.specific_stems(re.sub(r"^\s*(?:get\s+promoted\s+to|become)\s+", "", goal.goal, flags=re.I))
    return bool(title) and title <= text.stems(goal.company_support)
