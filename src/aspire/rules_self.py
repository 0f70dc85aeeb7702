"""R5, the self-assessment, read as a careful reader does: strengths and growth areas are
skills or qualities, and a growth area is something the resume does not show yet.

Split from ``rules_meaning`` (one rubric line a module, as the rules grow); measured
against the judged set with ``aspire eval --judged evals/judged`` like the rest.
"""

from __future__ import annotations

import re

from . import english, resume_facts, text
from .models import CheckResult
from .rulebase import Subject, _clip, _fail, _pass, _skip
from .rules_meaning import _CREDENTIAL_NOUNS, _employers, _first_named, _held_titles

_HEADINGS = frozenset(
    "education experience skills summary profile objective certifications licences licenses references "
    "employment work history projects awards".split()
)


def self_assessment_is_real(s: Subject) -> CheckResult:
    """R5: strengths and growth areas are skills or qualities; growth areas are not already on the resume."""
    rule = "self-assessment-is-real"
    if not s.strengths and not s.growth_areas:
        return _skip(rule, "No self-assessment given.")
    employers = _employers(s)
    titles = _held_titles(s)
    problems = []
    for kind, item in [("strength", i) for i in s.strengths] + [("growth area", i) for i in s.growth_areas]:
        said = text.normalise(item)
        if resume_facts._YEAR.search(item):
            problems.append(f'The {kind} "{_clip(item, 60)}" is a date, not a skill.')
        elif named := _first_named(item, employers):
            problems.append(f'The {kind} "{_clip(item, 60)}" names {named}, an employer.')
        elif said in _HEADINGS:
            problems.append(f'The {kind} "{item}" is a resume heading.')
        elif _is_a_job(item, titles):
            problems.append(f'The {kind} "{_clip(item, 60)}" is a job title, not a skill or quality.')
        elif _is_a_plan_item(item):
            problems.append(f'The {kind} "{_clip(item, 60)}" is a step of a plan, not a skill or quality.')
        elif glued := text.garbled(item, s.inputs):
            problems.append(f'The {kind} "{_clip(item, 60)}" has garbled words: {", ".join(glued[:2])}.')
    if twice := text.said_twice([*s.strengths, *s.growth_areas]):
        problems.append(f'"{_clip(twice, 60)}" is listed twice.')
    for item in s.growth_areas:
        if line := _already_shown(item, s):
            problems.append(f'The growth area "{_clip(item, 60)}" is already on the resume ("{_clip(line, 60)}").')
    if problems:
        return _fail(
            rule,
            " ".join(problems[:3]),
            'List skills and qualities ("coaching new staff", "budgeting"), not employers, titles, places or '
            "dates; a growth area is something the resume does not show yet.",
        )
    return _pass(rule, "Strengths and growth areas are skills or qualities; the growth areas are new.")


_PLAN_ITEM = re.compile(r"^\s*(?:\w+\s+(?:a|an|the)\s|(?:the\s+)?(?:company|centre|center|store|team|firm)'s\s)", re.I)


def _is_a_plan_item(item: str) -> bool:
    """ "Lead a project to improve onboarding", "Company's manager development course": a goal
    or a program of the plan pasted where a skill belongs."""
    match = _PLAN_ITEM.match(item)
    if match is None:
        return False
    first = item.split()[0]
    return "'" in match.group(0) or english.is_base_verb(first)


def _is_a_job(item: str, titles: list[str]) -> bool:
    words = text.words(item)
    if text.stems(item) & _CREDENTIAL_NOUNS:
        return False  # "A master electrician licence" is a credential to earn
    if words[:1] in (["a"], ["an"]) and resume_facts.level(item):
        return True  # "A sales manager with a strong background in..."
    return any(text.stems(item) and text.stems(item) == text.stems(t) for t in titles)


# The share of a growth area's own words that, found across the resume, make it nothing new.
SHOWN_SHARE = 0.75


# How well a skill is held, not which skill: "Excel proficiency" is Excel.
# Nor is the system it is done in: "inventory management system" is inventory management.
_HOW_WELL = text.stems(
    "proficiency proficient skills skill knowledge advanced basic familiarity expertise techniques system systems"
)


def _already_shown(item: str, s: Subject) -> str:
    """The resume line (or skills, or title) that shows a growth area is already there."""
    wanted = text.specific_stems(item) - _HOW_WELL
    if not wanted:
        return ""
    if len(wanted) == 1:
        if len([w for w in text.words(item) if text.stem(w) not in _HOW_WELL]) > 2:
            return ""  # "Developing other store managers" names more than its one specific word
        # "Plumbing" for a journeyman plumber: the field itself is no growth area; nor is
        # "Excel proficiency" for a resume whose skills section says "Advanced MS Excel".
        # "Advanced plumbing techniques" for a journeyman plumber, "Advanced CRM knowledge" for
        # one who logged calls in a CRM: a step on in the field, shown only by "advanced" there.
        further = {"advanc"} & text.stems(item)
        # "Mentoring engineers" for a senior engineer names whom, not a thing the title shows.
        whom = text.words(item)[0].endswith("ing") and len(text.words(item)) > 1
        where = (
            resume_facts.achievement_lines(s.resume)
            if whom
            else [*resume_facts.titles(s.resume), *resume_facts.lines(s.resume)]
        )
        for line in [", ".join(s.skills), *where]:
            if wanted | further <= text.stems(line):
                return line
        return ""
    # What the candidate did and knows, and the short lines of a skills section ("Advanced MS
    # Excel"), not a job's heading line ("Teacher, Lincoln Middle School").
    for line in [*resume_facts.achievement_lines(s.resume), ", ".join(s.skills)]:
        if wanted <= text.stems(line):
            return line
    # There, every word counts: "master electrician licence" is not the "Journeyman Electrician licence".
    every_word = text.stems(item) - _HOW_WELL
    for line in resume_facts.lines(s.resume):
        if not resume_facts._YEAR.search(line) and every_word <= text.stems(line):
            return line
    # Spread over the resume: "budgeting, financial forecasting, variance analysis" for an analyst
    # whose every bullet is one of them. A real gap brings words of its own; two shared words
    # ("teaching", "school") are too few to tell.
    record = "\n".join([*resume_facts.achievement_lines(s.resume), *s.skills, *resume_facts.titles(s.resume)])
    shown = wanted & text.stems(record)
    if len(shown) >= 3 and len(shown) >= SHOWN_SHARE * len(wanted):
        return ", ".join(sorted(shown))
    return ""
