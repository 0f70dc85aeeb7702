"""A job title → the O*NET occupations it names, with a confidence.

O*NET lists about 69,000 titles for its 1,016 occupations: each occupation's own, the
alternate titles employers use ("Personal Banker", "Quantity Surveyor", "Physiotherapist")
and the titles surveyed workers reported. A title asked about is compared word by word
with every listed one, words weighed by how rare they are among titles (``"paralegal"``
says more than ``"assistant"``), and each occupation scores its best-matching title. A
title that names several occupations ("Personal Banker": tellers, financial advisors,
financial sales agents) is settled by how many of each one's titles carry it, then by
how close the candidate's own resume lines are to each one's tasks.

Words are compared as noun lemmas (lemminflect, whose data ships in its wheel), so
"engineers" is "engineer" but "engineering" stays apart; British and American spellings
meet ("labourer", "centre", "organiser", "paediatric"); rank words that do not change the
occupation ("senior", "junior", "graduate", "II") are left out.
"""

from __future__ import annotations

import math
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from lemminflect import getLemma

from .store import Occupation, by_id, connection

# Below this a match is a guess: aspire says so and drafts without field examples.
CONFIDENT = 0.6

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an and the of or for in to at with on by from".split())
# Rank and status words that leave the occupation as it is: a senior paralegal is a paralegal.
_RANK = frozenset(
    "senior sr snr junior jr graduate grad trainee entry level experienced qualified i ii iii iv v 1 2 3 4".split()
)
# Whole-word spellings of one word (UK and US, and short forms) that suffix rules miss.
_SPELLINGS = {"programme": "program", "tyre": "tire", "kerb": "curb", "cheque": "check", "mould": "mold"}
_SUFFIX_SPELLINGS = (
    (re.compile(r"(?<=[a-z]{2})our(s|er|ers|ed|ing|ite|ites)?$"), r"or\1"),  # labour(er), colour, behaviour
    (re.compile(r"(?<=[a-z]{3})is(e|er|ers|ing|ation|ations)$"), r"iz\1"),  # organiser, specialisation
    (re.compile(r"(?<=[a-z]{2})tre(s?)$"), r"ter\1"),  # centre, theatre
    (re.compile(r"ae(?=[a-z]{3})"), "e"),  # paediatric, anaesthetist
    (re.compile(r"(?<=[a-z])ll(er|ing|ed)$"), r"l\1"),  # traveller, counselling
)


@lru_cache(maxsize=1 << 16)
def _term(word: str) -> str:
    word = _SPELLINGS.get(word, word)
    for pattern, replacement in _SUFFIX_SPELLINGS:
        word = pattern.sub(replacement, word)
    lemmas = getLemma(word, upos="NOUN")
    return lemmas[0] if lemmas else word


def terms(title: str, *, asked: bool = False) -> tuple[str, ...]:
    """A title's words as compared: lower-cased noun lemmas without stop words, in order. In a
    title ``asked`` about, rank words are left out too: a senior paralegal is a paralegal. In
    O*NET's titles they stay, so that "Junior High School Teacher" is no exact match for a
    high school teacher."""
    # "Junior high school", "junior college": a kind of school, not a rank.
    said = _WORD.findall(re.sub(r"\bjunior (high|college)", r"junior\1", title.lower().replace("&", " and ")))
    return tuple(_term(w) for w in said if w not in _STOP and not (asked and w in _RANK))


# Heads that say who leads, not what the work is: a bar supervisor and a bar manager do one job.
_LEADING_HEADS = frozenset(
    "supervisor manager lead leader foreman forewoman head chief superintendent director coordinator".split()
)
LEADS = "(leads)"


def head(title_terms: Sequence[str], title: str, *, asked: bool = False) -> str:
    """The word a title is about: the last before "of" or a comma ("First-Line Supervisors of
    Construction Trades" is about supervisors), else the last ("Civil Engineer")."""
    before = re.split(r"\bof\b|,|\(", title.lower(), maxsplit=1)[0]
    said = terms(before, asked=asked) or tuple(title_terms)
    found = said[-1] if said else ""
    return LEADS if found in _LEADING_HEADS else found


@dataclass(frozen=True)
class _Title:
    occ: int
    title: str
    kind: str
    terms: frozenset[str]
    head: str


@dataclass
class _Index:
    titles: list[_Title]
    postings: dict[str, list[int]]
    idf: dict[str, float]
    per_occupation: dict[int, int]


_lock = threading.Lock()


@cache
def _index() -> _Index:
    with _lock:
        rows = connection().execute("SELECT occ, title, kind, terms, head FROM title ORDER BY occ, seq").fetchall()
        titles = [
            _Title(occ, title, kind, frozenset(said.split()), top) for occ, title, kind, said, top in rows if said
        ]
        postings: dict[str, list[int]] = defaultdict(list)
        per_occupation: dict[int, int] = defaultdict(int)
        for number, item in enumerate(titles):
            per_occupation[item.occ] += 1
            for term in item.terms:
                postings[term].append(number)
        count = len(titles)
        idf = {term: math.log(1 + count / len(found)) for term, found in postings.items()}
        return _Index(titles, dict(postings), idf, dict(per_occupation))


@dataclass(frozen=True)
class TitleMatch:
    """How well one occupation's titles match a title asked about."""

    occupation: Occupation
    score: float  # 0-1: 1 is the same words
    matched_on: tuple[str, ...]  # the occupation's titles that matched best, best first
    titles_matched: int = 0  # how many of its titles carry the asked title's words

    @property
    def code(self) -> str:
        return self.occupation.code


def _weight(found: Iterable[str], idf: dict[str, float], unknown: float) -> float:
    return sum(idf.get(t, unknown) for t in found)


def title_matches(title: str, limit: int = 10) -> list[TitleMatch]:
    """The occupations whose titles best match ``title``, best first."""
    index = _index()
    asked = _known_parts(terms(title, asked=True), index)
    if not asked:
        return []
    asked_set = frozenset(asked)
    asked_head = head(asked, title, asked=True)
    # A word no title has says nothing here, but it does make every match less complete.
    unknown = max(index.idf.values())
    asked_weight = _weight(asked_set, index.idf, unknown)
    candidates: set[int] = set()
    for term in asked_set:
        candidates.update(index.postings.get(term, ()))
    best: dict[int, list[tuple[float, str]]] = defaultdict(list)
    carrying: dict[int, int] = defaultdict(int)
    for number in candidates:
        item = index.titles[number]
        shared = asked_set & item.terms
        weight = _weight(shared, index.idf, unknown)
        recall = weight / asked_weight
        precision = weight / _weight(item.terms, index.idf, unknown)
        score = 2 * precision * recall / (precision + recall)
        # The head decides the job: a pharmacy technician is not a pharmacist, a civil
        # engineering technician not a civil engineer.
        if asked_head and item.head != asked_head:
            score *= 0.7
        elif asked_head == LEADS and not asked_set <= item.terms:
            score *= 0.9  # a supervisor's title and a manager's, about the same work
        best[item.occ].append((score, item.title))
        if asked_set <= item.terms:
            carrying[item.occ] += 1
    ranked = []
    for occ, scored in best.items():
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        top = scored[0][0]
        matched = tuple(dict.fromkeys(t for s, t in scored if s >= top - 1e-9))[:3]
        ranked.append(TitleMatch(by_id(occ), round(top, 3), matched, carrying[occ]))
    ranked.sort(key=lambda m: (-_ranking(m), m.code))
    return ranked[:limit]


def _ranking(match: TitleMatch) -> float:
    # Several titles that carry the asked one say more than one ("Store Manager" nine times
    # among retail supervisors' titles, five among general managers'); small and bounded.
    return match.score + min(0.1, 0.03 * math.log(1 + match.titles_matched))


def _known_parts(asked: tuple[str, ...], index: _Index) -> tuple[str, ...]:
    """A word no title has, split where both halves are title words: "backend" is "back end"."""
    out: list[str] = []
    for term in asked:
        if term in index.idf or len(term) < 6:
            out.append(term)
            continue
        for cut in range(3, len(term) - 2):
            left, right = term[:cut], _term(term[cut:])
            if left in index.idf and right in index.idf:
                out += [left, right]
                break
        else:
            out.append(term)
    return tuple(out)


@dataclass(frozen=True)
class OccupationMatch:
    """The occupation a candidate's draft is built on, and why."""

    occupation: Occupation
    confidence: float
    matched_on: tuple[str, ...]  # O*NET titles that matched
    source: str  # what was matched: "the role applied for", "the job description", "the current job"
    asked: str  # the title that was matched
    alternatives: tuple[TitleMatch, ...] = field(default=(), compare=False)

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT

    @property
    def code(self) -> str:
        return self.occupation.code


@cache
def _task_terms_all() -> dict[int, frozenset[str]]:
    rows = connection().execute("SELECT occ, task FROM task").fetchall()
    found: dict[int, set[str]] = defaultdict(set)
    for occ, task in rows:
        found[occ].update(t for t in terms(task) if len(t) > 2)
    return {occ: frozenset(words) for occ, words in found.items()}


@cache
def _task_idf() -> dict[str, float]:
    """How rare each task word is among occupations: "manage" and "staff" in hundreds of
    occupations' tasks say little; "loan" and "prescription" say which job it is."""
    counts: dict[str, int] = defaultdict(int)
    every = _task_terms_all()
    for words in every.values():
        for word in words:
            counts[word] += 1
    return {word: math.log(len(every) / n) for word, n in counts.items()}


def _task_closeness(occ: int, text_terms: frozenset[str]) -> float:
    """The share of an occupation's task words, weighed by rarity, that the candidate's text uses."""
    tasks = _task_terms_all().get(occ, frozenset())
    if not tasks or not text_terms:
        return 0.0
    idf = _task_idf()
    return sum(idf[t] for t in tasks & text_terms) / (sum(idf[t] for t in tasks) or 1.0)


# Titles within this of the best are close enough for the candidate's own facts to choose.
_TIE = 0.25
# How much the candidate's facts weigh in that choice: the jobs they held (an occupation of the
# same major group, or one O*NET lists as related), and their resume's closeness to its tasks.
_FAMILY = 0.1
_CLOSENESS = 1.0


@cache
def related_ids(occ: int) -> frozenset[int]:
    rows = connection().execute("SELECT related FROM related WHERE occ = ?", (occ,)).fetchall()
    return frozenset(r for (r,) in rows)


def _family(candidate: Occupation, near: Sequence[Occupation]) -> float:
    for held in near:
        if held.id == candidate.id or held.major_group == candidate.major_group:
            return _FAMILY
        if candidate.id in related_ids(held.id) or held.id in related_ids(candidate.id):
            return _FAMILY / 2
    return 0.0


def match_title(asked: str, source: str, context: str = "", near: Sequence[Occupation] = ()) -> OccupationMatch | None:
    """The occupation ``asked`` names; where several match about as well ("Shift Supervisor":
    of baristas, of guards, of store staff), the one nearest the candidate: in the family of
    the jobs they held (``near``), and with tasks closest to ``context`` (their resume, skills
    and job description)."""
    found = title_matches(asked, limit=12)
    # "Data Analyst, Operations Analytics", "Registered Nurse - ICU": the title, then its
    # specialty; the title alone may match better than both together.
    head_part = re.split(r"\s*(?:,|\s[-\u2013\u2014|/]\s|\()\s*", asked, maxsplit=1)[0]
    if head_part != asked and head_part.strip():
        alone = title_matches(head_part, limit=12)
        if alone and (not found or alone[0].score > found[0].score):
            found = alone
    if not found:
        return None
    top = _ranking(found[0])
    close = [m for m in found if _ranking(m) >= top - _TIE]
    chosen = found[0]
    if len(close) > 1 and (context or near):
        text_terms = frozenset(terms(context))
        closeness = {m.code: _task_closeness(m.occupation.id, text_terms) for m in close}

        def fit(m: TitleMatch) -> float:
            return _ranking(m) + _family(m.occupation, near) + _CLOSENESS * closeness[m.code]

        chosen = max(close, key=lambda m: (fit(m), -found.index(m)))
    others = tuple(m for m in found if m.code != chosen.code)
    return OccupationMatch(chosen.occupation, chosen.score, chosen.matched_on, source, asked, others)


def match_candidate(
    *, role: str | None, job_title: str | None, held: Sequence[str], context: str
) -> OccupationMatch | None:
    """The occupation of the job a candidate is after: the role applied for, else the job the
    job description advertises, else the job held now; the first that matches confidently,
    or the best of them when none does."""
    near = held_occupations(held, context)
    tried = []
    for asked, source in ((role, "the role applied for"), (job_title, "the job description")):
        if asked and asked.strip():
            tried.append(match_title(asked, source, context, near))
    if held:
        tried.append(match_title(held[0], "the current job", context, near[1:]))
    found = [m for m in tried if m is not None]
    for match in found:
        if match.confident:
            return match
    return max(found, key=lambda m: m.confidence) if found else None


def held_occupations(held: Sequence[str], context: str = "") -> list[Occupation]:
    """The occupations of the jobs a resume shows, newest first, where a title names one
    plainly: confidently, and clearly ahead of the next (a "Site Engineer" is as much a
    software site-reliability engineer as a civil one, so it says nothing of the family)."""
    found = []
    for title in held[:3]:
        ranked = title_matches(title, limit=6)
        if not ranked or ranked[0].score < CONFIDENT:
            continue
        close = [m for m in ranked if _ranking(ranked[0]) - _ranking(m) < _PLAIN]
        # "Barista": baristas, or fast food and counter workers; either way, food service.
        if len({m.occupation.major_group for m in close}) > 1:
            continue
        if ranked[0].occupation not in found:
            found.append(ranked[0].occupation)
    return found


# How far ahead of the next a held title's occupation must be to count as the candidate's family.
_PLAIN = 0.1
