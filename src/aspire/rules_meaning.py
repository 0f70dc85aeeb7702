"""Checks that read a draft as a careful reader does (evals/RUBRIC.md), not word by word.

The article's rules (``rules.py``) pass drafts no coach would let a candidate
say: an aspiration that is the job already held, a goal that is last year's
achievement, "I have earned my certification" for the plan's own next step.
Each check here stands for one rubric line, uses the resume's structure
(``resume_facts``), and is measured against the judged set with
``aspire eval --judged evals/judged``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import english, lexicon, resume_facts, text
from .models import CheckResult
from .rulebase import Subject, _clip, _fail, _no_plan, _pass, _skip

# A run of this many words shared with one resume line is that line again.
RECYCLED_RUN_WORDS = 5
# How the aspiration names what the candidate becomes: "Become a charge nurse who ...".
_ASPIRATION_OPENING = re.compile(
    r"^\s*(?:to\s+)?(?:become|be|get promoted to|step up to|move up to|grow into|work as|serve as)\s+"
    r"(?:an?\s+|the\s+)?",
    re.IGNORECASE,
)
_TITLE_END = re.compile(r"\s+(?:who|that|which|with|leading|responsible|where|by|in|at|for|of a|of the)\b|[,;]", re.I)


def aspired_title(aspiration: str) -> str:
    """The job the aspiration names: "Become a district manager who leads..." → "district manager"."""
    rest, opened = _ASPIRATION_OPENING.subn("", aspiration, count=1)
    if not opened:
        # "Run a flagship store as a district leader" names its job after "as a"; a body of work names none.
        parts = re.split(r"\s+as\s+(?:an?|the)\s+", aspiration, maxsplit=1, flags=re.IGNORECASE)
        if len(parts) < 2:
            return ""
        rest = parts[1]
    head = _TITLE_END.split(rest, maxsplit=1)[0].strip()
    words = head.split()
    # "Licensed Plumber handling residential installs": the title ends at its last job word.
    last_job_word = max((i for i, w in enumerate(words[:7]) if resume_facts.level(w)), default=None)
    if last_job_word is None:
        return head
    # "Software Engineer II": the grade belongs to the title.
    if last_job_word + 1 < len(words) and _GRADE.fullmatch(words[last_job_word + 1].rstrip(",")):
        last_job_word += 1
    return " ".join(words[: last_job_word + 1])


def _held_titles(s: Subject) -> list[str]:
    return held_titles(s.resume, s.role, s.job_description)


_GRADE = re.compile(r"\b(I{1,3}|IV|V|[1-5])\b")
_GRADES = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


def same_job(title: str, held: str) -> bool:
    """Whether ``title`` is the job ``held`` (or below it): "Software Engineer II" is not
    "Software Engineer I", whose stems are the same."""
    if not (text.stems(title) <= text.stems(held) and resume_facts.level(title) <= resume_facts.level(held)):
        return False
    grades = [_GRADE.search(t) for t in (title, held)]
    if grades[0] and grades[1]:
        wanted, had = (_GRADES.get(g.group(1), 0) or int(g.group(1)) for g in grades if g)
        return wanted <= had
    return not grades[0] or grades[1] is not None


def held_titles(resume: str | None, role: str | None, job_description: str | None = None) -> list[str]:
    """The role applied for (as named, and as the job description advertises it) and the two
    latest titles on the resume: jobs already in view."""
    titles = [role, advertised_title(job_description), *resume_facts.titles(resume)[:2]]
    return list(dict.fromkeys(t for t in titles if t))


# "We are looking for a Senior Product Manager to drive...": a reader called "Become a senior
# product manager" the advertised job, for a candidate who applied as "Product Manager".
_ADVERTISED = re.compile(
    r"\b(?:looking for|seeking|hiring|recruiting)\s+(?:an?|the|our)\s+(?:new\s+)?"
    r"(?P<title>[A-Za-z][\w&/ -]{2,60}?)\s+(?:to|who|with|for|in|at|on|that|,)\b",
    re.IGNORECASE,
)


_PRAISED = re.compile(
    r"^(?:(?:highly|skilled|talented|experienced|motivated|passionate|driven|dedicated|enthusiastic|"
    r"creative|dynamic|seasoned)\s+)+",
    re.IGNORECASE,
)


def advertised_title(job_description: str | None) -> str:
    """The job a job description advertises, when its first lines say so in so many words."""
    match = _ADVERTISED.search(" ".join((job_description or "").split()[:80]))
    if match is None:
        return ""
    title = _PRAISED.sub("", match.group("title").strip())
    return title if resume_facts.level(title) and len(title.split()) <= 6 else ""


_LEADER_WORDS = frozenset("lead leader".split())
# Said in the present: "Currently leading a team of AI engineers at OpenAI". "Led a team" is
# past work, which a lead job can build on.
_LEADS_A_TEAM_NOW = re.compile(
    r"\b(?:currently\s+(?:lead|leading|manage|managing)|leading|managing)\s+a\s+team\b", re.I
)


def _leads_a_team_now(resume: str | None) -> str:
    return next((line for line in resume_facts.lines(resume) if _LEADS_A_TEAM_NOW.search(line)), "")


def aspiration_beyond_role(s: Subject) -> CheckResult:
    """R1: a destination beyond the role applied for and the title held, not a past achievement."""
    rule = "aspiration-beyond-role"
    if s.plan is None:
        return _no_plan(rule)
    aspiration = s.plan.aspiration
    wanted = aspired_title(aspiration)
    problems = []
    held = _held_titles(s)
    for title in held:
        if wanted and text.stems(wanted) and text.stems(wanted) <= text.stems(title):
            problems.append(f'The aspiration "{_clip(aspiration)}" is "{title}" again, a job already in view.')
            break
    else:
        top = max((resume_facts.level(t) for t in held), default=0)
        rung = resume_facts.level(wanted)
        if rung and top and rung < top:
            problems.append(f'"{wanted}" is a step down from "{max(held, key=resume_facts.level)}".')
    if wanted and _LEADER_WORDS & set(text.words(wanted)) and (now := _leads_a_team_now(s.resume)):
        problems.append(f'"{wanted}" is what the resume says you do now ("{_clip(now, 60)}").')
    for line in resume_facts.achievement_lines(s.resume):
        run = text.longest_shared_run(aspiration, line)
        if len(run.split()) >= RECYCLED_RUN_WORDS:
            problems.append(f'The aspiration retells the resume ("{_clip(run, 70)}"), something already done.')
            break
    if problems:
        return _fail(
            rule,
            " ".join(problems),
            "Aim beyond the role you are applying for: a step up from it, or a lasting body of work, "
            'that grows from your resume (e.g. "Become a district manager who develops store leaders").',
        )
    return _pass(rule, f'"{_clip(aspiration)}" reaches beyond {" and ".join(held) or "the role"}.')


_EARN = re.compile(r"^\s*(?:earn|obtain|pass|complete|get|gain|achieve|attain|renew)\b", re.IGNORECASE)
_CREDENTIAL_NOUNS = text.stems(
    "certification certificate certified license licence degree diploma credential qualification course exam"
)


_NOT_YET_HELD = re.compile(r"\b(in progress|expected|pursuing|ongoing|underway|candidate|studying|enrolled)\b", re.I)


def _held_credential(goal: str, resume: str | None) -> str | None:
    """The resume line showing that a credential the goal plans to earn is already held."""
    if not _EARN.search(goal):
        return None
    # All content words, "master" included: a master plumber licence is not the journeyman's.
    named = text.stems(goal) - _CREDENTIAL_NOUNS - text.stems("earn obtain pass complete gain achieve attain renew")
    named |= text.abbreviations(goal)
    if not named:
        return None
    for line in resume_facts.credential_lines(resume):
        if _NOT_YET_HELD.search(line):
            continue  # "Certificate II in Business (in progress)": finishing it is a step forward
        held = text.stems(line) | text.abbreviations(line)
        if named <= held:
            return line
    return None


def goals_look_forward(s: Subject) -> CheckResult:
    """R2: later goals are new steps: no resume achievement again, no credential already held."""
    rule = "goals-look-forward"
    if s.plan is None:
        return _no_plan(rule)
    if not s.resume:
        return _skip(rule, "No resume given; nothing to tell new goals from past work.")
    problems = []
    achievements = resume_facts.achievement_lines(s.resume)
    # The job hired into, and the jobs already held: a "promotion" to either is no step.
    hired_as = _held_titles(s)
    for goal in s.plan.goals[1:]:
        if held := _held_credential(goal.goal, s.resume):
            problems.append(f'"{_clip(goal.goal)}" plans a credential the resume already shows ("{_clip(held, 60)}").')
            continue
        if borrowed := _borrowed_goal(goal.goal, s):
            problems.append(f'"{_clip(goal.goal)}" is a rung of another profession ("{borrowed}").')
            continue
        title = aspired_title(goal.goal)
        if title and any(same_job(title, h) for h in hired_as):
            problems.append(
                f'"{_clip(goal.goal)}" is a job the candidate is hired into or already held, not a later step.'
            )
            continue
        for line in achievements:
            run = text.longest_shared_run(goal.goal, line)
            if len(run.split()) >= RECYCLED_RUN_WORDS or _restates(goal.goal, line):
                problems.append(f'"{_clip(goal.goal)}" is already on the resume: "{_clip(line, 70)}".')
                break
    if problems:
        return _fail(
            rule,
            " ".join(problems[:3]),
            "Make every goal a new step: build on what the resume shows instead of repeating it, "
            "and plan only credentials the candidate does not hold yet.",
        )
    return _pass(rule, "Every goal after getting hired is a step the resume does not already show.")


def _other_professions(s: Subject) -> list[Any]:
    """The worked examples of professions other than the candidate's (a nurse's rungs suit a nurse)."""
    from .prompts import prompt_examples

    def field(role: str | None, resume: str | None) -> frozenset[str]:
        return text.specific_stems(" ".join([role or "", *resume_facts.titles(resume)]))

    own = field(s.role, s.resume)
    return [
        e
        for e in prompt_examples()
        if e.profile.resume != s.resume and not field(e.profile.role, e.profile.resume) & own
    ]


def _stemmed(value: str) -> str:
    return " ".join(text.stem(word) for word in text.words(value.replace("-", " ")))


def _borrowed_goal(goal: str, s: Subject) -> str:
    """A run of a worked example's goals with a word this candidate's field never uses ("become a crew lead")."""
    return _borrowed_run(
        goal.replace("-", " "),
        s,
        lambda example: " | ".join(g.goal for g in example.output.plan.goals[1:]),
        lambda value: value,
    )


def _borrowed_run(value: str, s: Subject, lines_of: Callable[[Any], str], normalise: Callable[[str], str]) -> str:
    """The longest run ``value`` shares with another profession's worked example (its ``lines_of``):
    three words or more, holding a specific word this candidate's inputs never use."""
    candidate = text.stems(s.inputs)
    for example in _other_professions(s):
        run = text.longest_shared_run(normalise(value), normalise(lines_of(example)), ignore=[normalise(s.inputs)])
        if len(run.split()) >= 3 and text.specific_stems(run) - candidate:
            return run
    return ""


def _restates(goal: str, line: str) -> bool:
    """The same achievement, numbers and all: "Reduce shrink by 18%" for "Reduced shrink by 18%"."""
    numbers = set(text.numbers(goal))
    said = text.specific_stems(goal)
    return bool(numbers) and numbers <= set(text.numbers(line)) and len(said) >= 2 and said <= text.stems(line)


VENDORS = re.compile(
    r"\b(salesforce|excel|microsoft|sap|oracle|workday|tableau|power ?bi|mixpanel|amplitude|hubspot|zendesk|"
    r"jira|confluence|bloomberg|quickbooks|xero|shopify|autocad|adobe|google analytics|linkedin learning|"
    r"coursera|udemy|aws|azure|servicenow|kronos|epic|cerner|slack|trello|asana|canva|mailchimp)\b",
    re.IGNORECASE,
)


def support_is_the_company(s: Subject) -> CheckResult:
    """R2: "how the company helps" is the target company's help, not a past employer, a vendor or a resume line."""
    rule = "support-is-the-company"
    if s.plan is None:
        return _no_plan(rule)
    employers = _employers(s)
    problems = []
    for goal in s.plan.goals[1:]:
        support = goal.company_support.strip()
        if not support:
            continue
        if named := _first_named(support, employers):
            problems.append(f'"{_clip(support, 70)}" names {named}, a past employer, not {s.company}.')
        elif (vendor := VENDORS.search(support)) and not text.names_company(support, s.company):
            problems.append(f'"{_clip(support, 70)}" is a product ({vendor.group(0)}), not how {s.company} helps.')
        elif _pasted_from(support, s.resume):
            problems.append(f'"{_clip(support, 70)}" is a line of the resume, not how {s.company} helps.')
        elif borrowed := _borrowed(support, s):
            problems.append(f'"{_clip(support, 70)}" comes from a worked example ("{borrowed}").')
    if problems:
        return _fail(
            rule,
            " ".join(problems[:3]),
            f"For each goal, say what {s.company} itself offers: its training, mentors, teams, projects or "
            "promotions; never a past employer, a product or a line of the resume.",
        )
    return _pass(rule, f"Every goal's support is {s.company}'s own.")


def _employers(s: Subject) -> list[str]:
    """Past employers on the resume (not the target company, not job words like "Teacher")."""
    from .rules import employer_names

    return [
        name
        for name in employer_names(s.resume, s.company)
        if not resume_facts.level(name) and not text.mentions(name, s.company)
    ]


def _first_named(value: str, names: list[str]) -> str:
    """The first of ``names`` that ``value`` says as a whole word, or ""."""
    return next((name for name in names if re.search(rf"\b{re.escape(name)}\b", value)), "")


def _pasted_from(support: str, resume: str | None) -> bool:
    said = text.words(support)
    if len(said) < 6:
        return False
    return any(len(text.longest_shared_run(support, line).split()) >= 6 for line in resume_facts.lines(resume))


def _borrowed(support: str, s: Subject) -> str:
    """A run of a worked example's support lines ("Field hours on larger jobs") that this
    candidate's inputs never use: a rung borrowed from another profession."""
    # Compared word stem by word stem: "Field hour on Target's larger jobs" is the example's line.
    return _borrowed_run(
        support, s, lambda example: " | ".join(g.company_support for g in example.output.plan.goals), _stemmed
    )


# A sentence about the candidate's past or present: "I have led", "I earned", "I am certified".
# "I need" and "I succeed" are no past tense: a past "-ed" never follows an "e".
_CLAIM = re.compile(
    r"\b(?:I(?:'ve|\u2019ve| have| had| was| am|'m|\u2019m)\b|I\s+(?:\w*[^e\W]ed|led|ran|won|built|taught|grew|"
    r"made|got|did|held|hold|spent|brought|kept|drove|wrote|oversaw|began|became)\b|my (?:experience|background)\b|"
    r"\balready\b)",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|would|'d|\u2019d|want|hope|hoping|plan(?:ning)? to|my plan|aim(?:ing)? to|my aim|intend|going to|"
    r"next|future|eventually|toward|towards|looking to|looking forward|long run|long term|I'm after|I am after)\b",
    re.IGNORECASE,
)
_WORKED_WITH = re.compile(
    r"\b(?:work(?:ed|ing)|serv(?:ed|ing)|help(?:ed|ing)|support(?:ed|ing)|partner(?:ed|ing)|been|joined|led|learned|"
    r"managed|collaborat(?:ed|ing))\b",
    re.IGNORECASE,
)


def _claims(s: Subject) -> list[str]:
    """The answer's sentences about the candidate's past and present."""
    # Clause by clause: "I have learned X's methods, and I will be building on them" claims the first half.
    clauses = [c for sentence in text.sentences(s.answer) for c in text.clauses(sentence)]
    return [c for c in clauses if _CLAIM.search(c) and not _FUTURE.search(c)]


_ALREADY = re.compile(r"\balready\b", re.IGNORECASE)


def _goal_told_as_done(claim: str, s: Subject, resume_stems: frozenset[str]) -> str:
    """A later goal the claim says is done, in words the resume never uses."""
    if s.plan is None:
        return ""
    said = text.stems(claim) | text.abbreviations(claim)
    for goal in s.later_goals:
        acronyms = text.abbreviations(goal)
        wanted = text.specific_stems(goal) | acronyms
        wanted -= _CREDENTIAL_NOUNS | text.stems("earn obtain pass complete gain achieve learn master set")
        shared = wanted & said
        new = shared - resume_stems
        # Two of the goal's own words the resume never uses ("drift monitoring"), or its credential ("CCRN");
        # said "already", one new word is enough ("I've already put together a seasonal cocktail").
        if len(new) >= 2 or new & acronyms or (_ALREADY.search(claim) and new and len(shared) >= 2):
            return goal
    return ""


# "I already know your ICU from the float shifts I picked up there": past work at the target.
_YOUR_PLACE = re.compile(
    r"\byour (?:\w+ )?(?:company|business|team|unit|ward|icu|store|kitchen|school|office|clinic|site|warehouse|"
    r"hotel|bar|restaurant|venue|floor|department|customers|clients)\b",
    re.IGNORECASE,
)


def claims_are_true(s: Subject) -> CheckResult:
    """R4, tense-aware: what the draft says the candidate did or has comes from the inputs, never the plan."""
    rule = "claims-are-true"
    if not s.resume:
        return _skip(rule, "No resume given; nothing to check the candidate's past against.")
    from .rules import _unsupported_names

    # The candidate's own record: the resume and skills. The job description says what the
    # job asks for, the plan what is still to come; neither is something the candidate has done.
    record = "\n".join([s.resume or "", ", ".join(s.skills), s.role or "", s.company, s.name or ""])
    record_stems = text.stems(record) | text.acronyms(record)
    worked_there = text.mentions(s.resume or "", s.company)
    problems = []
    for claim in _claims(s):
        at_target = text.mentions(claim, s.company) or _YOUR_PLACE.search(claim)
        past_work = _WORKED_WITH.search(claim) or re.search(r"\balready\b", claim, re.IGNORECASE)
        if at_target and past_work and not worked_there:
            problems.append(f'"{_clip(claim)}" says the candidate already worked with {s.company}.')
            continue
        if goal := _goal_told_as_done(claim, s, record_stems):
            problems.append(f'"{_clip(claim)}" tells the plan\'s goal "{_clip(goal, 60)}" as done.')
            continue
        if match := lexicon.CREDENTIAL_CLAIM.search(claim):
            # Held credentials are on the resume's credential lines, not anywhere in it:
            # "a Target sales manager certification" is not held because Target is named.
            held = " ".join([*resume_facts.credential_lines(s.resume), *s.skills])
            named = text.specific_stems(match.group(1)) - _CREDENTIAL_NOUNS
            if named - text.stems(held) - text.acronyms(held):
                planned = next((g for g in s.later_goals if named and named <= text.stems(g)), "")
                problems.append(
                    f'"{_clip(claim)}" tells the plan\'s goal "{_clip(planned, 60)}" as done.'
                    if planned
                    else f'"{_clip(claim)}" claims a credential the resume does not show.'
                )
                continue
        if names := _unsupported_names(claim, record_stems, record):
            problems.append(
                f'"{_clip(claim)}" names {", ".join(dict.fromkeys(names))}, which the resume does not show.'
            )
    if problems:
        return _fail(
            rule,
            " ".join(problems[:3]),
            "Say only what the resume shows about the past; the plan's goals are still to come "
            f'("I want to earn…", not "I have earned…"), and no past work with {s.company} unless the resume has it.',
        )
    return _pass(rule, "What the draft says the candidate did or holds is in the inputs.")


# A phrase of five words said twice; a list of four or more short items in one sentence.
REPEATED_RUN_WORDS = 5
SKILL_LIST_ITEMS = 4
_DEBRIS = re.compile(r"[{}\[\]<>]|\"\s*:|^\s*(?:here is|here's)\b|\banswer:|\bdraft:", re.IGNORECASE)


def answer_is_fluent(s: Subject) -> CheckResult:
    """R3: speech a person could say: no phrase said twice, no skill list, no debris, no past employer's future."""
    rule = "answer-is-fluent"
    problems, fixes = [], []
    if run := _repeated_run(s.answer):
        problems.append(f'The answer says "{run}" twice.')
        fixes.append("Say each thing once.")
    for sentence in text.sentences(s.answer):
        items = [i for i in re.split(r",\s*|\s+and\s+", sentence) if i.strip()]
        # Short noun phrases, not actions: "help hire and mentor engineers" is a plan, not a list.
        nouns = [i for i in items if len(text.words(i)) <= 3 and not english.opens_with_action(text.words(i))]
        if len(nouns) >= SKILL_LIST_ITEMS and sentence.count(",") >= SKILL_LIST_ITEMS - 1:
            problems.append(f'"{_clip(sentence)}" lists skills instead of saying something about them.')
            fixes.append("Pick one or two skills and say what you did with them.")
            break
    for sentence in text.sentences(s.answer):
        # "I took orders, operate POS, handle payments": a resume line's tenses run together.
        deed = re.search(r"\bI ([a-z]+\b.*)", sentence)
        # Two present verbs after a past one: one could be a noun ("… and machine learning").
        if deed and resume_facts.mixes_tenses(deed.group(1).split(), least=2):
            problems.append(f'"{_clip(sentence)}" mixes past and present.')
            fixes.append("Keep one tense for one thing you did.")
            break
    if quoted := re.search(r"[\"\u201c\u201d]", s.answer):
        # Nobody says quotation marks: a line pasted from the resume ("feedback on “improved
        # communication”") is text, not speech.
        problems.append(f'The answer quotes text ("{quoted.group(0)}"): speech has no quotation marks.')
        fixes.append("Say it in your own words.")
    if match := _DEBRIS.search(s.answer):
        problems.append(f'The answer holds debris or commentary ("{_clip(match.group(0), 20)}").')
        fixes.append("Write only what the candidate would say aloud.")
    for name in _employers(s):
        for sentence in text.sentences(s.answer):
            if _first_named(sentence, [name]) and _FUTURE.search(sentence):
                problems.append(f'"{_clip(sentence)}" talks about the future with {name}, a past employer.')
                fixes.append(f"Talk about your future with {s.company}.")
                break
    if problems:
        return _fail(rule, " ".join(problems[:3]), " ".join(dict.fromkeys(fixes)))
    return _pass(rule, "The answer reads as speech: no repeats, lists or debris.")


def _repeated_run(answer: str) -> str:
    tokens = text.words(answer)
    seen: dict[tuple[str, ...], int] = {}
    for i in range(len(tokens) - REPEATED_RUN_WORDS + 1):
        gram = tuple(tokens[i : i + REPEATED_RUN_WORDS])
        if gram in seen and i - seen[gram] >= REPEATED_RUN_WORDS:
            return " ".join(gram)
        seen.setdefault(gram, i)
    return ""


# Where the answer says what it aims at: "My goal is to become ...", "I see myself as ...".
_ANSWER_AIM = re.compile(
    r"\b(?:(?:goal|aspiration|aim)\b[^.]*?\bis to|see myself (?:as|being)|(?:like|want|hope|plan) to (?:be|become))"
    r"\s+(?P<aim>[^.]+)",
    re.IGNORECASE,
)
_ONLY_HIRED = re.compile(r"^\s*(?:I\s+)?(?:want|would like|hope|plan)\s+to\s+(?:get hired|be hired|join|work)\b", re.I)


def answer_aims_ahead(s: Subject) -> CheckResult:
    """R3: the answer answers the question asked: where the candidate wants to go, beyond the job in view."""
    rule = "answer-aims-ahead"
    sentences = text.sentences(s.answer)
    if sentences and _ONLY_HIRED.search(sentences[0]) and text.names_company(sentences[0], s.company):
        opening = sentences[0]
        return _fail(
            rule,
            f'The answer opens on getting the job ("{_clip(opening)}"); the question asks where the career goes.',
            "Open with the long-term aspiration, then how this job and this company lead there.",
        )
    held = _held_titles(s)
    for sentence in sentences:
        if not (match := _ANSWER_AIM.search(sentence)):
            continue
        aim = match.group("aim").strip()
        wanted = aspired_title(aim if _ASPIRATION_OPENING.match(aim) else f"become {aim}")
        for title in held:
            if wanted and text.stems(wanted) and text.stems(wanted) <= text.stems(title):
                return _fail(
                    rule,
                    f'The answer aims at "{wanted}", the job already in view ("{_clip(sentence)}").',
                    "Say where you want to be beyond this job: the step up or the body of work it leads to.",
                )
        # "My goal is to ... train PyTorch models for classification and ranking tasks": the job's duties.
        for source, lines in (
            ("job description", text.sentences(s.job_description or "")),
            ("resume", resume_facts.achievement_lines(s.resume)),
        ):
            for line in lines:
                run = text.longest_shared_run(aim, line)
                if len(run.split()) >= RECYCLED_RUN_WORDS:
                    return _fail(
                        rule,
                        f'The answer\'s aim retells the {source} ("{_clip(run, 70)}"), not where the career goes.',
                        "Say where you want to be beyond this job: the step up or the body of work it leads to.",
                    )
        break  # the first aim said is the answer to the question
    return _pass(rule, "The answer aims beyond the job applied for.")
