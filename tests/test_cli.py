"""The CLI: help that teaches, clean errors with exit code 2, JSON that validates."""

from __future__ import annotations

import json

import pytest

import aspire.cli as cli
import aspire.commands as commands
from aspire import Draft, FakeBackend
from aspire.generate import generate as real_generate
from aspire.rules import RULES

from .conftest import ARTICLE_PLAN, EXAMPLE_RESUMES, good_reply_data, run_cli

RESUME = EXAMPLE_RESUMES / "retail_store_manager.md"


run = run_cli


def test_help_teaches_with_examples(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "aspire draft --resume" in out and "OPENAI_BASE_URL" in out and ".env.example" in out

    with pytest.raises(SystemExit):
        cli.main(["draft", "--help"])
    out = capsys.readouterr().out
    for option in (
        "--resume",
        "--company",
        "--skills",
        "--role",
        "--job-description",
        "--question",
        "--backend",
        "--model",
        "--json",
        "exit status",
    ):
        assert option in out


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("aspire 0.")


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "draft" in out


def test_json_output_validates_as_draft(capsys, fake_model):
    code, out, err = run(capsys, "draft", "--resume", str(RESUME), "--company", "Target", "--json")
    assert code == 0, err
    draft = Draft.model_validate_json(out)
    assert draft.plan.goals[0].goal == "Get hired by Target"
    assert fake_model.requests[0].messages[-1]["content"].count("Best Buy") >= 1


def test_human_output_is_laid_out_like_the_article(capsys, fake_model):
    code, out, _ = run(
        capsys,
        "draft",
        "--resume",
        str(RESUME),
        "--company",
        "Target",
        "--skills",
        "retail, coaching",
        "--question",
        "Where do you see yourself in five years?",
        "--max-attempts",
        "1",
    )
    assert code == 0
    assert out.index("ANSWER") < out.index("INDIVIDUAL DEVELOPMENT PLAN") < out.index("CHECKS")
    assert "1. Get hired by Target [hire]" in out
    assert "→ Aspiration: Run a flagship store as a district leader" in out
    assert "FAIL answer-form" in out  # the fake reply does not mention five years
    request = fake_model.requests[0].messages[-1]["content"]
    assert "Skills: retail, coaching" in request and "five years" in request


def test_strict_exits_1_when_a_rule_fails(capsys, fake_model):
    code, _, _ = run(
        capsys,
        "draft",
        "--resume",
        str(RESUME),
        "--company",
        "Target",
        "--strict",
        "--question",
        "Where do you see yourself in five years?",
        "--max-attempts",
        "1",
    )
    assert code == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.txt", "resume file not found"),
        (lambda d: d, "is a directory"),
        (lambda d: _write(d / "cv.pdf", b"%PDF-1.4"), "could not be read as a PDF"),
        (lambda d: _write(d / "cv.docx", b"PK\x03\x04broken"), "could not be read as a Word document"),
        (lambda d: _write(d / "cv.json", b'{"x": 1}'), "not a JSON Resume"),
        (lambda d: _write(d / "cv.txt", b"\x00\x01\x02"), "looks binary"),
        (lambda d: _write(d / "cv.txt", b"caf\xe9 latin-1"), "not UTF-8"),
        (lambda d: _write(d / "cv.txt", b"  \n\t "), "is empty"),
        (lambda d: _write(d / "cv.txt", b"x" * (5 * 1024 * 1024 + 1)), "the limit is 5,242,880 bytes"),
    ],
)
def test_bad_resume_files_are_clean_errors(capsys, tmp_path, make, message):
    code, out, err = run(capsys, "draft", "--resume", str(make(tmp_path)), "--company", "Acme")
    assert code == 2
    assert message in err and err.startswith("aspire: error:")
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(
    ("company", "message"),
    [("", "company name is empty"), ("A" * 10_000, "the limit is 200"), ("Acme\x1b[31m", "control characters")],
)
def test_bad_company_is_a_clean_error(capsys, company, message):
    code, _, err = run(capsys, "draft", "--resume", str(RESUME), "--company", company)
    assert code == 2 and message in err and "Traceback" not in err


def test_unknown_backend_is_rejected_by_the_parser(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["draft", "--resume", str(RESUME), "--company", "Acme", "--backend", "gpt"])
    assert info.value.code == 2
    assert "invalid choice: 'gpt'" in capsys.readouterr().err


def test_openai_backend_without_settings_is_a_clean_error(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ASPIRE_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run(capsys, "draft", "--resume", str(RESUME), "--company", "Acme", "--backend", "openai")
    assert code == 2 and "needs OPENAI_API_KEY" in err


def test_dotenv_is_read_by_the_cli_but_environment_wins(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("ASPIRE_BACKEND=bogus-from-dotenv\n")
    monkeypatch.delenv("ASPIRE_BACKEND", raising=False)
    code, _, err = run(capsys, "draft", "--resume", str(RESUME), "--company", "Acme")
    assert code == 2 and "bogus-from-dotenv" in err

    monkeypatch.setenv("ASPIRE_BACKEND", "bogus-from-env")
    code, _, err = run(capsys, "draft", "--resume", str(RESUME), "--company", "Acme")
    assert code == 2 and "bogus-from-env" in err


def test_library_import_does_not_read_dotenv(tmp_path, monkeypatch):
    import subprocess
    import sys

    (tmp_path / ".env").write_text("ASPIRE_BACKEND=from-dotenv\n")
    env = {k: v for k, v in __import__("os").environ.items() if k != "ASPIRE_BACKEND"}
    code = "import aspire, os; print(os.environ.get('ASPIRE_BACKEND'))"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "None"


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_json_is_pretty_and_complete(capsys, fake_model):
    _, out, _ = run(capsys, "draft", "--resume", str(RESUME), "--company", "Target", "--json")
    data = json.loads(out)
    assert set(data) >= {"self_assessment", "plan", "answer", "checks", "attempts", "usage", "model", "elapsed_s"}


def test_unusable_model_output_is_a_clean_error_with_reasons(capsys, monkeypatch):
    fake = FakeBackend(["nope", "nope", "nope"])
    monkeypatch.setattr(
        commands, "generate", lambda profile, backend=None, **o: real_generate(profile, backend=fake, **o)
    )
    code, out, err = run(capsys, "draft", "--resume", str(RESUME), "--company", "Target", "-v")
    assert code == 2 and out == ""
    assert "aspire: error: no attempt out of 3 produced a valid draft" in err
    assert "  - Your reply is not valid JSON" in err
    assert "Traceback" not in err


def test_verbose_logs_attempts_but_not_the_resume(capsys, monkeypatch, caplog, fake_model):
    import logging

    with caplog.at_level(logging.DEBUG, logger="aspire"):
        code, _, _ = run(capsys, "draft", "--resume", str(RESUME), "--company", "Target", "-vv")
    assert code == 0
    assert "attempt 1 of 3 on fake: 0 rule(s) failed" in caplog.text
    assert "Best Buy" not in caplog.text


# --- aspire check -----------------------------------------------------------

ARTICLE_ANSWER = (
    "I would like to merge my work experience and degree to create a unique customer experience with XYZ "
    "Company. My background in sales and buying will generate business profit. My team building skills will "
    "unite the customer experience as one company and one face. As I continue to develop, I envision myself "
    "enhancing customer experiences with business strategies, branding, marketing, and sales."
)


@pytest.fixture
def article_files(tmp_path):
    answer = tmp_path / "answer.txt"
    answer.write_text(ARTICLE_ANSWER, encoding="utf-8")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(ARTICLE_PLAN), encoding="utf-8")
    return answer, plan


def test_check_passes_the_articles_own_answer_and_plan(capsys, article_files):
    answer, plan = article_files
    code, out, _ = run(capsys, "check", "--answer", str(answer), "--plan", str(plan), "--company", "XYZ Company")
    assert code == 0, out
    assert "PASS hire-first" in out and "PASS chain-reaches-aspiration" in out
    assert "SKIP grounded" in out  # no resume given: nothing to check claims against


def test_check_fails_with_evidence_and_a_suggestion(capsys, tmp_path, article_files):
    _, plan = article_files
    answer = tmp_path / "bad.txt"
    answer.write_text("In five years I want your job and a six-figure salary at XYZ Company.", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--answer", str(answer), "--plan", str(plan), "--company", "XYZ Company")
    flat = " ".join(out.split())
    assert code == 1
    assert "FAIL no-red-flags" in flat and "six-figure" in flat and "your job" in flat and "Fix:" in flat
    assert "FAIL answer-form" in flat


def test_check_json_lists_every_rule(capsys, article_files):
    answer, _ = article_files
    code, out, _ = run(capsys, "check", "--answer", str(answer), "--company", "XYZ Company", "--json")
    verdicts = {item["rule"]: item["verdict"] for item in json.loads(out)}
    assert list(verdicts) == list(RULES) and verdicts["hire-first"] == "skip" and verdicts["answer-form"] == "pass"
    # The article's own good response, checked alone, passes: a reader accepts it (evals/judged).
    assert verdicts["company-aids"] == "pass" and code == 0, verdicts


def test_check_bad_plan_is_a_clean_error(capsys, tmp_path, article_files):
    answer, _ = article_files
    plan = tmp_path / "plan.json"
    plan.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "check", "--answer", str(answer), "--plan", str(plan), "--company", "XYZ")
    assert code == 2 and "not valid JSON" in err and "Traceback" not in err
    plan.write_text('{"aspiration": "x"}', encoding="utf-8")
    code, _, err = run(capsys, "check", "--answer", str(answer), "--plan", str(plan), "--company", "XYZ")
    assert code == 2 and "no 'goals' list" in err


def test_check_accepts_a_saved_draft_as_the_plan(capsys, tmp_path, fake_model):
    _, out, _ = run(capsys, "draft", "--resume", str(RESUME), "--company", "Target", "--json")
    saved = tmp_path / "draft.json"
    saved.write_text(out, encoding="utf-8")
    answer = tmp_path / "answer.txt"
    answer.write_text(json.loads(out)["answer"], encoding="utf-8")
    args = ["check", "--answer", str(answer), "--plan", str(saved), "--company", "Target", "--resume", str(RESUME)]
    _, out, _ = run(capsys, *args)
    assert "PASS hire-first" in out and "SKIP" not in out


def test_draft_answers_the_same_request_from_the_reply_cache(capsys, monkeypatch, tmp_path):
    import aspire.backends

    backend = FakeBackend([good_reply_data("Target")] * 2)
    monkeypatch.setattr(aspire.backends, "create_backend", lambda settings: backend)
    monkeypatch.setenv("ASPIRE_CACHE_DIR", str(tmp_path))
    args = ["draft", "--resume", str(RESUME), "--company", "Target", "--json"]
    first, _, _ = run(capsys, *args)
    again, out, _ = run(capsys, *args)
    assert first == again == 0 and len(backend.requests) == 1  # the second draft called nothing
    assert Draft.model_validate_json(out).passed
    assert list((tmp_path / "replies").rglob("*.json"))
    fresh, _, _ = run(capsys, *args, "--no-cache")
    assert fresh == 0 and len(backend.requests) == 2


def test_the_draft_shows_the_occupation_it_was_built_on_and_takes_another(capsys, fake_model):
    code, out, err = run(capsys, "draft", "--resume", str(RESUME), "--company", "Target", "--role", "Store Manager")
    assert code == 0, err
    assert "Matched: " in out and "change with --occupation CODE" in out
    code, out, err = run(
        capsys,
        "draft",
        "--resume",
        str(RESUME),
        "--company",
        "Target",
        "--occupation",
        "41-1011",
        "--format",
        "markdown",
    )
    assert code == 0, err
    assert "Occupation: First-Line Supervisors of Retail Sales Workers, 41-1011.00 (chosen)" in out
    code, _, err = run(capsys, "draft", "--resume", str(RESUME), "--company", "Target", "--occupation", "99-9999.00")
    assert code == 2 and "aspire occupation" in err


def test_aspire_occupation_prints_the_match_and_where_it_leads(capsys):
    code, out, _ = run(capsys, "occupation", "Paralegal")
    assert code == 0
    assert "Paralegals and Legal Assistants, 23-2011.00" in out and "step-up occupations" in out
    assert "CC BY 4.0" in out
    code, out, _ = run(capsys, "occupation", "Paralegal", "--json")
    body = json.loads(out)
    assert body["match"]["code"] == "23-2011.00" and body["step_ups"]
    code, out, _ = run(capsys, "occupation", "Shop Assistant")
    assert code == 0 and "no field examples" in out
    with pytest.raises(SystemExit) as help_exit:
        run(capsys, "occupation", "--help")
    assert help_exit.value.code == 0 and "O*NET" in capsys.readouterr().out
