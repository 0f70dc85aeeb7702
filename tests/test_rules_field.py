"""plan-in-field: the jobs a plan names belong to the candidate's own line of work (O*NET)."""

from __future__ import annotations

import pytest

from aspire.models import CandidateProfile, DraftContent
from aspire.rulebase import Subject
from aspire.rules_field import named_jobs, plan_in_field


def _draft(aspiration: str, goals: list[tuple[str, str]]) -> DraftContent:
    rungs = [{"goal": "Get hired by X", "kind": "hire", "company_support": "an opening", "evidence": "-"}]
    rungs += [{"goal": g, "kind": "learn", "company_support": s, "evidence": "-"} for g, s in goals]
    return DraftContent.model_validate(
        {
            "self_assessment": {"strengths": ["a"], "growth_areas": ["b"]},
            "plan": {
                "aspirations": [{"aspiration": aspiration, "reason": "r"}],
                "aspiration": aspiration,
                "goals": rungs,
            },
            "answer": "x",
        }
    )


def _verdict(role: str, resume: str, aspiration: str, goals: list[tuple[str, str]], **extra: str) -> str:
    profile = CandidateProfile(resume=resume, company="X", role=role, **extra)
    return plan_in_field(Subject.from_draft(_draft(aspiration, goals), profile)).verdict


@pytest.mark.parametrize(
    ("role", "resume", "aspiration", "goals"),
    [
        # A far ladder's jobs, as the hand-written fields once lent them.
        (
            "Front Office Supervisor",
            "Front Desk Agent, Harbour Hotel, 2019-present\n- Checked in 80 guests a day",
            "Become a front office manager",
            [("Design a seasonal menu", "training under the head chef")],
        ),
        (
            "Junior Software Developer",
            "Software Developer Intern, Acme, 2023\n- Built React pages",
            "Become a customer service consultant",
            [("Learn the codebase", "onboarding with a senior developer")],
        ),
    ],
)
def test_a_job_of_another_line_of_work_fails(role, resume, aspiration, goals):
    assert _verdict(role, resume, aspiration, goals) == "fail"


@pytest.mark.parametrize(
    ("role", "resume", "aspiration", "goals"),
    [
        (
            "Registered Nurse",
            "Registered Nurse, ICU, 2019-present\n- Cared for 2 ventilated patients a shift",
            "Become a nurse manager who leads a unit",  # O*NET lists nurse managers beside nurses
            [("Get promoted to charge nurse", "mentoring from a nurse manager")],
        ),
        (
            "Electrician",
            "Electrician, Spark Ltd, 2018-present\n- Wired 40 homes",
            "Become a construction manager",  # managers of the trades' supervisors
            [("Get promoted to electrical supervisor", "mentoring from a construction manager")],
        ),
        (
            "Warehouse Associate",
            "Warehouse Associate, Redline, 2020-present\n- Picked 150 orders a shift",
            "Become an operations manager",  # a manager of any line of work
            [("Get promoted to shift lead", "time with the company's architects")],  # one word, two fields
        ),
    ],
)
def test_jobs_of_the_candidates_own_line_pass(role, resume, aspiration, goals):
    assert _verdict(role, resume, aspiration, goals) == "pass"


def test_a_job_the_candidate_names_is_theirs_and_an_unmatched_candidate_is_skipped():
    resume = "Software Developer Intern, Acme, 2023\n- Built React pages\nGoal: customer service consultant"
    assert _verdict("Junior Software Developer", resume, "Become a customer service consultant", []) == "pass"
    assert _verdict("Zzqx Wibble", "Zzqx, Wibble Co, 2020-present", "Become a wibble lead", []) == "skip"


def test_the_jobs_a_plan_names():
    assert named_jobs("Get promoted to charge nurse") == ["charge nurse"]
    assert named_jobs("time to learn from the company's developers") == ["developers"]
    assert named_jobs("Become a district manager who develops store leaders") == ["district manager"]
    # "the drivers" of a forecast is no job named.
    assert named_jobs("Corvane's sales data supply the drivers of the forecast") == []
