"""The rules measured against a reader: drafts a careful reader judged with the rubric
(``evals/RUBRIC.md``), checked again by the rules, and where the two disagree.

A judged draft is one JSON file: the case inputs, the draft, and the reader's
verdict, R1-R5 scores and defect tags from :data:`DEFECT_TAGS`. No model runs
here: the rules read the stored drafts, so the figures change only when the
rules or the judged set do.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..models import CandidateProfile, CheckResult, DraftContent
from ..rules import run_checks

# The one fixed list: tag → (rubric line, what it names). Readers tag with these ids only.
DEFECT_TAGS: dict[str, tuple[str, str]] = {
    "aspiration-pay-place-company": ("R1", "the aspiration is salary, a place, or the company itself"),
    "aspiration-restates-role": ("R1", "the aspiration restates the applied role or the current title"),
    "aspiration-past-achievement": ("R1", "the aspiration restates something the candidate already did"),
    "aspiration-not-a-step-up": ("R1", "the aspiration is lateral, downward, or outside the field"),
    "goal-recycled-achievement": ("R2", "a resume achievement recycled as a future goal"),
    "goal-credential-held": ("R2", "a credential the candidate already holds planned as a goal"),
    "garbled-wording": ("R2", "garbled, truncated or glued words anywhere in the draft"),
    "support-not-target-company": (
        "R2",
        "how the company helps names a past employer or a vendor, or is a pasted resume line",
    ),
    "borrowed-rungs": ("R2", "goals or support lines from another profession"),
    "wrong-field": ("R2", "the aspiration, plan or growth areas belong to another occupation than the candidate's"),
    "plan-vague-or-disordered": ("R2", "goals vague, duplicated, or in no sensible order"),
    "answer-repetition": ("R3", "the answer repeats a sentence or a phrase"),
    "answer-skill-dump": ("R3", "the answer dumps a list of skills into a sentence"),
    "answer-debris": ("R3", "fragments, template or JSON debris, or meta-commentary in the answer"),
    "answer-wrong-company": ("R3", "the answer names the wrong company or a past employer's future"),
    "answer-no-company-help": ("R3", "the answer does not name the company or how it helps"),
    "answer-off-question": ("R3", "the answer does not answer the question as asked"),
    "claim-not-in-inputs": ("R4", "a claim about the candidate's past or present the inputs do not support"),
    "number-altered": ("R4", "a number from the inputs altered, or a number invented"),
    "future-told-as-done": ("R4", "a goal of the plan retold as something already done"),
    "self-assessment-not-skill": (
        "R5",
        "a strength or growth area that is an employer, place, heading, date, title or resume fragment",
    ),
    "growth-area-already-shown": ("R5", "a growth area the resume already shows"),
}

# The rules that stand for each tag. A tagged draft counts as caught for that tag
# only when one of these fails: a draft that fails some other rule for some other
# defect has not been caught for this one.
TAG_RULES: dict[str, tuple[str, ...]] = {
    "aspiration-pay-place-company": ("aspiration-not-salary-location-company", "no-red-flags"),
    "aspiration-restates-role": ("aspiration-beyond-role", "aspiration-long-term"),
    "aspiration-past-achievement": ("aspiration-beyond-role", "aspiration-long-term"),
    "aspiration-not-a-step-up": ("aspiration-beyond-role", "career-relevant", "no-red-flags"),
    "goal-recycled-achievement": ("goals-look-forward",),
    "goal-credential-held": ("goals-look-forward",),
    "garbled-wording": ("goals-actionable", "answer-form", "aspiration-long-term", "answer-is-fluent"),
    "support-not-target-company": ("support-is-the-company", "company-aids"),
    "borrowed-rungs": ("support-is-the-company", "goals-look-forward", "no-prompt-echo", "plan-in-field"),
    "wrong-field": ("plan-in-field", "career-relevant"),
    "plan-vague-or-disordered": ("goals-actionable", "chain-reaches-aspiration", "goals-look-forward"),
    "answer-repetition": ("answer-is-fluent", "answer-form"),
    "answer-skill-dump": ("answer-is-fluent",),
    "answer-debris": ("answer-is-fluent", "answer-form", "no-prompt-echo"),
    "answer-wrong-company": ("answer-is-fluent", "company-aids"),
    "answer-no-company-help": ("company-aids",),
    "answer-off-question": ("answer-form", "answer-aims-ahead"),
    "claim-not-in-inputs": ("claims-are-true", "grounded"),
    "number-altered": ("grounded", "claims-are-true"),
    "future-told-as-done": ("claims-are-true",),
    "self-assessment-not-skill": ("self-assessment-is-real", "grounded"),
    "growth-area-already-shown": ("self-assessment-is-real",),
}

# What the rules must reach on the judged set (issue 13). A tag is held to its
# recall only once the set has this many drafts carrying it.
REJECTED_CAUGHT_TARGET = 0.9
ACCEPTED_PASS_TARGET = 0.9
TAG_RECALL_TARGET = 0.8
TAG_RECALL_MIN_EXAMPLES = 5


class Scores(BaseModel):
    model_config = ConfigDict(extra="forbid")

    R1: int = Field(ge=1, le=5, description="aspiration")
    R2: int = Field(ge=1, le=5, description="plan")
    R3: int = Field(ge=1, le=5, description="answer")
    R4: int = Field(ge=1, le=5, description="truthful")
    R5: int = Field(ge=1, le=5, description="self-assessment")


class Judgement(BaseModel):
    """A reader's verdict on one draft, from the rubric alone."""

    model_config = ConfigDict(extra="forbid")

    verdict: Literal["accept", "reject"]
    scores: Scores
    defects: list[str] = Field(default_factory=list)
    reasons: str = ""
    judge: str = Field(min_length=1, description="who judged, seeing what")

    @field_validator("defects")
    @classmethod
    def _known_tags(cls, value: list[str]) -> list[str]:
        unknown = [tag for tag in value if tag not in DEFECT_TAGS]
        if unknown:
            raise ValueError(f"unknown defect tags {unknown}; use the ids in DEFECT_TAGS (evals/RUBRIC.md)")
        return value


class JudgedDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    # Where the draft came from: embedded-model, article, hand-strong, hand-bad, ...
    origin: str = Field(min_length=1)
    origin_detail: str = ""
    profile: CandidateProfile
    draft: DraftContent
    judgement: Judgement


@dataclass(frozen=True)
class JudgedError:
    source: str
    message: str


def load_judged(paths: Iterable[Path]) -> tuple[list[JudgedDraft], list[JudgedError]]:
    """Every ``*.json`` judged draft under ``paths``, in name order; bad files as errors."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.json")) if path.is_dir() else [path])
    judged: list[JudgedDraft] = []
    errors: list[JudgedError] = []
    seen: set[str] = set()
    for file in files:
        try:
            entry = JudgedDraft.model_validate(json.loads(file.read_text(encoding="utf-8")))
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "the file"
            errors.append(JudgedError(str(file), f"{where}: {str(error['msg']).removeprefix('Value error, ')}"))
            continue
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            errors.append(JudgedError(str(file), str(exc).splitlines()[0]))
            continue
        if entry.id in seen:
            errors.append(JudgedError(str(file), f"duplicate id {entry.id!r}"))
            continue
        seen.add(entry.id)
        judged.append(entry)
    return judged, errors


@dataclass(frozen=True)
class Compared:
    """One judged draft with the rules' verdicts beside the reader's."""

    entry: JudgedDraft
    checks: list[CheckResult]

    @property
    def reader_accepts(self) -> bool:
        return self.entry.judgement.verdict == "accept"

    @property
    def failed_rules(self) -> list[str]:
        return [c.rule for c in self.checks if not c.passed]

    @property
    def rules_pass(self) -> bool:
        return not self.failed_rules

    @property
    def agree(self) -> bool:
        return self.reader_accepts == self.rules_pass


@dataclass(frozen=True)
class TagRecall:
    tag: str
    drafts: int
    caught: int

    @property
    def recall(self) -> float:
        return self.caught / self.drafts if self.drafts else 0.0

    @property
    def held(self) -> bool:
        """Whether the target applies: enough drafts carry the tag to measure it."""
        return self.drafts >= TAG_RECALL_MIN_EXAMPLES


@dataclass(frozen=True)
class Agreement:
    compared: list[Compared]
    errors: list[JudgedError] = field(default_factory=list)

    def count(self, *, reader_accepts: bool, rules_pass: bool) -> int:
        return sum(c.reader_accepts == reader_accepts and c.rules_pass == rules_pass for c in self.compared)

    @property
    def rejected(self) -> int:
        return sum(not c.reader_accepts for c in self.compared)

    @property
    def accepted(self) -> int:
        return sum(c.reader_accepts for c in self.compared)

    @property
    def rejected_caught(self) -> float:
        """Of the drafts the reader rejects, the share that fail at least one rule."""
        return self.count(reader_accepts=False, rules_pass=False) / self.rejected if self.rejected else 0.0

    @property
    def accepted_pass(self) -> float:
        """Of the drafts the reader accepts, the share that pass every rule."""
        return self.count(reader_accepts=True, rules_pass=True) / self.accepted if self.accepted else 0.0

    def tag_recalls(self) -> list[TagRecall]:
        recalls = []
        for tag in DEFECT_TAGS:
            tagged = [c for c in self.compared if tag in c.entry.judgement.defects]
            caught = sum(bool(set(c.failed_rules) & set(TAG_RULES[tag])) for c in tagged)
            recalls.append(TagRecall(tag, len(tagged), caught))
        return recalls

    def missed_targets(self) -> list[str]:
        missed = []
        if self.rejected_caught < REJECTED_CAUGHT_TARGET:
            missed.append(f"rejected drafts failing a rule: {self.rejected_caught:.0%} < {REJECTED_CAUGHT_TARGET:.0%}")
        if self.accepted_pass < ACCEPTED_PASS_TARGET:
            missed.append(f"accepted drafts passing every rule: {self.accepted_pass:.0%} < {ACCEPTED_PASS_TARGET:.0%}")
        for recall in self.tag_recalls():
            if recall.held and recall.recall < TAG_RECALL_TARGET:
                missed.append(f"recall of {recall.tag}: {recall.recall:.0%} < {TAG_RECALL_TARGET:.0%}")
        return missed


def compare(judged: Sequence[JudgedDraft], errors: Sequence[JudgedError] = ()) -> Agreement:
    return Agreement([Compared(entry, run_checks(entry.draft, entry.profile)) for entry in judged], list(errors))


def agreement_to_text(agreement: Agreement, *, show_agreeing: bool = False) -> str:
    """The confusion table, the three targets, recall per tag, and the drafts where reader and rules disagree."""
    a = agreement
    lines = [
        f"{len(a.compared)} judged drafts: the reader accepts {a.accepted}, rejects {a.rejected}",
        "",
        f"{'':<22}{'rules pass':>12}{'rules fail':>12}",
        f"{'reader accepts':<22}{a.count(reader_accepts=True, rules_pass=True):>12}"
        f"{a.count(reader_accepts=True, rules_pass=False):>12}",
        f"{'reader rejects':<22}{a.count(reader_accepts=False, rules_pass=True):>12}"
        f"{a.count(reader_accepts=False, rules_pass=False):>12}",
        "",
        _target_line("rejected drafts failing a rule", a.rejected_caught, REJECTED_CAUGHT_TARGET),
        _target_line("accepted drafts passing every rule", a.accepted_pass, ACCEPTED_PASS_TARGET),
        "",
        f"recall per defect tag (drafts carrying it that fail one of its rules; target {TAG_RECALL_TARGET:.0%} "
        f"from {TAG_RECALL_MIN_EXAMPLES} drafts):",
    ]
    for recall in a.tag_recalls():
        if not recall.drafts:
            continue
        mark = ("ok" if recall.recall >= TAG_RECALL_TARGET else "MISSED") if recall.held else "too few to hold"
        lines.append(f"  {recall.tag:<30}{recall.caught:>3} of {recall.drafts:<3}{recall.recall:>6.0%}  {mark}")
    disagreements = [c for c in a.compared if show_agreeing or not c.agree]
    if disagreements:
        lines += ["", "where they disagree:" if not show_agreeing else "every draft:"]
        for c in disagreements:
            reader = c.entry.judgement.verdict.upper()
            rules = "rules pass" if c.rules_pass else "rules fail: " + ", ".join(c.failed_rules)
            tags = ", ".join(c.entry.judgement.defects) or "no defects"
            lines.append(f"  {c.entry.id}: reader {reader} ({tags}); {rules}")
    for error in a.errors:
        lines.append(f"  unreadable: {error.source}: {error.message}")
    missed = a.missed_targets()
    lines += ["", "targets met" if not missed else "targets missed: " + "; ".join(missed)]
    return "\n".join(lines)


def _target_line(label: str, value: float, target: float) -> str:
    return f"{label:<36}{value:>6.0%}  (target {target:.0%}: {'met' if value >= target else 'MISSED'})"
