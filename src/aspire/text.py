"""Small, deterministic text helpers shared by the rule checks.

Nothing here is clever on purpose: every verdict a rule gives must be
explainable by pointing at words, so the tools are word lists, a crude
suffix-stripping stemmer and n-gram overlap.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

_WORD = re.compile(r"[\w'\u2019-]+", re.UNICODE)  # \u2019: the typographic apostrophe

STOPWORDS = frozenset(
    """a an the to of and or for in on at with by my our your their its this that these those as into from
    be is are was were been being i me we you he she they it them us will would can could should may might
    must do does did have has had not no so than then there here which who whom what when where how why all
    any each every more most some such also just about over after before up down out very own same other
    both only while through during across within per via s t see myself like want hope aspire envision
    """.split()
)

# Words that say "a career" without saying which one. A plan built only from
# these ("Become a senior manager who leads teams") could belong to anybody,
# so they never count as evidence that it grows from this candidate's field.
GENERIC_CAREER_WORDS = frozenset(
    """become becoming get got getting promoted promotion promote senior junior lead leading leader leaders
    leadership head manager managers management manage managing director directors chief officer executive
    principal expert expertise specialist professional career role roles position job work working team
    teams company companies organisation organization business department group level high top best great
    big strong new key major next results drive driving grow growth growing develop development build
    building help helping others people person day every long term future goal goals plan skill skills
    experience knowledge learn learning master improve improving make making use using run running take
    one two three five years year time success successful impact value ways way world reach achieve
    continue contribute contributing create creating deliver delivering own serve serving bring bringing
    set turn shape guide guiding mentor mentoring train training coach coaching""".split()
)

# Plain words that happen to sit in the worked examples; they carry no one
# trade's content, so copying them is harmless.
EVERYDAY_WORDS = frozenset(
    """enjoy parts today large general program programs practices teaching safety standards raises first
    then most every dependable""".split()
)

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

_SUFFIXES = (
    "izations",
    "ization",
    "ational",
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ions",
    "ion",
    "ers",
    "er",
    "ors",
    "or",
    "ies",
    "es",
    "ed",
    "ly",
    "al",
    "s",
)


def words(text: str) -> list[str]:
    """Lower-cased words; a possessive "'s" is dropped so "Target's" is "target"."""
    return list(_words(text))


# The rules read the same resume and draft many times over; tokenise each text once.
@lru_cache(maxsize=1024)
def _words(text: str) -> tuple[str, ...]:
    found = (w.strip("'\u2019-") for w in _WORD.findall(text.lower()))
    return tuple(w.removesuffix("'s").removesuffix("\u2019s") for w in found if w)


def normalise(text: str) -> str:
    return " ".join(words(text))


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude stem: "nursing", "nurses", "nurse" → "nurs"; "managers", "management" → "manag"."""
    word = word.lower().removesuffix("'s").removesuffix("\u2019s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word[:7]


def content_words(text: str) -> list[str]:
    return list(_content_words(text))


@lru_cache(maxsize=1024)
def _content_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _words(text) if w not in STOPWORDS and not w.isdigit())


@lru_cache(maxsize=1024)
def stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in _content_words(text))


_GENERIC_STEMS = frozenset(stem(w) for w in GENERIC_CAREER_WORDS)


def specific_stems(text: str) -> frozenset[str]:
    """Content-word stems that say something about *this* field or job."""
    return frozenset(s for s in stems(text) if s not in _GENERIC_STEMS and len(s) > 2)


_LEGAL_SUFFIX = re.compile(r"\b(inc|llc|ltd|plc|co|corp|corporation|company|gmbh|group)\b")


def mentions(text: str, name: str) -> bool:
    """Whether ``text`` names ``name``, ignoring case, punctuation and a trailing
    legal suffix ("Acme" counts for "Acme Inc."), or by the short name people use
    ("ClearFlow" for "ClearFlow Plumbing & Heating")."""
    haystack = f" {normalise(text)} "
    full = normalise(name)
    if full and f" {full} " in haystack:
        return True
    core = " ".join(_LEGAL_SUFFIX.sub(" ", full).split())
    if core and f" {core} " in haystack:
        return True
    short = short_name(name)
    return short is not None and re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text) is not None


# Where one clause ends and the speaker starts another: "..., and I would like to ...".
_CLAUSE_BREAK = re.compile(r"[;:]|,\s*(?=(?:and|but|so|then)\s+I\b)", re.IGNORECASE)


def clauses(sentence: str) -> list[str]:
    """A sentence cut where the speaker starts over: "I have learned X, and I will build on it"
    is a claim and a plan. Commas inside a list ("orientation, preceptor program and teams") stay."""
    return [c.strip() for c in _CLAUSE_BREAK.split(sentence) if c.strip()]


def names_company(value: str, company: str) -> bool:
    """Named in full, by its short name, or by its first word as capitalised ("Riverside's
    orientation" for Riverside General Hospital), as people say it in passing."""
    first = next((w for w in company.split() if w.lower() != "the"), "")
    return mentions(value, company) or (len(first) >= 3 and re.search(rf"\b{re.escape(first)}\b", value) is not None)


def short_name(name: str) -> str | None:
    """The leading words a speaker keeps of a long company name, as capitalised in it:
    a first word that is no ordinary English word ("Westbrook", "Copperleaf"), or
    the first two words of a name of three or more ("Mercy Valley")."""
    from .english import is_dictionary_word

    parts = name.split()
    if parts and parts[0].lower() == "the":
        parts = parts[1:]
    if len(parts) < 2:
        return None
    first = parts[0]
    if len(first) >= 4 and first[:1].isupper() and not is_dictionary_word(first):
        return first
    if len(parts) >= 3 and all(p[:1].isupper() for p in parts[:2]):
        return " ".join(parts[:2])
    return None


def abbreviations(text: str, longest: int = 6) -> frozenset[str]:
    """Words written in capitals ("CCRN", "HR", "ACLS"), lower-cased: as specific as whole words,
    though too short for :func:`specific_stems`."""
    return frozenset(a.lower() for a in re.findall(rf"\b[A-Z]{{2,{longest}}}\b", text))


def acronyms(text: str) -> frozenset[str]:
    """Initials of runs of capitalised words, lower-cased: "Human Resources Specialist"
    gives "hr", "rs" and "hrs", so "HR" counts as said when the resume spells it out."""
    found: set[str] = set()
    for run in re.findall(r"(?:\b[A-Z][a-z]+(?:\s+|$)){2,}", text):
        initials = "".join(word[0] for word in run.split()).lower()
        for size in range(2, len(initials) + 1):
            found.update(initials[i : i + size] for i in range(len(initials) - size + 1))
    return frozenset(found)


def shingles(text: str, size: int) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def longest_shared_run(text: str, source: str, *, ignore: Iterable[str] = ()) -> str:
    """The longest run of words ``text`` shares with ``source`` that no text in ``ignore`` also has."""
    tokens = words(text)
    source_text = " " + " ".join(words(source)) + " "
    ignored = [" " + " ".join(words(t)) + " " for t in ignore]

    def shared(start: int, end: int) -> bool:
        return f" {' '.join(tokens[start:end])} " in source_text

    best: list[str] = []
    for start in range(len(tokens)):
        # Only a run longer than the best so far matters, and every part of a
        # shared run is shared: when the next longer one is not, neither is any longer.
        end = start + len(best) + 1
        if end > len(tokens) or not shared(start, end):
            continue
        while end < len(tokens) and shared(start, end + 1):
            end += 1
        # Any part of an ignored run is ignored too, so the whole run decides.
        run = " ".join(tokens[start:end])
        if not any(f" {run} " in other for other in ignored):
            best = tokens[start:end]
    return " ".join(best)


_YEARS = re.compile(r"\b(\d+|" + "|".join(NUMBER_WORDS[1:]) + r")[- ]years?\b", re.IGNORECASE)


def horizon_match(question: str) -> re.Match[str] | None:
    return _YEARS.search(question)


def question_horizon(question: str) -> str | None:
    """ "five years" for "Where do you see yourself in five years?", else None."""
    match = _YEARS.search(question)
    return match.group(0).lower().replace("-", " ") if match else None


def same_horizon(number: str) -> str:
    """A pattern matching ``number`` years written as a digit or a word."""
    lowered = number.lower()
    forms = {lowered}
    if lowered.isdigit() and int(lowered) < len(NUMBER_WORDS):
        forms.add(NUMBER_WORDS[int(lowered)])
    elif lowered in NUMBER_WORDS:
        forms.add(str(NUMBER_WORDS.index(lowered)))
    return r"\b(" + "|".join(sorted(forms)) + r")[- ]years?\b"


_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?%?")


def numbers(text: str) -> list[str]:
    """Numbers written with digits, normalised ("1,200" → "1200")."""
    return [n.replace(",", "").rstrip("%") for n in _NUMBER.findall(text)]


_SENTENCE_BREAK = r"(?<=[.!?;:])\s+|\n+"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(_SENTENCE_BREAK, text) if s.strip()]


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    first, second = frozenset(a), frozenset(b)
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def same_step(first: str, second: str, threshold: float = 0.85) -> bool:
    """The same goal, perhaps under another opening verb ("Build a team of X" / "Lead a team of X")."""
    a, b = content_words(first), content_words(second)
    if jaccard(a, b) >= threshold:
        return True
    # Past the opening verb, a long body said twice is a loop, not a new step.
    rest_a, rest_b = a[1:], b[1:]
    return min(len(rest_a), len(rest_b)) >= 4 and jaccard(rest_a, rest_b) >= threshold


# Sentences sharing this much of their content words say the same thing.
SAME_SENTENCE = 0.7


def _repeats(parts: Sequence[str]) -> list[bool]:
    said: list[list[str]] = []
    flags = []
    for part in parts:
        bag = content_words(part)
        repeat = len(bag) >= 4 and any(jaccard(bag, earlier) >= SAME_SENTENCE for earlier in said)
        if not repeat:
            said.append(bag)
        flags.append(repeat)
    return flags


def repeated_sentences(value: str) -> list[str]:
    """Sentences that say again what an earlier sentence said (a looping model)."""
    parts = sentences(value)
    return [part for part, repeat in zip(parts, _repeats(parts), strict=True) if repeat]


def without_repeated_sentences(value: str) -> str:
    """``value`` less the sentences :func:`repeated_sentences` finds; the rest untouched."""
    pieces = re.split(f"({_SENTENCE_BREAK})", value)
    sentence_pieces = pieces[0::2]
    flags = _repeats(sentence_pieces)
    if not any(flags):
        return value
    gaps = [*pieces[1::2], ""]
    return "".join(p + gap for p, gap, repeat in zip(sentence_pieces, gaps, flags, strict=True) if not repeat).strip()


# Verbs of arriving: they say nothing about *where* a goal arrives.
_ARRIVING = frozenset(stem(w) for w in "get become achieve reach be promoted promotion role position".split())


def reaches(goal: str, aspiration: str) -> bool:
    """Whether a goal arrives at the aspiration: half the words of one are in the other."""
    goal_stems, target = stems(goal) - _ARRIVING, stems(aspiration) - _ARRIVING
    if not goal_stems or not target:
        return normalise(goal) == normalise(aspiration)
    shared = len(goal_stems & target)
    return shared / len(goal_stems) >= 0.5 or shared / len(target) >= 0.5


def proper_names(value: str) -> set[str]:
    """Capitalised words that do not open a sentence and never appear in lower case:
    names of employers, places, products ("Riverside", not "Solar" in "solar panels")."""
    lower_case = set(_WORD.findall(value))
    found = set()
    for sentence in sentences(value):
        for token in sentence.split()[1:]:
            word = token.strip("\"'()[],.;:!?\u201c\u201d").removesuffix("'s").removesuffix("\u2019s")
            if (
                len(word) >= 3
                and word[0].isupper()
                and word.lower() not in STOPWORDS
                and word.lower() not in lower_case
            ):
                found.add(word)
    return found


def latin_script_only(value: str) -> bool:
    """Whether every letter in ``value`` is a Latin letter, accented or not."""
    if value.isascii():  # most text, and a C-speed answer instead of a name lookup per letter
        return True
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in value if ch.isalpha())


_FOREIGN_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")
LONGEST_WORD = 24


def garbled(value: str, inputs: str) -> list[str]:
    """Tokens no one would say: words glued together ("salesthreeyearsrunning",
    "myskills,experience,and", "recommendations_and"), words past 24 letters, or a
    script (Chinese, Japanese, Korean) that the inputs never use. Small models slip
    into all of them, gluing words most when a word limit is near."""
    known = set(inputs.split())
    foreign = {
        ch
        for ch in value
        if ch.isalpha() and ch not in inputs and unicodedata.name(ch, "").startswith(_FOREIGN_SCRIPTS)
    }
    # The inputs are the same for every part of a draft: their tokenisation is cached.
    vocabulary = {w for w in (*_words(inputs), *_words(value)) if 3 <= len(w) < _GLUED_MIN}
    said = {w.removesuffix("s") for w in _words(inputs)}
    found = []
    for token in value.split():
        word = token.strip("\"'()[],.;:!?\u201c\u201d")
        if _HTML_ENTITY.search(word):
            found.append(word)  # markup, even where a resume pasted from a web page has it
            continue
        if word in known or word.lower().removesuffix("s") in said:
            continue  # "microservices" where the resume says "Microservice"
        if (
            len(word) > LONGEST_WORD
            or any(ch in foreign for ch in word)
            or _glued(word.lower(), vocabulary)
            or _GLUED_AT_PUNCTUATION.search(word)
            or _two_words(word, vocabulary)
        ):
            found.append(word)
    return found


_HTML_ENTITY = re.compile(r"&(?:[a-z]{2,8}|#\d{2,5});")
# "flow.Performed", "patients'families": a sentence or a possessive run into the next word;
# "andSupplier", "reducingError": a lower-case word run into a capitalised one (a name such
# as "JavaScript" or "QuickBooks" opens with its capital).
_GLUED_AT_PUNCTUATION = re.compile(r"[a-z]{2}[.!?][A-Z][a-z]|[a-z]{2}['\u2019][a-z]{3,}|^[a-z]{3,}[A-Z][a-z]{3}")
# Two dictionary words run together, one of them a word of the texts ("workforceplanning" where
# the resume says "workforce"), each this long: shorter parts ("workstreams", "freelancers",
# "smartphone") too often make a real compound, and parts the texts never use alone
# ("stakeholders", "boilerplate") are a coined word, not a slip.
_TWO_WORDS_PART = 5
_TWO_WORDS_MIN = 11
# Two words this long each are a slip even where the texts never use them ("brewingtechniques").
_TWO_LONG_WORDS_PART = 7


def _two_words(word: str, vocabulary: set[str]) -> bool:
    from .english import is_dictionary_word

    if len(word) < _TWO_WORDS_MIN or not word.isalpha() or not word.islower() or is_dictionary_word(word):
        return False
    return any(
        (
            word[:cut] in vocabulary
            or word[cut:] in vocabulary
            or word[cut:].removesuffix("s") in vocabulary
            or min(cut, len(word) - cut) >= _TWO_LONG_WORDS_PART
        )
        and is_dictionary_word(word[:cut])
        and is_dictionary_word(word[cut:])
        for cut in range(_TWO_WORDS_PART, len(word) - _TWO_WORDS_PART + 1)
    )


# A token this long that splits into 3+ words the texts use is words glued together;
# shorter ones ("nevertheless") are too often real words.
_GLUED_MIN = 14


def _glued(word: str, vocabulary: set[str]) -> bool:
    if "_" in word.strip("_") or re.search(r"[a-z],[a-z]", word):
        return True  # snake_case or comma-joined words, in prose
    if len(word) < _GLUED_MIN or not word.isalpha():
        return False
    # fewest[i]: the fewest vocabulary words that spell word[:i] (None: none do).
    fewest: list[int | None] = [0, *([None] * len(word))]
    for end in range(3, len(word) + 1):
        for start in range(max(0, end - _GLUED_MIN + 1), end - 2):
            before = fewest[start]
            if before is not None and word[start:end] in vocabulary:
                current = fewest[end]
                fewest[end] = before + 1 if current is None else min(current, before + 1)
    total = fewest[-1]
    return total is not None and total >= 3


# Praise that makes no new item: "Excellent communication skills" is "communication skills".
PRAISE = frozenset("excellent great strong good solid proven exceptional superb outstanding effective".split())


def item_core(item: str) -> frozenset[str]:
    """A list item's words without praise, to tell the same skill said twice."""
    return frozenset(w for w in normalise(item).split() if w not in PRAISE)


def said_twice(items: Sequence[str]) -> str:
    """The first item that says again what an earlier one said ("customer service" after
    "Customer service", "communication skills" after "Excellent communication skills"), or ""."""
    seen: list[frozenset[str]] = []
    for item in items:
        core = item_core(item)
        if core and any(core <= other or other <= core for other in seen):
            return item
        seen.append(core)
    return ""
