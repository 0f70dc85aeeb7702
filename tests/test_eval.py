"""`aspire eval`: results and reports, resume, cache, baseline, bad cases, exit codes."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import pytest

import aspire.backends
import aspire.cli as cli
from aspire.backends import ChatRequest, Completion
from aspire.backends.cache import CachingBackend
from aspire.evaluation import EvalOptions, load_cases, run_eval
from aspire.prompts import template_version

from .conftest import good_reply_data

RESUME = (
    "Assistant Store Manager, Best Buy, 2015-present\n"
    "- Recruited and trained new employees.\n"
    "- Coordinated sales promotions and managed inventory.\n"
    "Bachelor of Business Administration\n"
)


class ByCompanyBackend:
    """Answers by the company named in the last user turn, so concurrent cases get their own reply."""

    name = "scripted"

    def __init__(self, replies: dict[str, object]) -> None:
        self.replies = replies
        self.calls = 0
        self._lock = threading.Lock()

    @property
    def model(self) -> str:
        return "scripted-model"

    def complete(self, request: ChatRequest) -> Completion:
        with self._lock:
            self.calls += 1
        # The candidate's turn is the last one naming a company (repair turns come after it).
        company = next(
            line.split(": ", 1)[1]
            for message in reversed(request.messages)
            for line in message["content"].splitlines()
            if message["role"] == "user" and line.startswith("Target company: ")
        )
        reply = self.replies.get(company, good_reply_data(company))
        text = reply if isinstance(reply, str) else json.dumps(reply)
        return Completion(text=text, finish_reason="stop", prompt_tokens=100, completion_tokens=50, model="scripted")

    async def acomplete(self, request: ChatRequest) -> Completion:
        await asyncio.sleep(0)
        return self.complete(request)


def write_case(folder: Path, name: str, company: str, **extra: object) -> None:
    lines = [f"id: {name}", "profile:", f"  company: {company}", "  role: Store Manager", "  resume: |"]
    lines += [f"    {line}" for line in RESUME.splitlines()]
    if extra.get("expect"):
        lines += ["expect:", f"  not_contains: {json.dumps(extra['expect'])}"]
    (folder / f"{name}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def cases_dir(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    write_case(folder, "good-one", "Target")
    write_case(folder, "good-two", "Costco")
    write_case(folder, "salary", "Walmart")  # answers with a salary aspiration: fails rules
    return folder


def bad_reply(company: str) -> dict:
    data = good_reply_data(company)
    data["plan"]["aspiration"] = "Earn a six-figure salary"
    return data


def run(cases_dir, out, backend, **options):
    cases, errors = load_cases([cases_dir])
    return asyncio.run(run_eval(cases, errors, backend, EvalOptions(out_dir=out, **options)))


def read_lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def test_eval_writes_results_summary_and_reports(cases_dir, tmp_path):
    backend = ByCompanyBackend({"Walmart": bad_reply("Walmart")})
    out = tmp_path / "run"
    summary = run(cases_dir, out, backend, generation={"max_attempts": 2})

    assert {p.name for p in out.iterdir()} >= {"results.jsonl", "summary.json", "report.md", "report.html"}
    assert summary["cases"] == 3 and summary["passed"] == 2 and summary["errors"] == 0
    assert summary["pass_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert summary["rules"]["aspiration-not-salary-location-company"] == pytest.approx(2 / 3, abs=1e-4)
    assert summary["rules"]["hire-first"] == 1.0
    assert summary["usage"] == {"prompt_tokens": 400, "completion_tokens": 200}  # 1 + 1 + 2 attempts
    assert json.loads((out / "summary.json").read_text())["pass_rate"] == summary["pass_rate"]

    lines = read_lines(out)
    assert sorted(r["id"] for r in lines) == ["good-one", "good-two", "salary"]
    salary = next(r for r in lines if r["id"] == "salary")
    assert salary["status"] == "failed" and salary["attempts"] == 2
    assert any(
        c["rule"] == "aspiration-not-salary-location-company" and c["verdict"] == "fail" for c in salary["checks"]
    )
    assert salary["draft"]["plan"]["aspiration"] == "Earn a six-figure salary"

    markdown = (out / "report.md").read_text()
    assert markdown.index("FAILED `salary`") < markdown.index("PASSED `good-one`")  # failures first
    html = (out / "report.html").read_text()
    assert html.index("salary") < html.index("good-one") and "66.7%" in html


def test_rerun_with_same_out_resumes_and_calls_nothing(cases_dir, tmp_path):
    out = tmp_path / "run"
    first = ByCompanyBackend({})
    run(cases_dir, out, first)
    assert first.calls == 3

    again = ByCompanyBackend({})
    summary = run(cases_dir, out, again)
    assert again.calls == 0
    assert summary["this_run"]["cases_resumed"] == 3 and summary["this_run"]["cases_drafted"] == 0
    assert len(read_lines(out)) == 3


def test_cache_makes_a_fresh_rerun_call_no_model(cases_dir, tmp_path):
    cache = tmp_path / "cache"
    first = ByCompanyBackend({"Walmart": bad_reply("Walmart")})
    run(cases_dir, tmp_path / "a", CachingBackend(first, cache, template_version=template_version()))
    assert first.calls == 5  # the salary case used all three attempts

    second = ByCompanyBackend({"Walmart": bad_reply("Walmart")})
    cached = CachingBackend(second, cache, template_version=template_version())
    summary = run(cases_dir, tmp_path / "b", cached)
    assert second.calls == 0 and cached.hits == 5
    assert summary["this_run"]["model_calls"] == 0
    assert [r["status"] for r in read_lines(tmp_path / "a")] == [r["status"] for r in read_lines(tmp_path / "b")]


def test_cache_key_changes_with_templates_model_and_request(tmp_path):
    backend = ByCompanyBackend({})
    request = ChatRequest(messages=[{"role": "user", "content": "x"}], schema={}, max_tokens=10, temperature=0, seed=1)
    base = CachingBackend(backend, tmp_path, template_version="a").key(request)
    assert CachingBackend(backend, tmp_path, template_version="b").key(request) != base
    other = ChatRequest(messages=request.messages, schema={}, max_tokens=10, temperature=0, seed=2)
    assert CachingBackend(backend, tmp_path, template_version="a").key(other) != base


def test_torn_last_line_and_errors_are_redone_once(cases_dir, tmp_path):
    out = tmp_path / "run"
    run(cases_dir, out, ByCompanyBackend({"Costco": "not json at all"}), generation={"max_attempts": 1})
    lines = read_lines(out)
    assert next(r for r in lines if r["id"] == "good-two")["status"] == "error"
    # Simulate a crash mid-write: the last line is cut short.
    text = (out / "results.jsonl").read_text()
    (out / "results.jsonl").write_text(text + '{"id": "half', encoding="utf-8")

    backend = ByCompanyBackend({})
    summary = run(cases_dir, out, backend)
    assert backend.calls == 1  # only the errored case is drafted again
    ids = [r["id"] for r in read_lines(out)]
    assert sorted(ids) == ["good-one", "good-two", "salary"]
    assert summary["errors"] == 0


def test_bad_case_files_are_reported_and_the_batch_continues(cases_dir, tmp_path):
    (cases_dir / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (cases_dir / "no_id.yaml").write_text("profile:\n  company: X\n  resume: hi there\n", encoding="utf-8")
    (cases_dir / "missing_file.yaml").write_text(
        "id: missing-file\nprofile:\n  company: X\n  resume_file: nowhere.txt\n", encoding="utf-8"
    )
    (cases_dir / "more.jsonl").write_text(
        json.dumps({"id": "jsonl-ok", "profile": {"company": "Kmart", "resume": RESUME}})
        + "\n{oops\n"
        + json.dumps({"id": "good-one", "profile": {"company": "Kmart", "resume": RESUME}})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "run"
    summary = run(cases_dir, out, ByCompanyBackend({}))
    lines = read_lines(out)
    errors = {r["id"]: r["error"]["message"] for r in lines if r["status"] == "error"}
    assert summary["cases"] == 9 and summary["errors"] == 5 and summary["passed"] == 4
    assert any("not valid YAML" in m for m in errors.values())
    assert any("no 'id'" in m for m in errors.values())
    assert "not found" in errors["missing-file"]
    assert any("not valid JSON" in m for m in errors.values())
    assert any("duplicate case id 'good-one'" in m for m in errors.values())
    assert next(r for r in lines if r["id"] == "jsonl-ok")["status"] == "passed"


def test_expectations_can_fail_a_case(cases_dir, tmp_path):
    write_case(cases_dir, "expects", "Aldi", expect=["district leader"])
    summary = run(cases_dir, tmp_path / "run", ByCompanyBackend({}))
    record = next(r for r in read_lines(tmp_path / "run") if r["id"] == "expects")
    assert record["status"] == "failed" and not record["expectations"][0]["passed"]
    assert summary["passed"] == 3


def test_baseline_reports_better_and_worse(cases_dir, tmp_path):
    run(cases_dir, tmp_path / "before", ByCompanyBackend({"Walmart": bad_reply("Walmart")}))
    summary = run(
        cases_dir,
        tmp_path / "after",
        ByCompanyBackend({"Target": bad_reply("Target")}),
        baseline=tmp_path / "before",
    )
    baseline = summary["baseline"]
    assert baseline["better"] == ["salary"] and baseline["worse"] == ["good-one"]
    assert "Against the baseline" in (tmp_path / "after" / "report.md").read_text()


def test_concurrency_runs_every_case(cases_dir, tmp_path):
    for n in range(6):
        write_case(cases_dir, f"extra-{n}", f"Shop{n}")
    summary = run(cases_dir, tmp_path / "run", ByCompanyBackend({}), concurrency=4)
    assert summary["cases"] == 9 and summary["passed"] == 9


class GatedBackend(ByCompanyBackend):
    """Holds every request until the test lets it go, counting those in flight."""

    def __init__(self, seconds: float = 0.05) -> None:
        super().__init__({})
        self.in_flight = 0
        self.most_in_flight = 0
        self.seconds = seconds

    async def acomplete(self, request: ChatRequest) -> Completion:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            for _ in range(5):  # long enough for every waiting case to queue up
                await asyncio.sleep(self.seconds / 5)
            return self.complete(request)
        finally:
            self.in_flight -= 1


def test_concurrency_bounds_requests_in_flight(cases_dir, tmp_path):
    for n in range(9):
        write_case(cases_dir, f"extra-{n}", f"Shop{n}")
    backend = GatedBackend()
    summary = run(cases_dir, tmp_path / "run", backend, concurrency=3)
    assert summary["passed"] == 12 and backend.calls == 12
    assert backend.most_in_flight == 3


def test_latency_counts_from_the_first_request_not_the_wait_for_a_slot(cases_dir, tmp_path):
    backend = GatedBackend(seconds=0.25)
    run(cases_dir, tmp_path / "run", backend, concurrency=1)
    latencies = [r["latency_s"] for r in read_lines(tmp_path / "run")]
    # One request each, one at a time: counted from the wait, the later cases
    # would show 0.5 s (their own request and the one before).
    assert all(0.24 <= latency < 0.4 for latency in latencies), latencies


def test_a_request_slot_is_free_while_its_case_is_checked(cases_dir, tmp_path, monkeypatch):
    """With one slot, the next case's request goes out while the last reply is still
    being judged: holding the slot through the checks made a batch run in waves."""
    from aspire.generate import _DraftSession

    backend = GatedBackend()
    overlapped = []
    real_accept = _DraftSession.accept

    def slow_accept(self, completion):
        before = backend.calls
        time.sleep(0.2)  # a slow rule check, in its worker thread
        overlapped.append(backend.calls > before)
        return real_accept(self, completion)

    monkeypatch.setattr(_DraftSession, "accept", slow_accept)
    summary = run(cases_dir, tmp_path / "run", backend, concurrency=1)
    assert summary["cases"] == 3 and backend.most_in_flight == 1
    assert any(overlapped)


def test_html_report_escapes_model_output(cases_dir, tmp_path):
    data = good_reply_data("Target")
    data["answer"] = data["answer"] + " <script>alert('x')</script>"
    run(cases_dir, tmp_path / "run", ByCompanyBackend({"Target": data}))
    html = (tmp_path / "run" / "report.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- the command line -------------------------------------------------------


@pytest.fixture
def scripted(monkeypatch):
    backend = ByCompanyBackend({"Walmart": bad_reply("Walmart")})
    monkeypatch.setattr(aspire.backends, "create_backend", lambda settings: backend)
    monkeypatch.setenv("ASPIRE_CACHE_DIR", "/nonexistent-should-not-be-used")
    return backend


def test_cli_eval_exit_codes_follow_min_pass_rate(scripted, cases_dir, tmp_path, capsys):
    args = ["eval", str(cases_dir), "--out", str(tmp_path / "run"), "--no-cache", "--backend", "local"]
    assert cli.main([*args, "--min-pass-rate", "0.6"]) == 0
    out = capsys.readouterr().out
    assert "2 of 3 cases passed (66.7%)" in out and "report.html" in out
    assert cli.main([*args, "--min-pass-rate", "90%"]) == 1


def test_cli_eval_bad_usage_exits_2(scripted, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["eval", str(empty), "--out", str(tmp_path / "run"), "--no-cache"]) == 2
    assert "no eval cases found" in capsys.readouterr().err
    assert cli.main(["eval", str(tmp_path / "nope"), "--out", str(tmp_path / "run")]) == 2
    with pytest.raises(SystemExit) as info:
        cli.main(["eval", str(empty), "--out", "x", "--min-pass-rate", "1.5"])
    assert info.value.code == 2


def test_cli_eval_uses_the_reply_cache(scripted, cases_dir, tmp_path, capsys):
    args = ["eval", str(cases_dir), "--cache-dir", str(tmp_path / "cache"), "--backend", "local"]
    assert cli.main([*args, "--out", str(tmp_path / "a")]) == 0
    calls = scripted.calls
    assert cli.main([*args, "--out", str(tmp_path / "b")]) == 0
    assert scripted.calls == calls
    assert "0 model calls" in capsys.readouterr().out


def test_repo_eval_set_loads_cleanly():
    cases, errors = load_cases([Path(__file__).resolve().parents[1] / "evals" / "cases"])
    assert errors == []
    assert len(cases) >= 24
    assert len({c.id.split("-")[0] for c in cases}) >= 10  # professions, by id prefix
    assert any(c.profile.job_description for c in cases)
    assert len({c.profile.question for c in cases}) >= 4


def test_token_budget_skips_cases_once_spent_and_the_next_run_drafts_them(cases_dir, tmp_path):
    out = tmp_path / "run"
    backend = ByCompanyBackend({})
    summary = run(cases_dir, out, backend, token_budget=150)  # one draft costs 150 tokens here
    assert backend.calls == 1
    assert summary["errors"] == 2 and summary["this_run"]["tokens"] == 150
    skipped = [r for r in read_lines(out) if r["status"] == "error"]
    assert all(r["error"]["type"] == "BudgetExhaustedError" for r in skipped)
    assert "token budget of 150 is used up" in skipped[0]["error"]["message"]

    summary = run(cases_dir, out, ByCompanyBackend({}))  # no budget: finishes what was skipped
    assert summary["passed"] == 3 and summary["this_run"]["cases_drafted"] == 2


def test_cli_token_budget(scripted, cases_dir, tmp_path, capsys):
    args = ["eval", str(cases_dir), "--out", str(tmp_path / "run"), "--no-cache", "--backend", "local"]
    assert cli.main([*args, "--token-budget", "1"]) == 0  # min pass rate 0: skipped cases still exit 0
    assert "skipped: this run's token budget" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main([*args, "--token-budget", "0"])


def test_the_summary_counts_drafts_built_on_the_occupation_the_case_expects(cases_dir, tmp_path):
    from aspire.ladders import career_path
    from aspire.models import CandidateProfile

    matched = career_path(CandidateProfile(resume=RESUME, company="Aldi", role="Store Manager")).record()
    assert matched is not None
    for name, code in (("expects-it", matched.code), ("expects-nurse", "29-1141.00")):
        write_case(cases_dir, name, "Aldi")
        path = cases_dir / f"{name}.yaml"
        path.write_text(path.read_text() + f'expect:\n  occupation: "{code}"\n', encoding="utf-8")
    summary = run(cases_dir, tmp_path / "run", ByCompanyBackend({}))
    # Both are the same store manager: one case expects what is matched, the other a nurse.
    occupation = summary["occupation"]
    assert occupation["cases"] == 2 and occupation["matched"] == 2
    assert (occupation["major_group_right"], occupation["code_right"]) == (1, 1)
    record = next(r for r in read_lines(tmp_path / "run") if r["id"] == "expects-nurse")
    assert record["expected_occupation"] == "29-1141.00" and record["draft"]["occupation"]["used"]
