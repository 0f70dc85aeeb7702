"""The field rule family: does the plan stay in the candidate's own line of work?

A borrowed ladder shows in the jobs it names. Twenty-one hand-written ladders put "charge
nurse" in a pharmacy technician's plan, "the company's developers" in a civil engineer's,
"a regional operations manager for a group of stores" in a personal banker's, and every
rule passed them. Each job a plan names (the aspiration's, a promotion's, whoever mentors or
trains) is matched to O*NET; it must be the candidate's occupation, one it leads to or is
listed beside (O*NET's related occupations), one of its group's supervisors or managers,
or a job the candidate's own inputs name. Words alone do not say it: O*NET's task
statements use "software", "inventory" and "nurse" in dozens of occupations, and a rule on
words failed good drafts by the score (measured on evals/judged; see the README).
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import text
from .knowledge.matching import match_title, title_matches
from .knowledge.store import Occupation
from .models import CheckResult
from .rulebase import Subject, _fail, _pass, _skip

RULE = "plan-in-field"

# A named job is matched only when O*NET knows it well: its words are one of its titles.
_SURE = 0.85
# Heads that name anyone ("staff", "team"), or a rank without the work ("manager", "lead"):
# alone they say nothing of the field, so they are matched only with a word of work before them.
_ANYONE = frozenset(
    """staff team member members people person colleague colleagues peer peers worker workers employee employees
    professional professionals expert experts leader leaders lead leads manager managers supervisor supervisors
    director directors head heads mentor mentors coach coaches chief officer officers partner partners
    specialist specialists assistant assistants associate associates consultant consultants advisor advisors
    adviser advisers representative representatives coordinator coordinators analyst analysts owner owners""".split()
)
# Words that end a job's name in a plan: "…from a charge nurse at", "…to head chef who".
_AFTER = r"(?=\s+(?:at|in|on|who|that|which|with|for|and|or|to|of|as)\b|[,.;:)]|$)"
# Where a plan names a job: a rung ("promoted to", "become"), or who helps ("mentoring from a",
# "training under the", "the company's developers"). "the drivers" of a forecast is no job.
_BEFORE = (
    r"\b(?:become|becoming|promoted to|promotion to|move up to|step up to|path to|"
    r"(?:as|from|under|with|shadowing|shadow) (?:an?|the)|"
    r"(?:company|team|centre|center|unit|store|hospital|kitchen|firm|practice|clinic)'s)\s+"
)
_NAMED = re.compile(_BEFORE + r"((?:[A-Za-z][\w'-]*\s+){0,3}?[A-Za-z][\w'-]*?)" + _AFTER, re.IGNORECASE)


def named_jobs(phrase: str) -> list[str]:
    """The jobs a plan's phrase names: "Get promoted to charge nurse" → ["charge nurse"]."""
    found = []
    for match in _NAMED.finditer(phrase):
        words = match.group(1).split()
        # Leading articles and possessives inside the run ("the head chef") are not the job's.
        while words and (
            words[0].lower() in {"a", "an", "the", "senior", "experienced", "new", "more"}
            or words[0].lower().endswith(("'s", "\u2019s"))
        ):
            words = words[1:]
        if words:
            found.append(" ".join(words))
    return found


@lru_cache(maxsize=4096)
def _occupations_of(job: str, context: str) -> tuple[Occupation, ...]:
    """The occupations a named job may be: its best O*NET matches, as close as the best
    ("Shift Supervisor" is a cafe's or a security team's), best first; none when O*NET
    does not know the job well or the words name anyone."""
    words = text.words(job)
    if not words or (words[-1].rstrip("s") in _ANYONE and len(words) < 2):
        return ()
    if all(w in _ANYONE or w in text.GENERIC_CAREER_WORDS for w in words):
        return ()
    found = title_matches(job, limit=6)
    if not found or found[0].score < _SURE:
        return ()
    # One word that names jobs in several lines of work ("architects": of buildings, or of
    # software) says nothing of which.
    if len(words) == 1 and len({m.occupation.major_group for m in found if m.score >= found[0].score - 0.3}) > 1:
        return ()
    best = match_title(job, "a job the plan names", context)
    close = [m.occupation for m in found if m.score >= found[0].score - 0.05]
    first = [best.occupation] if best else []
    return tuple(dict.fromkeys([*first, *close]))


def _family(s: Subject) -> tuple[Occupation, frozenset[int]] | None:
    """The candidate's occupation, and the occupations whose jobs belong in its plans: the
    occupation and its O*NET detail codes, what they lead to and are listed beside, and the
    same for each job the resume shows."""
    from . import resume_facts
    from .knowledge.matching import CONFIDENT, related_ids
    from .knowledge.paths import listing, primary_related
    from .knowledge.store import occupations
    from .ladders import career_path_of

    if not s.resume:
        return None
    path = career_path_of(s.role, s.resume, s.skills, s.job_description, s.occupation)
    target = path.occupation
    if target is None:
        return None
    # Each job the resume shows, as any occupation its title may be: an assistant buyer's
    # path to brand management runs through retail buyers, whom O*NET lists beside marketing.
    roots = {target}
    for title in resume_facts.titles(s.resume)[:3]:
        found = title_matches(title, limit=6)
        if found and found[0].score >= CONFIDENT:
            roots |= {m.occupation for m in found if m.score >= found[0].score - 0.05}
    if path.current is not None:
        roots.add(path.current)
    # "29-1141.03" (critical care nurses) is one of "29-1141" (registered nurses).
    codes = {r.code[:7] for r in roots}
    roots |= {o for o in occupations() if o.code[:7] in codes}
    near: set[int] = set()
    for step in path.step_ups:
        # What a step up is listed beside closely: a warehouse worker's supervisors lead to
        # distribution managers. Not its supplemental ones: pharmacists' reach to nursing.
        near |= {step.occupation.id, *primary_related(step.occupation.id)}
    for root in roots:
        # Either way round: medical and health services managers list registered nurses.
        near |= {root.id, *related_ids(root.id), *listing(root.id)}
    return target, frozenset(near)


# Managers of any line of work, by O*NET's own definition: an operations manager runs a
# warehouse, a clinic or a store.
_ANY_FIELD = frozenset({"11-1011.00", "11-1021.00", "11-9199.00"})


def _in_family(found: Occupation, target: Occupation, near: frozenset[int]) -> bool:
    if found.id in near or found.broad_group == target.broad_group or found.code in _ANY_FIELD:
        return True
    # Its group's supervisors, and managers of its work, are its ladder.
    return found.major_group == target.major_group and (found.is_supervisor or found.is_manager)


def plan_in_field(s: Subject) -> CheckResult:
    if s.plan is None:
        return _skip(RULE, "No plan to check.")
    family = _family(s)
    if family is None:
        return _skip(RULE, "No O*NET occupation matched the candidate confidently, so no field to hold the plan to.")
    target, near = family
    said_by_candidate = s.inputs.lower()
    phrases = [s.plan.aspiration, *(g.goal for g in s.plan.goals[1:]), *(g.company_support for g in s.plan.goals[1:])]
    problems = []
    for phrase in phrases:
        for job in named_jobs(phrase):
            if job.lower() in said_by_candidate:
                continue  # a job the candidate's own inputs name is theirs to aim at
            found = _occupations_of(job, s.inputs)
            if found and not any(_in_family(o, target, near) for o in found):
                problems.append(
                    f'"{job}" ({found[0].title}) is another line of work than {target.title} ("{_clip(phrase)}").'
                )
                break
    if problems:
        return _fail(
            RULE,
            " ".join(dict.fromkeys(problems)),
            f"Keep every rung in the candidate's field ({target.title}): name its own jobs, the ones it leads to, "
            "and who at the company helps with them.",
        )
    return _pass(RULE, f"Every job the plan names is in the candidate's field ({target.title}) or in their inputs.")


def _clip(value: str, most: int = 70) -> str:
    value = " ".join(value.split())
    return value if len(value) <= most else value[: most - 1] + "…"
