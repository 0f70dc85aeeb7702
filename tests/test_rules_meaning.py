"""Meta-tests for the checks that read a draft as the reader does: each fails the defect
it names (examples from evals/RUBRIC.md) and passes the good draft beside it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from aspire import CandidateProfile, resume_facts, rules_meaning
from aspire.models import GeneratedContent, complete_content
from aspire.rulebase import Subject
from aspire.rules_meaning import (
    answer_aims_ahead,
    answer_is_fluent,
    aspiration_beyond_role,
    aspired_title,
    claims_are_true,
    goals_look_forward,
    support_is_the_company,
)
from aspire.rules_self import self_assessment_is_real

from .conftest import good_reply_data

RESUME = """Assistant Store Manager, Best Buy, 2015-present
- Recruited and trained new employees.
- Led the store in the region for highest sales three years running.
- Reduced shrink by 18% in one year.

Store Associate, Macy's, 2012-2015
- Helped customers and ran the fitting rooms.

Certifications
Certified Retail Manager (NRF)
"""
PROFILE = CandidateProfile(resume=RESUME, company="Target", role="Store Manager", skills="retail operations, hiring")


def subject(**changes: Any) -> Subject:
    """The good draft of conftest, with ``plan__aspiration=...`` style changes."""
    data = copy.deepcopy(good_reply_data("Target"))
    for dotted, value in changes.items():
        node = data
        *parents, leaf = dotted.split("__")
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[leaf] = value
    return Subject.from_draft(complete_content(GeneratedContent.model_validate(data), PROFILE), PROFILE)


GOOD = subject()


@pytest.mark.parametrize(
    "check",
    [
        aspiration_beyond_role,
        goals_look_forward,
        support_is_the_company,
        claims_are_true,
        self_assessment_is_real,
        answer_is_fluent,
        answer_aims_ahead,
    ],
)
def test_the_good_draft_passes(check):
    result = check(GOOD)
    assert result.verdict == "pass", result.evidence


# --- aspiration-beyond-role


@pytest.mark.parametrize(
    ("aspiration", "says"),
    [
        ("Become a store manager who runs a great store", "a job already in view"),
        ("Become an assistant store manager who trains staff", "a job already in view"),
        ("Become a sales associate who serves customers", "a step down"),
        ("Become a leader who led the store in the region for highest sales", "something already done"),
    ],
)
def test_an_aspiration_that_is_no_step_beyond_fails(aspiration, says):
    result = aspiration_beyond_role(subject(plan__aspiration=aspiration))
    assert result.verdict == "fail" and says in result.evidence and result.suggestion


@pytest.mark.parametrize(
    "aspiration",
    [
        "Become a district manager who develops store leaders",
        "Run a flagship store as a district leader",
        "Build the training programmes every new store team starts with",
    ],
)
def test_a_step_up_or_a_body_of_work_passes(aspiration):
    assert aspiration_beyond_role(subject(plan__aspiration=aspiration)).verdict == "pass"


def test_a_lead_job_is_no_step_for_one_who_leads_a_team_now():
    engineer = CandidateProfile(
        resume="Machine Learning Engineer, OpenAI, 2021-present\nCurrently leading a team of AI engineers.",
        company="Orbital Analytics",
        role="Machine Learning Engineer",
    )

    def verdict(aspiration: str, profile: CandidateProfile = engineer) -> Any:
        data = copy.deepcopy(good_reply_data("Orbital Analytics"))
        data["plan"]["aspiration"] = aspiration
        content = complete_content(GeneratedContent.model_validate(data), profile)
        return aspiration_beyond_role(Subject.from_draft(content, profile))

    lead = verdict("Become an ML team lead who takes research into products")
    assert lead.verdict == "fail" and "what the resume says you do now" in lead.evidence
    assert verdict("Become a head of machine learning who sets research direction").verdict == "pass"
    # One who led a team once may aim to lead one again.
    led = engineer.model_copy(update={"resume": "Machine Learning Engineer, Uber, 2019-2021\n- Led a team of four."})
    assert verdict("Become an ML team lead who takes research into products", led).verdict == "pass"


def test_the_title_an_aspiration_names():
    assert aspired_title("Become a regional training manager who builds programmes") == "regional training manager"
    assert aspired_title("Work as a Licensed Plumber handling residential installs") == "Licensed Plumber"
    assert aspired_title("Build a body of work in store design") == ""
    assert resume_facts.level("district manager") > resume_facts.level("store manager")
    assert resume_facts.level("sous chef") > resume_facts.level("line cook")


# --- goals-look-forward


def test_a_resume_achievement_recycled_as_a_goal_fails():
    result = goals_look_forward(subject(plan__goals__1__goal="Reduce shrink by 18%"))
    assert result.verdict == "fail" and "already on the resume" in result.evidence


def test_a_credential_already_held_fails_and_a_higher_one_passes():
    held = goals_look_forward(subject(plan__goals__1__goal="Earn the Certified Retail Manager credential"))
    assert held.verdict == "fail" and "already shows" in held.evidence
    assert goals_look_forward(subject(plan__goals__1__goal="Earn a master retail planner certificate")).passed


# --- support-is-the-company


@pytest.mark.parametrize(
    ("support", "says"),
    [
        ("Training at Macy's", "a past employer"),
        ("Salesforce dashboards", "a product"),
        ("Led the store in the region for highest sales three years running", "a line of the resume"),
        ("Field hours on larger jobs", "worked example"),
    ],
)
def test_support_that_is_not_the_target_company_fails(support, says):
    result = support_is_the_company(subject(plan__goals__1__company_support=support))
    assert result.verdict == "fail" and says in result.evidence


def test_support_naming_a_product_the_company_itself_offers_passes():
    assert support_is_the_company(subject(plan__goals__1__company_support="Target's own Salesforce training")).passed


# --- claims-are-true


@pytest.mark.parametrize(
    ("sentence", "says"),
    [
        ("I have worked with Target's sales team on holiday events.", "already worked with Target"),
        ("I have earned a district leadership certificate already.", "as done"),
        ("I have earned a forklift operator licence.", "credential the resume does not show"),
    ],
)
def test_claims_the_inputs_do_not_support_fail(sentence, says):
    answer = good_reply_data("Target")["answer"] + " " + sentence
    draft = subject(answer=answer, plan__goals__2__goal="Earn a district leadership certificate")
    result = claims_are_true(draft)
    assert result.verdict == "fail" and says in result.evidence


def test_past_learning_at_the_target_company_fails_even_beside_a_plan():
    """Seen from the embedded model: "I have learned X's ..., and I will be building on that"."""
    answer = good_reply_data("Target")["answer"] + (
        " I have learned Target's merchandising standards, and I will be building on that knowledge."
    )
    result = claims_are_true(subject(answer=answer))
    assert result.verdict == "fail" and "already worked with Target" in result.evidence


def test_a_goal_said_already_done_fails():
    """Seen in the held-out drafts: "I've already put together a seasonal cocktail"."""
    answer = good_reply_data("Target")["answer"] + " I've already run a holiday window display at Best Buy."
    draft = subject(answer=answer, plan__goals__2__goal="Run a holiday window display for Target")
    result = claims_are_true(draft)
    assert result.verdict == "fail" and "as done" in result.evidence


@pytest.mark.parametrize(
    "sentence",
    [
        # Seen in the held-out drafts: "I need" is no past tense, "I'm after" no claim.
        "That is the experience I need to move into a district role and eventually a regional one.",
        "The main advance I'm after is moving into district leadership, and in the long run regional.",
        # A verb "plan" in the past is no future: "helping the store manager plan promotions at Best Buy".
        "I've helped the store manager plan promotions at Best Buy.",
    ],
)
def test_wanting_and_needing_are_no_claims_and_a_past_plan_no_future(sentence):
    answer = good_reply_data("Target")["answer"] + " " + sentence
    draft = subject(answer=answer, plan__goals__2__goal="Lead a regional district of stores")
    assert claims_are_true(draft).passed and answer_is_fluent(draft).passed


def test_the_future_told_as_future_passes():
    answer = good_reply_data("Target")["answer"] + " I want to earn a district leadership certificate next."
    assert claims_are_true(subject(answer=answer, plan__goals__2__goal="Earn a district leadership certificate")).passed


# --- self-assessment-is-real


@pytest.mark.parametrize(
    ("where", "item", "says"),
    [
        ("growth_areas", "Best Buy Co., Inc - Los Angeles, California", "an employer"),
        ("strengths", "2015-present", "a date"),
        ("strengths", "Education", "heading"),
        ("growth_areas", "A sales manager with a strong background in operations", "a job title"),
        ("growth_areas", "Recruiting and training new employees", "already on the resume"),
    ],
)
def test_a_self_assessment_that_is_no_skill_fails(where, item, says):
    result = self_assessment_is_real(subject(**{f"self_assessment__{where}": [item]}))
    assert result.verdict == "fail" and says in result.evidence


def test_a_growth_area_spread_over_the_resume_is_already_shown():
    """Seen from the embedded model: every word of the growth area is somewhere on the resume."""
    item = "Recruiting, sales promotions and shrink"
    result = self_assessment_is_real(subject(self_assessment__growth_areas=[item]))
    assert result.verdict == "fail" and "already on the resume" in result.evidence
    # Two words the resume happens to use ("training", "store") are too few to tell.
    assert self_assessment_is_real(subject(self_assessment__growth_areas=["Training across a whole store"])).passed


def test_a_credential_to_earn_is_a_fair_growth_area():
    assert self_assessment_is_real(subject(self_assessment__growth_areas=["A master retail planner licence"])).passed


# --- answer-is-fluent


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("I want to lead a team at Target. " * 2 + "I want to grow there.", "twice"),
        (
            "I bring SQL, Excel pivot tables, Tableau, dashboards, scheduling, teamwork and communication to Target.",
            "lists skills",
        ),
        ('Here is my answer: I want to grow with Target and lead a district."}}', "debris"),
        ("Long term, I want to help Best Buy grow its weekend trade.", "a past employer"),
    ],
)
def test_an_answer_no_one_would_say_fails(answer, says):
    result = answer_is_fluent(subject(answer=answer))
    assert result.verdict == "fail" and says in result.evidence


def test_a_plan_said_in_one_sentence_is_not_a_skill_list():
    answer = "After that I'd like to lead a feature team, help hire and mentor engineers, and run design reviews."
    assert answer_is_fluent(subject(answer=answer)).passed


def test_a_rung_of_another_profession_and_the_job_hired_into_are_no_later_steps():
    crew = goals_look_forward(subject(plan__goals__2__goal="Lead the wiring on a residential solar install"))
    assert crew.verdict == "fail" and "another profession" in crew.evidence
    hired = goals_look_forward(subject(plan__goals__2__goal="Get promoted to Store Manager"))
    assert hired.verdict == "fail" and "hired into" in hired.evidence


def test_the_field_itself_is_no_growth_area():
    plumber = CandidateProfile(resume="Journeyman Plumber, Delgado Plumbing, 2019-present", company="ClearFlow")
    content = complete_content(GeneratedContent.model_validate(good_reply_data("ClearFlow")), plumber)
    content.self_assessment.growth_areas = ["Plumbing"]
    result = self_assessment_is_real(Subject.from_draft(content, plumber))
    assert result.verdict == "fail" and "already on the resume" in result.evidence


def test_finishing_a_credential_in_progress_looks_forward():
    student = CandidateProfile(
        resume="Receptionist, Harbor Property, 2022-present\n\nEducation\nCertificate II in Business (in progress)",
        company="Keystone Realty",
    )
    content = complete_content(GeneratedContent.model_validate(good_reply_data("Keystone Realty")), student)
    content.plan.goals[2].goal = "Complete the Certificate II in Business"
    assert goals_look_forward(Subject.from_draft(content, student)).passed


# --- answer-aims-ahead


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("My goal for the future is to become a store manager who runs a great store for Target.", "job already in"),
        ("My goal for the future is to become an assistant store manager at Target.", "job already in"),
        ("I want to get hired by Target. I have trained staff and I like retail.", "opens on getting the job"),
        ("My goal is to lead the store in the region for highest sales three years running.", "retells the resume"),
    ],
)
def test_an_answer_that_aims_no_further_than_the_job_fails(answer, says):
    result = answer_aims_ahead(subject(answer=answer))
    assert result.verdict == "fail" and says in result.evidence and result.suggestion


@pytest.mark.parametrize(
    "answer",
    [
        "My goal for the future is to become a district manager who develops store leaders at Target.",
        "In five years I see myself as a regional trainer. First I want to get hired by Target and learn.",
        "I'd like to build the training every new store team starts with, and Target is where I'd do it.",
    ],
)
def test_an_answer_that_aims_past_the_job_passes(answer):
    assert answer_aims_ahead(subject(answer=answer)).passed


def test_a_promotion_to_a_job_already_held_is_no_step():

    from aspire.models import Goal, Plan

    resume = "Senior Financial Analyst, JPMorgan, 2015-present\n- Built the quarterly forecast model"
    goals = [
        Goal(goal="Get hired by Meridian", kind="hire", company_support="The opening", evidence="Target company"),
        Goal(goal="Get promoted to Senior Financial Analyst", kind="promotion", company_support="x", evidence="y"),
        Goal(goal="Become a finance director", kind="promotion", company_support="x", evidence="y"),
    ]
    plan = Plan(
        aspirations=[{"aspiration": "Become a finance director", "reason": "r"}],
        aspiration="Become a finance director",
        goals=goals,
    )
    subject = Subject(answer="", company="Meridian", plan=plan, resume=resume, role="Financial Analyst")
    result = rules_meaning.goals_look_forward(subject)
    assert not result.passed and "already held" in result.evidence
    goals[1] = goals[1].model_copy(update={"goal": "Get promoted to finance manager"})
    plan = plan.model_copy(update={"goals": goals})
    assert rules_meaning.goals_look_forward(
        Subject(answer="", company="Meridian", plan=plan, resume=resume, role="Financial Analyst")
    ).passed


def test_a_degree_on_the_resume_is_a_credential_held():
    resume = "Assistant Store Manager, Best Buy, 2015-present\nBachelor of Business Administration"
    assert resume_facts.credential_lines(resume) == ["Bachelor of Business Administration"]


@pytest.mark.parametrize(
    ("item", "is_plan_item"),
    [
        ("Lead a project to improve onboarding", True),
        ("Company's manager development course", True),
        ("Centre's coaching and quality course", True),
        ("Leading projects to improve onboarding", False),
        ("Budget forecasting", False),
        ("A retail management certificate", False),
    ],
)
def test_a_step_of_the_plan_is_no_self_assessment(item, is_plan_item):
    subject = Subject(answer="", company="Acme", growth_areas=(item,), resume="Clerk, Beta, 2020-present")
    result = self_assessment_is_real(subject)
    assert result.passed is not is_plan_item, result.evidence


def test_a_skill_named_on_a_short_resume_line_is_already_shown():
    resume = "Analyst, Beta, 2019-present\n- Built the monthly forecast\nSkills\nAdvanced MS Excel"
    subject = Subject(answer="", company="Acme", growth_areas=("Excel proficiency",), resume=resume)
    assert not self_assessment_is_real(subject).passed
    other = Subject(answer="", company="Acme", growth_areas=("Python proficiency",), resume=resume)
    assert self_assessment_is_real(other).passed


def test_a_glued_self_assessment_item_is_no_skill():
    resume = "Teacher, Lincoln High, 2019-present\n- Coached the maths olympiad team"
    glued = Subject(answer="", company="Acme", strengths=("recipes andSupplier",), resume=resume)
    assert "garbled" in self_assessment_is_real(glued).evidence
    named = Subject(answer="", company="Acme", strengths=("JavaScript and QuickBooks",), resume=resume)
    assert self_assessment_is_real(named).passed


def test_a_self_assessment_item_listed_twice_fails():
    check = self_assessment_is_real(
        subject(self_assessment__strengths=["Customer service", "customer service", "Hiring"])
    )
    assert not check.passed and "listed twice" in check.evidence


def test_markup_in_a_self_assessment_item_is_garbled_even_when_the_resume_has_it():
    resume = RESUME + "\nResponsible Service of Alcohol (RSA): Liquor &amp;&nbsp;Gaming NSW\n"
    profile = PROFILE.model_copy(update={"resume": resume})
    data = good_reply_data("Target")
    data["self_assessment"]["strengths"] = ["Responsible Service of Alcohol (RSA): Liquor &amp;&nbsp;Gaming"]
    draft = Subject.from_draft(complete_content(GeneratedContent.model_validate(data), profile), profile)
    assert not self_assessment_is_real(draft).passed


def test_a_resume_line_with_its_tenses_run_together_is_not_fluent():
    answer = GOOD.answer + " Over the past few years, I took orders, operate POS, handle payments and more."
    check = answer_is_fluent(subject(answer=answer))
    assert not check.passed and "mixes past and present" in check.evidence
    # One present word after a past verb may be a noun: "…and machine learning".
    fine = GOOD.answer + " I focused on distributed systems and machine learning at university."
    assert answer_is_fluent(subject(answer=fine)).passed


def test_a_strength_said_again_with_praise_is_listed_twice():
    check = self_assessment_is_real(
        subject(self_assessment__strengths=["Excellent communication skills", "communication skills"])
    )
    assert not check.passed and "listed twice" in check.evidence
    assert self_assessment_is_real(subject(self_assessment__strengths=["Communication", "Team leadership"])).passed


def test_an_answer_with_quotation_marks_is_pasted_text():
    answer = GOOD.answer + " I received positive feedback from my supervisor on \u201cimproved communication\u201d."
    check = answer_is_fluent(subject(answer=answer))
    assert not check.passed and "quotation marks" in check.evidence
