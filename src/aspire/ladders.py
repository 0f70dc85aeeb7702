"""Career ladders from common fields, shown to the model as worked examples.

Examples from the candidate's own field show the ladder (learn, master, project,
credential, promotion) without carrying another trade's words into the draft:
three fixed professions leaked "field hours" into an accountant's plan.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from . import prompts, resume_facts, text
from .models import CandidateProfile

FIELDS_SHOWN = 2


@dataclass(frozen=True)
class CareerField:
    """One field's ladder, shown as an example to candidates close to it."""

    field: str
    words: frozenset[str]
    role: str
    aspirations: tuple[str, str]
    support: tuple[str, ...]
    # Skills the field's upper rungs need: growth areas when the model's own fall short.
    growth: tuple[str, ...]
    goals: tuple[str, ...]


@cache
def career_fields() -> tuple[CareerField, ...]:
    data = json.loads((prompts.template_dir() / "steps" / "fields.json").read_text(encoding="utf-8"))
    return tuple(
        CareerField(
            field=item["field"],
            words=text.stems(item["words"]),
            role=item["role"],
            aspirations=(item["aspirations"][0], item["aspirations"][1]),
            support=tuple(item["support"]),
            growth=tuple(item["growth"]),
            goals=tuple(item["goals"]),
        )
        for item in data["fields"]
    )


def close_fields(profile: CandidateProfile, count: int = FIELDS_SHOWN) -> list[CareerField]:
    """The fields nearest the candidate's: their role and titles count most, then skills and texts.

    Examples from one's own field show the ladder without carrying another trade's
    words into the draft ("field hours" in an accountant's plan).
    """
    titles = " ".join([profile.role or "", *resume_facts.titles(profile.resume)])
    near = text.stems(titles)
    around = text.stems(" ".join([*profile.skills, profile.resume, profile.job_description or ""]))

    def closeness(field: CareerField) -> tuple[int, int]:
        return (3 * len(field.words & near) + len(field.words & around), -career_fields().index(field))

    return sorted(career_fields(), key=closeness, reverse=True)[:count]
