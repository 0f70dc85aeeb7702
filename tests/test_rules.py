"""Each structural rule passes good content and fails the matching bad content."""

from __future__ import annotations

import pytest

from aspire import rules
from aspire.models import GeneratedContent, complete_content


def _content(profile, data):
    return complete_content(GeneratedContent.model_validate(data), profile)


def _check(rule_id, profile, data):
    return rules.RULES[rule_id](_content(profile, data), profile)


def test_good_reply_passes_every_rule(profile, good_reply):
    results = rules.run_checks(_content(profile, good_reply), profile)
    assert [r.rule for r in results] == list(rules.RULES)
    assert all(r.passed for r in results), results


def test_hire_first_fails_when_first_goal_is_not_hiring(profile, good_reply):
    content = _content(profile, good_reply)
    content.plan.goals.pop(0)
    result = rules.hire_first(content, profile)
    assert not result.passed and "Get hired by Target" in result.detail


def test_hire_first_needs_the_company_named(profile, good_reply):
    content = _content(profile, good_reply)
    content.plan.goals[0].goal = "Get hired by a big retailer"
    assert not rules.hire_first(content, profile).passed


@pytest.mark.parametrize(
    "aspiration",
    [
        "Earn a six-figure salary",
        "Make more money",
        "Relocate to London",
        "Work remotely from the beach",
        "Get hired by Target",
        "Work at Target",
        "Target",
    ],
)
def test_aspiration_is_never_pay_place_or_company(profile, make_reply, aspiration):
    result = _check("aspiration-not-salary-location-company", profile, make_reply(plan__aspiration=aspiration))
    assert not result.passed, aspiration


@pytest.mark.parametrize(
    "aspiration",
    [
        "Become a clinical nurse educator who raises patient-safety standards",
        "Lead large solar and battery installations as a master electrician",
        "Enhance customer experiences with business strategy, branding, marketing and sales",
    ],
)
def test_real_aspirations_pass(profile, make_reply, aspiration):
    assert _check("aspiration-not-salary-location-company", profile, make_reply(plan__aspiration=aspiration)).passed


def test_duplicate_goals_fail_but_ladder_rungs_pass(profile, good_reply):
    data = good_reply
    goal = data["plan"]["goals"][1]
    data["plan"]["goals"].append(dict(goal, goal="Lead the seasonal sales promotion"))
    result = _check("goals-actionable", profile, data)
    assert not result.passed and "say the same thing" in result.detail

    content = _content(profile, good_reply)
    content.plan.goals[-2].goal = "Get promoted to Brand Manager"
    content.plan.goals[-1].goal = "Get promoted to Senior Brand Manager"
    assert rules.goals_actionable(content, profile).passed


def test_company_aids_needs_support_and_a_named_company(profile, make_reply, good_reply):
    no_name = good_reply["answer"].replace("Target", "the company")
    assert not _check("company-aids", profile, make_reply(answer=no_name)).passed
    data = make_reply()
    for goal in data["plan"]["goals"]:
        goal["company_support"] = ""
    result = _check("company-aids", profile, data)
    assert not result.passed and "company_support" in result.detail


def test_company_name_matching_ignores_legal_suffix():
    assert rules.mentions("I want to grow with Acme.", "Acme Inc.")
    assert rules.mentions("I want to grow with ACME INC", "Acme Inc.")
    assert not rules.mentions("I want to grow with Acmex", "Acme")


def test_answer_form_word_count_and_person(profile, make_reply, good_reply):
    assert not _check("answer-form", profile, make_reply(answer="I like Target.")).passed
    assert not _check("answer-form", profile, make_reply(answer="I like Target. " * 80)).passed
    third = good_reply["answer"].replace("I ", "She ").replace("my ", "her ").replace(" me", " her")
    result = _check("answer-form", profile, make_reply(answer=third))
    assert not result.passed and "first person" in result.detail


def test_answer_form_answers_the_question_as_asked(profile, make_reply, good_reply):
    five = profile.model_copy(update={"question": "Where do you see yourself in five years?"})
    assert not _check("answer-form", five, good_reply).passed
    in_five = make_reply(answer="In five years, " + good_reply["answer"])
    assert _check("answer-form", five, in_five).passed
    digits = make_reply(answer="In 5 years, " + good_reply["answer"])
    assert _check("answer-form", five, digits).passed
