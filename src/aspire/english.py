"""English word knowledge from lemminflect's dictionary (shipped inside the package;
nothing is fetched at run time).

A closed list of action verbs nagged good goals ("Buddy new starters", "Lift the
team's quality scores", "Cross-train on every station"); a dictionary of English
verb forms knows them all.
"""

from __future__ import annotations

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
