"""The patterns that hold each stepwise reply to its job, built from the candidate's own facts.

A small model writes inside these regular expressions (constrained decoding), so a
sentence can only say what its pattern lets it: the reason quotes a resume line
word for word, the company's help opens with a verb, no sentence runs into the next.
"""

from __future__ import annotations

import re

from . import documents, english, prompts, resume_facts, text
from .models import CandidateProfile

# One sentence: no full stop but a decimal point, no semicolon (it strung the plan's
# goals into a list), no quote or escape. Allowed a
# full stop before any letter, the model ran its sentences together ("area.earning").
SENTENCE_CHAR = '([^";.\\\\\n]|[.][0-9])'


NO_LIST = '[^",;.\\\\\n]'


def sentence(opening: str = "", least: int = 20, most: int = 240) -> str:
    return f"^{opening}{SENTENCE_CHAR}{{{least},{most}}}[.!]$"


def phrase(least: int, most: int) -> str:
    return f"^{SENTENCE_CHAR}{{{least},{most}}}$"


def why_pattern(profile: CandidateProfile, aim: str = "") -> str:
    """The reason: a past job, then one thing the resume says the candidate did in it, word
    for word ("As a line cook, I run the grill station for dinner service…").

    Free to give its own reasons, the model retold the plan's first goal as done ("In my
    last role, I learned Merivale's drinks list") in 8 of 25 drafts; given any job title
    with any resume line, it gave one job's results to another; given a thought of its own
    after the resume's words, it judged itself ("which is a step above the role applied for").
    The deeds nearest the ``aim`` come first: "I used the till and EFTPOS" was no reason to
    become an office manager.
    """
    options = []
    for title, deeds in resume_facts.deeds_by_job(profile.resume, toward=aim)[:2]:
        # Said as speech, in the past: "I installed and repaired…", never "I site inspections…".
        spoken = [s for d in deeds if (s := resume_facts.spoken_deed(d))]
        if not spoken:
            continue
        said = spoken_title(title)
        done = "|".join(prompts.literal(d) for d in spoken[: resume_facts.DEEDS_OFFERED])
        options.append(f"As {english.indefinite_article(said)} {prompts.literal(said)}, I ({done})")
    if not options:
        # No job to tie them to (a resume of skills and one line a job): its deeds alone,
        # told as past work ("I collaborate with…" after "Over the past few years" was the
        # broken tense a reader marked).
        lines = resume_facts.achievement_lines(profile.resume)
        told = [s for line in lines if (d := resume_facts.as_deed(line)) and (s := resume_facts.spoken_deed(d))]
        deeds = [d for d in told if not resume_facts.mixes_tenses(d.split())]
        deeds = resume_facts.ranked_deeds(list(dict.fromkeys(deeds)), toward=aim)[: resume_facts.DEEDS_OFFERED]
        # Not "Over the past few years": readers marked it a claim for an undated resume.
        if not deeds:
            return sentence("In my last role, I ", 20, 240)
        options.append(f"In my last role, I ({'|'.join(prompts.literal(d) for d in deeds)})")
    return f"^({'|'.join(options)})[.]$"


def spoken_title(title: str) -> str:
    """ "2021 Data Scientist" → "data scientist", "1. HR Assistant" → "HR assistant"."""
    title = re.sub(r"^[\d.)(\s-]+", "", title)
    return " ".join(w if w.isupper() else w.lower() for w in title.split())


# Skills a reason may name: short, with no note in brackets ("Basic CRM knowledge (used
# CallTrack Lite)") and no hedge ("Typing around 40wpm (still improving)").
_REASON_SKILL_WORDS = 5
_UNSAID_SKILL = re.compile(r"[()\u201c\u201d\"\d]|^\s*basic\b", re.IGNORECASE)
REASON_FACTS = 6
# "Astute problem solver", "team player": a kind of person, not something to have experience in.
_A_PERSON = re.compile(r"\w\s+\w*(?:er|or|ist)s?$", re.IGNORECASE)


def reason_pattern(profile: CandidateProfile) -> str:
    """Why an aspiration fits, from the candidate's facts only: "It builds on my work as a
    journeyman plumber and my experience in leak detection."

    Free to write its own reasons, the model claimed what the resume does not show in 7 of
    25 drafts ("The resume mentions working as a Line Cook" for a plumber)."""
    facts = [f"my work as {english.indefinite_article(t)} {t}" for t in _titles(profile)]
    skills = profile.skills or documents.propose_skills(profile.resume)
    for skill in skills:
        if len(skill.split()) <= _REASON_SKILL_WORDS and not (
            _UNSAID_SKILL.search(skill) or _A_CREDENTIAL.search(skill) or _A_PERSON.search(skill)
        ):
            facts.append(_skill_as_fact(skill, as_given=bool(profile.skills)))
    said = [prompts.literal(f) for f in dict.fromkeys(facts)][:REASON_FACTS]
    if not said:
        return f"^{prompts.words_up_to(30)}[.]?$"
    # One fact, or two different ones: offered "( and <any>)?", the model said the same one
    # twice ("my experience in X and my experience in X").
    pairs = [f"{a} and {b}" for a in said for b in said if a != b]
    return f"^It builds on ({'|'.join([*said, *pairs])})[.]$"


# Said of a skill as it stands: "my communication skills", "my understanding of retail operations".
_QUALITY = re.compile(r"(?:skills|abilities|capabilities|attitude|acumen)$|^(?:understanding|knowledge) of\b", re.I)
_A_CREDENTIAL = re.compile(r"degree|diploma|certificate|bachelor|master's|\bassociate of", re.IGNORECASE)


def _skill_as_fact(skill: str, *, as_given: bool) -> str:
    words = skill.split()
    # A resume's skills line starts with a capital ("Front-desk reception"); a product's name
    # keeps it ("Python", "Google Classroom"), as does what the candidate typed.
    if not as_given and len(words) > 1 and not words[1][:1].isupper() and not words[0].isupper():
        words[0] = words[0].lower()
    said = " ".join(words)
    return f"my {said}" if _QUALITY.search(said) else f"my experience in {said}"


def _titles(profile: CandidateProfile) -> list[str]:
    # "Associate Degree in Nursing" sits on a dated line like a job.
    said = [spoken_title(t) for t in resume_facts.titles(profile.resume) if not _A_CREDENTIAL.search(t)]
    return list(dict.fromkeys(t for t in said if t and '"' not in t and "\\" not in t))[:3]


def answer_patterns(profile: CandidateProfile, aim: str = "") -> dict[str, str]:
    company = prompts.literal(profile.company)
    horizon = text.question_horizon(profile.question)
    opening = f"In {horizon}, I " if horizon else "(" + "|".join(prompts.FORWARD_OPENINGS) + ") "
    return {
        "aim": sentence(opening, 15, 200),
        "why": why_pattern(profile, aim),
        "first_steps": sentence(
            # Not "At <company>, I": the first goal names the company too ("At Optus, I will
            # learn Optus' products"), the repetition a reader marked.
            "(First, I|To get there, I|My first step|In my first year, I) ",
            20,
            240,
        ),
        # The company named, and what it gives: the line a small model most often left out.
        # ...and it says what that help does: asked only to name it, the model listed the
        # plan's company_support lines ("I know X offers A, B and C"); made to say "help"
        # somewhere, it glued the word on where its sentence ran out ("paid tra helping").
        # No comma: given one, it pasted every support line in a list, which a reader saw
        # as labels, not speech.
        # A verb before the help: after a bare "would help me grow by", the model went on
        # with the plan's support line as it stood, a noun ("grow by time to learn from…").
        "company_help": f"^({company} would help me grow (through|by giving me|by offering me|by providing) "
        f"|Working at {company} would give me ){NO_LIST}{{20,200}}[.]$",
    }


def upper_first(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def lower_first(goal: str) -> str:
    """ "Learn Acme's tools" → "learn Acme's tools", leaving "Acme" and "SQL" as they are."""
    first, _, rest = goal.partition(" ")
    if first[:1].isupper() and first[1:].islower():
        first = first.lower()
    return f"{first} {rest}".strip()


# "… at Copperleaf Software", "… for the Westbrook Unified School District": a company named
# at an aspiration's end (the target, or a past employer: "senior product manager at Google").
_TRAILING_EMPLOYER = re.compile(r"\s+(?:at|for|with)\s+(?:the\s+)?(?:[A-Z][\w&'.-]*\s*)+$")


def without_trailing_employer(aspiration: str) -> str:
    """The aspiration without a company at its end: a destination is a role, not an employer
    (the rubric's R1), and the model named one in 5 of 25 drafts after every other fix."""
    trimmed = _TRAILING_EMPLOYER.sub("", aspiration.rstrip(". "))
    return trimmed if len(trimmed.split()) >= 3 else aspiration


def supports_with_articles(said: str, supports: list[str]) -> str:
    """ "…by providing HR certification program" → "…by providing an HR certification program":
    the model pastes the plan's support lines, which are labels, into speech (a reader's fix)."""
    for support in dict.fromkeys(s.strip() for s in supports if s.strip()):
        spoken = english.with_article(support)
        if spoken == support:
            continue

        def articled(match: re.Match[str], spoken: str = spoken) -> str:
            before = match.group("before") or ""
            if before.strip().lower() in english.DETERMINERS:
                return match.group(0)
            return f"{before}{spoken}"

        said = re.sub(rf"(?P<before>\b\w+\s+)?{re.escape(support)}", articled, said)
    return said
