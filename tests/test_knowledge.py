"""The O*NET occupations shipped with aspire: the built file, title matching, step-up paths."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from aspire.knowledge import lookup, meta, store
from aspire.knowledge.build import NEEDED, BuildError, build, find_sources
from aspire.knowledge.matching import CONFIDENT, match_candidate, match_title, terms, title_matches
from aspire.knowledge.paths import growth_needs, senior_title, speakable_title, step_ups


def test_the_shipped_file_says_where_it_comes_from_and_under_which_licence():
    about = meta()
    assert "O*NET" in about["source"] and "USDOL/ETA" in about["source"]
    assert "CC BY 4.0" in about["licence"] and "O*NET" in about["attribution"]
    assert about["releases"]
    db = sqlite3.connect(f"{store.DATA_FILE.as_uri()}?mode=ro", uri=True)
    sources = db.execute("SELECT tbl, file, release, sha256 FROM source").fetchall()
    assert {row[0].split(":", 1)[1] for row in sources} == set(NEEDED)
    assert all(len(sha) == 64 for *_, sha in sources)
    # A few MB inside the wheel, not the whole O*NET release.
    assert store.DATA_FILE.stat().st_size < 20_000_000


def test_it_holds_every_occupation_and_its_titles():
    assert len(store.occupations()) > 1000
    paralegals = store.get("23-2011")  # ".00" may be left off
    assert paralegals.title == "Paralegals and Legal Assistants" and paralegals.major_group_title == "Legal"
    with pytest.raises(Exception, match="aspire occupation"):
        store.get("99-9999.00")


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Paralegal", "23-2011.00"),
        ("Physiotherapist", "29-1123.00"),  # a British title, listed by O*NET
        ("Quantity Surveyor", "13-1051.00"),
        ("Senior Paralegal", "23-2011.00"),  # a rank word leaves the occupation as it is
        ("Pharmacy Technician", "29-2052.00"),  # not pharmacists: the head decides
        ("Backend Engineer", "15-1254.00"),  # "backend" is "back end"
        ("Junior High School Teacher", "25-2022.00"),  # a kind of school, not a rank
        ("Electrician", "47-2111.00"),
    ],
)
def test_a_title_names_its_occupation(title, code):
    assert title_matches(title, limit=1)[0].code == code


def test_spellings_and_forms_meet():
    assert terms("Labourers") == terms("laborer")
    assert terms("Centre Manager") == terms("center managers")
    assert terms("Senior Engineer II", asked=True) == ("engineer",)
    assert terms("Senior Engineer II") == ("senior", "engineer", "ii")


def test_the_resume_settles_a_title_that_names_several_occupations():
    barista = "Barista, Daily Grind, 2021-present\n- Made espresso drinks and trained new baristas"
    guard = "Security Officer, Allied, 2019-present\n- Patrolled the site and wrote incident reports"
    for resume, group in ((barista, "35"), (guard, "33")):
        held = [resume.split(",")[0]]
        found = match_candidate(role="Shift Supervisor", job_title=None, held=held, context=resume)
        assert found is not None and found.occupation.major_group == group


def test_the_role_sought_comes_first_then_the_job_description_then_the_job_held():
    found = match_candidate(role="Instructional Designer", job_title=None, held=["Fourth Grade Teacher"], context="")
    assert found is not None and found.code == "25-9031.00" and found.source == "the role applied for"
    found = match_candidate(role=None, job_title=None, held=["Fourth Grade Teacher"], context="")
    assert found is not None and found.source == "the current job"
    # "Data Analyst, Operations Analytics": the title, before its specialty.
    found = match_candidate(role="Data Analyst, Operations Analytics", job_title=None, held=["Tutor"], context="")
    assert found is not None and found.occupation.major_group == "15"


def test_a_title_it_does_not_know_is_a_guess_below_the_confidence():
    found = match_title("Shop Assistant", "role")
    assert found is not None and found.confidence < CONFIDENT and not found.confident
    assert match_title("zzqx", "role") is None


def test_step_ups_are_jobs_above_in_the_same_line_of_work():
    electricians = store.get("47-2111.00")
    steps = step_ups(electricians)
    assert steps and all(s.occupation.code != electricians.code or s.rungs == 1 for s in steps)
    assert steps[0].occupation.code == "47-1011.00"  # the construction trades' supervisors
    assert "electric" in steps[0].title  # said in the electrician's words
    assert any(s.occupation.code == "11-9021.00" for s in steps)  # construction managers
    pharmacy = [s.occupation.code for s in step_ups(store.get("29-2052.00"))]
    assert "29-1051.00" in pharmacy  # pharmacists: more preparation, in the same line
    assert senior_title(store.get("29-1141.00")) == "charge nurse"
    assert speakable_title(store.get("29-1051.00")) == "pharmacist"


def test_growth_needs_are_what_the_step_up_rates_above_the_job_now():
    needs = growth_needs(store.get("47-1011.00"), store.get("47-2111.00"))
    assert (needs and "people management" in needs) or "staff recruitment and development" in needs
    assert "reading comprehension" not in needs


def test_lookup_is_what_aspire_occupation_prints():
    found = lookup("Paralegal").as_dict()
    assert found["match"]["code"] == "23-2011.00"  # type: ignore[index]
    assert found["step_ups"] and all({"title", "code", "why"} <= set(s) for s in found["step_ups"])  # type: ignore[union-attr]
    assert lookup("23-2011.00").as_dict()["match"]["confidence"] == 1.0  # type: ignore[index]


def _release(folder, version: str, files: dict[str, str]) -> None:
    folder.mkdir()
    (folder / "Read Me.txt").write_text(f"O*NET {version} Database\nDecember 2025 Release\n")
    for name, body in files.items():
        (folder / f"{name}.txt").write_text(body, encoding="utf-8")


_TINY = {
    "Occupation Data": "O*NET-SOC Code\tTitle\tDescription\n"
    "23-2011.00\tParalegals and Legal Assistants\tAssist lawyers.\n23-1011.00\tLawyers\tRepresent clients.\n",
    "Alternate Titles": "O*NET-SOC Code\tAlternate Title\tShort Title\tSource(s)\n"
    "23-2011.00\tLegal Assistant\tn/a\t08\n",
    "Sample of Reported Titles": "O*NET-SOC Code\tReported Job Title\tShown in My Next Move\n"
    "23-2011.00\tParalegal\tY\n",
    "Job Zones": "O*NET-SOC Code\tJob Zone\tDate\tDomain Source\n"
    "23-2011.00\t3\t08/2023\tAnalyst\n23-1011.00\t5\t08/2023\tAnalyst\n",
    "Related Occupations": "O*NET-SOC Code\tRelated O*NET-SOC Code\tRelatedness Tier\tIndex\n"
    "23-2011.00\t23-1011.00\tSupplemental\t1\n",
    "Task Statements": "O*NET-SOC Code\tTask ID\tTask\tTask Type\tIncumbents Responding\tDate\tDomain Source\n"
    "23-2011.00\t1\tPrepare legal documents.\tCore\t9\t08/2023\tIncumbent\n",
    "Tasks to DWAs": "O*NET-SOC Code\tTask ID\tDWA ID\tDate\tDomain Source\n23-2011.00\t1\tD1\t07/2014\tAnalyst\n",
    "DWA Reference": "Element ID\tIWA ID\tDWA ID\tDWA Title\nE\tI\tD1\tPrepare legal documents.\n",
    "Technology Skills": "O*NET-SOC Code\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\n"
    "23-2011.00\tClio\t1\tLegal software\tY\tN\n",
}
_RATINGS = (
    "O*NET-SOC Code\tTitle\tElement ID\tElement Name\tScale ID\tScale Name\tData Value\tN\tStandard Error\t"
    "Lower CI Bound\tUpper CI Bound\tRecommend Suppress\tNot Relevant\tDate\tDomain Source\n"
    "23-2011.00\tParalegals\t2.A.1.a\tWriting\tIM\tImportance\t4.00\t8\t0.1\t3.8\t4.2\tN\t\t08/2023\tAnalyst\n"
)


def test_the_build_is_rerunnable_and_takes_each_file_from_the_newest_release_that_has_it(tmp_path):
    _release(tmp_path / "new", "30.1", _TINY)
    _release(tmp_path / "old", "29.0", {"Skills": _RATINGS, "Knowledge": _RATINGS, "Job Zones": "x\n"})
    out = tmp_path / "onet.sqlite"
    counts = build([tmp_path / "new", tmp_path / "old"], out)
    assert counts["occupation"] == 2 and counts["title"] == 4 and counts["element"] == 2
    first = hashlib.sha256(out.read_bytes()).hexdigest()
    build([tmp_path / "new", tmp_path / "old"], out)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == first
    db = sqlite3.connect(out)
    releases = dict(db.execute("SELECT file, release FROM source").fetchall())
    assert releases["Job Zones.txt"] == "30.1" and releases["Skills.txt"] == "29.0"
    assert db.execute("SELECT value FROM meta WHERE key = 'releases'").fetchone()[0] == "29.0, 30.1"


def test_a_missing_release_file_is_named(tmp_path):
    _release(tmp_path / "new", "30.1", _TINY)
    with pytest.raises(BuildError, match="Skills"):
        find_sources([tmp_path / "new"])
