"""What a resume's structure says about the candidate: its lines, job titles, credentials.

Plain-text heuristics over the Markdown that every resume format becomes
(``documents.read_resume``): good enough to tell a reader's checks what the
candidate already did, already is, and already holds.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import english, lexicon, text
from .lexicon import INJECTION

_YEAR = re.compile(r"\b(19|20)\d\d\b|\bpresent\b|\bcurrent\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25cf]|\d+[.)])\s+")
_HEADING = re.compile(r"^\s*(?:#+\s*)?\**\s*([A-Za-z][A-Za-z &/]{2,40}?)\s*\**:?\s*$")
_CREDENTIAL_HEADING = re.compile(r"licen[cs]|certif|qualification|credential|accreditation", re.IGNORECASE)
CREDENTIAL_WORDS = re.compile(
    r"certif|licen[cs]|diploma|degree|bachelor|master'?s|associate degree|charter|credential|"
    r"\b[A-Z]{2,6}\b",
)

# Words that name a job, by how far up a ladder they sit. A title's level is its
# highest word; "senior", "lead" and the like lift a plain job one rung.
JOB_LEVELS: dict[str, int] = {
    # A private tutor works a rung below a classroom teacher.
    **dict.fromkeys("intern trainee apprentice student graduate tutor helper".split(), 1),
    **dict.fromkeys(
        """assistant associate agent clerk cashier cook server bartender barista attendant operator
        technician analyst specialist coordinator representative consultant nurse teacher engineer
        developer designer accountant administrator plumber electrician carpenter officer recruiter
        scientist writer marketer planner buyer chef advisor adviser paralegal worker picker driver""".split(),
        2,
    ),
    **dict.fromkeys("supervisor foreman leader".split(), 3),
    **dict.fromkeys("manager".split(), 4),
    **dict.fromkeys("director head".split(), 6),
    **dict.fromkeys("vp vice president".split(), 7),
    **dict.fromkeys("chief ceo cfo cto coo partner owner founder".split(), 8),
}
LIFTING_WORDS = frozenset("senior lead principal charge staff sous master head".split())
# A job over many stores, schools or sites sits two rungs above the same job over one.
SCOPE_WORDS = frozenset("district regional area national global division divisional multi-site".split())
# "head chef" and "sous chef" are rungs of the kitchen's own ladder.
_KITCHEN = {"sous chef": 3, "head chef": 5, "executive chef": 6, "chef de partie": 3}


def lines(resume: str | None) -> list[str]:
    """The resume's non-empty lines, without bullets and Markdown emphasis."""
    cleaned = []
    for line in (resume or "").splitlines():
        line = _BULLET.sub("", line).replace("**", "").replace("__", "").strip(" #*\t")
        if line:
            cleaned.append(line)
    return cleaned


def achievement_lines(resume: str | None) -> list[str]:
    """Lines that say what the candidate did: bullets and sentences of five words or more, no headings."""
    found = []
    for line in lines(resume):
        if _YEAR.search(line) and len(text.words(line)) <= 12:
            continue  # a job's heading line: title, employer, dates
        if len(text.words(line)) >= 5:
            found.append(line)
    return found


@lru_cache(maxsize=256)
def titles(resume: str | None) -> tuple[str, ...]:
    """Job titles on the resume's dated lines, most recent (first) first."""
    found: list[str] = []
    raw = lines(resume)
    for index, line in enumerate(raw):
        if not _YEAR.search(line):
            continue
        candidates = re.split(r"\s*[,|(\u2013\u2014]\s*|\s+-\s+|\s+at\s+", line)
        if index and not any(level(c) for c in candidates):
            candidates = re.split(r"\s*[,|(\u2013\u2014]\s*|\s+-\s+", raw[index - 1])
        # Title, employer and dates on three lines ("HR Specialist" / "IBM, Boston, MA" /
        # "January 2015 to Present"): the title two lines up, if it is written as one.
        if index > 1 and not any(level(c) for c in candidates) and _title_cased(raw[index - 2]):
            candidates = re.split(r"\s*[,|(\u2013\u2014]\s*|\s+-\s+", _BULLET.sub("", raw[index - 2]))
        # Dates first, then the job ("2017 - Present" / "Product Manager, Google, Mountain View").
        if index + 1 < len(raw) and not any(level(c) for c in candidates) and not _YEAR.search(raw[index + 1]):
            following = re.split(r"\s*[,|(\u2013\u2014]\s*|\s+-\s+", raw[index + 1])
            if _title_cased(following[0]):
                candidates = following
        for candidate in candidates:
            # "2012 - 2017 Software Development Engineer III", "2017 - Present Product Manager": the
            # date is no part of the title.
            candidate = re.sub(r"^(?:(?:19|20)\d\d|present|current)\s+", "", candidate, flags=re.IGNORECASE)
            if level(candidate) and len(text.words(candidate)) <= 6 and candidate not in found:
                found.append(candidate)
                break
    return tuple(found)


def _title_cased(line: str) -> bool:
    """ "HR Specialist", not "Trained new cashiers" (a deed two lines above the next job's dates)."""
    said = line.split()
    return 0 < len(said) <= 6 and all(w[:1].isupper() for w in said if len(w) > 3)


def level(title: str) -> int:
    """How far up a ladder a title sits (0 when it names no job)."""
    said = " ".join(text.words(title))
    for phrase, rung in _KITCHEN.items():
        if phrase in said:
            return rung
    words = said.split()
    base = max((JOB_LEVELS.get(w, JOB_LEVELS.get(w.removesuffix("s"), 0)) for w in words), default=0)
    if base and base < 4 and LIFTING_WORDS & set(words):
        base += 1
    if base == 4 and "senior" in words:
        base += 1
    if base and SCOPE_WORDS & set(words):
        base += 2
    if base >= 2 and "junior" in words:
        base -= 1
    return base


def _is_heading(line: str) -> bool:
    """ "Licences", "EDUCATION", "Certifications:": a short line of capitalised words, no dates."""
    words = line.rstrip(":").split()
    return (
        bool(_HEADING.match(line))
        and not _YEAR.search(line)
        and 1 <= len(words) <= 3
        and (line.endswith(":") or all(w[:1].isupper() or w in {"&", "and", "of"} for w in words))
    )


def credential_lines(resume: str | None) -> list[str]:
    """Lines under a licences or certifications heading, and lines that name a credential."""
    found, under_heading = [], False
    for line in lines(resume):
        if _is_heading(line):
            under_heading = bool(_CREDENTIAL_HEADING.search(line))
            continue
        if under_heading or re.search(
            r"certif|licen[cs]|diploma|degree|charter|bachelor|\bassociate of|\bmba\b", line, re.IGNORECASE
        ):
            found.append(line)
    return found


# Words of a duty list rather than a deed: "assisted with…", "various projects", "or requests".
_VAGUE_DEED = re.compile(r"\b(?:assist(?:ed|s)?|help(?:ed|s)?|various|etc|responsible for|or)\b", re.IGNORECASE)
# Leading people: the usual step toward any aim above the candidate's job.
_LEADING = re.compile(r"^(?:led|lead|trained|train|coached|coach|mentored|supervised|managed|manage|ran|run)\b", re.I)
_PREPOSITIONS = frozenset("to for of in on with at from by as and".split())
# The deeds offered for one job: the model picks one, so the weakest are left out.
DEEDS_OFFERED = 5


# Sections that come after the jobs, unlike "Responsibilities:" or "Achievements" under one.
_AFTER_JOBS = frozenset(
    "skills education certifications certificates licences licenses references awards interests languages "
    "volunteering volunteer other additional training qualifications hobbies".split()
)


def deeds_by_job(resume: str, toward: str = "") -> list[tuple[str, list[str]]]:
    """The resume's jobs, most recent first, each with its deeds, the most telling (and the
    nearest to ``toward``, an aim) first."""
    found = titles(resume)
    jobs: dict[str, list[str]] = {}
    current = None
    every = lines(resume)
    for index, line in enumerate(every):
        # A job's heading, dated or beside its dates: not the title under the name at the top.
        dated = any(_YEAR.search(near) for near in every[max(0, index - 2) : index + 3])
        named = next((t for t in found if t in line), None) if dated else None
        if named is None and _is_heading(line) and text.words(line)[:1] and text.words(line)[0] in _AFTER_JOBS:
            current = None  # what follows "Skills" or "Education" is no deed of the job above
            continue
        if named is not None:
            current = named
            jobs.setdefault(current, [])
        elif current is not None and (deed := as_deed(line)) and deed not in jobs[current]:
            jobs[current].append(deed)
    return [
        (title, ranked_deeds(jobs[title], toward=toward))
        for title in found
        if jobs.get(title) and '"' not in title and "\\" not in title
    ]


def ranked_deeds(deeds: list[str], *, toward: str = "") -> list[str]:
    """Deeds with a number or a concrete result first; duty lists ("managed inquiries or requests
    and provided assistance") last. Readers called a pasted duty line "understating" the candidate.
    Among equals, those sharing words with ``toward`` (the aim) or leading people come first."""
    aim = text.specific_stems(toward)

    def weakness(deed: str) -> int:
        vague = len(_VAGUE_DEED.findall(deed))
        has_number = bool(re.search(r"\d", deed))
        too_long = len(deed.split()) > 20
        return vague + too_long - has_number

    def nearness(deed: str) -> int:
        return len(aim & text.specific_stems(deed)) + bool(_LEADING.search(deed))

    ranked = sorted(deeds, key=lambda d: (weakness(d), -nearness(d)))
    # Offered a duty list among better lines, the model still took it now and then.
    strong = [d for d in ranked if weakness(d) <= 0]
    return strong if len(strong) >= 2 else ranked


_A_CREDENTIAL = re.compile(r"certificat|credential|licen[cs]e|diploma|\bdegree\b", re.IGNORECASE)
_DATES_WORDS = 6
_LIST_PARTS = 4
_LIST_ITEM_WORDS = 3


def as_deed(line: str) -> str | None:
    """A resume line as what follows "As a cook, I …": "Trained three cooks." → "trained three cooks";
    None for a line that is no deed (a summary, a heading), that mixes tenses ("monitored metrics
    and implement solutions"), or that a pattern cannot hold."""
    line = line.strip().rstrip(".;").strip()
    if INJECTION.search(line):  # a line that talks to the model is no deed of the candidate's
        return None
    if line.lower().startswith("i "):
        line = line[2:]
    words = line.split()
    if not 4 <= len(words) <= 30 or re.search(r'["\u201c\u201d\\;\n]|[.](?![0-9])', line):
        return None
    if not english.is_verb_form(words[0]):
        return None
    if _YEAR.search(line) and len(words) <= _DATES_WORDS:
        return None  # "Mar 2023 - Jun 2023 (Contract)": a job's dates
    # "Google Data Analytics Certificate, 2024", "Teaching credential, single subject": held, not
    # done ("Earned the CompTIA A+ certification" is a deed).
    if _A_CREDENTIAL.search(line) and not words[0].lower().endswith("ed"):
        return None
    # "Product management, Agile methodologies, Leadership, Communication": a skills line.
    parts = line.split(",")
    if len(parts) >= _LIST_PARTS and all(len(p.split()) <= _LIST_ITEM_WORDS for p in parts):
        return None
    # "Organised and adaptable administrative worker…" is a summary, not a deed.
    if words[1].lower() == "and" and not english.is_verb_form(words[2]):
        return None
    if mixes_tenses(words):
        return None
    first = words[0] if words[0].isupper() else words[0].lower()
    return " ".join([first, *words[1:]])


def mixes_tenses(words: list[str], *, least: int = 1) -> bool:
    """A past-tense deed with present verbs joined on (``least`` of them): "analyzed metrics and
    implement solutions", "took orders, operate POS, handle payments"."""
    if not english.is_past_tense(words[0].rstrip(",;:")):
        return False
    # A noun after "and" ("training and support to new staff") is followed by a preposition
    # or nothing; a verb by its object.
    joined = sum(
        (words[i].lower() == "and" or words[i].endswith(","))
        and english.is_base_verb(words[i + 1])
        and not english.is_past_tense(words[i + 1])
        and words[i + 2].lower() not in _PREPOSITIONS
        for i in range(len(words) - 2)
    )
    return joined >= least


def spoken_deed(deed: str) -> str | None:
    """A deed as the candidate says it after "As a cook, I …": in the past tense throughout
    ("Install and repair water lines" → "installed and repaired water lines", "putting away
    stock" → "put away stock"), or None for a line that opens with a thing, not an act ("Site
    inspections and progress reports", "Key worker for 12 young people"): pasted after "I",
    those read as broken speech ("As a support worker, I key worker for 12 young people")."""
    words = deed.split()
    if not words:
        return None
    first = _deed_verb(words[0])
    if first is None:
        return None
    said = [first]
    opening_forms = english.verb_forms(words[0].strip(",;:"))
    for index, word in enumerate(words[1:], start=1):
        # "…and repair", "…, replace": a verb joined on takes the past tense too, where it is in
        # the opening verb's form; "Handled queries, complaints, and issues efficiently,
        # providing a swift resolution" joins a noun and an -ing clause, not two more deeds.
        joined = words[index - 1].lower() == "and" or words[index - 1].endswith(",")
        same_form = bool(english.verb_forms(word.strip(",;:")) & opening_forms)
        turned = _deed_verb(word) if joined and same_form and not _is_plain_noun_after(words, index) else None
        said.append(turned if turned is not None else word)
    return " ".join(said)


def _deed_verb(word: str) -> str | None:
    """ "install", "installs", "installing", "installed" → "installed"; None for no deed verb."""
    bare = word.strip(",;:").lower()
    tail = word[len(word.rstrip(",;:")) :]
    lemmas = [lemma for lemma in english.verb_lemmas(bare) if lemma in lexicon.DEED_VERBS]
    if not lemmas:
        return None
    if english.is_past_tense(bare):
        return bare + tail
    return english.simple_past(lemmas[0]) + tail


def _is_plain_noun_after(words: list[str], index: int) -> bool:
    """ "training and support to new staff": a noun joined on, followed by a preposition."""
    after = words[index + 1].lower() if index + 1 < len(words) else ""
    # Not "and": "Installs, repairs and services boilers" lists verbs.
    return not after or (after in _PREPOSITIONS and after != "and")


def in_past_tense(deed: str) -> str:
    """ "collaborate with the team…" → "collaborated with the team…", for a deed told as past work."""
    first, _, rest = deed.partition(" ")
    past = english.past_tense(first)
    return f"{past} {rest}" if past else deed
