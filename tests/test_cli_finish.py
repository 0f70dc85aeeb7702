"""The finished CLI: every help teaches, resumes in any format, --format/--out, rich on a
terminal, the eval progress bar, and aspire doctor."""

from __future__ import annotations

import io
import json
import socket

import pytest

import aspire.cli as cli
from aspire import Draft, FakeBackend
from aspire.progress import EvalProgress

from .conftest import EXAMPLE_RESUMES, run_cli
from .faultserver import fault_server
from .test_documents import JSON_JOB, JSON_RESUME, PDF_RESUME, make_docx

RESUME = EXAMPLE_RESUMES / "retail_store_manager.md"


run = run_cli


def prompt_of(fake: FakeBackend) -> str:
    return fake.requests[0].messages[-1]["content"]


# --- help


@pytest.mark.parametrize("command", ["draft", "check", "eval", "doctor"])
def test_every_subcommand_help_teaches_with_examples(capsys, command):
    with pytest.raises(SystemExit) as info:
        cli.main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"aspire {command}" in out and "exit status" in out


def test_main_help_lists_every_command_with_examples(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for command in ("draft", "check", "eval", "doctor"):
        assert f"    {command}" in out and f"aspire {command}" in out
    assert "resume.pdf" in out and "--format markdown" in out


def test_draft_help_names_every_format_and_option(capsys):
    with pytest.raises(SystemExit):
        cli.main(["draft", "--help"])
    out = capsys.readouterr().out
    for text in (".pdf", ".docx", "JSON Resume", "--format", "--out", "markdown", "atomically", "--skills"):
        assert text in out


# --- resumes in every format, end to end through the CLI


def test_draft_from_a_pdf_proposes_its_skills(capsys, fake_model):
    code, out, err = run(capsys, "draft", "--resume", str(PDF_RESUME), "--company", "Target", "--json")
    assert code == 0, err
    Draft.model_validate_json(out)
    assert "Harvey Dent" in prompt_of(fake_model)
    assert "skills your resume lists: Python, R, TensorFlow" in err and '--skills "Python, R, TensorFlow"' in err
    assert "Skills: Python" not in prompt_of(fake_model)  # offered, not imposed


def test_draft_from_a_docx(capsys, fake_model, tmp_path):
    code, out, err = run(capsys, "draft", "--resume", str(make_docx(tmp_path / "cv.docx")), "--company", "Target")
    assert code == 0, err
    assert "Blue Bottle Cafe" in prompt_of(fake_model) and "ANSWER" in out


def test_draft_from_json_resume_with_a_json_job_takes_company_role_and_name(capsys, fake_model):
    code, out, err = run(capsys, "draft", "--resume", str(JSON_RESUME), "--job-description", str(JSON_JOB), "--json")
    assert code == 0, err
    draft = Draft.model_validate_json(out)
    assert draft.plan.goals[0].goal == "Get hired by Microsoft"
    prompt = prompt_of(fake_model)
    assert "Daniel Reyes" in prompt and "Web Developer" in prompt and "Develop and maintain web applications" in prompt
    assert "skills from the JSON Resume: SQL, Python" in err and "Skills: SQL, Python" in prompt
    assert "company from the job file: Microsoft" in err and "role from the job file: Web Developer" in err


def test_explicit_options_beat_what_the_files_say(capsys, fake_model):
    code, _, err = run(
        capsys,
        *("draft", "--resume", str(JSON_RESUME), "--job-description", str(JSON_JOB)),
        *("--company", "Target", "--skills", "Forecasting", "--json"),
    )
    assert code == 0, err
    assert "Target company: Target" in prompt_of(fake_model)
    assert "skills from the JSON Resume" not in err and "Skills: Forecasting" in prompt_of(fake_model)


def test_draft_from_markdown_with_a_text_job_description(capsys, fake_model, tmp_path):
    job = tmp_path / "job.md"
    job.write_text("# Store Manager\nLead a team of 40 at our flagship store.\n")
    code, _, err = run(capsys, "draft", "--resume", str(RESUME), "--company", "Target", "--job-description", str(job))
    assert code == 0, err
    assert "flagship store" in prompt_of(fake_model)


def test_no_company_anywhere_is_a_clean_error(capsys):
    code, out, err = run(capsys, "draft", "--resume", str(RESUME))
    assert code == 2 and out == ""
    assert err.strip() == "aspire: error: give --company: the company you are interviewing with"


def test_scanned_pdf_is_a_clean_cli_error(capsys, tmp_path):
    from .test_documents import make_pdf

    code, _, err = run(capsys, "draft", "--resume", str(make_pdf(tmp_path / "s.pdf", None)), "--company", "A")
    assert code == 2 and "no text layer" in err and "Traceback" not in err


def test_check_reads_the_resume_in_any_format(capsys, tmp_path):
    answer = tmp_path / "answer.txt"
    answer.write_text("In five years I want to be a senior engineer at Nvidia, where I earned a PhD at Stanford.")
    code, out, _ = run(capsys, "check", "--answer", str(answer), "--company", "Nvidia", "--resume", str(PDF_RESUME))
    assert code == 1 and "FAIL grounded" in out  # the PDF's text was read, and it names no Stanford


# --- output formats and files


def test_markdown_format_lays_out_answer_plan_and_verdicts(capsys, fake_model):
    code, out, _ = run(capsys, "draft", "--resume", str(RESUME), "--company", "Target", "--format", "markdown")
    assert code == 0
    assert out.index("## Answer") < out.index("## Individual Development Plan for Target") < out.index("## Rule checks")
    assert "1. Get hired by Target *(hire)*" in out
    assert "**Aspiration:**" in out and "| PASS | `hire-first` |" in out


def test_text_format_when_piped_is_plain(capsys, fake_model):
    code, out, _ = run(capsys, "draft", "--resume", str(RESUME), "--company", "Target")
    assert code == 0 and out.startswith("ANSWER\n") and "\x1b[" not in out and "╭" not in out


def test_a_terminal_gets_rich_panels(capsys, fake_model, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    assert cli.main(["draft", "--resume", str(RESUME), "--company", "Target"]) == 0
    shown = terminal.getvalue()
    assert "Answer" in shown and "Individual Development Plan for Target" in shown and "Rule checks" in shown
    assert "╭" in shown  # panels, not the plain layout
    assert shown.index("Answer") < shown.index("Individual Development Plan") < shown.index("Rule checks")
    assert "Aspirations considered" in shown and "Strengths:" in shown


@pytest.mark.parametrize(("fmt", "start"), [("json", "{"), ("markdown", "## Answer"), ("text", "ANSWER")])
def test_out_writes_the_file_whole_and_nothing_to_stdout(capsys, fake_model, tmp_path, fmt, start):
    target = tmp_path / "drafts" / f"answer.{fmt}"
    code, out, err = run(
        capsys, "draft", "--resume", str(RESUME), "--company", "Target", "--format", fmt, "--out", str(target)
    )
    assert code == 0 and out == "" and f"wrote {target}" in err
    assert target.read_text().startswith(start)
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary file left


def test_out_replaces_an_existing_file(capsys, fake_model, tmp_path):
    target = tmp_path / "answer.json"
    target.write_text("old")
    assert run(capsys, "draft", "--resume", str(RESUME), "--company", "Target", "--json", "--out", str(target))[0] == 0
    assert Draft.model_validate_json(target.read_text())


def test_out_into_an_unwritable_place_is_a_clean_error(capsys, fake_model, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "draft", "--resume", str(RESUME), "--company", "Target", "--out", str(blocker / "a.md"))
    assert code == 2 and "aspire: error: cannot write" in err and "not a writable folder" in err
    assert "Traceback" not in err and not fake_model.requests  # refused before drafting


# --- eval progress


def _record(status: str) -> dict:
    checks = [{"rule": "hire-first", "verdict": "fail" if status == "failed" else "pass"}]
    return {"id": f"case-{status}", "status": status, "error": None, "checks": checks, "attempts": 1, "latency_s": 1.0}


def test_eval_progress_bar_shows_done_pass_rate_and_eta():
    stream = io.StringIO()
    with EvalProgress(4, stream=stream, bar=True) as progress:
        for status in ("passed", "failed", "passed"):
            progress.update(_record(status))
    shown = stream.getvalue()
    assert "3/4" in shown and "pass 67%" in shown and "ETA" in shown
    assert "failed case-failed: hire-first" in shown


def test_eval_progress_without_a_terminal_logs_a_line_per_case():
    stream = io.StringIO()
    with EvalProgress(2, stream=stream) as progress:
        progress.update(_record("passed"))
        progress.update(_record("failed"))
    lines = stream.getvalue().splitlines()
    assert lines == [
        "[1/2] passed case-passed (1 attempts, 1.0 s)",
        "[2/2] failed case-failed (1 attempts, 1.0 s): hire-first",
    ]


# --- doctor


def _doctor(capsys, monkeypatch, tmp_path, *args: str, **env: str):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ASPIRE_BACKEND", "ASPIRE_LOCAL_MODEL", "ASPIRE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASPIRE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)  # no .env from the repository
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return run(capsys, "doctor", *args)


def test_doctor_on_a_fresh_cache_explains_the_local_default(capsys, monkeypatch, tmp_path):
    code, out, _ = _doctor(capsys, monkeypatch, tmp_path)
    assert code == 0
    assert "backend" in out and "local: no OpenAI settings found" in out
    assert "not assembled yet" in out and "6 of 6 chunks installed" in out


def test_doctor_fails_for_a_missing_gguf(capsys, monkeypatch, tmp_path):
    code, out, _ = _doctor(capsys, monkeypatch, tmp_path, ASPIRE_LOCAL_MODEL=str(tmp_path / "nope.gguf"))
    assert code == 1 and "FAIL" in out and "model file not found" in out


def test_doctor_reaches_a_configured_server_without_showing_the_key(capsys, monkeypatch, tmp_path):
    with fault_server(("reply", "{}", "stop")) as server:
        code, out, _ = _doctor(
            capsys, monkeypatch, tmp_path, OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-sentinel-1234"
        )
    assert code == 0, out
    assert "openai: OPENAI_BASE_URL or OPENAI_API_KEY is set" in out and "server answers" in out
    assert "sk-sentinel-1234" not in out


def test_doctor_fails_when_the_server_does_not_answer(capsys, monkeypatch, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, out, _ = _doctor(capsys, monkeypatch, tmp_path, "--json", OPENAI_BASE_URL=f"http://127.0.0.1:{port}/v1")
    findings = json.loads(out)
    assert code == 1
    assert {"status": "fail", "topic": "server answers"} in [{k: f[k] for k in ("status", "topic")} for f in findings]
