"""The openai backend against a fault-injecting server on loopback: bounded, single-layer retries.

Request counts are asserted everywhere: transport retries belong to the backend
alone (1 + max_retries requests), content repairs to the draft loop alone
(max_attempts requests), and nothing multiplies the two.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

import aspire.cli as cli
from aspire import BackendError, DeadlineError, GenerationError, agenerate, generate
from aspire.backends.openai_compat import MAX_RETRY_AFTER_S, OpenAIBackend

from .conftest import EXAMPLE_RESUMES, good_reply_data
from .faultserver import error_body, fault_server
from .test_eval import write_case

GOOD = json.dumps(good_reply_data("Target"))
SENTINEL_KEY = "sk-SENTINEL-7f3a9c-never-print-me"


def _backend(base_url: str, **options) -> OpenAIBackend:
    options = {"timeout_s": 5.0, "backoff_s": 0.01, **options}
    return OpenAIBackend(model="fault-model", api_key=SENTINEL_KEY, base_url=base_url, **options)


def _draft(server, profile, **options):
    backend_options = {k: options.pop(k) for k in ("timeout_s", "max_retries") if k in options}
    return generate(profile, backend=_backend(server.base_url, **backend_options), **options)


def _status(code, message="boom", headers=None, error_code=None):
    return ("status", code, headers or {}, error_body(message, error_code))


# --- transient failures: retried by the backend, with backoff, a bounded number of times


@pytest.mark.parametrize("code", [500, 502, 503, 504, 408, 409])
def test_a_transient_error_then_success_takes_one_retry(profile, code):
    with fault_server(_status(code), ("reply", GOOD, "stop")) as server:
        draft = _draft(server, profile, max_attempts=3)
    assert draft.passed and server.count == 2 and draft.attempts == 1


@pytest.mark.parametrize("code", [500, 503])
def test_a_server_that_keeps_failing_gets_exactly_three_requests_not_nine(profile, code):
    with fault_server(_status(code, "overloaded")) as server, pytest.raises(BackendError) as info:
        _draft(server, profile, max_attempts=3)
    assert server.count == 3  # 1 + 2 retries; the draft loop does not retry transport failures
    assert info.value.status_code == code and f"HTTP {code}" in str(info.value)


def test_retries_are_configurable_and_zero_means_one_request(profile):
    with fault_server(_status(503)) as server, pytest.raises(BackendError):
        _draft(server, profile, max_retries=0)
    assert server.count == 1


def test_429_with_retry_after_waits_what_the_server_asked(profile):
    with fault_server(_status(429, "slow down", {"Retry-After": "1"}), ("reply", GOOD, "stop")) as server:
        started = time.monotonic()
        draft = _draft(server, profile)
        waited = time.monotonic() - started
    assert draft.passed and server.count == 2
    assert waited >= 0.9  # the backoff alone would be 10 ms


def test_429_with_retry_after_in_milliseconds_or_as_a_date(profile):
    stamp = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - 5))  # already past
    script = [
        _status(429, headers={"retry-after-ms": "200"}),
        _status(429, headers={"Retry-After": stamp}),
        ("reply", GOOD, "stop"),
    ]
    with fault_server(*script) as server:
        assert _draft(server, profile).passed
    assert server.count == 3


def test_429_without_retry_after_backs_off_and_retries(profile):
    with fault_server(_status(429, "rate limited"), ("reply", GOOD, "stop")) as server:
        assert _draft(server, profile).passed
    assert server.count == 2


def test_a_retry_after_beyond_the_cap_fails_at_once(profile):
    wait = str(int(MAX_RETRY_AFTER_S * 4))
    asking = _status(429, "come back later", {"Retry-After": wait})
    with fault_server(asking) as server, pytest.raises(BackendError) as info:
        _draft(server, profile)
    assert server.count == 1 and f"asked to wait {wait} s" in str(info.value)


def test_connection_refused_is_retried_then_a_clean_error(profile):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        started = time.monotonic()
        with pytest.raises(BackendError) as info:
            generate(profile, backend=_backend(f"http://127.0.0.1:{port}/v1"))
    assert "could not connect" in str(info.value)
    assert time.monotonic() - started < 5


def test_a_dropped_connection_is_retried(profile):
    with fault_server(("drop",), ("reply", GOOD, "stop")) as server:
        assert _draft(server, profile).passed
    assert server.count == 2


def test_a_hanging_server_is_bounded_by_the_timeout(profile):
    with fault_server(("hang", 30)) as server:
        started = time.monotonic()
        with pytest.raises(BackendError) as info:
            _draft(server, profile, timeout_s=0.5)
        elapsed = time.monotonic() - started
    assert "did not answer within 0.5 s" in str(info.value)
    assert server.count == 3 and elapsed < 5  # 3 times 0.5 s plus short backoffs, not the SDK's 10 minutes


def test_the_draft_deadline_bounds_everything(profile):
    with fault_server(("hang", 30)) as server:
        started = time.monotonic()
        with pytest.raises(DeadlineError) as info:
            _draft(server, profile, timeout_s=10, deadline_s=1.0, max_attempts=3)
        elapsed = time.monotonic() - started
    assert elapsed < 3 and "ASPIRE_DEADLINE" in str(info.value)


def test_the_deadline_returns_the_best_draft_so_far(profile, make_reply):
    salary = json.dumps(make_reply(plan__aspiration="Earn a six-figure salary"))
    with fault_server(("reply", salary, "stop"), ("hang", 30)) as server:
        draft = _draft(server, profile, timeout_s=10, deadline_s=1.5, max_attempts=3)
    assert not draft.passed and draft.attempts == 1  # the first, flawed draft, with its failed checks


# --- failures no wait fixes: one request, a typed error


@pytest.mark.parametrize(
    ("code", "error_code", "words"),
    [
        (400, "invalid_request_error", "HTTP 400"),
        (401, "invalid_api_key", "HTTP 401"),
        (403, None, "HTTP 403"),
        (404, "model_not_found", "HTTP 404"),
        (429, "insufficient_quota", "quota is used up"),
    ],
)
def test_errors_that_retrying_cannot_fix_fail_fast(profile, code, error_code, words):
    with fault_server(_status(code, "nope", error_code=error_code)) as server, pytest.raises(BackendError) as info:
        _draft(server, profile, max_attempts=3)
    assert server.count == 1
    assert words in str(info.value) and info.value.status_code == code and info.value.code == error_code


# --- bad content: repaired by the draft loop, one request per attempt


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("this is not JSON", "not valid JSON"),
        ('{"plan": 1}', "In the JSON"),
        ("", "empty"),
        (GOOD[: len(GOOD) // 2], "not valid JSON"),
    ],
)
def test_unusable_replies_are_repaired_then_fail_with_the_reasons(profile, content, reason):
    with fault_server(("reply", content, "stop")) as server, pytest.raises(GenerationError) as info:
        _draft(server, profile, max_attempts=3)
    assert server.count == 3 and info.value.attempts == 3
    assert any(reason in v for v in info.value.violations)


def test_a_reply_cut_off_by_length_is_never_parsed_as_complete(profile):
    # Even a reply that happens to parse is not trusted when the server says it was cut off.
    with fault_server(("reply", GOOD, "length"), ("reply", GOOD, "stop")) as server:
        draft = _draft(server, profile, max_attempts=3)
    assert draft.passed and draft.attempts == 2 and server.count == 2
    assert "cut off" in server.requests[1]["messages"][-1]["content"]


def test_a_response_that_is_not_json_or_not_a_completion_is_a_clean_error(profile):
    with fault_server(("raw", b"<html>proxy error</html>")) as server, pytest.raises(BackendError) as info:
        _draft(server, profile)
    assert "not JSON" in str(info.value) and server.count == 1
    with fault_server(("raw", b'{"unexpected": true}')) as server, pytest.raises(BackendError) as info:
        _draft(server, profile)
    assert "no chat message" in str(info.value)


def test_a_server_without_json_schema_support_falls_back_once_without_a_retry(profile):
    rejection = _status(500, "response_format json_schema is not supported")
    with fault_server(rejection, ("reply", GOOD, "stop")) as server:
        backend = _backend(server.base_url)
        assert generate(profile, backend=backend).passed
        assert generate(profile, backend=backend).passed
    formats = [r["response_format"]["type"] for r in server.requests]
    assert formats == ["json_schema", "json_object", "json_object"]


def test_async_drafts_follow_the_same_retry_rules(profile):
    with fault_server(_status(503)) as server, pytest.raises(BackendError):
        asyncio.run(agenerate(profile, backend=_backend(server.base_url)))
    assert server.count == 3
    with fault_server(_status(429, error_code="insufficient_quota")) as server, pytest.raises(BackendError):
        asyncio.run(agenerate(profile, backend=_backend(server.base_url)))
    assert server.count == 1
    with fault_server(_status(503), ("reply", GOOD, "stop")) as server:
        assert asyncio.run(agenerate(profile, backend=_backend(server.base_url))).passed


# --- the key never leaks


def test_the_api_key_never_appears_in_errors_logs_or_reprs(profile, caplog, capsys, monkeypatch, tmp_path):
    echo = _status(401, f"Incorrect API key provided: {SENTINEL_KEY}", error_code="invalid_api_key")
    caplog.set_level(logging.DEBUG)
    with fault_server(echo) as server:
        with pytest.raises(BackendError) as info:
            _draft(server, profile)
        assert server.headers[0]["authorization"] == f"Bearer {SENTINEL_KEY}"  # it was sent, only there
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("OPENAI_API_KEY", SENTINEL_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        code = cli.main(
            ["draft", "-vv", "--resume", str(EXAMPLE_RESUMES / "retail_store_manager.md"), "--company", "Target"]
        )
    out, err = capsys.readouterr()
    backend = _backend("http://127.0.0.1:9/v1")
    from aspire.config import resolve_settings

    settings = resolve_settings(backend="openai", api_key=SENTINEL_KEY, base_url="http://127.0.0.1:9/v1")
    seen = [str(info.value), repr(info.value), repr(backend), repr(settings), str(settings.model_dump()), out, err]
    seen += [record.getMessage() for record in caplog.records]
    assert code == 2 and "HTTP 401" in err
    assert all(SENTINEL_KEY not in text for text in seen)
    # Even at DEBUG the openai and httpx loggers show no request body, so no resume text.
    resume_line = "top 10% of Best Buy stores nationwide"
    assert resume_line in (EXAMPLE_RESUMES / "retail_store_manager.md").read_text()
    assert any(r.name.startswith(("openai", "httpx")) for r in caplog.records)
    assert all(resume_line not in text for text in seen)


def test_cli_reports_a_failing_server_in_one_line(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with fault_server(_status(503, "overloaded")) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("ASPIRE_TIMEOUT", "2")
        code = cli.main(["draft", "--resume", str(EXAMPLE_RESUMES / "retail_store_manager.md"), "--company", "Target"])
    _, err = capsys.readouterr()
    assert code == 2 and server.count == 3
    assert err.startswith("aspire: error:") and "HTTP 503" in err and "Traceback" not in err


# --- crash safety and secrets on disk, through the real CLI in a subprocess


def _write_cases(folder, count):
    folder.mkdir()
    for number in range(count):
        write_case(folder, f"case-{number:02d}", "Target")


def _eval_command(cases, out, *extra):
    return [sys.executable, "-m", "aspire", "eval", str(cases), "--out", str(out), "--backend", "openai", *extra]


def _eval_env(base_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_"))}
    env |= {"OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": SENTINEL_KEY, "ASPIRE_CACHE_DIR": str(tmp_path / "cache")}
    env["ASPIRE_METHOD"] = "whole"  # the fault server scripts whole drafts
    return env


def test_kill_9_mid_eval_then_rerun_loses_and_repeats_nothing(tmp_path):
    cases, out = tmp_path / "cases", tmp_path / "out"
    _write_cases(cases, 12)
    results = out / "results.jsonl"
    options = ("--no-cache", "--max-attempts", "1", "--concurrency", "2")
    with fault_server(("slow", 0.25, GOOD)) as server:
        proc = subprocess.Popen(
            _eval_command(cases, out, *options),
            env=_eval_env(server.base_url, tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not results.exists() or results.read_text().count("\n") < 4):
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    before = [json.loads(line) for line in results.read_text().splitlines() if line.endswith("}")]
    assert 4 <= len(before) < 12

    # A second server, so requests the killed process left in flight are not counted.
    with fault_server(("slow", 0.25, GOOD)) as server:
        env = _eval_env(server.base_url, tmp_path)
        again = subprocess.run(
            _eval_command(cases, out, *options), env=env, capture_output=True, text=True, timeout=120
        )
        assert again.returncode == 0, again.stderr
        requests_again = server.count

    records = [json.loads(line) for line in results.read_text().splitlines()]  # every line parses: none torn
    assert sorted(r["id"] for r in records) == [f"case-{n:02d}" for n in range(12)]  # each case exactly once
    assert requests_again == 12 - len(before)  # nothing finished was drafted again
    finished = {r["id"]: r for r in before}
    assert all(r == finished[r["id"]] for r in records if r["id"] in finished)
    assert json.loads((out / "summary.json").read_text())["cases"] == 12


def test_the_key_is_in_no_file_the_eval_writes(tmp_path):
    cases, out = tmp_path / "cases", tmp_path / "out"
    _write_cases(cases, 2)
    with fault_server(("reply", GOOD, "stop")) as server:
        result = subprocess.run(
            _eval_command(cases, out), env=_eval_env(server.base_url, tmp_path), capture_output=True, text=True
        )
    assert result.returncode == 0, result.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file() and "cases" not in p.parts]
    assert {p.name for p in written} >= {"results.jsonl", "summary.json", "report.md", "report.html"}
    assert any("cache" in p.parts for p in written)
    assert all(SENTINEL_KEY.encode() not in p.read_bytes() for p in written)
    assert SENTINEL_KEY not in result.stdout + result.stderr
    # The async client is closed inside the event loop, not by the garbage collector after it.
    assert "Traceback" not in result.stderr and "Event loop is closed" not in result.stderr


def test_a_backend_made_from_a_name_is_closed_with_its_event_loop(profile, capfd, caplog):
    """Unclosed, the openai client's finaliser schedules its close on whatever loop runs
    when it is collected, a later one, and that prints "Event loop is closed" tracebacks."""
    import gc

    async def collect_later() -> None:
        gc.collect()
        await asyncio.sleep(0.05)

    gc.collect()  # other tests' clients, collected here with no loop running, stay quiet
    caplog.clear()
    capfd.readouterr()
    with fault_server(("reply", GOOD, "stop")) as server:
        draft = asyncio.run(agenerate(profile, backend="openai", base_url=server.base_url))
        asyncio.run(collect_later())
    assert draft.passed
    assert "Event loop is closed" not in capfd.readouterr().err + caplog.text
