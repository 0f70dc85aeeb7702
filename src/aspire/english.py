"""English word knowledge from lemminflect's dictionary (shipped inside the package;
nothing is fetched at run time).

A closed list of action verbs nagged good goals ("Buddy new starters", "Lift the
team's quality scores", "Cross-train on every station"); a dictionary of English
verb forms knows them all.
"""

from __future__ import annotations

import re
from functools import lru_cache

import lemminflect


@lru_cache(maxsize=1 << 14)
def is_base_verb(word: str) -> bool:
    """Whether ``word`` is the base form of an English verb ("help", "cross-train"), as an imperative is."""
    word = word.lower()
    if "-" in word:
        return is_base_verb(word.rsplit("-", 1)[1])
    return word in lemminflect.getAllLemmas(word, upos="VERB").get("VERB", ())


@lru_cache(maxsize=1 << 14)
def is_verb_form(word: str) -> bool:
    """Whether ``word`` is any form of an English verb ("trained", "run", "leads")."""
    return bool(lemminflect.getAllLemmas(word.lower(), upos="VERB"))


@lru_cache(maxsize=1 << 14)
def is_dictionary_word(word: str) -> bool:
    """Whether ``word`` is an ordinary English word (any part of speech), not a coined name."""
    return bool(lemminflect.getAllLemmas(word.lower()))


def opens_with_action(words: list[str]) -> bool:
    """Whether a goal's words open with a verb, perhaps after an adverb ("Consistently meet…")."""
    if not words:
        return False
    first = words[0]
    if first.endswith("ly") and len(words) > 1 and not is_base_verb(first):
        first = words[1]
    return is_base_verb(first)


@lru_cache(maxsize=1 << 14)
def is_past_tense(word: str) -> bool:
    """Whether ``word`` is a verb's simple past ("managed", "ran")."""
    word = word.lower()
    return any(word in lemminflect.getInflection(lemma, "VBD") for lemma in _verb_lemmas(word))


def past_tense(word: str) -> str | None:
    """The simple past of a present-tense verb ("collaborate", "leads" → "collaborated", "led");
    None when ``word`` is already past or no verb."""
    lower = word.lower()
    if is_past_tense(lower):
        return None
    for lemma in _verb_lemmas(lower):
        if lower in (lemma, *lemminflect.getInflection(lemma, "VBZ")):
            return str(lemminflect.getInflection(lemma, "VBD")[0])
    return None


def verb_lemmas(word: str) -> tuple[str, ...]:
    """The verbs ``word`` can be a form of ("putting" → "put")."""
    return _verb_lemmas(word.lower())


_FORM_TAGS = {"VB": "bare", "VBP": "bare", "VBZ": "third person", "VBG": "-ing", "VBD": "past", "VBN": "past"}


def verb_forms(word: str) -> frozenset[str]:
    """The forms ``word`` takes as a verb: "install" → bare, "putting" → -ing, "put" → bare and
    past, "issues" → third person; empty for no verb."""
    lower = word.lower()
    return frozenset(
        form
        for lemma in _verb_lemmas(lower)
        for tag, form in _FORM_TAGS.items()
        if lower in lemminflect.getInflection(lemma, tag)
    )


def simple_past(lemma: str) -> str:
    """ "install" → "installed", "put" → "put"."""
    forms = lemminflect.getInflection(lemma, "VBD")
    return str(forms[0]) if forms else lemma


def _verb_lemmas(word: str) -> tuple[str, ...]:
    return tuple(lemminflect.getAllLemmas(word, upos="VERB").get("VERB", ()))


# Letters whose names start with a vowel sound: "an HR partner", "an MBA", "an RN".
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")


def indefinite_article(phrase: str) -> str:
    """ "a" or "an" for what follows: "an office manager", "an HR business partner", "a unit"."""
    first = phrase.split()[0] if phrase.split() else ""
    if len(first) > 1 and first.isupper():
        return "an" if first[0] in _VOWEL_SOUND_LETTERS else "a"
    if first.lower().startswith(("uni", "use", "usu", "euro", "one")):
        return "a"
    if first.lower().startswith(("hour", "honest", "honour", "honor")):
        return "an"
    return "an" if first[:1].lower() in "aeiou" else "a"


_ARTICLE_BEFORE_ACRONYM = re.compile(r"\b([Aa]n?) ([A-Z]{2,})\b")


def fix_acronym_articles(sentence: str) -> str:
    """ "a HR business partner" → "an HR business partner": the model writes the article for
    the word's spelling, a reader hears its sound."""

    def fixed(match: re.Match[str]) -> str:
        article = indefinite_article(match.group(2))
        if match.group(1)[0].isupper():
            article = article.capitalize()
        return f"{article} {match.group(2)}"

    return _ARTICLE_BEFORE_ACRONYM.sub(fixed, sentence)


# Things one is given one of: "an HR certification program", "a leadership development program".
_COUNTED = frozenset("program programme course team pathway track project plan induction rotation role mentor".split())
# What is given as a whole, with no article: "support for…", "paid training…", "ownership of…".
_UNCOUNTED_OPENINGS = frozenset(
    """support time training coaching mentoring ownership input access funding tuition study paid onboarding
    help guidance reviews projects rotations opportunities chances""".split()
)
DETERMINERS = frozenset("a an the its their our my your this that these those every each some".split())


def with_article(phrase: str) -> str:
    """A support line as said after "by providing": "HR certification program" → "an HR
    certification program", "unit's quality improvement team" → "the unit's quality improvement
    team"; "support for CPHR certification" and "the company's course" stay as they are."""
    words = phrase.split()
    if not words or words[0].lower() in DETERMINERS or (words[0][:1].isupper() and "'" in words[0]):
        return phrase
    if words[0].lower().endswith(("'s", "\u2019s")):
        return f"the {phrase}"
    if words[-1].lower() in _COUNTED and words[0].lower() not in _UNCOUNTED_OPENINGS:
        return f"{indefinite_article(phrase)} {phrase}"
    return phrase
