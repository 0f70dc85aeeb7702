"""The field ladders' repairs of a stepwise plan, and the resume facts they stand on.

Each case is a defect readers named in blind readings of the eighth stepwise version.
"""

from __future__ import annotations

import pytest

from aspire import ladders, resume_facts
from aspire.assessment import kept_assessment
from aspire.ladders import ladder_for, tidy_goals
from aspire.models import CandidateProfile, Goal, SelfAssessment

NURSE = CandidateProfile(
    resume="Registered Nurse, Cardiac ICU, St Mary's, 2019-present\n- Cared for four patients a shift after surgery",
    company="Mercy Valley Medical Center",
    role="ICU Registered Nurse",
)
ENGINEER = CandidateProfile(
    resume=(
        "Senior Software Engineer, Google, 2015-present\n"
        "- Led a team of five software engineers on a payments service\n"
        "Skills: Python, Java, strong leadership"
    ),
    company="Copperleaf Software",
    role="Software Engineer",
)


def _goal(goal: str, support: str, kind: str = "skill") -> Goal:
    return Goal(goal=goal, kind=kind, company_support=support, evidence="Registered Nurse")


def test_one_offer_a_support_not_two_joined_by_or():
    goals = [
        _goal("Learn the unit's charting system", "unit manual or training materials", "learn"),
        _goal("Lead a project on engagement", "a project on engagement or retention", "project"),
    ]
    tidied = tidy_goals(goals, "Become a nurse manager who leads a critical care unit", NURSE, None)
    assert [g.company_support for g in tidied] == ["unit manual", "a project on engagement or retention"]


def test_another_trades_credential_gives_way_to_the_fields_own():
    field = ladder_for(NURSE)
    goals = [
        _goal("Earn the advanced respiratory therapist certification", "respiratory therapist program", "credential"),
        _goal("Get promoted to charge nurse", "the hospital's charge nurse program", "promotion"),
    ]
    tidied = tidy_goals(goals, "Become a nurse manager who leads a critical care unit", NURSE, field)
    assert tidied[0].goal == next(g for g in field.goals if g.startswith("Earn"))
    assert "therapist" not in tidied[0].company_support
    # A rung word every ladder shares is no other trade's.
    supervisor = [_goal("Earn a food safety supervisor certificate", "paid training", "credential")]
    assert tidy_goals(supervisor, "Become a nurse manager", NURSE, field)[0].goal == supervisor[0].goal


def test_a_promotion_is_not_helped_by_the_job_itself_and_the_aspiration_closes_with_help_of_its_own():
    field = ladder_for(NURSE)
    goals = [
        _goal("Lead a patient safety project on the unit", "the hospital's quality improvement team", "project"),
        _goal("Get promoted to charge nurse", "the hospital's charge nurse program", "promotion"),
    ]
    tidied = tidy_goals(goals, "Become a nurse manager who leads a critical care unit", NURSE, field)
    assert tidied[1].company_support == field.support[3]
    # "charge nurse" shares "nurse" with the aspiration but stops short of it.
    assert tidied[-1].goal == "Become a nurse manager who leads a critical care unit"
    assert tidied[-1].company_support == "mentoring from a nurse manager at Mercy Valley Medical Center"
    assert len({g.company_support for g in tidied}) == len(tidied)


def test_a_plan_that_stops_short_closes_with_mentoring_or_the_fields_step_up():
    field = ladder_for(ENGINEER)
    goals = [
        _goal("Master system design for distributed services", "time to learn from the company's architects"),
        _goal("Lead the design of a new service from start to launch", "ownership of a service in production"),
    ]
    tidied = tidy_goals(goals, "Become an engineering manager", ENGINEER, field)
    assert tidied[-1].goal == "Become an engineering manager"
    assert tidied[-1].company_support == "mentoring from an engineering manager at Copperleaf Software"
    # A plan that already arrives is left as it is.
    assert tidy_goals(tidied, "Become an engineering manager", ENGINEER, field) == tidied
    # An aim that names no job closes with the field's promotion program, if no goal has it yet.
    body_of_work = "Build the payment systems a whole country relies on"
    assert tidy_goals(goals, body_of_work, ENGINEER, field)[-1].company_support == field.support[3]


def test_growth_areas_the_resume_already_shows_come_after_new_ones():
    offered = SelfAssessment(strengths=["Python"], growth_areas=["Technical leadership", "CI/CD pipelines"])
    kept = kept_assessment(ENGINEER, offered, [ladder_for(ENGINEER)])
    assert "Technical leadership" not in kept.growth_areas
    assert kept.growth_areas[0] == "CI/CD pipelines"
    hr = CandidateProfile(
        resume="HR Specialist, IBM, 2015-present\n- In-depth knowledge of labor laws and HR best practices",
        company="Greenway Foods",
        role="HR Specialist",
    )
    offered = SelfAssessment(strengths=["Recruiting"], growth_areas=["Employment law", "Workforce planning"])
    assert kept_assessment(hr, offered, [ladder_for(hr)]).growth_areas[0] == "Workforce planning"
    # The candidate's own job word is who is coached, not a skill shown: it stays first.
    shop = CandidateProfile(
        resume="Store Manager, Target, 2018-present\n- Grew sales 12% in a year",
        company="Target",
        role="Store Manager",
    )
    offered = SelfAssessment(strengths=["Sales"], growth_areas=["Coaching store managers", "Budgeting"])
    assert kept_assessment(shop, offered, [ladder_for(shop)]).growth_areas[0] == "Coaching store managers"


@pytest.mark.parametrize(
    ("resume", "expected"),
    [
        (
            "1. HR Specialist\n   IBM - Boston, MA\n   January 2015 - Present\n\nResponsibilities:\n"
            "- Managed HR-related inquiries\n\n2. HR Coordinator\n   Accenture - Chicago, IL\n   June 2010 - 2015\n",
            ("HR Specialist", "HR Coordinator"),
        ),
        (
            "Experience\n2017 -\nPresent\nProduct Manager, Google, Mountain View, CA\nLeading cross-functional teams.\n"
            "2012 - 2017 Software Development Engineer III, Amazon, Seattle\n",
            ("Product Manager", "Software Development Engineer III"),
        ),
        # A deed two lines above the next job's dates is no title.
        (
            "Barista, Daily Grind, 2021-present\n- Trained four new baristas\nMain Street\n2019-2020\n",
            ("Barista",),
        ),
    ],
)
def test_titles_written_over_three_lines_or_after_their_dates(resume, expected):
    assert resume_facts.titles(resume) == expected


def test_the_job_held_now_and_the_role_sought_choose_the_ladder_before_older_jobs():
    veteran = CandidateProfile(
        resume=(
            "2017 - Present Product Manager, Google\n- Launched three products\n"
            "2012 - 2017 Software Development Engineer III, Amazon\n"
            "2007 - 2012 Software Development Engineer II, Apple\n"
            "2002 - 2007 Software Development Engineer I, Netflix\n"
        ),
        company="Brightpath",
        role="Product Manager",
    )
    assert resume_facts.titles(veteran.resume)[0] == "Product Manager"
    assert ladder_for(veteran).field == "product management"
    # Older jobs' occupation does not lead: the role sought and the job held now are a
    # product manager's (O*NET's 11-2021.00 holds product managers), not an engineer's.


def test_skills_lines_and_credentials_held_are_no_deeds():
    assert resume_facts.as_deed("Product management, Agile methodologies, Leadership, Communication, Project") is None
    assert resume_facts.as_deed("Google Data Analytics Certificate, 2024") is None
    assert resume_facts.as_deed("Teaching credential, single subject: Mathematics") is None
    assert (
        resume_facts.as_deed("Earned the CompTIA A+ certification in 2023")
        == "earned the CompTIA A+ certification in 2023"
    )
    assert resume_facts.as_deed("Trained three cooks, ran the pass, cut waste by 12%") is not None


def test_a_title_under_the_name_starts_no_job():
    resume = (
        "Alfred Pennyworth\nProduct Manager\nSilicon Valley, CA\nSkills\n"
        "Product management, Agile methodologies, Leadership, Communication, Project\n"
        "Experience\n2012 - 2017 Software Development Engineer III, Amazon\n"
        "Led a team of developers building e-commerce applications\n"
        "2017 - Present Product Manager, Google\nLaunched three products used by millions of people\n"
    )
    jobs = dict(resume_facts.deeds_by_job(resume))
    assert jobs["Product Manager"] == ["launched three products used by millions of people"]
    assert jobs["Software Development Engineer III"] == ["led a team of developers building e-commerce applications"]


def test_whom_a_growth_area_coaches_is_not_what_the_title_shows():
    from dataclasses import replace

    from aspire.rules_self import self_assessment_is_real

    from .test_rules_meaning import GOOD

    engineer = replace(
        GOOD,
        resume="Software Engineer, Acme, 2019-present\n- Built the payments API in Python",
        strengths=("Python",),
    )
    assert self_assessment_is_real(replace(engineer, growth_areas=("Mentoring engineers",))).verdict == "pass"
    # The field itself is still no growth area for one who works in it.
    plumber = replace(GOOD, resume="Journeyman Plumber, Flow Co, 2019-present\n- Fixed leaks in homes")
    assert self_assessment_is_real(replace(plumber, growth_areas=("Plumbing",))).verdict == "fail"


def test_a_strength_the_job_description_asks_for_and_the_resume_never_shows_is_dropped():
    backend = ENGINEER.model_copy(
        update={"job_description": "You have deep knowledge of async programming with asyncio and excellent Python."}
    )
    offered = SelfAssessment(
        strengths=["Deep knowledge of async programming with asyncio", "Excellent Python skills", "Java"],
        growth_areas=["CI/CD pipelines"],
    )
    kept = kept_assessment(backend, offered, [ladder_for(backend)])
    assert "Deep knowledge of async programming with asyncio" not in kept.strengths
    assert "Excellent Python skills" in kept.strengths  # praise the resume lacks is no claim of a skill


def test_deeds_end_where_the_jobs_end_and_a_helper_is_a_job():
    resume = (
        "Front Desk Helper - Maple Support (2023 - 2024)\nAnswered phones and passed messages on.\n\n"
        "Retail Assistant - Bargain Corner (2021 - 2023)\nUsed the till and EFTPOS.\n\n"
        "Skills\nTyping around 40wpm (still improving)\nFiling and sorting documents (paper + digital)\n"
    )
    assert dict(resume_facts.deeds_by_job(resume)) == {
        "Front Desk Helper": ["answered phones and passed messages on"],
        "Retail Assistant": ["used the till and EFTPOS"],
    }
    # "Responsibilities:" under a job is still the job's.
    under = (
        "1. HR Specialist\nIBM - Boston\nJanuary 2015 - Present\nResponsibilities:\n"
        "- Managed HR inquiries for 400 staff\n"
    )
    assert dict(resume_facts.deeds_by_job(under)) == {"HR Specialist": ["managed HR inquiries for 400 staff"]}
    assert resume_facts.as_deed("Mar 2023 - Jun 2023 (Contract)") is None


def test_work_that_proves_a_skill_is_helped_by_the_work_not_a_course():
    hr = CandidateProfile(resume="HR Specialist, IBM, 2015-present\n- Ran onboarding", company="Greenway", role="HR")
    field = ladder_for(hr)
    goals = [
        _goal("Lead a project to improve onboarding", "onboarding training program", "project"),
        _goal("Get promoted to HR business partner", "mentoring from senior HR leaders", "promotion"),
    ]
    tidied = tidy_goals(goals, "Become an HR business partner", hr, field)
    assert tidied[0].company_support == field.support[2]


def test_analytical_thinking_is_shown_by_an_analysts_analysis():
    analyst = CandidateProfile(
        resume="Senior Financial Analyst, Bank, 2018-present\n- Perform variance analysis every month",
        company="Lakeshore",
        role="Financial Analyst",
    )
    offered = SelfAssessment(strengths=["Excel"], growth_areas=["Analytical thinking", "Budget ownership"])
    assert kept_assessment(analyst, offered, [ladder_for(analyst)]).growth_areas[0] == "Budget ownership"


def test_the_closing_mentor_holds_the_job_named():
    field = ladder_for(ENGINEER)
    goals = [_goal("Master system design for distributed services", "time to learn from the company's architects")]
    assistant = tidy_goals(goals, "Become an executive assistant to a senior partner", ENGINEER, field)
    assert assistant[-1].company_support == "mentoring from an executive assistant at Copperleaf Software"
    head = tidy_goals(goals, "Become a head of people who shapes company culture", ENGINEER, field)
    assert head[-1].company_support == "mentoring from the head of people at Copperleaf Software"
    body_of_work = tidy_goals(goals, "Become a leader of the payments platform", ENGINEER, field)
    assert body_of_work[-1].company_support == field.support[3]


def test_a_growth_area_the_resume_shows_stands_only_alone():
    analyst = CandidateProfile(
        resume="Senior Financial Analyst, Bank, 2018-present\n- Researched investment opportunities and analysis",
        company="Lakeshore",
        role="Financial Analyst",
    )
    offered = SelfAssessment(strengths=["Excel"], growth_areas=["Budget ownership", "Investment analysis"])
    assert kept_assessment(analyst, offered, [ladder_for(analyst)]).growth_areas[0] == "Budget ownership"
    assert "Investment analysis" not in kept_assessment(analyst, offered, [ladder_for(analyst)]).growth_areas


def test_the_job_a_job_description_advertises_is_a_job_in_view():
    from aspire.rules_meaning import advertised_title, held_titles

    advert = "We are looking for a Senior Product Manager to drive the strategy of our suite."
    assert advertised_title(advert) == "Senior Product Manager"
    assert advertised_title("We are seeking a highly motivated data analyst to join us.") == "data analyst"
    assert advertised_title("Join our friendly team in the city centre.") == ""
    assert "Senior Product Manager" in held_titles("Product Manager, Google, 2017-present", "Product Manager", advert)


def test_a_support_line_said_aloud_gets_its_article():
    from aspire import english, step_patterns

    assert english.with_article("HR certification program") == "an HR certification program"
    assert english.with_article("unit's quality improvement team") == "the unit's quality improvement team"
    assert english.with_article("support for CPHR certification") == "support for CPHR certification"
    assert english.with_article("Telstra's coaching program") == "Telstra's coaching program"
    said = "Greenway would help me grow by providing HR certification program and the HR certification program."
    assert step_patterns.supports_with_articles(said, ["HR certification program"]) == (
        "Greenway would help me grow by providing an HR certification program and the HR certification program."
    )


def test_the_role_sought_chooses_the_ladder_of_a_career_changer():
    teacher = CandidateProfile(
        resume=(
            "Fourth Grade Teacher, Maple Grove Elementary, 2015-present\n"
            "- Designed a year-long science curriculum adopted by every fourth grade class\n"
            "- Built online lessons and quizzes for students in the classroom"
        ),
        company="Lumen Learning Labs",
        role="Instructional Designer",
    )
    # The occupation of the role sought (Instructional Coordinators), not of the job held now.
    assert ladder_for(teacher).field == "learning and instructional design"
    # The rung words of the role sought say nothing of the field: a store manager keeps retail.
    manager = CandidateProfile(
        resume="Store Manager, Target, 2018-present\n- Grew sales", company="X", role="Store Manager"
    )
    assert ladder_for(manager).field == "retail"


@pytest.mark.parametrize(
    ("job_description", "title"),
    [
        ("Job Title: Court Clerk\nWe need an organised clerk.", "Court Clerk"),
        ("Forklift Operator\nNight shift, Northfield depot.", "Forklift Operator"),
        ("We are looking for a Senior Product Manager to lead our payments line.", "Senior Product Manager"),
        ("About us. We make widgets and sell them.", None),
        (None, None),
    ],
)
def test_the_job_a_job_description_is_for(job_description, title):
    from aspire.ladders import job_title_of

    assert job_title_of(job_description) == title


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("Install and repair water lines and drains", "installed and repaired water lines and drains"),
        ("putting away and replenishing stock", "put away and replenished stock"),
        ("trains apprentices on the line", "trained apprentices on the line"),
        ("Provided training and support to new staff", "provided training and support to new staff"),
        ("Led a team of five", "led a team of five"),
        # Joined on in another form: a noun ("issues") and an -ing clause stay as written.
        (
            "Handled customer queries, complaints, and issues efficiently, providing a swift resolution.",
            "handled customer queries, complaints, and issues efficiently, providing a swift resolution.",
        ),
        ("Installs, repairs and services boilers", "installed, repaired and serviced boilers"),
        # Things, not acts: pasted after "I", readers read them as broken speech.
        ("site inspections and progress reports for a road scheme", None),
        ("key worker for 12 young people", None),
        ("customer complaints and refunds at the front desk", None),
    ],
)
def test_a_deed_is_said_in_the_past_or_not_at_all(line, said):
    assert resume_facts.spoken_deed(line) == said


@pytest.mark.parametrize(
    ("role", "resume"),
    [
        ("Senior Paralegal", "Senior Paralegal, Hale & Co, 2019-2024\n- Drafted pleadings and managed case files"),
        ("Electrician", "Electrician, Volt Works, 2018-2024\n- Installed and repaired wiring in homes"),
        ("Personal Banker", "Personal Banker, First Bank, 2020-2024\n- Opened accounts and explained loan products"),
    ],
)
def test_a_ladder_built_from_onet_says_jobs_plainly(role, resume):
    """The worked example built from the data: the job alone as an aim (O*NET's activities made
    purposes like 'who conducts opinion surveys'), no rank said twice, the candidate's own work."""
    path = ladders.career_path(CandidateProfile(resume=resume, company="Acme", role=role))
    ladder = ladders.data_ladder(path, role=role)
    assert ladder is not None and ladder.reason == "built from O*NET"
    said = " ".join([*ladder.aspirations, *ladder.goals, *ladder.support, *ladder.growth]).lower()
    assert " who " not in said and "senior senior" not in said and "lead lead" not in said
    assert len(set(ladder.aspirations)) == 2 and ladder.goals[-1].startswith("Get promoted to ")
    assert ladder.growth and all(g.strip() for g in ladder.growth)
