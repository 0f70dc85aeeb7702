"""The rules measured against a reader's verdicts (`aspire eval --judged`), on small made-up sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aspire.evaluation.judged import DEFECT_TAGS, compare, load_judged
from aspire.models import GeneratedContent, complete_content

from .conftest import STORE_PROFILE, good_reply_data, run_cli

PROFILE = STORE_PROFILE


def draft(**changes: Any) -> dict[str, Any]:
    data = good_reply_data("Target")
    data["plan"] |= changes
    return complete_content(GeneratedContent.model_validate(data), PROFILE).model_dump(mode="json")


def entry(entry_id: str, verdict: str, defects: list[str], content: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entry_id,
        "origin": "test",
        "profile": PROFILE.model_dump(mode="json"),
        "draft": content,
        "judgement": {
            "verdict": verdict,
            "scores": {"R1": 4, "R2": 4, "R3": 4, "R4": 5, "R5": 4},
            "defects": defects,
            "reasons": "made up for a test",
            "judge": "a test",
        },
    }


SALARY = {
    "aspiration": "Earn a six-figure salary",
    "aspirations": [
        {"aspiration": "Earn a six-figure salary", "reason": "Pay matters."},
        {"aspiration": "Run a flagship store as a district leader", "reason": "Builds on store leadership."},
    ],
}


def write(folder: Path, *entries: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for item in entries:
        (folder / f"{item['id']}.json").write_text(json.dumps(item), encoding="utf-8")
    return folder


def test_confusion_table_rates_and_disagreements(tmp_path):
    folder = write(
        tmp_path / "judged",
        entry("good", "accept", [], draft()),
        entry("salary", "reject", ["aspiration-pay-place-company"], draft(**SALARY)),
        # The reader rejects what the rules pass: the disagreement the report must show.
        entry("missed", "reject", ["answer-repetition"], draft()),
    )
    judged, errors = load_judged([folder])
    assert not errors and [j.id for j in judged] == ["good", "missed", "salary"]
    agreement = compare(judged)
    assert agreement.count(reader_accepts=True, rules_pass=True) == 1
    assert agreement.count(reader_accepts=False, rules_pass=False) == 1
    assert agreement.count(reader_accepts=False, rules_pass=True) == 1
    assert agreement.rejected_caught == 0.5 and agreement.accepted_pass == 1.0
    recalls = {r.tag: r for r in agreement.tag_recalls()}
    assert (recalls["aspiration-pay-place-company"].caught, recalls["answer-repetition"].caught) == (1, 0)
    assert not recalls["answer-repetition"].held  # one example: reported, not held to the target
    assert agreement.missed_targets() == ["rejected drafts failing a rule: 50% < 90%"]


def test_a_tag_with_five_examples_is_held_to_its_recall(tmp_path):
    entries = [entry(f"rep{n}", "reject", ["answer-repetition"], draft()) for n in range(5)]
    agreement = compare(load_judged([write(tmp_path / "j", *entries)])[0])
    assert "recall of answer-repetition: 0% < 80%" in agreement.missed_targets()


def test_unknown_tags_duplicates_and_broken_files_are_errors(tmp_path):
    folder = write(tmp_path / "judged", entry("a", "reject", ["made-up-tag"], draft()))
    (folder / "copy.json").write_text(json.dumps(entry("b", "accept", [], draft())), encoding="utf-8")
    (folder / "dup.json").write_text(json.dumps(entry("b", "accept", [], draft())), encoding="utf-8")
    (folder / "torn.json").write_text("{", encoding="utf-8")
    judged, errors = load_judged([folder])
    assert [j.id for j in judged] == ["b"]
    messages = " | ".join(e.message for e in errors)
    assert "unknown defect tags ['made-up-tag']" in messages and "duplicate id 'b'" in messages
    assert len(errors) == 3


def test_every_tag_belongs_to_a_rubric_line():
    assert {line for line, _ in DEFECT_TAGS.values()} == {"R1", "R2", "R3", "R4", "R5"}


def test_cli_prints_the_table_and_exits_1_when_a_target_is_missed(tmp_path, capsys):
    folder = write(
        tmp_path / "judged",
        entry("good", "accept", [], draft()),
        entry("missed", "reject", ["answer-repetition"], draft()),
    )
    code, out, err = run_cli(capsys, "eval", "--judged", str(folder))
    assert code == 1, err
    assert "reader rejects" in out and "where they disagree:" in out
    assert "missed: reader REJECT (answer-repetition); rules pass" in out
    assert "targets missed: rejected drafts failing a rule: 0% < 90%" in out


def test_cli_exits_0_when_reader_and_rules_agree(tmp_path, capsys):
    folder = write(
        tmp_path / "judged",
        entry("good", "accept", [], draft()),
        entry("salary", "reject", ["aspiration-pay-place-company"], draft(**SALARY)),
    )
    code, out, _ = run_cli(capsys, "eval", "--judged", str(folder))
    assert code == 0 and out.rstrip().endswith("targets met")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval"], "give eval case files or folders and --out DIR (or --judged DIR)"),
        (["eval", "evals/cases"], "give eval case files or folders and --out DIR"),
        (["eval", "--judged", "evals/judged", "--out", "x"], "--judged without case paths measures stored drafts"),
        (["eval", "--judged", "no/such/folder"], "no such judged set: no/such/folder"),
    ],
)
def test_cli_usage_errors(capsys, argv, message):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and err.startswith("aspire: error:") and message in err


# --- the nags the judged set found: good drafts the rules failed


@pytest.mark.parametrize(
    "goal",
    [
        "Buddy new starters on the floor",
        "Consistently meet Telstra's quality targets",
        "Cross-train on every station on the line",
        "Help run mock codes for ICU staff",
        "Lift my team's customer satisfaction results",
    ],
)
def test_goals_that_open_with_any_english_verb_are_actions(goal):
    from aspire.rulebase import Subject
    from aspire.rules import goals_actionable

    content = complete_content(GeneratedContent.model_validate(good_reply_data("Target")), PROFILE)
    content.plan.goals[2].goal = goal
    result = goals_actionable(Subject.from_draft(content, PROFILE))
    assert result.passed, result.evidence


def test_goals_that_open_with_a_noun_are_still_not_actions():
    from aspire.rulebase import Subject
    from aspire.rules import goals_actionable

    content = complete_content(GeneratedContent.model_validate(good_reply_data("Target")), PROFILE)
    content.plan.goals[2].goal = "Customer service excellence across the store"
    assert "does not start with an action" in goals_actionable(Subject.from_draft(content, PROFILE)).evidence


@pytest.mark.parametrize(
    ("said", "company", "named"),
    [
        ("At ClearFlow I would learn", "ClearFlow Plumbing & Heating", True),
        ("Westbrook's mentoring would help", "Westbrook Unified School District", True),
        ("Mercy Valley trains its nurses", "Mercy Valley Medical Center", True),
        ("I love blue skies", "Blue Bottle Coffee", False),
        ("a bottle of blue ink", "Blue Bottle Coffee", False),
    ],
)
def test_a_company_is_named_by_the_short_name_people_use(said, company, named):
    from aspire import text

    assert text.mentions(said, company) is named


def test_an_abbreviation_of_words_in_the_resume_is_known():
    from aspire import text

    assert "hr" in text.acronyms("Human Resources Specialist, Greenway Foods, 2019-present")


def test_every_tag_names_rules_that_exist():
    from aspire.evaluation.judged import TAG_RULES
    from aspire.rules import RULES

    assert set(TAG_RULES) == set(DEFECT_TAGS)
    assert {rule for rules in TAG_RULES.values() for rule in rules} <= set(RULES)


# --- the targets on the project's own judged set (evals/judged): a rule change that drops them fails CI

# Tags whose recall is still short of the target, with the recall measured when this was
# written: it may rise (raise the floor, or drop the tag from here once it reaches 80%), never fall.
# Measured 2026-12-01 on 426 drafts, after 207 fresh ones (stepwise 1.5B drafts, 1.5B whole drafts
# and coach drafts for resumes the evals never used) showed what the tuned rules miss, and 100 more
# of the tenth, thirteenth, fourteenth and sixteenth stepwise versions.
KNOWN_GAPS = {
    "aspiration-pay-place-company": 7 / 9,
    "aspiration-not-a-step-up": 28 / 46,
    # Fell under 80% with the tenth version's drafts: "Lead a model from research to production"
    # for an ML engineer who has, in other words than the resume's.
    "goal-recycled-achievement": 36 / 48,
    "goal-credential-held": 12 / 26,
    "garbled-wording": 43 / 115,
    "support-not-target-company": 18 / 31,
    "borrowed-rungs": 39 / 66,
    "plan-vague-or-disordered": 58 / 119,
    "answer-repetition": 45 / 58,
    "answer-skill-dump": 15 / 21,
    "answer-debris": 32 / 67,
    "answer-wrong-company": 14 / 22,
    "answer-no-company-help": 18 / 27,
    "claim-not-in-inputs": 22 / 75,
    "number-altered": 4 / 6,
    "future-told-as-done": 16 / 21,
    "self-assessment-not-skill": 50 / 80,
    "growth-area-already-shown": 59 / 118,
}
# The same for the share of rejected drafts that fail a rule: 143 of 216, short of the 90% target
# (the stepwise drafts are written to pass the rules: what is left in them, the rules miss).
REJECTED_CAUGHT_FLOOR = 143 / 216


def test_the_rules_agree_with_the_reader_on_the_judged_set():
    from aspire.evaluation.judged import ACCEPTED_PASS_TARGET, REJECTED_CAUGHT_TARGET, TAG_RECALL_TARGET

    from .conftest import REPO

    judged, errors = load_judged([REPO / "evals" / "judged"])
    assert not errors and len(judged) >= 426
    # Enough accepts that nagging good answers stays measurable (210 of 426 on 2026-12-01).
    assert sum(j.judgement.verdict == "accept" for j in judged) >= 0.3 * len(judged)
    agreement = compare(judged)
    assert agreement.rejected_caught >= min(REJECTED_CAUGHT_TARGET, REJECTED_CAUGHT_FLOOR) - 1e-9
    assert agreement.accepted_pass >= ACCEPTED_PASS_TARGET
    for recall in agreement.tag_recalls():
        if recall.tag in KNOWN_GAPS:
            assert recall.recall >= KNOWN_GAPS[recall.tag] - 1e-9, recall
        elif recall.held:
            assert recall.recall >= TAG_RECALL_TARGET, recall
