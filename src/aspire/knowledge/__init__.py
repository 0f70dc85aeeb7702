"""Occupational knowledge from the O*NET database, shipped inside aspire (``onet.sqlite``).

``lookup`` answers "which occupation is this job title, and where does it lead?", the
question ``aspire occupation`` asks; :mod:`aspire.ladders` builds a draft's worked
ladder from the same answers. Source, release and licence: :func:`store.meta`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .matching import CONFIDENT, OccupationMatch, match_title
from .paths import StepUp, step_ups
from .store import Occupation, get, meta

__all__ = ["CONFIDENT", "Lookup", "Occupation", "OccupationMatch", "StepUp", "get", "lookup", "meta"]

_CODE = re.compile(r"^\s*\d\d-\d{4}(\.\d\d)?\s*$")


@dataclass(frozen=True)
class Lookup:
    match: OccupationMatch | None
    step_ups: tuple[StepUp, ...]

    def as_dict(self) -> dict[str, object]:
        if self.match is None:
            return {"match": None, "alternatives": [], "step_ups": []}
        found = self.match
        return {
            "match": {
                "code": found.code,
                "title": found.occupation.title,
                "confidence": round(found.confidence, 2),
                "confident": found.confident,
                "matched_on": list(found.matched_on),
                "job_zone": found.occupation.job_zone,
                "major_group": f"{found.occupation.major_group} {found.occupation.major_group_title}",
            },
            "alternatives": [
                {
                    "code": m.code,
                    "title": m.occupation.title,
                    "score": round(m.score, 2),
                    "matched_on": list(m.matched_on),
                }
                for m in found.alternatives[:5]
            ],
            "step_ups": [
                {"title": s.title, "code": s.code, "occupation": s.occupation.title, "why": s.why}
                for s in self.step_ups
            ],
        }


def lookup(title_or_code: str, context: str = "") -> Lookup:
    """The occupation a job title names (or an O*NET-SOC code's), and its step-up occupations;
    ``context`` (a resume's text) settles titles that name several occupations."""
    if _CODE.match(title_or_code):
        chosen = get(title_or_code)
        found: OccupationMatch | None = OccupationMatch(chosen, 1.0, (chosen.title,), "chosen", title_or_code)
    else:
        found = match_title(title_or_code, "the title given", context)
    return Lookup(found, tuple(step_ups(found.occupation)) if found else ())
