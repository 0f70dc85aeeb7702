"""Which self-assessment items a stepwise draft keeps.

The model offers more strengths and growth areas than a draft keeps, and only the
ones a reader would let stand are kept. Readers rejected 16 of 25 drafts' self-
assessments (2026-12-01): pasted resume lines as strengths ("Teaching algebra and
geometry to five classes"), items cut off mid-phrase ("Ability to work independently
and as part"), plan steps and credentials as growth areas ("Learn Greenway Foods' HR
policies", "CFA charter"), and growth areas the resume already shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from . import documents, resume_facts, rules, text
from .ladders import CareerField, career_fields
from .models import CandidateProfile, SelfAssessment
from .rulebase import Subject
from .step_patterns import upper_first

STRENGTHS_KEPT = 3
GROWTH_AREAS_KEPT = 2
# A candidate's own skills list, when they gave one, is the truest list of strengths.
OWN_SKILLS_ENOUGH = 2

_A_PROGRAM = re.compile(r"\b(?:course|program|programme|training|induction|pathway|track)\s*$", re.IGNORECASE)
# A growth area is a skill to build, not a step of the plan or a thing to earn.
_NOT_A_SKILL = re.compile(
    r"^\s*(?:learn|master|earn|complete|get|gain|obtain|pass|become|promotion|join)\b"
    r"|certif|licen[cs]e|charter|diploma|degree|\bcourse\b|\bprogram",
    re.IGNORECASE,
)
# Words in a row shared with a resume line that make a strength that line pasted, not a skill.
_PASTED_RUN = 4
# Where the model's phrase ran out of words: "Ability to work independently and as part".
_DANGLING = frozenset("and or as of to in with for the a an at on by part".split())


def kept_assessment(
    profile: CandidateProfile, offered: SelfAssessment, fields: Iterable[CareerField]
) -> SelfAssessment:
    """The candidate's own skills (or the offered strengths a reader would let stand), and the
    offered growth areas that pass, topped up from the field's ladder; failing items stand
    only where none passes (and so fail the step)."""
    subject = _subject(profile)
    own = [upper_first(s) for s in profile.skills if _usable(s, subject, growth=False)]
    if len(own) < OWN_SKILLS_ENOUGH:
        # The resume's own skills lines come before the offered items that fail: a failing
        # item shown anyway read as debris ("Responsible Service of Alcohol (RSA): Liquor &amp;").
        own = _passing(offered.strengths, subject, growth=False)
        own += [
            upper_first(s)
            for s in documents.propose_skills(profile.resume)
            if _usable(s, subject, growth=False, quoted=True)
        ]
    # The closest field only: the second one put "Leading a kitchen team" in a plumber's draft,
    # and a farther field's item the model copied from the prompt is dropped too.
    shown = list(fields)
    ladder = list(shown[0].growth) if shown else []
    borrowed = {g.lower() for f in career_fields() if not shown or f != shown[0] for g in f.growth}
    growth_areas: list[str] = []
    offered_own = [g for g in offered.growth_areas if g.lower() not in borrowed]
    passing = _passing([*offered_own, *ladder], subject, growth=True)
    # Those whose head the resume holds only where no other passes, and then one: a reader
    # rejected "Investment analysis" beside "Budget ownership" for an analyst who researched
    # investments, where "Budget ownership" alone would have stood.
    fresh = [i for i in passing if not _head_shown(i, profile)]
    for item in fresh or passing[:1]:
        # "System design" and "Master system design": one growth area, not two.
        if not any(text.stems(item) <= text.stems(k) or text.stems(k) <= text.stems(item) for k in growth_areas):
            growth_areas.append(upper_first(item))
    strengths = _distinct([*own, *offered.strengths])
    if not growth_areas:  # none passes: the offered ones stand, and fail the step, to be asked again
        growth_areas = list(dict.fromkeys(offered.growth_areas))
    return SelfAssessment(strengths=strengths[:STRENGTHS_KEPT], growth_areas=growth_areas[:GROWTH_AREAS_KEPT])


# Families that a crude stem keeps apart: "Led a team of five engineers" shows "Technical
# leadership"; a senior financial analyst's "analysis" shows "Analytical thinking".
_LEAD = "lead"
_LEAD_FAMILY = frozenset("lead leads led leading leader leaders leadership".split())
_ANALYSIS = "analy"
# How well or how a thing is done, not what: "Technical background" names no skill of its own,
# nor does "thinking" in "Analytical thinking".
_QUALIFIERS = text.stems(
    "proficiency skills skill knowledge advanced basic expertise system systems technical background "
    "thinking mindset ability abilities"
)


def _family(word: str) -> str:
    if word in _LEAD_FAMILY:
        return _LEAD
    return _ANALYSIS if word.startswith(_ANALYSIS) else text.stem(word)


def _head_shown(item: str, profile: CandidateProfile) -> bool:
    """Whether the resume holds a growth area's head, the thing it names ("law" of "Employment law"
    in "In-depth knowledge of labor laws"), or its leading, for one who led.

    Stricter than the rules, which readers' verdicts hold to: as a rule it failed 27 drafts
    readers accepted ("Marketing analytics" for a marketing graduate who lists Google
    Analytics). As an order it costs nothing: the field's ladder has other growth areas.
    A head that is the candidate's own job word ("Coaching store managers" for a store
    manager) or a generic one ("performance management") does not count."""
    said = text.content_words(item)
    core = [w for w in said if text.stem(w) not in _QUALIFIERS]
    jobs = text.stems(" ".join([*resume_facts.titles(profile.resume), profile.role or ""]))
    heads = set()
    # The last word counts when it leads, when it is neither generic nor the candidate's job
    # word, or when every word is generic ("People management" for one with "team management
    # skills": then the head is the whole of what it names).
    if core and (
        _family(core[-1]) == _LEAD
        or (core[-1] not in text.GENERIC_CAREER_WORDS and text.stem(core[-1]) not in jobs)
        or all(w in text.GENERIC_CAREER_WORDS for w in core)
    ):
        heads.add(_family(core[-1]))
    if said and _family(said[0]) == _LEAD:
        heads.add(_LEAD)
    record = [*resume_facts.achievement_lines(profile.resume), *profile.skills, *resume_facts.titles(profile.resume)]
    return bool(heads) and any(heads & {_family(w) for w in text.content_words(line)} for line in record)


def _distinct(items: Iterable[str]) -> list[str]:
    """ "Customer service" and "customer service", "Excellent communication skills" and
    "communication skills": one strength each."""
    kept: list[str] = []
    for item in items:
        if not text.said_twice([*kept, item]):
            kept.append(item)
    return kept


def _passing(items: Iterable[str], subject: Subject, *, growth: bool) -> list[str]:
    return [i for i in dict.fromkeys(items) if _usable(i, subject, growth=growth)]


def _usable(item: str, subject: Subject, *, growth: bool, quoted: bool = False) -> bool:
    """Whether a reader would let ``item`` stand; ``quoted``: a line of the resume's skills, which
    may of course share its words with the resume."""
    words = item.split()
    if not words or words[-1].lower().strip(",") in _DANGLING or item.count("(") != item.count(")"):
        return False
    if text.garbled(item, subject.inputs) or _A_PROGRAM.search(item):
        return False
    if growth and _NOT_A_SKILL.search(item):
        return False
    if not growth and _only_wanted(item, subject):
        return False
    # "Teaching algebra and geometry to five classes": a resume line, not a strength.
    if not growth and not quoted and len(text.longest_shared_run(item, subject.resume or "").split()) >= _PASTED_RUN:
        return False
    one = replace(subject, strengths=() if growth else (item,), growth_areas=(item,) if growth else ())
    return all(rules.RULES[name](one).passed for name in ("self-assessment-is-real", "grounded"))


def _only_wanted(strength: str, subject: Subject) -> bool:
    """Whether a strength names what the job description asks for and the resume never shows:
    "Deep knowledge of async programming with asyncio" for a backend engineer whose resume
    names no asyncio, which a reader struck as a claim."""
    if not subject.job_description:
        return False
    held = text.stems(" ".join([subject.resume or "", *subject.skills]))
    wanted = text.stems(subject.job_description)
    named = text.specific_stems(strength) - text.stems(" ".join(text.PRAISE))
    return any(s in wanted and s not in held for s in named)


def _subject(profile: CandidateProfile) -> Subject:
    return Subject(
        answer="",
        company=profile.company,
        strengths=(),
        growth_areas=(),
        resume=profile.resume,
        skills=tuple(profile.skills),
        role=profile.role,
        job_description=profile.job_description,
    )
