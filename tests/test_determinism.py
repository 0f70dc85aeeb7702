"""Same inputs, same draft: on one machine a seeded request gives the same reply whatever
the model did before, in this process or another.

llama.cpp's arithmetic depends on how a prompt is cut into batches, so a request
that reused another's cached prefix once gave another reply than the same request
in a fresh context. The replies alone show it only when a sample happens to flip
(on some CPUs every time, on others never), so these tests also compare the
model's last logits bit for bit: any difference in how the prompt was evaluated
shows there, on every CPU.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import sys
from typing import Any

import pytest

from aspire import CandidateProfile, ChatRequest, Completion, prompts
from aspire.backends.local import LocalBackend
from aspire.evaluation import EvalOptions, load_cases, run_eval

from .conftest import EXAMPLE_RESUMES
from .test_eval import write_case

pytestmark = pytest.mark.slow

NOTE_SCHEMA = {"type": "object", "properties": {"note": {"type": "string"}}, "required": ["note"]}


def note_request(topic: str) -> ChatRequest:
    """A short request whose prompt opens with the real system prompt (several hundred
    tokens), so that a later request can reuse that prefix from the model's cache."""
    return ChatRequest(
        messages=[
            {"role": "system", "content": prompts.render("system.j2")},
            {"role": "user", "content": f"Write one sentence of advice about {topic} as JSON."},
        ],
        schema=NOTE_SCHEMA,
        max_tokens=24,
        temperature=1.0,
        seed=4321,
    )


def last_logits_digest(backend: LocalBackend, request: ChatRequest) -> str:
    """The SHA-256 of the logits the model computed last (for the last token it read)."""
    import numpy as np

    llama = backend._loaded(request).llama
    logits = np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama.n_vocab(),))
    return hashlib.sha256(logits.tobytes()).hexdigest()


def reply_and_logits(backend: LocalBackend, request: ChatRequest) -> tuple[str, str]:
    completion: Completion = backend.complete(request)
    return completion.text, last_logits_digest(backend, request)


def test_a_seeded_request_is_the_same_first_after_another_request_and_again():
    # A context size no other test loads: this backend starts with an empty cache.
    backend = LocalBackend(n_ctx=2048)
    interview = note_request("interviews")
    first = reply_and_logits(backend, interview)
    backend.complete(note_request("salary talks"))  # shares the system prompt, then differs
    after_another = reply_and_logits(backend, interview)
    again_at_once = reply_and_logits(backend, interview)  # the whole prompt is in the cache
    assert after_another == first
    assert again_at_once == first
    assert first[0].startswith('{"note": "')  # 24 tokens: the JSON may be cut short


# Run in a new process: draft each request given, print its reply and last logits.
_DRAFT_IN_A_NEW_PROCESS = """
import hashlib, json, sys
import numpy as np
from aspire import ChatRequest
from aspire.backends.local import LocalBackend

backend = LocalBackend()
for line in sys.stdin:
    request = ChatRequest(**json.loads(line))
    text = backend.complete(request).text
    llama = backend._loaded(request).llama
    logits = np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama.n_vocab(),))
    print(json.dumps([text, hashlib.sha256(logits.tobytes()).hexdigest()]))
"""


def _draft_request(company: str) -> dict[str, Any]:
    """The first request of a real draft (system prompt, worked examples, candidate), cut short."""
    profile = CandidateProfile(
        resume=(EXAMPLE_RESUMES / "retail_store_manager.md").read_text(encoding="utf-8"),
        company=company,
        role="Store Manager",
    )
    return {
        "messages": prompts.build_messages(profile),
        "schema": prompts.generation_schema(profile),
        "max_tokens": 40,
        "temperature": 0.8,
        "seed": 7,
        "avoid_words": list(prompts.avoid_words(profile)),
    }


def _in_a_new_process(*requests: dict[str, Any]) -> list[list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", _DRAFT_IN_A_NEW_PROCESS],
        input="".join(json.dumps(r) + "\n" for r in requests),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_same_draft_from_two_processes_one_of_which_drafted_something_else_first():
    target, costco = _draft_request("Target"), _draft_request("Costco")
    (alone,) = _in_a_new_process(target)
    _, after_costco = _in_a_new_process(costco, target)
    assert after_costco == alone
    assert alone[0].startswith("{")


def _drafts(out_dir) -> dict[str, dict[str, Any]]:
    drafts = {}
    for line in (out_dir / "results.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert record["status"] != "error", record["error"]
        draft = dict(record["draft"])
        draft.pop("elapsed_s")  # how long it took is the one thing allowed to differ
        drafts[record["id"]] = draft
    return drafts


def test_eval_drafts_are_the_same_in_another_order_and_at_another_concurrency(tmp_path):
    (tmp_path / "cases").mkdir()
    write_case(tmp_path / "cases", "target", "Target")
    write_case(tmp_path / "cases", "costco", "Costco")
    cases, errors = load_cases([tmp_path / "cases"])
    assert not errors and [c.id for c in cases] == ["costco", "target"]
    backend = LocalBackend()
    generation = {"max_attempts": 1, "deadline_s": 3600}

    def run(order: list[Any], concurrency: int, out: str) -> dict[str, dict[str, Any]]:
        options = EvalOptions(out_dir=tmp_path / out, concurrency=concurrency, generation=generation)
        asyncio.run(run_eval(order, [], backend, options))
        return _drafts(tmp_path / out)

    in_order = run(cases, 1, "in-order")
    reversed_two_at_once = run(cases[::-1], 2, "reversed")
    assert reversed_two_at_once == in_order
