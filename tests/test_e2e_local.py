"""End to end on the embedded model: the README's command, for real, on corpus resumes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading

import pytest

from aspire import ChatRequest, Draft
from aspire.backends.local import LocalBackend
from aspire.embedded_model import ensure_embedded_model
from aspire.rules import RULES

from .conftest import EXAMPLE_RESUMES, REPO

pytestmark = pytest.mark.slow

TINY = ChatRequest(
    messages=[{"role": "user", "content": "Name one colour as JSON."}],
    schema={"type": "object", "properties": {"colour": {"type": "string"}}, "required": ["colour"]},
    max_tokens=24,
    temperature=0.8,
    seed=1234,
)


def _aspire(*args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_BACKEND"))}
    return subprocess.run(
        [sys.executable, "-m", "aspire", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def test_readme_draft_command_as_json():
    result = _aspire(
        "draft",
        "--resume",
        str(EXAMPLE_RESUMES / "retail_store_manager.md"),
        "--company",
        "Target",
        "--role",
        "Store Manager",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    draft = Draft.model_validate_json(result.stdout)
    assert draft.backend == "local"
    assert draft.model == "qwen2.5-coder-0.5b-instruct-q4_k_m"
    assert draft.plan.goals[0].goal == "Get hired by Target"
    assert 3 <= len(draft.plan.goals) <= 10
    assert 1 <= draft.attempts <= 3
    assert len(draft.answer.split()) >= 20
    assert [c.rule for c in draft.checks] == list(RULES)


def test_human_output_for_a_question_variant():
    result = _aspire(
        "draft",
        "--resume",
        str(EXAMPLE_RESUMES / "financial_analyst.md"),
        "--company",
        "Morgan Stanley",
        "--skills",
        "financial modelling, Excel",
        "--question",
        "Where do you see yourself in five years?",
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert out.startswith("ANSWER")
    assert "1. Get hired by Morgan Stanley [hire]" in out
    assert "→ Aspiration:" in out and "CHECKS (" in out
    assert "local · qwen2.5-coder-0.5b-instruct-q4_k_m" in out


def test_eval_on_the_embedded_model_then_a_rerun_calls_no_model(tmp_path):
    """The README's eval command on one repo case; the second run is served from the reply cache."""
    case = REPO / "evals" / "cases" / "trades_01_plumber.yaml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_BACKEND"))}
    env["ASPIRE_CACHE_DIR"] = str(tmp_path / "cache")
    # The embedded model itself stays where the other tests already assembled it.
    env["ASPIRE_LOCAL_MODEL"] = str(ensure_embedded_model())
    command = [sys.executable, "-m", "aspire", "eval", str(case), "--max-attempts", "1", "--backend", "local"]
    first = subprocess.run([*command, "--out", str(tmp_path / "a")], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert "1 model calls" in first.stdout
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["cases"] == 1 and summary["errors"] == 0 and set(summary["rules"]) == set(RULES)
    assert (tmp_path / "a" / "report.html").read_text().startswith("<!doctype html>")
    again = subprocess.run([*command, "--out", str(tmp_path / "b")], capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert "0 model calls, 1 cache hits" in again.stdout


def test_fixed_seed_is_deterministic():
    backend = LocalBackend()
    first = backend.complete(TINY)
    second = backend.complete(TINY)
    assert first.text == second.text
    assert first.finish_reason in ("stop", "length")


def test_one_model_serves_threads_and_tasks():
    backend = LocalBackend()
    results: list[str] = []

    def work() -> None:
        results.append(backend.complete(TINY).text)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)

    async def many() -> list[str]:
        done = await asyncio.gather(*(backend.acomplete(TINY) for _ in range(3)))
        return [c.text for c in done]

    results += asyncio.run(many())
    assert len(results) == 6 and len(set(results)) == 1
