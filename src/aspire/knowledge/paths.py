"""Where an occupation leads, from O*NET: step-up occupations, what they need, how they are said.

A step up from an occupation is, in O*NET's own terms, one of:

- the first-line supervisors of its major group ("First-Line Supervisors of Construction
  Trades and Extraction Workers" above electricians);
- an occupation O*NET lists as related to it (either way round) that needs more preparation
  (a higher Job Zone: pharmacists above pharmacy technicians, nurse practitioners above
  registered nurses), or that manages it (a ``11-`` management occupation);
- a senior title of the occupation itself, from the titles its workers reported
  ("ASE Master Mechanic").

Each is said as one of its own titles, the one closest in words to the candidate's
occupation ("electrical superintendent" rather than "construction foreman" for an
electrician). What a step up needs that the candidate's occupation does not is read from
O*NET's ratings of skills and knowledge and from its detailed work activities.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from lemminflect import getInflection

from .matching import related_ids, terms
from .store import Occupation, by_id, connection, occupations

# Words that make a title a rung above the same work.
_SENIOR = re.compile(
    r"\b(senior|lead|master|chief|head|principal|charge|supervisor|superintendent|foreman|regional|district|area)\b",
    re.I,
)
_LEADS = re.compile(r"\b(supervisor|manager|director|superintendent|foreman|forewoman|chief|head)\b", re.I)
# Titles no one would say of themselves in an interview.
_UNSAYABLE = re.compile(r"[()/\\,&]|\b(all other|except|n\.e\.c|helpers?--)\b", re.I)
_MAX_TITLE_WORDS = 4

# O*NET's skill and knowledge names as a candidate would name a growth area: those that grow with
# a step up (leading, planning, money, people). The basics every job rates (reading, listening)
# are no growth area a coach lets stand, and a domain's own knowledge ("Psychology" for a
# judge's work) read as noise beside the paralegal it was offered to; the step up's own work
# activities say what is new in the domain.
GROWTH_NAMES = {
    "Coordination": "team coordination",
    "Persuasion": "persuasion",
    "Negotiation": "negotiation",
    "Instructing": "staff training",
    "Operations Analysis": "operations analysis",
    "Quality Control Analysis": "quality control",
    "Judgment and Decision Making": "operational decision making",
    "Systems Evaluation": "performance reviews",
    "Management of Financial Resources": "budget management",
    "Management of Material Resources": "resource planning",
    "Management of Personnel Resources": "people management",
    "Administration and Management": "business planning",
    "Economics and Accounting": "budgeting and cost control",
    "Personnel and Human Resources": "recruitment and staff development",
    "Education and Training": "training design",
    "Law and Government": "regulations and compliance",
}


@dataclass(frozen=True)
class StepUp:
    """An occupation above another, as a candidate would name it."""

    occupation: Occupation
    title: str  # "electrical superintendent"
    why: str  # "first-line supervisors of its group", "related, more preparation", "a senior title"
    rungs: int  # about how many promotions above: 1 a senior title, 2 a supervisor, 3 a manager

    @property
    def code(self) -> str:
        return self.occupation.code


@cache
def _titles(occ: int) -> tuple[tuple[str, str], ...]:
    rows = connection().execute("SELECT title, kind FROM title WHERE occ = ? ORDER BY seq", (occ,)).fetchall()
    return tuple((t, k) for t, k in rows)


@cache
def vocabulary(occ: int) -> frozenset[str]:
    """The words of an occupation's own titles (its name for itself, and what workers call it)."""
    return frozenset(t for title, _ in _titles(occ) for t in terms(title))


def _said(title: str) -> str:
    """ "Electrical Superintendent" → "electrical superintendent"; "RN Case Manager" keeps "RN"."""
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in title.split())


_KIND_WEIGHT = {"common": 0.3, "title": 0.0, "reported": 0.2, "alternate": 0.1, "short": 0.0}


@cache
def _term_shares(occ: int) -> dict[str, float]:
    """How many of an occupation's titles hold each word: "electrician" most of electricians'
    titles, "mine" a few. A title of common words is one people say."""
    titles = [frozenset(terms(t)) for t, _ in _titles(occ)]
    counts: dict[str, int] = {}
    for said in titles:
        for term in said:
            counts[term] = counts.get(term, 0) + 1
    return {term: n / len(titles) for term, n in counts.items()} if titles else {}


def speakable_title(
    occupation: Occupation,
    near: Occupation | None = None,
    *,
    leading: bool = False,
    other_than: frozenset[str] = frozenset(),
) -> str:
    """The occupation's title a person would say: of words common among its titles, and of
    words common among ``near``'s (the candidate's occupation: "electrical foreman" for an
    electrician, among the construction supervisors' titles); short, no brackets, none of
    ``other_than`` (the candidate's own occupation's titles: a head chef is no "cook")."""
    own = _term_shares(occupation.id)
    close = _term_shares(near.id) if near else {}
    best: tuple[float, str] | None = None
    for title, kind in _titles(occupation.id):
        # "Nurse Practitioner (NP)": the title, without its abbreviation.
        title = re.sub(r"\s*\([^)]*\)", "", title).strip()
        if kind in {"title", "short"} or _UNSAYABLE.search(title) or len(title.split()) > _MAX_TITLE_WORDS:
            continue
        if (leading and not _LEADS.search(title)) or title.lower() in other_than:
            continue
        said = terms(title)
        if not said:
            continue
        centre = sum(own.get(t, 0.0) for t in said) / len(said)
        kin = sum(close.get(t, 0.0) for t in said) / len(said)
        # A supervisor's title is said in the candidate's words ("electrical foreman"); another
        # profession's in its own ("pharmacist", not "pharmacy coordinator").
        score = centre + (1.5 if leading else 0.5) * kin + _KIND_WEIGHT.get(kind, 0.0) - 0.05 * len(said)
        if best is None or score > best[0]:
            best = (score, title)
    if best is None:
        return "" if leading else _singular(occupation.title)
    return _said(best[1])


@cache
def own_titles(occ: int) -> frozenset[str]:
    return frozenset(re.sub(r"\s*\([^)]*\)", "", t).strip().lower() for t, _ in _titles(occ))


def _singular(title: str) -> str:
    """ "Pharmacists" → "pharmacist"; an occupation's name when it has no title to say."""
    first = re.split(r",| and | or ", title, maxsplit=1)[0].strip()
    words = first.split()
    if words:
        last = words[-1]
        lemma = getInflection(last, tag="NN")
        words[-1] = lemma[0] if lemma and last.endswith("s") else last
    return _said(" ".join(words))


def _major_supervisors(occupation: Occupation) -> list[Occupation]:
    group = occupation.major_group
    return [o for o in occupations() if o.major_group == group and o.title.startswith("First-Line Supervisors")]


_TIER_WEIGHT = {"Primary-Short": 3.0, "Primary-Long": 2.0, "Supplemental": 1.0}


@cache
def _related_tiers(occ: int) -> dict[int, str]:
    rows = connection().execute("SELECT related, tier FROM related WHERE occ = ?", (occ,)).fetchall()
    return dict(rows)


def primary_related(occ: int) -> frozenset[int]:
    """The occupations O*NET lists as most related to ``occ`` (its primary tiers), either way round."""
    both = {**listing(occ), **_related_tiers(occ)}
    return frozenset(other for other, tier in both.items() if tier.startswith("Primary"))


@cache
def listing(occ: int) -> dict[int, str]:
    """Occupations that list ``occ`` as related, with the tier they give it."""
    rows = connection().execute("SELECT occ, tier FROM related WHERE related = ?", (occ,)).fetchall()
    return dict(rows)


def step_ups(occupation: Occupation, limit: int = 5) -> list[StepUp]:
    """Occupations above ``occupation`` in its own family, the likeliest first."""
    own = vocabulary(occupation.id)
    zone = occupation.job_zone or 0
    scored: dict[int, tuple[float, str, int]] = {}

    def offer(candidate: Occupation, score: float, why: str, rungs: int) -> None:
        if candidate.id == occupation.id or "All Other" in candidate.title or "Postsecondary" in candidate.title:
            return
        shared = len(own & vocabulary(candidate.id))
        total = score + min(3, shared) * 1.0 + (1.0 if candidate.major_group == occupation.major_group else 0.0)
        if candidate.id not in scored or total > scored[candidate.id][0]:
            scored[candidate.id] = (total, why, rungs)

    leads_now = occupation.is_supervisor or occupation.is_manager
    if not leads_now:
        for supervisor in _major_supervisors(occupation):
            tier = _related_tiers(occupation.id).get(supervisor.id) or listing(occupation.id).get(supervisor.id)
            offer(supervisor, 2.0 + _TIER_WEIGHT.get(tier or "", 0.0), "the first-line supervisors of its group", 2)
    neighbours = {**listing(occupation.id), **_related_tiers(occupation.id)}
    for other_id, tier in neighbours.items():
        other = by_id(other_id)
        other_zone = other.job_zone or 0
        if other.is_manager and not occupation.is_manager:
            offer(other, _TIER_WEIGHT[tier] + 1.0, "a management occupation related to it", 3)
        elif other.is_supervisor and not leads_now:
            offer(other, _TIER_WEIGHT[tier] + 1.0, "supervisors related to it", 2)
        elif zone and zone < other_zone <= zone + 2 and not other.is_supervisor and not occupation.is_manager:
            # (For a manager, a job needing more preparation is another career: physicians.)
            # More preparation in the same line of work: shared title words count for much.
            offer(
                other, _TIER_WEIGHT[tier], "related, with more preparation (a higher Job Zone)", other_zone - zone + 1
            )
    # The supervisors' own managers: a construction manager above the construction supervisors.
    for supervisor_id, (_, why, _) in list(scored.items()):
        if why.startswith("the first-line"):
            for manager_id, tier in _related_tiers(supervisor_id).items():
                manager = by_id(manager_id)
                if manager.is_manager and manager.major_group == "11":
                    offer(manager, _TIER_WEIGHT[tier] - 0.5, "managers of its supervisors' work", 3)
    if occupation.is_manager and occupation.code not in _TOP:
        # Above a manager of one function stand the managers of the whole operation.
        offer(_general_managers(), 0.5, "general management, above a function's managers", 3)
    if len(scored) < 2 and not occupation.is_manager:
        # Professions at the top of their Job Zone (a physical therapist) step up into managing
        # the work of their neighbours: the managers O*NET lists beside their related occupations.
        for other_id in neighbours:
            for manager_id, tier in {**listing(other_id), **_related_tiers(other_id)}.items():
                manager = by_id(manager_id)
                if manager.is_manager and manager.major_group == "11":
                    offer(manager, _TIER_WEIGHT[tier] - 1.5, "managers of the work of its related occupations", 3)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], by_id(item[0]).code))
    mine = own_titles(occupation.id)
    near = _term_shares(occupation.id)
    named: list[tuple[float, StepUp]] = []
    for other_id, (score, why, rungs) in ranked[: limit * 3]:
        other = by_id(other_id)
        title = speakable_title(other, occupation, leading=other.is_supervisor or other.is_manager, other_than=mine)
        title = title or speakable_title(other, occupation, other_than=mine)
        if not title or any(title == s.title for _, s in named):
            continue
        # A step up said in the candidate's own words comes first: "branch manager" and "loan
        # officer" for a personal banker, before "trader" (O*NET's securities agents).
        said = terms(title)
        kin = sum(near.get(t, 0.0) for t in said) / len(said) if said else 0.0
        named.append((score + 4.0 * kin, StepUp(other, title, why, rungs)))
    named.sort(key=lambda pair: -pair[0])
    found = [step for _, step in named]
    senior = senior_title(occupation)
    if senior:
        found.insert(min(2, len(found)), StepUp(occupation, senior, "a senior title of the occupation", 1))
    return found[:limit]


def _heads(occupation: Occupation) -> frozenset[str]:
    """The nouns an occupation's name is about: "Paralegals and Legal Assistants" → paralegal,
    assistant; "General and Operations Managers" → manager."""
    name = re.split(r",|\bof\b|\(", occupation.title, maxsplit=1)[0]
    found = set()
    for part in re.split(r"\band\b|\bor\b", name):
        said = terms(part)
        if said and part.strip().endswith("s"):
            found.add(said[-1])
    return frozenset(found)


# Chief executives, and general and operations managers: the top of every line of work.
_TOP = frozenset({"11-1011.00", "11-1021.00"})


def _general_managers() -> Occupation:
    return next(o for o in occupations() if o.code == "11-1021.00")


def senior_title(occupation: Occupation) -> str:
    """A rung up within the occupation, from its workers' own titles ("master electrician",
    "district manager"): a rank word, and the occupation's own noun as the title's last word."""
    heads = _heads(occupation)
    best = ""
    for title, kind in _titles(occupation.id):
        title = re.sub(r"\s*\([^)]*\)", "", title).strip()
        if kind == "short" or _UNSAYABLE.search(title) or len(title.split()) > 3 or not _SENIOR.search(title):
            continue
        said = terms(title)
        if said and said[-1] in heads and (not best or len(title) < len(best)):
            best = _said(title)
    return best


@cache
def _ratings(occ: int) -> dict[str, tuple[float, float]]:
    query = (
        "SELECT n.name, e.importance, e.level FROM element e JOIN element_name n ON n.id = e.element WHERE e.occ = ?"
    )
    rows = connection().execute(query, (occ,)).fetchall()
    return {name: ((im or 0) / 100, (lv or 0) / 100) for name, im, lv in rows}


def growth_needs(target: Occupation, current: Occupation | None, limit: int = 4) -> list[str]:
    """What ``target`` needs more of than ``current`` (or than an average job), as growth areas:
    its skills and knowledge rated most above the current occupation's, said plainly."""
    wanted = _ratings(target.id)
    have = _ratings(current.id) if current else {}
    gaps = []
    for name, (importance, level) in wanted.items():
        if name not in GROWTH_NAMES or importance < 3.0:
            continue
        had_importance, had_level = have.get(name, (2.5, 2.5))
        gaps.append((importance - had_importance + 0.5 * (level - had_level), name))
    gaps.sort(key=lambda pair: (-pair[0], pair[1]))
    return [GROWTH_NAMES[name] for gap, name in gaps if gap > 0][:limit]


@cache
def activities(occ: int) -> tuple[str, ...]:
    """An occupation's detailed work activities, those covering most of its tasks first."""
    rows = (
        connection()
        .execute("SELECT d.title FROM activity a JOIN dwa d ON d.id = a.dwa WHERE a.occ = ? ORDER BY a.seq", (occ,))
        .fetchall()
    )
    return tuple(t for (t,) in rows)


def as_gerund(activity: str) -> str:
    """ "Direct construction personnel" → "directing construction personnel"."""
    verb, _, rest = activity.partition(" ")
    forms = getInflection(verb.lower(), tag="VBG")
    return f"{forms[0] if forms else verb.lower()} {rest}".strip()


@cache
def technologies(occ: int) -> tuple[str, ...]:
    """The software an occupation's workers use that employers look for (O*NET's hot technologies)."""
    rows = (
        connection()
        .execute("SELECT example FROM technology WHERE occ = ? AND hot = 1 ORDER BY in_demand DESC, seq", (occ,))
        .fetchall()
    )
    return tuple(t for (t,) in rows)


def family_terms(occupation: Occupation, step_ups_: Sequence[StepUp] = ()) -> frozenset[str]:
    """The words that belong to an occupation's line of work: its titles and tasks, and those
    of the occupations it leads to and is related to."""
    ids = {occupation.id, *related_ids(occupation.id), *(s.occupation.id for s in step_ups_)}
    return frozenset(t for occ in ids for t in (*vocabulary(occ), *_task_words(occ)))


@cache
def _task_words(occ: int) -> frozenset[str]:
    rows = connection().execute("SELECT task FROM task WHERE occ = ?", (occ,)).fetchall()
    return frozenset(t for (task,) in rows for t in terms(task))
