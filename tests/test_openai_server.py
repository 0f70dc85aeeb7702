"""The openai backend against a real llama.cpp OpenAI-compatible server on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from aspire import CandidateProfile, Draft, agenerate
from aspire.backends.openai_compat import OpenAIBackend
from aspire.embedded_model import QWEN_05B, ensure_embedded_model

from .conftest import EXAMPLE_RESUMES, REPO

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory) -> Iterator[str]:
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aspire.backends.llama_server",
                "--model",
                str(ensure_embedded_model(model=QWEN_05B)),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "8192",
                "--n_threads",
                str(os.cpu_count() or 1),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama.cpp server exited: {log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama.cpp server did not start within 180 s")
            time.sleep(0.5)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_cli_drafts_through_the_openai_backend(llama_server, tmp_path):
    env = {
        **os.environ,
        "OPENAI_BASE_URL": llama_server,
        "OPENAI_API_KEY": "sk-test-not-a-real-key",
        "ASPIRE_MODEL": "qwen-local",
    }
    env.pop("ASPIRE_BACKEND", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "aspire",
            "draft",
            "--resume",
            str(EXAMPLE_RESUMES / "retail_store_manager.md"),
            "--company",
            "Target",
            "--role",
            "Store Manager",
            "--json",
            "--max-attempts",
            "2",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    draft = Draft.model_validate_json(result.stdout)
    assert draft.backend == "openai"
    assert draft.plan.goals[0].goal == "Get hired by Target"
    assert 1 <= draft.attempts <= 2
    assert draft.usage.prompt_tokens > 1000 and draft.usage.completion_tokens > 50
    assert len(draft.answer.split()) >= 20
    assert "sk-test-not-a-real-key" not in result.stdout + result.stderr


def test_async_library_call_falls_back_to_json_mode(llama_server):
    backend = OpenAIBackend(model="qwen-local", api_key=None, base_url=llama_server)
    profile = CandidateProfile(
        resume=(EXAMPLE_RESUMES / "hospitality_bartender.txt").read_text(),
        company="Marriott Hotels",
        role="Bar Supervisor",
        question="Where do you see yourself in five years?",
    )
    draft = asyncio.run(agenerate(profile, backend=backend, max_attempts=1))
    # llama.cpp's server rejects json_schema structured output; JSON mode with a schema works.
    assert backend.response_format == "json_object"
    assert draft.attempts == 1
    assert draft.plan.goals[0].goal == "Get hired by Marriott Hotels"
    assert {c.rule for c in draft.checks} >= {"hire-first", "answer-form"}
    assert REPO.exists()


def test_astream_streams_from_the_real_server(llama_server):
    import aspire

    backend = OpenAIBackend(model="qwen-local", api_key=None, base_url=llama_server)
    profile = CandidateProfile(
        resume=(EXAMPLE_RESUMES / "retail_store_manager.md").read_text(), company="Target", role="Store Manager"
    )

    async def collect() -> list[object]:
        try:
            return [e async for e in aspire.astream(profile, backend=backend, max_attempts=1)]
        finally:
            await backend.aclose()

    events = asyncio.run(collect())
    texts = [e for e in events if isinstance(e, str)]
    draft = events[-1]
    assert isinstance(draft, aspire.Draft) and draft.plan.goals[0].goal == "Get hired by Target"
    assert len(texts) > 10  # server-sent events, token by token
    assert "".join(texts).split()[:5] == draft.answer.split()[:5]


def test_doctor_sees_the_real_server(llama_server, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_"))}
    env |= {"OPENAI_BASE_URL": llama_server, "ASPIRE_MODEL": "qwen-local", "ASPIRE_CACHE_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "aspire", "doctor"], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "openai: OPENAI_BASE_URL or OPENAI_API_KEY is set" in result.stdout
    assert "server answers" in result.stdout and "FAIL" not in result.stdout


def test_check_judge_through_the_real_server(llama_server, tmp_path):
    """`aspire check --judge` as a user runs it: the model's structured verdict beside the rules."""
    from aspire.evaluation.judged import DEFECT_TAGS

    answer = tmp_path / "answer.txt"
    answer.write_text(
        "In five years I see myself as a district manager at Target, developing store leaders. I have recruited "
        "and trained new employees, and at Target I would learn your store operations and lead a seasonal "
        "promotion first. Target's manager training and its path from store to district would help me grow.",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_"))}
    env |= {"OPENAI_BASE_URL": llama_server, "ASPIRE_MODEL": "qwen-local", "ASPIRE_CACHE_DIR": str(tmp_path)}
    resume = str(EXAMPLE_RESUMES / "retail_store_manager.md")
    args = ["check", "--answer", str(answer), "--company", "Target", "--resume", resume, "--judge", "--json"]
    result = subprocess.run(
        [sys.executable, "-m", "aspire", *args], env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path
    )
    assert result.returncode in (0, 1), result.stderr  # the rules' verdict; the judge never changes it
    shown = json.loads(result.stdout)
    verdict = shown["judge"]
    # No plan or self-assessment was given: the judge scores the lines it can read, and only those.
    assert {k for k in ("aspiration", "plan", "answer", "truthful", "self_assessment") if verdict.get(k)} == {
        "aspiration",
        "answer",
        "truthful",
    }
    assert all(1 <= verdict[k]["score"] <= 5 and verdict[k]["reason"] for k in ("aspiration", "answer", "truthful"))
    assert verdict["verdict"] in ("accept", "reject") and set(verdict["defects"]) <= set(DEFECT_TAGS)
    assert verdict["usage"]["prompt_tokens"] > 500 and {c["rule"] for c in shown["checks"]} >= {"company-aids"}
