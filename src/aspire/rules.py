"""The article's rules as named, pure checks.

Each rule is a small function ``(content, profile) -> CheckResult``. Its id is
part of the public output, so ids never change. A failing result's ``detail``
is written as an instruction the model can follow in a repair turn.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .models import CandidateProfile, CheckResult, DraftContent

Rule = Callable[[DraftContent, CandidateProfile], CheckResult]

# "about 60-200 words": a little slack either side so that a 58-word answer
# is not rejected for being two words short.
ANSWER_MIN_WORDS = 55
ANSWER_MAX_WORDS = 220
MIN_GOALS = 3
MAX_GOALS = 10

_WORD = re.compile(r"[\w'\u2019-]+", re.UNICODE)  # \u2019: the typographic apostrophe


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _normalise(text: str) -> str:
    return " ".join(words(text))


def mentions(text: str, name: str) -> bool:
    """Whether ``text`` names ``name``, ignoring case, punctuation and a trailing
    legal suffix ("Acme" counts for "Acme Inc.")."""
    haystack = f" {_normalise(text)} "
    full = _normalise(name)
    if full and f" {full} " in haystack:
        return True
    core = re.sub(r"\b(inc|llc|ltd|plc|co|corp|corporation|company|gmbh|group)\b", " ", full)
    core = " ".join(core.split())
    return bool(core) and f" {core} " in haystack


def _result(rule: str, failures: list[str], ok_detail: str) -> CheckResult:
    if failures:
        return CheckResult(rule=rule, passed=False, detail=" ".join(failures))
    return CheckResult(rule=rule, passed=True, detail=ok_detail)


def hire_first(content: DraftContent, profile: CandidateProfile) -> CheckResult:
    goals = content.plan.goals
    first = goals[0].goal if goals else ""
    failures = []
    if not re.search(r"\b(hired|hire|join|joining)\b", first, re.IGNORECASE):
        failures.append(
            f'The first goal must be getting hired, written as "Get hired by {profile.company}"; it is "{first}".'
        )
    elif not mentions(first, profile.company):
        failures.append(f'The first goal must name the company: "Get hired by {profile.company}".')
    return _result("hire-first", failures, f'First goal: "{first}".')


_SALARY = re.compile(
    r"\b(salary|salaries|paycheck|pay rise|pay raise|bonus(es)?|money|income|"
    r"compensation|six[- ]figure|wealth|earn more|higher pay|well[- ]paid)\b|[$€£]\s?\d",
    re.IGNORECASE,
)
_LOCATION = re.compile(
    r"\b(relocat\w*|move to|moving to|live in|living in|work remotely|remote work|"
    r"work from home|transfer to (the )?\w+ office|abroad|overseas)\b",
    re.IGNORECASE,
)
_COMPANY_AS_GOAL = re.compile(
    r"\b(get hired|be hired|getting hired|land (a|the) job|join|work (at|for)|stay (at|with))\b",
    re.IGNORECASE,
)


def aspiration_not_salary_location_company(content: DraftContent, profile: CandidateProfile) -> CheckResult:
    aspiration = content.plan.aspiration
    failures = []
    if match := _SALARY.search(aspiration):
        failures.append(f'The aspiration is about pay ("{match.group(0)}"); make it a career destination instead.')
    if match := _LOCATION.search(aspiration):
        failures.append(
            f'The aspiration is about a location ("{match.group(0)}"); make it a career destination instead.'
        )
    if _COMPANY_AS_GOAL.search(aspiration) or _normalise(aspiration) == _normalise(profile.company):
        failures.append(
            f"The aspiration is the company itself; getting hired by {profile.company} is the first "
            "goal, never the aspiration. Name what the candidate wants to become or achieve."
        )
    return _result(
        "aspiration-not-salary-location-company",
        failures,
        "The aspiration is a career destination, not pay, a place or the company.",
    )


_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "and",
        "or",
        "for",
        "in",
        "on",
        "at",
        "with",
        "by",
        "my",
        "our",
        "your",
        "their",
        "its",
        "this",
        "that",
        "as",
        "into",
        "from",
    ]
)


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in words(text) if w not in _STOPWORDS)


def _near_duplicates(texts: list[str]) -> list[tuple[str, str]]:
    """Pairs of goals that say the same thing in (almost) the same words.

    The bar is high on purpose: "Get promoted to Brand Manager" and "Get
    promoted to Senior Brand Manager" are two rungs of a ladder, not a repeat.
    """
    seen: list[tuple[str, frozenset[str]]] = []
    pairs = []
    for text in texts:
        bag = _content_words(text)
        for other, other_bag in seen:
            union = bag | other_bag
            if union and len(bag & other_bag) / len(union) >= 0.85:
                pairs.append((other, text))
                break
        seen.append((text, bag))
    return pairs


def goals_actionable(content: DraftContent, profile: CandidateProfile) -> CheckResult:
    goals = [g.goal for g in content.plan.goals]
    failures = []
    if not MIN_GOALS <= len(goals) <= MAX_GOALS:
        failures.append(f"Write {MIN_GOALS} to {MAX_GOALS} goals; there are {len(goals)}.")
    for first, second in _near_duplicates(goals):
        failures.append(f'Goals "{first}" and "{second}" say the same thing; merge them or make one different.')
    return _result("goals-actionable", failures, f"{len(goals)} distinct goals.")


def company_aids(content: DraftContent, profile: CandidateProfile) -> CheckResult:
    failures = []
    supported = [g for g in content.plan.goals[1:] if g.company_support.strip()]
    if not supported:
        failures.append(f"Say in company_support how {profile.company} helps with the goals after getting hired.")
    if not mentions(content.answer, profile.company):
        failures.append(f"The answer must name {profile.company}.")
    return _result(
        "company-aids",
        failures,
        f"{len(supported)} goals say how {profile.company} helps; the answer names it.",
    )


_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|my|me)\b", re.IGNORECASE)
_NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
_YEARS = re.compile(r"\b(\d+|" + "|".join(_NUMBER_WORDS[1:]) + r")[- ]years?\b", re.IGNORECASE)


def _same_horizon(number: str) -> str:
    """A pattern matching ``number`` years written as a digit or a word."""
    lowered = number.lower()
    forms = {lowered}
    if lowered.isdigit() and int(lowered) < len(_NUMBER_WORDS):
        forms.add(_NUMBER_WORDS[int(lowered)])
    elif lowered in _NUMBER_WORDS:
        forms.add(str(_NUMBER_WORDS.index(lowered)))
    return r"\b(" + "|".join(sorted(forms)) + r")[- ]years?\b"


def question_horizon(question: str) -> str | None:
    """ "five years" for "Where do you see yourself in five years?", else None."""
    match = _YEARS.search(question)
    return match.group(0).lower().replace("-", " ") if match else None


def answer_form(content: DraftContent, profile: CandidateProfile) -> CheckResult:
    answer = content.answer
    count = len(words(answer))
    failures = []
    if count < ANSWER_MIN_WORDS:
        failures.append(f"The answer has {count} words; write 60 to 200.")
    elif count > ANSWER_MAX_WORDS:
        failures.append(f"The answer has {count} words; cut it to 200 or fewer.")
    if not _FIRST_PERSON.search(answer):
        failures.append('Write the answer in the first person ("I", "my").')
    horizon = _YEARS.search(profile.question)
    if horizon and not re.search(_same_horizon(horizon.group(1)), answer, re.IGNORECASE):
        failures.append(
            f'The question asks about "{horizon.group(0)}"; the answer must say where the '
            f"candidate sees themselves in {horizon.group(0)}."
        )
    return _result("answer-form", failures, f"First person, {count} words, answers the question as asked.")


RULES: dict[str, Rule] = {
    "hire-first": hire_first,
    "aspiration-not-salary-location-company": aspiration_not_salary_location_company,
    "goals-actionable": goals_actionable,
    "company-aids": company_aids,
    "answer-form": answer_form,
}


def run_checks(content: DraftContent, profile: CandidateProfile) -> list[CheckResult]:
    return [rule(content, profile) for rule in RULES.values()]
