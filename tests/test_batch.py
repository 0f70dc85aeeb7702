"""`aspire eval --batch` against a scripted loopback batch server, through the real openai
client; `--export-batch`/`--import-batch`; kill -9 at each step; the cost of a run."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

import aspire.cli as cli
from aspire import FakeBackend, generate
from aspire.backends.openai_compat import chat_body
from aspire.config import resolve_settings
from aspire.evaluation.batchfiles import RequestLine, parse_result
from aspire.evaluation.batchstate import BatchBackend
from aspire.generate import feed_reply, start_session

from .batchserver import batch_server
from .conftest import REPO, good_reply_data
from .test_eval import bad_reply, write_case
from .test_stepwise import ANSWER, ASPIRATIONS, ASSESSMENT, GOALS

# Goals the company does not help with: the goals step's rules turn them down every time.
UNSUPPORTED_GOALS = {"goals": [{**goal, "company_support": "my own savings"} for goal in GOALS["goals"]]}


def company_of(body: dict[str, Any]) -> str:
    return next(
        line.split(": ", 1)[1]
        for message in reversed(body["messages"])
        for line in str(message["content"]).splitlines()
        if message["role"] == "user" and line.startswith("Target company: ")
    )


class Replies:
    """Answers each company with a good draft, or with what the test scripts for its n-th request."""

    def __init__(self, **scripted: list[Any]) -> None:
        self.scripted = scripted
        self.asked: collections.Counter[str] = collections.Counter()

    def __call__(self, body: dict[str, Any]) -> Any:
        company = company_of(body)
        self.asked[company] += 1
        script = self.scripted.get(company, [])
        reply = script[self.asked[company] - 1] if self.asked[company] <= len(script) else "good"
        if reply == "good":
            return json.dumps(good_reply_data(company))
        return json.dumps(reply) if isinstance(reply, dict) else reply


def step_reply(body: dict[str, Any]) -> str:
    """A stepwise draft's four steps, told apart by the schema each request carries."""
    keys = set(body["response_format"]["json_schema"]["schema"]["properties"])
    for wanted, reply in (
        ({"aspirations"}, ASPIRATIONS),
        ({"goals"}, GOALS),
        ({"strengths", "growth_areas"}, ASSESSMENT),
    ):
        if keys == wanted:
            return json.dumps(reply)
    return json.dumps(ANSWER)


@pytest.fixture
def cases_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    write_case(folder, "good-one", "Target")
    write_case(folder, "good-two", "Costco")
    write_case(folder, "salary", "Walmart")
    return folder


@pytest.fixture
def batch_env(monkeypatch, tmp_path):
    def point_at(url: str) -> dict[str, str]:
        env = {"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "sk-loopback", "ASPIRE_BATCH_POLL": "0.02"}
        env["ASPIRE_CACHE_DIR"] = str(tmp_path / "cache")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return env

    return point_at


def results(out: Path) -> dict[str, dict[str, Any]]:
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    ids = [r["id"] for r in lines]
    assert len(ids) == len(set(ids)), f"a case appears twice: {ids}"
    return {r["id"]: r for r in lines}


def no_duplicates(server: Any, out: Path) -> None:
    """One upload per batch file, one batch per uploaded file, one reply kept per request."""
    assert all(n == 1 for n in collections.Counter(server.uploads).values()), server.uploads
    assert all(n == 1 for n in collections.Counter(server.creates).values()), server.creates
    replies = [json.loads(line) for line in (out / "batch" / "replies.jsonl").read_text().splitlines()]
    answered = [e["custom_id"] for e in replies if "completion" in e]
    assert len(answered) == len(set(answered))


def eval_args(cases_dir: Path, out: Path, *extra: str) -> list[str]:
    return ["eval", str(cases_dir), "--out", str(out), *extra]


# --- the replay is the live loop ------------------------------------------------------


@pytest.mark.parametrize("method", ["whole", "steps"])
def test_feeding_a_session_its_replies_drafts_what_generate_drafts(profile, method):
    if method == "whole":
        replies = [bad_reply("Target"), "not json", good_reply_data("Target")]
    else:
        replies = [ASPIRATIONS, UNSUPPORTED_GOALS, UNSUPPORTED_GOALS, UNSUPPORTED_GOALS, ASSESSMENT, ANSWER]
    live = generate(profile, backend=FakeBackend(replies), method=method, max_attempts=3)

    settings = resolve_settings(backend="local", method=method, max_attempts=3)
    fake = FakeBackend(replies)
    session = start_session(profile, BatchBackend("m"), settings)
    while not session.finished:
        feed_reply(session, fake.complete(session.request()))
    replayed = session.result(strict=False)
    assert replayed.answer == live.answer and replayed.plan == live.plan
    assert [c.verdict for c in replayed.checks] == [c.verdict for c in live.checks]
    assert replayed.attempts == live.attempts and replayed.usage == live.usage


# --- whole runs through the Batch API ----------------------------------------------------


def test_a_batch_run_repairs_failed_drafts_in_the_next_round(cases_dir, tmp_path, batch_env, capsys):
    replies = Replies(Walmart=[bad_reply("Walmart")])
    with batch_server(replies) as (server, url):
        batch_env(url)
        out = tmp_path / "run"
        assert cli.main(eval_args(cases_dir, out, "--batch", "--model", "gpt-test")) == 0
    captured = capsys.readouterr()
    assert "3 of 3 cases passed" in captured.out and "2 round(s)" in captured.out
    assert "round 2: 1 request(s)" in captured.err
    assert len(server.uploads) == 2 and len(server.creates) == 2
    no_duplicates(server, out)
    salary = results(out)["salary"]
    assert salary["status"] == "passed" and salary["attempts"] == 2 and salary["requests"] == 2
    # The repair is a conversation: the rejected draft, then what the rules said of it.
    repair = server.requests_seen[-1]["body"]
    assert repair["messages"][-2]["role"] == "assistant" and "six-figure" in repair["messages"][-2]["content"]
    assert server.requests_seen[-1]["custom_id"] == "salary#2"

    # A batch body is the body a live request posts.
    cases = {r["custom_id"]: r["body"] for r in server.requests_seen}
    from aspire.evaluation import load_cases

    loaded = {c.id: c for c in load_cases([cases_dir])[0]}
    settings = resolve_settings(backend="openai", model="gpt-test")
    session = start_session(loaded["good-one"].profile, BatchBackend("gpt-test"), settings)
    assert cases["good-one#1"] == chat_body("gpt-test", session.request())


def test_a_run_started_again_after_it_finished_sends_nothing(cases_dir, tmp_path, batch_env, capsys):
    with batch_server(Replies()) as (server, url):
        batch_env(url)
        out = tmp_path / "run"
        assert cli.main(eval_args(cases_dir, out, "--batch")) == 0
        before = (out / "results.jsonl").read_text()
        assert cli.main(eval_args(cases_dir, out, "--batch")) == 0
        assert len(server.uploads) == 1
        assert "0 drafted, 3 kept from before" in capsys.readouterr().out
        assert [r["status"] for r in results(out).values()] == [json.loads(x)["status"] for x in before.splitlines()]


def test_stepwise_drafts_take_a_round_per_step(tmp_path, batch_env, capsys):
    folder = tmp_path / "cases"
    folder.mkdir()
    for name in ("store-a", "store-b"):
        write_case(folder, name, "Target")
    with batch_server(step_reply) as (server, url):
        batch_env(url)
        out = tmp_path / "run"
        assert cli.main(eval_args(folder, out, "--batch", "--method", "steps")) == 0
    assert "4 round(s)" in capsys.readouterr().out
    assert len(server.uploads) == 4
    assert all(r["status"] == "passed" and r["requests"] == 4 for r in results(out).values())


def test_a_step_is_asked_again_in_the_next_round_up_to_its_tries(tmp_path, batch_env):
    folder = tmp_path / "cases"
    folder.mkdir()
    write_case(folder, "store-retried", "Target")
    write_case(folder, "store-broken", "Costco")
    asked: collections.Counter[str] = collections.Counter()

    def replies(body: dict[str, Any]) -> str:
        keys = set(body["response_format"]["json_schema"]["schema"]["properties"])
        if keys == {"goals"}:
            company = company_of(body)
            asked[company] += 1
            if company == "Costco" or asked[company] == 1:
                return "not json"
        return step_reply(body)

    with batch_server(replies) as (server, url):
        batch_env(url)
        out = tmp_path / "run"
        cli.main(eval_args(folder, out, "--batch", "--method", "steps", "--max-attempts", "2"))
    found = results(out)
    # aspiration, goals twice, self-assessment, answer: five rounds
    assert found["store-retried"]["status"] == "passed" and found["store-retried"]["requests"] == 5
    assert found["store-retried"]["attempts"] == 2 and len(server.uploads) == 5
    # the goals step's two tries spent with nothing usable: the case ends, clearly
    assert found["store-broken"]["status"] == "error" and found["store-broken"]["requests"] == 3
    assert "no reply to the goals step was usable in 2 tries" in found["store-broken"]["error"]["message"]


# --- kill -9 at each step --------------------------------------------------------------


def _aspire(cases_dir: Path, out: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_"))}
    full |= env | {"ASPIRE_METHOD": "whole", "PYTHONPATH": str(REPO / "src")}
    command = [sys.executable, "-m", "aspire", "eval", str(cases_dir), "--out", str(out), "--batch"]
    return subprocess.Popen(command, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("point", ["upload", "create", "in_progress"])
def test_kill_9_at_each_step_then_run_again_sends_nothing_twice(point, cases_dir, tmp_path, batch_env):
    replies = Replies(Walmart=[bad_reply("Walmart")])
    with batch_server(replies) as (server, url):
        env = batch_env(url)
        if point == "in_progress":
            server.plans = [{"statuses": ["validating", *["in_progress"] * 40, "completed"]}]
        else:
            server.hold(point)  # the server does the work, then never answers
        out = tmp_path / "run"
        process = _aspire(cases_dir, out, env)
        try:
            assert server.events[point].wait(60), process.communicate(timeout=5)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        server.release()
        assert server.uploads == [server.uploads[0]] and len(server.creates) == (0 if point == "upload" else 1)

        assert cli.main(eval_args(cases_dir, out, "--batch")) == 0
    no_duplicates(server, out)
    assert len(server.uploads) == 2 and len(server.creates) == 2  # round 1 found again, then round 2
    assert {r["status"] for r in results(out).values()} == {"passed"} and len(results(out)) == 3


# --- what a batch really goes through --------------------------------------------------


def test_an_expired_batch_keeps_what_finished_and_sends_the_rest_once_more(cases_dir, tmp_path, batch_env, capsys):
    with batch_server(Replies()) as (server, url):
        batch_env(url)
        server.plans = [{"statuses": ["validating", "in_progress", "expired"], "finished": 1}]
        out = tmp_path / "run"
        assert cli.main(eval_args(cases_dir, out, "--batch")) == 0
    assert "expired: what it finished is kept" in capsys.readouterr().err
    second = [r["custom_id"] for r in server.requests_seen[1:]]
    assert sorted(second) == ["good-two#1", "salary#1"]
    assert {r["status"] for r in results(out).values()} == {"passed"}
    no_duplicates(server, out)


def test_a_request_that_expires_twice_is_an_error_not_a_lost_case(cases_dir, tmp_path, batch_env):
    with batch_server(Replies()) as (server, url):
        batch_env(url)
        expire = {"statuses": ["validating", "expired"], "finished": 2}
        server.plans = [expire, {"statuses": ["expired"], "finished": 0}]
        out = tmp_path / "run"
        assert cli.main(eval_args(cases_dir, out, "--batch")) == 0
    record = results(out)["salary"]
    assert record["status"] == "error" and record["error"]["type"] == "BatchRequestError"
    assert "salary#1 brought no reply (2 times)" in record["error"]["message"]
    assert "expired" in record["error"]["message"]
    assert [r["status"] for r in results(out).values()].count("passed") == 2


def test_error_file_lines_are_sent_again_once_or_end_the_case(cases_dir, tmp_path, batch_env):
    replies = Replies(Costco=[("error", 500, "the model crashed")], Walmart=[("error", 400, "bad request: seed")])
    with batch_server(replies) as (_, url):
        batch_env(url)
        out = tmp_path / "run"
        cli.main(eval_args(cases_dir, out, "--batch"))
    found = results(out)
    assert found["good-two"]["status"] == "passed"  # a 500 is worth one more try
    assert found["salary"]["status"] == "error"  # a 400 is not: it would fail again
    assert "HTTP 400: bad request: seed" in found["salary"]["error"]["message"]
    assert replies.asked["Walmart"] == 1 and replies.asked["Costco"] == 2


def test_result_lines_that_are_not_json_or_not_a_completion_are_sent_again(cases_dir, tmp_path, batch_env, capsys):
    replies = Replies(Costco=[("bad_line",)], Walmart=[("not_completion",), ("not_completion",)])
    with batch_server(replies) as (_, url):
        batch_env(url)
        out = tmp_path / "run"
        cli.main(eval_args(cases_dir, out, "--batch"))
    assert "1 line(s) not a result (line" in capsys.readouterr().err
    found = results(out)
    assert found["good-two"]["status"] == "passed" and replies.asked["Costco"] == 2
    assert found["salary"]["status"] == "error" and "has no choices" in found["salary"]["error"]["message"]


def test_a_failed_batch_names_its_lines_and_the_rest_go_on_next_run(cases_dir, tmp_path, batch_env, capsys):
    with batch_server(Replies()) as (server, url):
        batch_env(url)
        errors = [{"code": "invalid_request", "line": 2, "message": "max_tokens is too large", "param": "body"}]
        server.plans = [{"statuses": ["validating", "failed"], "errors": errors}]
        out = tmp_path / "run"
        cli.main(eval_args(cases_dir, out, "--batch"))
        err = capsys.readouterr().err
        assert "line 2 (good-two#1): max_tokens is too large" in err
        first = results(out)
        assert "failed validation at line 2" in first["good-two"]["error"]["message"]
        assert "run the same command again" in first["good-one"]["error"]["message"]

        assert cli.main(eval_args(cases_dir, out, "--batch")) == 0
    found = results(out)
    assert found["good-two"]["status"] == "error" and found["good-one"]["status"] == "passed"
    assert sorted(r["custom_id"] for r in server.requests_seen) == ["good-one#1", "salary#1"]


def test_a_cancelled_batch_stops_the_run_and_the_next_run_goes_on(cases_dir, tmp_path, batch_env, capsys):
    with batch_server(Replies()) as (server, url):
        batch_env(url)
        server.plans = [{"statuses": ["in_progress", "cancelled"], "finished": 1}]
        out = tmp_path / "run"
        cli.main(eval_args(cases_dir, out, "--batch"))
        assert "was cancelled" in capsys.readouterr().err
        assert [r["status"] for r in results(out).values()].count("error") == 2
        assert cli.main(eval_args(cases_dir, out, "--batch")) == 0
    assert {r["status"] for r in results(out).values()} == {"passed"}
    no_duplicates(server, out)


def test_no_wait_submits_and_a_later_run_collects(cases_dir, tmp_path, batch_env, capsys):
    with batch_server(Replies()) as (server, url):
        batch_env(url)
        out = tmp_path / "run"
        cli.main(eval_args(cases_dir, out, "--batch", "--no-wait"))
        assert "3 case(s) not finished yet" in capsys.readouterr().err
        assert len(server.creates) == 1 and all(r["status"] == "error" for r in results(out).values())
        for _ in range(3):  # each run looks once
            cli.main(eval_args(cases_dir, out, "--batch", "--no-wait"))
    assert {r["status"] for r in results(out).values()} == {"passed"}
    assert len(server.uploads) == 1


# --- files for vLLM's run_batch ----------------------------------------------------------


def run_like_vllm(requests: Path, output: Path, replies: Any) -> None:
    """What `python -m vllm.entrypoints.openai.run_batch -i requests -o output` writes:
    one line per request in one file, a failure as status 400 with an error string."""
    lines = []
    for number, line in enumerate(requests.read_text().splitlines()):
        request = json.loads(line)
        reply = replies(request["body"])
        if isinstance(reply, tuple):
            response = {"status_code": 400, "request_id": f"vllm-batch-{number}", "body": None}
            lines.append(
                {"id": f"vllm-{number}", "custom_id": request["custom_id"], "response": response, "error": reply[2]}
            )
            continue
        body = {
            "id": "chatcmpl-x",
            "object": "chat.completion",
            "model": request["body"]["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100},
        }
        response = {"status_code": 200, "request_id": f"vllm-batch-{number}", "body": body}
        lines.append({"id": f"vllm-{number}", "custom_id": request["custom_id"], "response": response, "error": None})
    output.write_text("".join(json.dumps(x) + "\n" for x in lines))


def test_export_import_round_trip(cases_dir, tmp_path, capsys, monkeypatch):
    from openai.types.chat.completion_create_params import CompletionCreateParamsNonStreaming

    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    out, requests, output = tmp_path / "run", tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
    args = [
        *eval_args(cases_dir, out),
        "--model",
        "Qwen/Qwen2.5-7B-Instruct",
        "--price-in",
        "0.2",
        "--price-out",
        "0.4",
    ]
    assert cli.main([*args, "--export-batch", str(requests)]) == 0
    assert "python -m vllm.entrypoints.openai.run_batch -i" in capsys.readouterr().err

    body_format = TypeAdapter(CompletionCreateParamsNonStreaming)
    lines = requests.read_text().splitlines()
    assert len(lines) == 3
    for line in lines:  # each line is a batch request, its body a chat completion request
        request = RequestLine.model_validate_json(line)
        body_format.validate_python(request.body)
        assert request.body["model"] == "Qwen/Qwen2.5-7B-Instruct" and request.url == "/v1/chat/completions"

    replies = Replies(Walmart=[bad_reply("Walmart")], Costco=[("error", 400, "The model does not exist.")])
    run_like_vllm(requests, output, replies)
    cli.main([*args, "--import-batch", str(output), "--export-batch", str(requests)])
    assert "imported" in capsys.readouterr().err
    after_first = (out / "results.jsonl").read_text()
    assert [json.loads(x)["custom_id"] for x in requests.read_text().splitlines()] == ["salary#2"]
    assert "HTTP 400: The model does not exist." in results(out)["good-two"]["error"]["message"]

    log = (out / "batch" / "replies.jsonl").read_text()
    cli.main([*args, "--import-batch", str(output)])  # the same file again changes nothing
    assert "3 already imported" in capsys.readouterr().err
    assert (out / "batch" / "replies.jsonl").read_text() == log
    assert [json.loads(x)["status"] for x in (out / "results.jsonl").read_text().splitlines()] == [
        json.loads(x)["status"] for x in after_first.splitlines()
    ]

    run_like_vllm(requests, output, replies)
    cli.main([*args, "--import-batch", str(output), "--export-batch", str(requests)])
    assert requests.read_text() == "" and "nothing left to ask" in capsys.readouterr().err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["passed"] == 2 and summary["batch"]["rounds"] == 2
    # 3 replies (the 400 brought none) of 1,000 + 100 tokens at list prices (a runner of
    # your own): 3 x 0.00024, over the 2 drafts accepted
    assert summary["cost"]["total"] == pytest.approx(0.00072) and summary["cost"]["rate"] == "list"
    assert summary["cost"]["per_accepted_draft"] == pytest.approx(0.00036)


def test_vllm_and_openai_result_lines_of_every_shape_are_read():
    ok = {"custom_id": "a#1", "response": {"status_code": 200, "body": {"choices": [{"message": {"content": "x"}}]}}}
    assert parse_result(ok).completion.text == "x"
    vllm_error = {
        "custom_id": "a#1",
        "response": {"status_code": 404, "body": None},
        "error": {"object": "error", "message": "The model `m` does not exist.", "code": 404},
    }
    failure = parse_result(vllm_error).failure
    assert failure.status_code == 404 and not failure.retryable and "does not exist" in failure.message
    expired = {"custom_id": "a#1", "response": None, "error": {"code": "batch_expired", "message": "late"}}
    assert parse_result(expired).failure.kind == "expired" and parse_result(expired).failure.retryable
    assert parse_result({"no": "custom id"}) is None


# --- options that do not go together ---------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--batch", "--backend", "local"], "does not go with --backend local"),
        (["--batch", "--export-batch", "x.jsonl"], "use one or the other"),
        (["--export-batch", "x.jsonl", "--judge", "--model", "m"], "--judge does not go with --export-batch"),
        (["--no-wait"], "--no-wait goes with --batch"),
        (["--export-batch", "x.jsonl", "--no-wait", "--model", "m"], "goes with --batch, not with --export-batch"),
        (["--batch", "--concurrency", "4"], "--concurrency does not go with --batch"),
        (["--batch", "--batch-window", "1d"], "--batch-window is hours"),
        (["--export-batch", "x.jsonl"], "give --model (or ASPIRE_MODEL)"),
        (["--batch"], "--batch needs the openai backend"),
        (["--price-in", "1"], "give both --price-in and --price-out"),
    ],
)
def test_wrong_combinations_are_one_clear_line(extra, said, cases_dir, tmp_path, capsys, monkeypatch):
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "ASPIRE_MODEL", "ASPIRE_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env
    assert cli.main([*eval_args(cases_dir, tmp_path / "run"), *extra]) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1, err


def test_batch_needs_out(cases_dir, capsys):
    assert cli.main(["eval", str(cases_dir), "--batch"]) == 2
    assert "--batch needs the eval cases and --out DIR" in capsys.readouterr().err


def test_another_model_in_the_same_out_is_refused(cases_dir, tmp_path, batch_env, capsys):
    with batch_server(Replies()) as (_, url):
        batch_env(url)
        out = tmp_path / "run"
        assert cli.main(eval_args(cases_dir, out, "--batch", "--model", "a")) == 0
        assert cli.main(eval_args(cases_dir, out, "--batch", "--model", "b")) == 2
    assert "holds a batch run with model 'a', not 'b'" in capsys.readouterr().err


# --- cost ---------------------------------------------------------------------------


def test_a_prices_file_gives_batch_prices_and_cost_per_accepted_draft(cases_dir, tmp_path, batch_env, capsys):
    prices = tmp_path / "prices.yaml"
    prices.write_text("gpt-test:\n  input: 2.0\n  output: 8.0\n  batch_rate: 0.5\n")
    with batch_server(Replies(Walmart=[bad_reply("Walmart")] * 3)) as (_, url):
        batch_env(url)
        out = tmp_path / "run"
        cli.main(eval_args(cases_dir, out, "--batch", "--model", "gpt-test", "--prices", str(prices)))
    summary = json.loads((out / "summary.json").read_text())
    records = results(out).values()
    expected = sum(r["usage"]["prompt_tokens"] * 1.0 + r["usage"]["completion_tokens"] * 4.0 for r in records) / 1e6
    assert summary["cost"]["rate"] == "batch" and summary["cost"]["total"] == pytest.approx(expected, abs=1e-5)
    assert summary["accepted"] == 2  # the salary draft failed its rules: it costs, it is not accepted
    assert summary["cost"]["per_accepted_draft"] == pytest.approx(expected / 2, abs=1e-5)
    assert "per accepted draft (2 accepted)" in capsys.readouterr().out
    assert "per accepted draft" in (out / "report.md").read_text()


def test_no_batch_price_known_says_so_instead_of_guessing(cases_dir, tmp_path, batch_env, capsys):
    with batch_server(Replies()) as (_, url):
        batch_env(url)
        cli.main(eval_args(cases_dir, tmp_path / "run", "--batch", "--price-in", "1", "--price-out", "2"))
    assert "cost unknown: no batch price known" in capsys.readouterr().out


def test_a_live_eval_reports_tokens_and_cost_per_accepted_draft(cases_dir, tmp_path):
    import asyncio

    from aspire.evaluation import EvalOptions, load_cases, run_eval
    from aspire.evaluation.cost import Prices

    from .test_eval import ByCompanyBackend

    cases, errors = load_cases([cases_dir])
    backend = ByCompanyBackend({"Walmart": bad_reply("Walmart")})
    options = EvalOptions(
        out_dir=tmp_path / "run", prices=Prices(input=1.0, output=10.0), generation={"max_attempts": 2}
    )
    summary = asyncio.run(run_eval(cases, errors, backend, options))
    # 4 replies of 100 + 50 tokens at list prices: 4 x (100 x 1 + 50 x 10) / 1e6
    assert summary["cost"]["total"] == pytest.approx(0.0024) and summary["cost"]["rate"] == "list"
    assert summary["accepted"] == 2 and summary["cost"]["per_accepted_draft"] == pytest.approx(0.0012)
    assert summary["tokens_per_case"]["mean"] == pytest.approx(200.0)  # 150, 150, 300
    assert "200 + 100 tokens ($0.0012)" in (tmp_path / "run" / "report.md").read_text()


def test_a_judge_or_reader_that_rejects_a_draft_makes_it_not_accepted():
    from aspire.evaluation.cost import accepted

    assert accepted({"status": "passed"})
    assert not accepted({"status": "failed"})
    assert not accepted({"status": "passed", "judge": {"accepts": False}})
    assert accepted({"status": "passed", "judge": {"error": "no verdict"}})
    assert not accepted({"status": "passed", "reader": {"verdict": "reject"}})
