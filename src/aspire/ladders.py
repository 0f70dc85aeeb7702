"""Career ladders, shown to the model as worked examples, from the candidate's own occupation.

Examples from the candidate's own field show the ladder (learn, master, project,
credential, promotion) without carrying another trade's words into the draft:
three fixed professions leaked "field hours" into an accountant's plan. A table of
21 hand-written fields could not be everyone's own: a banker was told to turn a
store around and a mechanic to cut repeat calls. So the ladder is built from the
occupation O*NET says the candidate is after (:mod:`aspire.knowledge`): its step-up
occupations, what they need that it does not, and its work activities. A hand-written
ladder is kept only as an override for the occupation codes it was written for
(``templates/steps/fields.json``, each with its reason), and when no occupation
matches confidently the model is shown no field's example at all.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache, lru_cache

from . import english, prompts, resume_facts, rules_meaning, step_patterns, text
from .knowledge import paths
from .knowledge.matching import OccupationMatch, held_occupations, match_candidate, match_title
from .knowledge.store import Occupation, get
from .models import CandidateProfile, Goal, MatchedOccupation


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
    # The O*NET-SOC codes a hand-written ladder is the override for, and why it is kept.
    codes: tuple[str, ...] = ()
    reason: str = ""
    # Step-up jobs from O*NET, offered to the model as options ("electrical supervisor").
    options: tuple[str, ...] = dataclass_field(default=(), compare=False)
    from_data: bool = False


@cache
def career_fields() -> tuple[CareerField, ...]:
    """The hand-written ladders (``fields.json``)."""
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
            codes=tuple(item.get("codes", ())),
            reason=item.get("reason", ""),
        )
        for item in data["fields"]
    )


def overrides_on() -> bool:
    """``ASPIRE_LADDER_OVERRIDES=0`` drafts every occupation from O*NET alone: how the
    hand-written ladders are measured against the data."""
    return os.environ.get("ASPIRE_LADDER_OVERRIDES", "").strip() != "0"


def override_for(code: str, profile: CandidateProfile) -> CareerField | None:
    """The hand-written ladder kept for this occupation code and this candidate's trade: one
    code can hold several (a bar supervisor and a cafe shift supervisor are both 35-1012.00),
    so the role sought or the job held must share one of the ladder's words."""
    if not overrides_on():
        return None
    said = text.stems(" ".join([profile.role or "", *resume_facts.titles(profile.resume)[:2]]))
    return next((f for f in career_fields() if code in f.codes and f.words & said), None)


@dataclass(frozen=True)
class CareerPath:
    """What O*NET says of the candidate's occupation: the match, and where it leads."""

    match: OccupationMatch | None
    chosen: bool  # the candidate (or caller) gave the occupation code
    current: Occupation | None  # the occupation of the job held now, where one matches
    step_ups: tuple[paths.StepUp, ...] = ()

    @property
    def used(self) -> bool:
        return self.match is not None and (self.chosen or self.match.confident)

    @property
    def occupation(self) -> Occupation | None:
        return self.match.occupation if self.used and self.match else None

    def record(self) -> MatchedOccupation | None:
        if self.match is None:
            return None
        return MatchedOccupation(
            code=self.match.code,
            title=self.match.occupation.title,
            confidence=round(self.match.confidence, 2),
            matched_on=list(self.match.matched_on),
            source=self.match.source,
            used=self.used,
        )


def career_path(profile: CandidateProfile) -> CareerPath:
    return career_path_of(
        profile.role, profile.resume, tuple(profile.skills), profile.job_description, profile.occupation
    )


@lru_cache(maxsize=256)
def career_path_of(
    role: str | None, resume: str, skills: tuple[str, ...], job_description: str | None, code: str | None
) -> CareerPath:
    held = resume_facts.titles(resume)
    context = "\n".join([resume, ", ".join(skills), job_description or ""])
    current = next(iter(held_occupations(held[:1], context)), None)
    match: OccupationMatch | None
    if code:
        chosen = get(code)
        match = OccupationMatch(chosen, 1.0, (chosen.title,), "chosen", code)
    else:
        match = match_candidate(role=role, job_title=job_title_of(job_description), held=held, context=context)
    if match is None:
        return CareerPath(None, bool(code), current)
    return CareerPath(match, bool(code), current, tuple(paths.step_ups(match.occupation)))


# "Job title: Court Clerk", "Position - Forklift Operator", "Role: Care Assistant (nights)".
_TITLE_LINE = re.compile(r"^\s*(?:job\s+title|position|role|title|vacancy|job)\s*[:\-\u2013]\s*(?P<title>.+)$", re.I)
_TITLE_WORDS = 8


def job_title_of(job_description: str | None) -> str | None:
    """The job a job description is for: a "Job title:" line, the job it says it is looking
    for, or its first line where that is a short job title O*NET knows."""
    if not job_description:
        return None
    lines = [line.strip(" #*\t") for line in job_description.splitlines() if line.strip(" #*\t")]
    for line in lines[:8]:
        if said := _TITLE_LINE.match(line):
            return said.group("title").strip()
    if advertised := rules_meaning.advertised_title(job_description):
        return advertised
    first = lines[0] if lines else ""
    if first and len(first.split()) <= _TITLE_WORDS and not first.endswith((".", ":")):
        found = match_title(first, "the job description")
        if found is not None and found.confident:
            return first
    return None


def ladder_for(profile: CandidateProfile, aspiration: str = "") -> CareerField | None:
    """The worked ladder for this candidate: the hand-written one kept for their occupation,
    else one built from O*NET toward ``aspiration`` (or the likeliest step up); none where no
    occupation matches confidently (a far field's example is worse than none)."""
    path = career_path(profile)
    target = path.occupation
    if target is None:
        return None
    kept = override_for(target.code, profile)
    if kept is not None:
        return kept
    return data_ladder(path, aspiration, role=profile.role)


_SHORT_ACTIVITY_WORDS = 7


def _short(activity: str) -> str:
    """ "Test electrical equipment or systems to ensure proper functioning" → "Test electrical
    equipment": O*NET's lists of alternatives and purposes read as debris in a plan."""
    cut = re.split(r"\s+(?:or|to|for|in order to|according to)\s+|,", activity, maxsplit=1)[0].strip()
    # "Evaluate information related" to what: a cut that leaves the phrase hanging is no phrase.
    return "" if re.search(r"\b(?:related|relating|pertaining|according|due|such)$", cut) else cut


def _activity_phrases(activities: Sequence[str]) -> list[str]:
    phrases = []
    for activity in activities:
        short = _short(activity)
        if 2 <= len(short.split()) <= _SHORT_ACTIVITY_WORDS:
            phrases.append(short)
    return list(dict.fromkeys(phrases))


def _aspiration_phrase(step: paths.StepUp) -> str:
    # The job alone: O*NET's work activities made odd purposes ("who conducts opinion surveys"
    # for a social worker), and the model adds its own.
    return f"Become {english.indefinite_article(step.title)} {step.title}"


_RANKS = re.compile(r"^(?:senior|junior|lead|trainee|graduate|assistant|apprentice|head)\s+", re.IGNORECASE)


def _aimed_at(path: CareerPath, aspiration: str) -> paths.StepUp | None:
    """The step up an aspiration names: the chosen aspiration's job, matched to O*NET."""
    aims = [s for s in path.step_ups if s.rungs >= 2] or list(path.step_ups)
    title = rules_meaning.aspired_title(aspiration) if aspiration else ""
    if title:
        found = match_title(title, "the aspiration")
        if found is not None and found.confident:
            for step in path.step_ups:
                if step.occupation.id == found.occupation.id:
                    return step
            return paths.StepUp(found.occupation, step_patterns.spoken_title(title), "the aspiration", 3)
    return aims[0] if aims else None


def data_ladder(path: CareerPath, aspiration: str = "", role: str | None = None) -> CareerField | None:
    """A worked ladder for the candidate's own occupation from O*NET: learn its work, master
    what the step up needs, lead the step up's work, get promoted; with the supports and
    growth areas that go with them."""
    target = path.occupation
    if target is None:
        return None
    # The example is of the candidate's own job, in their words where they named it.
    role = step_patterns.spoken_title(role) if role else paths.speakable_title(target)
    plain = _RANKS.sub("", role)  # "senior stylist" → "stylist": never "a senior senior stylist"
    aim = _aimed_at(path, aspiration)
    aims = [s for s in path.step_ups if s.rungs >= 2] or list(path.step_ups)
    # The examples: a destination two rungs up or more (the article's long-term aim) first,
    # then the nearest step toward one; the job's own senior rungs where O*NET knows no other.
    shown = [*[s for s in aims if s.rungs >= 3][:1], *[s for s in aims if s.rungs == 2][:1]] or aims[:2]
    aspirations = list(dict.fromkeys(_aspiration_phrase(s) for s in (shown if len(shown) > 1 else aims[:2])))
    for fallback in (f"Become a senior {plain}", f"Become a lead {plain}"):
        if len(aspirations) < 2 and fallback not in aspirations:
            aspirations.append(fallback)
    ahead = aim.occupation if aim else target
    needs = paths.growth_needs(ahead, target) or paths.growth_needs(target, None)
    own_work = _activity_phrases(paths.activities(target.id))
    # The promotion is the rung below the aim: a supervisor's job or a senior title, else the aim.
    below = [s for s in path.step_ups if aim is not None and s.rungs < aim.rungs]
    promoted_to = below[0].title if below else (aim.title if aim else f"senior {plain}")
    skill = needs[0] if needs else "people management"
    # Work that proves it is the candidate's own occupation's work, done as a lead: O*NET's
    # activities of the step up read as another job ("Lead a project to read documents").
    project = (
        f"Lead a project on {paths.as_gerund(own_work[0]).lower()}"
        if own_work
        else f"Lead a project for the {plain} team"
    )
    goals = (
        "Learn the company's systems, standards and procedures",
        f"Master {skill}",
        project,
        f"Get promoted to {promoted_to}",
    )
    support = (
        f"onboarding with an experienced {plain}",
        f"coaching in {skill}",
        f"a project with a senior {plain}",
        f"mentoring from {english.indefinite_article(promoted_to)} {promoted_to}",
    )
    growth = tuple(dict.fromkeys(needs[:3]))
    vocabulary = " ".join(
        [target.title, role, *(s.title for s in path.step_ups), *(s.occupation.title for s in path.step_ups)]
    )
    return CareerField(
        field=target.title,
        words=text.stems(vocabulary),
        role=role,
        aspirations=(aspirations[0], aspirations[1]),
        support=support,
        growth=growth or ("people management", "staff training"),
        goals=goals,
        codes=(target.code,),
        reason="built from O*NET",
        options=tuple(s.title for s in path.step_ups),
        from_data=True,
    )


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
