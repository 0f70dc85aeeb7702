"""The stepwise draft: aspiration, goals, self-assessment and answer, one checked turn each."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import pytest

from aspire import ConfigError, Draft, DraftRejectedError, FakeBackend, GenerationError, agenerate, generate
from aspire.config import Settings, resolve_settings
from aspire.ladders import ladder_for
from aspire.models import CandidateProfile
from aspire.streaming import stream

ASPIRATIONS = {
    "aspirations": [
        # The role applied for again: the ranking must not pick it although it comes first.
        {"aspiration": "Become a store manager", "reason": "The role applied for."},
        {"aspiration": "Become a district manager who develops store leaders", "reason": "Trained new employees."},
        {"aspiration": "Become a regional operations manager", "reason": "Managed inventory."},
    ]
}
GOALS = {
    "goals": [
        {
            "goal": "Learn Target's store operations and sales targets",
            "kind": "learn",
            "company_support": "the manager onboarding program",
            "evidence": "Coordinated sales promotions and managed inventory.",
        },
        {
            "goal": "Earn a retail management certificate",
            "kind": "credential",
            "company_support": "the company's manager development program",
            "evidence": "Recruited and trained new employees.",
        },
        {
            "goal": "Lead a seasonal sales promotion across the store",
            "kind": "project",
            "company_support": "seasonal campaigns run with the district team",
            "evidence": "Coordinated sales promotions and managed inventory.",
        },
        {
            "goal": "Get promoted to district manager",
            "kind": "promotion",
            "company_support": "promotion from store to district roles",
            "evidence": "Recruited and trained new employees.",
        },
    ]
}
ASSESSMENT = {
    "strengths": ["Training new employees", "Coordinating sales promotions", "Team leadership", "Retail operations"],
    # "Managing inventory" is on the resume already, "Supervisor training" is a program and
    # "Managing inventorycontrol" is glued: none may be kept as a growth area.
    "growth_areas": [
        "Managing inventory",
        "Supervisor training",
        "Managing inventorycontrol",
        "Budgeting for a whole store",
    ],
}
ANSWER = {
    "aim": "I would like to become a district manager who develops store leaders.",
    "why": "As an assistant store manager, I recruited and trained new employees.",
    "first_steps": "First, I want to learn your store operations and then lead a seasonal promotion across the store.",
    "company_help": "Target would help me grow through its manager development program and its promotion path "
    "from store to district roles.",
}


def replies(**changes: Any) -> list[Any]:
    steps = {"aspiration": ASPIRATIONS, "goals": GOALS, "self_assessment": ASSESSMENT, "answer": ANSWER}
    return [copy.deepcopy(changes.get(name, value)) for name, value in steps.items()]


def test_four_short_turns_make_a_draft_that_passes(profile):
    backend = FakeBackend(replies())
    draft = generate(profile, backend=backend, method="steps")

    assert isinstance(draft, Draft)
    assert len(backend.requests) == 4
    assert draft.passed, [c.as_instruction() for c in draft.failed_checks]
    assert draft.attempts == 1
    assert draft.plan.aspiration == "Become a district manager who develops store leaders"
    assert draft.plan.aspirations[0].aspiration == draft.plan.aspiration
    assert [g.goal for g in draft.plan.goals][:2] == ["Get hired by Target", GOALS["goals"][0]["goal"]]
    assert draft.answer == " ".join(ANSWER.values())
    # The offered growth area that passes, then one from the field's ladder; no credential.
    assert draft.self_assessment.growth_areas == ["Budgeting for a whole store", "Multi-store performance management"]
    # The candidate's own skills list is the strengths.
    assert draft.self_assessment.strengths == ["Retail operations", "Team leadership", "Inventory"]


def test_each_turn_reads_the_conversation_so_far(profile):
    backend = FakeBackend(replies())
    generate(profile, backend=backend, method="steps")
    first, goals, assessment, answer = backend.requests

    assert first.messages[0]["role"] == "system" and first.fixed_messages == 1
    assert profile.resume in first.messages[1]["content"]
    assert set(first.schema["properties"]) == {"aspirations"}
    assert goals.messages[2] == {"role": "assistant", "content": json.dumps(ASPIRATIONS)}
    assert "district manager who develops store leaders" in goals.messages[3]["content"]
    assert set(goals.schema["properties"]) == {"goals"}
    assert set(assessment.schema["properties"]) == {"strengths", "growth_areas"}
    assert set(answer.schema["properties"]) == {"aim", "why", "first_steps", "company_help"}
    # The answer is asked with the plan's first steps and the company's help in front of it.
    assert "learn Target's store operations" in answer.messages[-1]["content"]
    assert "the company's manager development program" in answer.messages[-1]["content"]
    assert len(answer.messages) == 8


def test_the_answer_sentences_are_held_to_their_jobs_by_the_schema(profile):
    import re

    backend = FakeBackend(replies())
    generate(profile, backend=backend, method="steps")
    patterns = {k: v["pattern"] for k, v in backend.requests[-1].schema["properties"].items()}
    assert re.match(patterns["company_help"], ANSWER["company_help"])
    assert re.match(patterns["why"], ANSWER["why"])
    # The reason quotes what the resume says the candidate did: nothing else can follow the job.
    assert not re.match(patterns["why"], "As an assistant store manager, I ran a Walmart supercenter.")
    assert not re.match(patterns["why"], "In my last role, I learned Target's store operations.")
    assert not re.match(patterns["company_help"], "The team would help me grow as a leader of people.")
    # No list of the plan's support lines pasted one after another.
    assert not re.match(
        patterns["company_help"], "Target would help me grow by providing onboarding, mentoring, and projects."
    )
    assert not re.match(patterns["first_steps"], "At Target, I want to learn. Then lead.")
    assert not re.match(patterns["first_steps"], "At Target, I want to learn your ways; then lead a promotion.")


def test_a_failing_step_alone_is_asked_again_with_a_note(profile):
    held = copy.deepcopy(GOALS)
    held["goals"][1]["goal"] = "Earn a Bachelor of Business Administration degree"  # already held
    backend = FakeBackend([ASPIRATIONS, held, GOALS, ASSESSMENT, ANSWER])
    draft = generate(profile, backend=backend, method="steps", seed=5)

    assert draft.passed and draft.attempts == 2
    first_try, second_try = backend.requests[1], backend.requests[2]
    assert (first_try.seed, second_try.seed) == (5, 6)
    assert second_try.temperature > first_try.temperature
    assert "not used" in second_try.messages[-1]["content"]
    assert "Bachelor of Business Administration" in second_try.messages[-1]["content"]
    assert second_try.messages[:-1] == first_try.messages[:-1]  # the aspiration was not asked again


def test_a_step_that_keeps_failing_goes_on_with_its_best_reply(profile):
    bad = dict(ANSWER, why="I have run a Walmart supercenter with 300 staff for ten years.")  # none of it true
    backend = FakeBackend([ASPIRATIONS, GOALS, ASSESSMENT, bad, bad, bad])
    draft = generate(profile, backend=backend, method="steps", max_attempts=3)
    assert draft.attempts == 3 and not draft.passed

    backend = FakeBackend([ASPIRATIONS, GOALS, ASSESSMENT, bad, bad, bad])
    with pytest.raises(DraftRejectedError):
        generate(profile, backend=backend, method="steps", max_attempts=3, strict=True)


def test_no_usable_reply_to_a_step_is_a_generation_error(profile):
    backend = FakeBackend([ASPIRATIONS, '{"goals": [', "not json", '{"goals": []}'])
    with pytest.raises(GenerationError) as raised:
        generate(profile, backend=backend, method="steps", max_attempts=3)
    assert "goals step" in str(raised.value)


def test_async_and_streamed_drafts_equal_the_sync_one(profile):
    sync = generate(profile, backend=FakeBackend(replies()), method="steps")
    asynchronous = asyncio.run(agenerate(profile, backend=FakeBackend(replies()), method="steps"))
    events = list(stream(profile, backend=FakeBackend(replies()), method="steps"))
    assert isinstance(events[-1], Draft)
    # Only the answer streams: its four sentences as they are written, none of the plan.
    assert "".join(e for e in events if isinstance(e, str)) == sync.answer
    for other in (asynchronous, events[-1]):
        assert other.model_dump(exclude={"elapsed_s"}) == sync.model_dump(exclude={"elapsed_s"})


@pytest.mark.parametrize(
    ("role", "resume", "field"),
    [
        ("ICU Registered Nurse", "Registered Nurse, Cardiac Unit, 2019-present\n- Cared for patients", "nursing"),
        ("Line Cook", "Prep Cook, Sunny Side Diner, 2019-2021\n- Prepped sauces for the kitchen", "kitchens"),
        ("Backend Engineer", "Software Engineer, Acme, 2018-present\n- Built Python APIs", "software engineering"),
    ],
)
def test_worked_ladders_come_from_the_candidates_own_field(role, resume, field):
    profile = CandidateProfile(resume=resume, company="Acme", role=role)
    assert ladder_for(profile).field == field


def test_the_method_is_a_setting():
    assert resolve_settings(environ={}).method == Settings.model_fields["method"].default
    assert resolve_settings(environ={"ASPIRE_METHOD": "whole"}).method == "whole"
    assert resolve_settings(method="steps", environ={"ASPIRE_METHOD": "whole"}).method == "steps"
    with pytest.raises(ConfigError, match="unknown method"):
        resolve_settings(environ={"ASPIRE_METHOD": "sideways"})


def test_every_field_ladder_fits_the_rungs_the_schema_allows():
    """An example the grammar cannot write teaches the model to glue words on ("…training (coaching)”,
    qualification"): each example goal must match its rung's pattern."""
    import re

    from aspire import prompts
    from aspire.ladders import career_fields

    lead, promote = prompts.GOAL_LADDER[2], prompts.GOAL_LADDER[3]
    for field in career_fields():
        learn, build, prove, step_up = field.goals
        assert learn.startswith("Learn "), field.field
        assert re.match(prompts._credential_or_skill(), build), (field.field, build)
        assert re.match(prompts.starts_with(lead, prompts.words_up_to(prompts.GOAL_WORDS)), prove), (field.field, prove)
        assert re.match(prompts.starts_with(promote, prompts.words_up_to(prompts.ASPIRATION_WORDS)), step_up)
        assert len(field.aspirations) == 2 and all(a.startswith("Become ") for a in field.aspirations)


def test_the_reason_is_a_past_job_and_what_the_resume_says_was_done_in_it():
    import re

    from aspire import step_patterns
    from aspire.stepwise import StepSession

    profile = CandidateProfile(
        resume="Customer Solutions Officer, Acme Bank, 2021-present\n- Resolved 85% of calls at first contact\n"
        "Service Trainee, Beta Telco, 2019-2021\n- Answered billing calls for 40 customers a day",
        company="Telstra",
        role="Customer Service Consultant",
    )
    session = StepSession(profile, FakeBackend(), resolve_settings(backend="local", environ={}), RuntimeError)
    why = step_patterns.why_pattern(session.profile)
    assert re.match(why, "As a customer solutions officer, I resolved 85% of calls at first contact.")
    assert re.match(why, "As a service trainee, I answered billing calls for 40 customers a day.")
    assert not re.match(
        why, "As a service trainee, I answered billing calls for 40 customers a day, which is a step up."
    )
    # One job's results are not another's, and nothing else may follow the job.
    assert not re.match(why, "As a service trainee, I resolved 85% of calls at first contact.")
    assert not re.match(why, "As a customer solutions officer, I learned Telstra's systems.")
    untitled = profile.model_copy(update={"resume": "Skills\nResolved 85% of calls at first contact"})
    session = StepSession(untitled, FakeBackend(), resolve_settings(backend="local", environ={}), RuntimeError)
    assert re.match(
        step_patterns.why_pattern(session.profile), "In my last role, I resolved 85% of calls at first contact."
    )


@pytest.mark.parametrize(
    ("resume", "role", "offered", "chosen"),
    [
        # Among passing aspirations, a step up beats a sideways one...
        (
            "Customer Support Assistant, Acme, 2021-present\n- Answered inbound billing calls",
            "Contact Centre Agent",
            ["Become a customer service consultant", "Become a contact centre operations manager"],
            "contact centre operations manager",
        ),
        # ...two rungs beat one (a reader saw a product manager of 20 years aim at the Senior PM job)...
        (
            "Product Manager, Google, 2017-present\n- Launched three products used by millions",
            "Product Manager",
            ["Become a senior product manager", "Become a director of product"],
            "director of product",
        ),
        # ...and a job of unknown rung does not beat a known two-rung step.
        (
            "Barista, Daily Grind Cafe, 2021-present\n- Trained four new baristas on the espresso machine",
            "Shift Supervisor",
            [
                "Become a coffee roaster who designs the house blends",
                "Become an area manager who leads a group of cafes",
            ],
            "area manager who leads a group of cafes",
        ),
        # ...and one of the candidate's field beats one whose words the inputs never use.
        (
            "Fourth Grade Teacher, Maple Grove, 2015-present\n- Designed a science curriculum for every class",
            "Instructional Designer",
            [
                "Become the head of learning who sets how a company trains its people",
                "Become a learning design lead who guides a team of course designers",
            ],
            "learning design lead",
        ),
    ],
)
def test_the_aspiration_drafted_is_the_best_step_up_the_rules_pass(resume, role, offered, chosen):
    options = {"aspirations": [{"aspiration": a, "reason": "Given."} for a in offered]}
    profile = CandidateProfile(resume=resume, company="Acme", role=role)
    backend = FakeBackend([options])
    with pytest.raises(AssertionError):  # the fake runs out after the first step: only the choice matters
        generate(profile, backend=backend, method="steps")
    asked = backend.requests[-1].messages[-1]["content"]
    assert chosen in asked.split('the plan toward "', 1)[1].split('"', 1)[0]


def test_the_aspirations_reason_names_only_the_candidates_jobs_and_skills(profile):
    import re

    from aspire import step_patterns

    reason = step_patterns.reason_pattern(profile)
    assert re.match(reason, "It builds on my work as an assistant store manager and my experience in inventory.")
    assert re.match(reason, "It builds on my experience in team leadership.")
    # A job or a skill the inputs do not show cannot be claimed.
    assert not re.match(reason, "It builds on my work as a line cook.")
    assert not re.match(reason, "The resume mentions experience in designing menus.")
    # Two facts are two different ones.
    assert not re.match(reason, "It builds on my experience in team leadership and my experience in team leadership.")


def test_a_reason_from_a_resume_alone_says_skills_as_a_person_would():
    import re

    from aspire import step_patterns

    profile = CandidateProfile(
        resume="Sales Associate, Shop, 2019-2021\nSkills\n- Communication skills\n- Front-desk reception\n"
        "- Basic CRM knowledge (used CallTrack)\n- Team player\nAssociate Degree in Business, 2018",
        company="Acme",
    )
    reason = step_patterns.reason_pattern(profile)
    assert re.match(reason, "It builds on my work as a sales associate and my communication skills.")
    assert re.match(reason, "It builds on my experience in front-desk reception.")
    assert "CallTrack" not in reason  # a hedged skill with a note is not said
    assert "player" not in reason  # a kind of person is no experience
    assert "degree" not in reason.lower()  # a degree on a dated line is no job


def test_kept_self_assessment_drops_what_a_reader_rejected():
    from aspire.assessment import kept_assessment
    from aspire.ladders import ladder_for
    from aspire.models import SelfAssessment

    profile = CandidateProfile(
        resume="Mathematics Teacher, Lincoln High, 2018-present\n- Taught algebra and geometry to five classes\n"
        "- Coached the school's maths olympiad team",
        company="Westbrook Unified",
        role="Teacher",
    )
    offered = SelfAssessment(
        strengths=[
            "Teaching algebra and geometry to five classes",  # a resume line
            "Ability to work independently and as part",  # cut off
            "Patient explanations",
            "Coaching competition teams",
        ],
        growth_areas=[
            "Learn Westbrook Unified's curriculum",  # a plan step
            "School leadership certificate",  # a credential
            "Promotion to head of department",
            "Data-informed instruction",
        ],
    )
    kept = kept_assessment(profile, offered, [ladder_for(profile)])
    assert kept.strengths[:2] == ["Patient explanations", "Coaching competition teams"]
    assert kept.growth_areas == ["Data-informed instruction", "Coaching other teachers"]


def test_a_growth_area_done_in_a_system_the_resume_names_is_shown(profile):
    from aspire.assessment import kept_assessment
    from aspire.ladders import ladder_for
    from aspire.models import SelfAssessment

    shop = profile.model_copy(update={"skills": ["store operations", "inventory management"]})
    offered = SelfAssessment(strengths=["a", "b"], growth_areas=["Inventory management system", "Visual merchandising"])
    assert kept_assessment(shop, offered, [ladder_for(shop)]).growth_areas[0] == "Visual merchandising"


def test_present_deeds_are_told_as_past_work_and_mixed_tenses_are_no_deed():
    from aspire import resume_facts

    assert resume_facts.in_past_tense("collaborate with team members daily") == "collaborated with team members daily"
    assert resume_facts.in_past_tense("managed the bar") == "managed the bar"
    assert resume_facts.as_deed("Monitored and analyzed metrics and implement business solutions") is None
    assert resume_facts.as_deed("Provided training and support to new staff members") is not None
    assert resume_facts.mixes_tenses("took orders, operate POS, handle payments".split())
    assert not resume_facts.mixes_tenses("Recruited, trained and coached ten staff".split())
    ranked = resume_facts.ranked_deeds(["managed inquiries or requests and provided assistance", "cut waste by 12%"])
    assert ranked[0] == "cut waste by 12%"


def test_the_answer_says_an_before_an_acronym_heard_with_a_vowel():
    from aspire import english

    assert english.fix_acronym_articles("I want to be a HR business partner.") == (
        "I want to be an HR business partner."
    )
    assert english.fix_acronym_articles("A MBA, a CFA and a UX lead.") == "An MBA, a CFA and a UX lead."


def test_strengths_are_said_once_and_never_filled_with_debris():
    from aspire.assessment import kept_assessment
    from aspire.ladders import ladder_for
    from aspire.models import SelfAssessment

    bartender = CandidateProfile(
        resume="Bartender, The Rocks Hotel, 2021-present\n- Made cocktails for 200 guests a night\n"
        "Skills\n- Stock rotation & bar prep\n- Table service & floor support",
        company="Merivale",
        skills=["cocktail making", "customer service"],
    )
    offered = SelfAssessment(strengths=["customer service", "Calm under pressure"], growth_areas=["Cellar management"])
    kept = kept_assessment(bartender, offered, [ladder_for(bartender)])
    assert kept.strengths == ["Cocktail making", "Customer service", "Calm under pressure"]

    no_skills = bartender.model_copy(update={"skills": []})
    debris = SelfAssessment(
        strengths=["Responsible Service of Alcohol (RSA): Liquor &amp;&nbsp;Gaming&nbsp;N,", "Calm under pressure"],
        growth_areas=["Cellar management"],
    )
    kept = kept_assessment(no_skills, debris, [ladder_for(no_skills)])
    assert kept.strengths[:2] == ["Calm under pressure", "Stock rotation & bar prep"]


def test_a_skill_named_knowledge_base_is_experience_not_knowledge():
    from aspire import step_patterns

    reason = step_patterns.reason_pattern(
        CandidateProfile(
            resume="Agent, Telco, 2020-2022\n- Took 60 calls a day", company="Acme", skills=["Knowledge base platforms"]
        )
    )
    assert "my experience in Knowledge base platforms" in reason


def test_an_aspiration_ends_at_a_role_not_at_an_employer():
    from aspire.step_patterns import without_trailing_employer

    assert without_trailing_employer("Become a senior product manager at Google") == "Become a senior product manager"
    assert (
        without_trailing_employer("Become an instructional coach for the Westbrook Unified School District")
        == "Become an instructional coach"
    )
    # A lower-case place is part of the role; a capitalised job is no employer.
    assert without_trailing_employer("Become a bar manager for a hotel") == "Become a bar manager for a hotel"
    assert without_trailing_employer("Become a Head of Science") == "Become a Head of Science"


def test_the_trimmed_aspiration_is_the_one_drafted(profile):
    with_company = copy.deepcopy(ASPIRATIONS)
    with_company["aspirations"][1]["aspiration"] = "Become a district manager who develops store leaders at Target"
    draft = generate(profile, backend=FakeBackend(replies(aspiration=with_company)), method="steps")
    assert draft.plan.aspiration == "Become a district manager who develops store leaders"


def test_duty_lists_are_not_offered_when_two_better_deeds_are():
    from aspire import resume_facts

    deeds = ["managed inquiries or requests", "cut waste by 12%", "trained four new baristas on the espresso machine"]
    assert resume_facts.ranked_deeds(deeds) == deeds[1:]
    assert resume_facts.ranked_deeds(deeds[:2]) == ["cut waste by 12%", "managed inquiries or requests"]


def test_growth_areas_come_from_the_closest_field_only():
    from aspire.assessment import kept_assessment
    from aspire.ladders import ladder_for
    from aspire.models import SelfAssessment

    plumber = CandidateProfile(
        resume="Journeyman Plumber, Flow Co, 2019-present\n- Install and repair water lines in homes",
        company="ClearFlow",
        role="Licensed Plumber",
    )
    offered = SelfAssessment(strengths=["a"], growth_areas=["Learn ClearFlow's tools"])
    kept = kept_assessment(plumber, offered, [ladder_for(plumber)])
    assert [g.lower() for g in kept.growth_areas] == list(ladder_for(plumber).growth[:2])


def test_another_fields_example_copied_whole_is_not_considered(profile):
    from aspire.ladders import career_fields

    farther = next(f for f in career_fields() if f.field == "kitchens").aspirations[0]
    offered = copy.deepcopy(ASPIRATIONS)
    offered["aspirations"][2]["aspiration"] = farther
    draft = generate(profile, backend=FakeBackend(replies(aspiration=offered)), method="steps")
    assert farther not in [o.aspiration for o in draft.plan.aspirations]
    assert draft.plan.aspirations[0].aspiration == "Become a district manager who develops store leaders"


def test_only_options_the_rules_pass_are_shown_as_considered(profile):
    offered = copy.deepcopy(ASPIRATIONS)
    offered["aspirations"][2]["aspiration"] = "Become a line cook who designs a restaurant's menu"
    draft = generate(profile, backend=FakeBackend(replies(aspiration=offered)), method="steps")
    assert "Become a line cook who designs a restaurant's menu" not in [o.aspiration for o in draft.plan.aspirations]
    assert "Become a store manager" not in [o.aspiration for o in draft.plan.aspirations]


def test_a_strength_said_again_with_praise_is_one_strength():
    from aspire.assessment import kept_assessment
    from aspire.ladders import ladder_for
    from aspire.models import SelfAssessment

    profile = CandidateProfile(resume="Assistant Store Manager, Shop, 2019-present\n- Ran the tills", company="Acme")
    offered = SelfAssessment(
        strengths=["Excellent communication skills", "Great problem-solving skills", "communication skills"],
        growth_areas=["Leading a kitchen team", "Visual merchandising"],
    )
    kept = kept_assessment(profile, offered, [ladder_for(profile)])
    assert kept.strengths[:2] == ["Excellent communication skills", "Great problem-solving skills"]
    assert "communication skills" not in kept.strengths
    # Another field's example copied from the prompt is no growth area of this candidate's.
    assert "Leading a kitchen team" not in kept.growth_areas


def test_the_aim_names_a_role_not_an_employer(profile):
    answer = dict(ANSWER, aim="In five years, I aim to become a district manager at Google.")
    draft = generate(profile, backend=FakeBackend(replies(answer=answer)), method="steps")
    assert draft.answer.startswith("In five years, I aim to become a district manager. As an")


def test_the_deed_nearest_the_aim_comes_first():
    from aspire import resume_facts

    deeds = ["used the till and EFTPOS", "ran the front desk for a busy office", "stacked the shelves weekly"]
    assert resume_facts.ranked_deeds(deeds, toward="Become an office manager")[0] == (
        "ran the front desk for a busy office"
    )
    assert (
        resume_facts.as_deed("Received positive feedback from supervisor on \u201cimproved communication\u201d") is None
    )


def test_an_aspiration_from_another_trade_is_no_option_for_the_candidate():
    from aspire.stepwise import StepSession

    plumber = CandidateProfile(
        resume="Journeyman Plumber, Flow Co, 2019-present\n- Installed and repaired water lines in 200 homes",
        company="ClearFlow Plumbing",
        role="Licensed Plumber",
    )
    session = StepSession(plumber, FakeBackend(), resolve_settings(backend="local", environ={}), RuntimeError)
    assert not session._in_the_candidates_field("Become a line cook who designs a restaurant's menu")
    assert session._in_the_candidates_field("Become a master plumber who runs a service team")
    assert session._in_the_candidates_field("Become a field operations manager for a trades company")
    assert session._in_the_candidates_field("Build a training program for apprentices")  # no job named


def test_the_reasons_deeds_are_ranked_toward_the_aspiration_drafted():
    import re

    from aspire import step_patterns

    profile = CandidateProfile(
        resume="Bartender, The Rocks Hotel, 2021-present\n- Used the till and EFTPOS daily\n"
        "- Mixed drinks for hotel guests every night",
        company="Merivale",
    )
    aim = "Become a bar manager who designs the drinks program"
    why = step_patterns.answer_patterns(profile, aim)["why"]
    offered = re.search(r", I \((.*)\)\)", why)
    assert offered and offered.group(1).startswith("mixed drinks")
