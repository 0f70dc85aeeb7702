"""aspire's benchmark: what a draft costs, measured side by side on this machine.

    python bench/run.py            # everything (8 min 33 s measured on 2 cores)
    python bench/run.py --quick    # fewer cases and repetitions (2 min 21 s measured)
    python bench/run.py --json bench/latest.json

Run by hand, never by the tests: timings belong here, not in assertions.
Each figure is printed with its target; see bench/RESULTS.md for earlier rows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.faultserver: the same loopback server the fault tests use

from tests.conftest import good_reply_data  # noqa: E402

from aspire import CandidateProfile, Completion, generate  # noqa: E402
from aspire.backends import ChatRequest  # noqa: E402
from aspire.evaluation import EvalOptions, load_cases, run_eval  # noqa: E402
from aspire.prompts import template_version  # noqa: E402

RESUME = (REPO / "examples" / "resumes" / "retail_store_manager.md").read_text(encoding="utf-8")
PROFILE = CandidateProfile(resume=RESUME, company="Target", role="Store Manager")
OTHER_PROFILE = CandidateProfile(
    resume=(REPO / "examples" / "resumes" / "financial_analyst.md").read_text(encoding="utf-8"),
    company="Lakeshore Credit Union",
    role="Financial Analyst",
)
TARGETS = {
    "embedded_overhead_ratio": ("<=", 1.2),
    "cold_draft_ratio": ("<=", 1.15),
    "first_attempt_valid_rate": (">=", 0.95),
    "batch_efficiency_c16": (">=", 1 / 1.1),
    "cached_rerun_model_calls": ("<=", 0),
    "cached_rerun_s": ("<", 2.0),
    "per_call_overhead_ms": ("<", 5.0),
    "batch_api_overhead_s": ("<=", 2.0),
}


# --- the embedded model: constrained draft vs raw llama.cpp, same prompt, same token counts


def _perf(llama: Any) -> tuple[float, float, int, int]:
    import llama_cpp

    data = llama_cpp.llama_perf_context(llama.ctx)
    return data.t_p_eval_ms / 1000, data.t_eval_ms / 1000, data.n_p_eval, data.n_eval


def embedded_figures(repeats: int) -> dict[str, Any]:
    """One draft request through the local backend (constraint, logit bias, the lot) against
    llama.cpp with nothing added, same prompt, cold prompt cache each time.

    The raw run gets no logits processor at all, so it may stop early; its time for the
    draft's token counts is its prompt time plus the draft's completion tokens at its
    measured decode rate.
    """
    import llama_cpp

    from aspire.backends.local import LocalBackend, _load
    from aspire.config import resolve_settings
    from aspire.generate import _DraftSession

    backend = LocalBackend()
    session = _DraftSession(PROFILE, backend, resolve_settings(backend="local", max_attempts=1))
    request = session.request()
    llama = _load(backend.resolve_model_path(), 8192, os.cpu_count() or 1).llama
    backend.complete(request)  # load the model, build the tokenizer, grammar and bias tables once

    rows = []
    for number in range(repeats):
        llama.reset()  # cold prefix: both runs process the whole prompt
        llama_cpp.llama_perf_context_reset(llama.ctx)
        started = time.perf_counter()
        constrained = backend.complete(request)
        constrained_s = time.perf_counter() - started
        c_prompt_s, _, _, c_tokens = _perf(llama)

        llama.reset()
        llama_cpp.llama_perf_context_reset(llama.ctx)
        started = time.perf_counter()
        llama.create_chat_completion(
            messages=request.messages,
            max_tokens=constrained.completion_tokens,
            temperature=request.temperature,
            seed=request.seed + number,
        )
        raw_s = time.perf_counter() - started
        r_prompt_s, _, _, r_tokens = _perf(llama)
        raw_tok_s = r_tokens / (raw_s - r_prompt_s)
        raw_same_tokens_s = r_prompt_s + constrained.completion_tokens / raw_tok_s
        rows.append(
            {
                "prompt_tokens": constrained.prompt_tokens,
                "completion_tokens": constrained.completion_tokens,
                "constrained_s": constrained_s,
                "raw_same_tokens_s": raw_same_tokens_s,
                "ratio": constrained_s / raw_same_tokens_s,
                "constrained_decode_tok_s": c_tokens / (constrained_s - c_prompt_s),
                "raw_decode_tok_s": raw_tok_s,
                "prompt_s": r_prompt_s,
            }
        )

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    return {
        "constraint": backend.constraint,
        "embedded_overhead_ratio": round(median("ratio"), 3),
        "raw_decode_tok_s": round(median("raw_decode_tok_s"), 1),
        "constrained_decode_tok_s": round(median("constrained_decode_tok_s"), 1),
        "embedded_draft_s": round(median("constrained_s"), 2),
        "raw_same_tokens_s": round(median("raw_same_tokens_s"), 2),
        "prompt_tokens": rows[0]["prompt_tokens"],
        "completion_tokens": rows[0]["completion_tokens"],
        "prompt_processing_s": round(median("prompt_s"), 2),
    }


def warm_draft_figures(count: int) -> dict[str, Any]:
    """Drafts of different candidates one after another in one process, as an eval or a
    chatbot makes them: how many prompt tokens each reads again and what each costs.

    The figure behind the same-input-same-draft rule (the local backend reads each
    prompt in 64-token blocks at fixed positions and keeps only whole cached blocks):
    a warm draft may read up to 63 more tokens of its prompt than plain prefix reuse.
    """
    import llama_cpp

    from aspire.backends.local import LocalBackend, _load

    backend = LocalBackend()
    companies = ["Costco", "Walmart", "Home Depot", "Kroger", "Best Buy", "Macy's", "Lowe's", "IKEA"][: count + 1]
    profiles = [PROFILE.model_copy(update={"company": company}) for company in companies]
    generate(profiles[0], backend=backend, max_attempts=1)  # load, and leave a draft in the cache
    llama = _load(backend.resolve_model_path(), 8192, os.cpu_count() or 1).llama
    rows = []
    for profile in profiles[1:]:
        llama_cpp.llama_perf_context_reset(llama.ctx)
        started = time.perf_counter()
        draft = generate(profile, backend=backend, max_attempts=1)
        seconds = time.perf_counter() - started
        prompt_s, decode_s, prompt_read, decoded = _perf(llama)
        rows.append(
            {
                "s": seconds,
                "prompt_s": prompt_s,
                "prompt_read": prompt_read,
                "prompt_tokens": draft.usage.prompt_tokens,
                "decode_tok_s": decoded / decode_s,
            }
        )

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    return {
        "warm_drafts": len(rows),
        "warm_draft_s": round(median("s"), 2),
        "warm_prompt_tokens_read": f"{median('prompt_read'):.0f} of {median('prompt_tokens'):.0f}",
        "warm_prompt_s": round(median("prompt_s"), 2),
        "warm_decode_tok_s": round(median("decode_tok_s"), 1),
    }


def cold_draft_figures(repeats: int) -> dict[str, Any]:
    """A draft in a new process (the CLI, as a user runs it) against the same draft in a
    process that has drafted before. The new process loads the fixed prompt's saved state
    (backends/prefix_state.py) instead of reading it again; the first run, with nothing
    saved yet, is reported too.

    ``cold_draft_ratio`` divides by the draft in a process that drafted another candidate
    just before (the issue's case: an eval's first case against its next ones). The same
    draft drafted twice in a row is reported beside it: there the candidate's own turns are
    cached too, which no new input ever finds."""
    import subprocess
    import tempfile

    from aspire.backends.local import LocalBackend
    from aspire.embedded_model import ensure_embedded_model

    chosen = LocalBackend()._embedded  # as the settings choose: --embedded-model, else the default
    model = ensure_embedded_model(model=chosen)
    argv = [sys.executable, "-m", "aspire", "draft", "--resume", str(REPO / "examples/resumes/retail_store_manager.md")]
    argv += ["--company", "Target", "--role", "Store Manager", "--json", "--max-attempts", "1", "--no-cache"]
    with tempfile.TemporaryDirectory() as cache:
        (Path(cache) / "models").mkdir()
        (Path(cache) / "models" / model.name).symlink_to(model)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_"))}
        env["ASPIRE_CACHE_DIR"] = cache
        env["ASPIRE_EMBEDDED_MODEL"] = chosen.name

        def new_process() -> tuple[float, str]:
            started = time.perf_counter()
            done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True, cwd=cache)
            return time.perf_counter() - started, json.loads(done.stdout)["answer"]

        unsaved_s, answer = new_process()
        saved_mb = sum(p.stat().st_size for p in (Path(cache) / "prompt-state").glob("*.bin")) / 1e6
        cold = [new_process() for _ in range(repeats)]
        assert all(a == answer for _, a in cold), "a new process drafted another answer"
    backend = LocalBackend()
    # Warm as an eval's next case or a server's next visitor finds it: another candidate
    # drafted just before, so the fixed prompt is in the model's cache and this one's own
    # words are not.
    after_other = []
    for _ in range(repeats):
        generate(OTHER_PROFILE, backend=backend, max_attempts=1)
        started = time.perf_counter()
        draft_after_other = generate(PROFILE, backend=backend, max_attempts=1)
        after_other.append(time.perf_counter() - started)
    # Warm as the same draft again: every token of this candidate's turns is still cached.
    warm = []
    for _ in range(repeats):
        started = time.perf_counter()
        generate(PROFILE, backend=backend, max_attempts=1)
        warm.append(time.perf_counter() - started)
    cold_s = statistics.median(s for s, _ in cold)
    return {
        "cold_draft_unsaved_s": round(unsaved_s, 2),
        "prompt_state_mb": round(saved_mb, 1),
        "cold_draft_s": round(cold_s, 2),
        "warm_after_another_s": round(statistics.median(after_other), 2),
        "cold_draft_ratio": round(cold_s / statistics.median(after_other), 3),
        "warm_same_draft_again_s": round(statistics.median(warm), 2),
        "cold_over_same_draft_again": round(cold_s / statistics.median(warm), 3),
        "cold_same_answer_as_warm": draft_after_other.answer == answer,
    }


def first_attempt_figures(limit: int | None) -> dict[str, Any]:
    """One attempt per eval case on the embedded model: how often it is valid, and passes every rule."""
    from aspire import GenerationError

    cases, _ = load_cases([REPO / "evals" / "cases"])
    cases = cases[:limit] if limit else cases
    valid = passed = 0
    for case in cases:
        try:
            draft = generate(case.profile, backend="local", max_attempts=1)
        except GenerationError:
            continue
        valid += 1
        passed += draft.passed
    return {
        "first_attempt_cases": len(cases),
        "first_attempt_valid_rate": round(valid / len(cases), 3),
        "first_attempt_pass_rate": round(passed / len(cases), 3),
    }


def peak_rss_figures() -> dict[str, Any]:
    """Peak resident memory of a process that loads the embedded model and drafts once."""
    code = (
        "import resource, aspire;"
        f"aspire.generate({{'resume': {RESUME!r}, 'company': 'Target'}}, backend='local', max_attempts=1);"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {"peak_rss_mb": round(int(result.stdout.split()[-1]) / 1024, 1)}


# --- batch evals against a server with a fixed latency, and the cached re-run


def _write_cases(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # Each case's resume differs by a line, so no cache keyed by text makes the
    # batch cheaper than a real one of different candidates would be.
    lines = [
        json.dumps(
            {
                "id": f"bench-{number:03d}",
                "profile": {"resume": f"{RESUME}\nApplication reference: B-{number:03d}\n", "company": "Target"},
            }
        )
        for number in range(count)
    ]
    (folder / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _eval_cli(cases: Path, out: Path, env: dict[str, str], *extra: str) -> tuple[float, str]:
    command = [sys.executable, "-m", "aspire", "eval", str(cases), "--out", str(out), "--backend", "openai", *extra]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, result.stdout


class _LatencyServer:
    """The fault tests' loopback server in its own process, answering every request with
    a good draft after a fixed delay: in this process it would compete for the GIL."""

    def __init__(self, latency_s: float) -> None:
        reply = json.dumps(good_reply_data("Target"))
        code = (
            "import sys, time\n"
            f"sys.path.insert(0, {str(REPO)!r})\n"
            "from tests.faultserver import FaultServer\n"
            f"server = FaultServer([('slow', {latency_s!r}, {reply!r})])\n"
            "server.start()\n"
            "print(server.base_url, flush=True)\n"
            "sys.stdin.read()\n"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


async def _client_only_batch(base_url: str, profile: CandidateProfile, count: int, concurrency: int) -> float:
    """The same requests sent by the openai client alone, no aspire around it:
    the floor this machine and this server set for the batch figure."""
    import openai
    from openai.types.chat import ChatCompletion

    from aspire.backends.openai_compat import OpenAIBackend
    from aspire.generate import _prepare

    backend = OpenAIBackend(model="bench", api_key=None, base_url=base_url)
    body = backend._body(_prepare(profile, backend, {}).request(), "json_schema")
    client = openai.AsyncOpenAI(base_url=base_url, api_key="unused", max_retries=0)
    slots = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with slots:
            await client.post("/chat/completions", cast_to=ChatCompletion, body=body)

    try:
        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(count)))
        return time.perf_counter() - started
    finally:
        await client.close()
        await backend.aclose()


def batch_figures(cases_count: int, latency_s: float = 0.2, concurrency: int = 16) -> dict[str, Any]:
    from aspire.backends.openai_compat import OpenAIBackend

    server = _LatencyServer(latency_s)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            cases = root / "cases"
            _write_cases(cases, cases_count)
            env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_"))}
            env |= {"OPENAI_BASE_URL": server.base_url, "ASPIRE_CACHE_DIR": str(root / "cache")}

            # In process, so the figure is the batch itself, not Python starting up.
            backend = OpenAIBackend(model="bench", api_key=None, base_url=server.base_url)
            loaded, _ = load_cases([cases])

            async def batch() -> dict[str, Any]:
                try:
                    options = EvalOptions(out_dir=root / "c16", concurrency=concurrency)
                    return await run_eval(loaded, [], backend, options)
                finally:
                    await backend.aclose()

            started = time.perf_counter()
            summary = asyncio.run(batch())
            wall = time.perf_counter() - started
            ideal = cases_count * latency_s / concurrency
            assert summary["passed"] == cases_count, summary
            client_only = asyncio.run(_client_only_batch(server.base_url, loaded[0].profile, cases_count, concurrency))

            # The CLI twice: the first run fills the reply cache, the second (a new --out) calls nothing.
            _eval_cli(cases, root / "first", env, "--concurrency", str(concurrency))
            rerun_s, _ = _eval_cli(cases, root / "second", env, "--concurrency", str(concurrency))
            calls = json.loads((root / "second" / "summary.json").read_text())["this_run"]["model_calls"]
    finally:
        server.close()
    return {
        "batch_cases": cases_count,
        "batch_latency_s": latency_s,
        "batch_wall_c16_s": round(wall, 3),
        "batch_ideal_c16_s": round(ideal, 3),
        "batch_efficiency_c16": round(ideal / wall, 3),
        "batch_client_only_efficiency_c16": round(ideal / client_only, 3),
        "cached_rerun_cases": cases_count,
        "cached_rerun_model_calls": calls,
        "cached_rerun_s": round(rerun_s, 3),
    }


# --- a batch eval through the Batch API: aspire's own time around the batch


def batch_api_figures(cases_count: int) -> dict[str, Any]:
    """``aspire eval --batch`` on ``cases_count`` cases against the loopback batch server
    (tests/batchserver.py, in its own process, done at the first look). What is left of the
    wall time after the server's wait (polling) and the drafting a live run does too
    (rendering each request, checking each reply) is aspire's own work around the batch:
    writing and uploading the file, the state, downloading and reading the results."""
    import openai

    from aspire.config import resolve_settings
    from aspire.evaluation.batch import BatchOptions, BatchRun
    from aspire.evaluation.batchapi import BatchApi

    server = subprocess.Popen(
        [sys.executable, "-m", "tests.batchserver", "completed"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stdin is not None
    base_url = server.stdout.readline().strip()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            _write_cases(root / "cases", cases_count)
            loaded, _ = load_cases([root / "cases"])
            settings = resolve_settings(backend="openai", base_url=base_url, model="bench", method="whole")
            options = BatchOptions(out_dir=root / "out", api="openai", poll_max_s=0.05)
            client = openai.OpenAI(base_url=base_url, api_key="unused")
            started = time.perf_counter()
            run = BatchRun(loaded, [], settings, "bench", options)
            summary = BatchApi(run, client).go()
            wall = time.perf_counter() - started
            client.close()
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    assert summary["passed"] == cases_count, summary["passed"]
    batch = summary["batch"]
    return {
        "batch_api_cases": cases_count,
        "batch_api_wall_s": round(wall, 3),
        "batch_api_wait_s": batch["wait_s"],
        "batch_api_drafting_s": batch["drafting_s"],
        "batch_api_overhead_s": batch["overhead_s"],
    }


# --- what the library adds around one model call


class _Instant:
    name = "instant"
    model = "instant"

    def __init__(self) -> None:
        self.text = json.dumps(good_reply_data("Target"))

    def complete(self, request: ChatRequest) -> Completion:
        return Completion(text=self.text, finish_reason="stop")

    async def acomplete(self, request: ChatRequest) -> Completion:
        return self.complete(request)


def overhead_figures(calls: int) -> dict[str, Any]:
    backend = _Instant()
    started = time.perf_counter()
    generate(PROFILE, backend=backend)
    first_ms = (time.perf_counter() - started) * 1000
    times = []
    for number in range(calls):
        # A new profile each time, so nothing is served from a per-profile cache.
        profile = PROFILE.model_copy(update={"role": f"Store Manager {number}"})
        started = time.perf_counter()
        draft = generate(profile, backend=backend)
        times.append((time.perf_counter() - started) * 1000)
        assert draft.passed, [c.rule for c in draft.failed_checks]
    return {"per_call_overhead_ms": round(statistics.median(times), 2), "first_call_overhead_ms": round(first_ms, 1)}


# --- the table


def _meets(key: str, value: Any) -> str:
    if key not in TARGETS or value is None:
        return ""
    op, bound = TARGETS[key]
    ok = {"<=": value <= bound, ">=": value >= bound, "<": value < bound}[op]
    return f"{'met' if ok else 'MISSED'} ({op} {bound:g})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer cases and repetitions: under five minutes")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--skip-model", action="store_true", help="leave out everything that runs the model")
    parser.add_argument("--only", metavar="STEP", help="run only the steps whose name contains STEP")
    parser.add_argument(
        "--embedded-model", metavar="NAME", help="the embedded model to measure (default: as aspire chooses)"
    )
    args = parser.parse_args(argv)
    if args.embedded_model:
        os.environ["ASPIRE_EMBEDDED_MODEL"] = args.embedded_model

    figures: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "templates": template_version(),
        "quick": args.quick,
        "embedded_model": os.environ.get("ASPIRE_EMBEDDED_MODEL") or "the default",
    }
    steps = [
        ("library overhead", lambda: overhead_figures(20 if args.quick else 100)),
        # Whole waves of 16: with 100 cases the last wave holds 4, and no schedule
        # can beat 7 waves of 200 ms against the ideal's 6.25 (0.893 at best).
        ("batch eval and cached re-run", lambda: batch_figures(32 if args.quick else 128)),
        ("batch api", lambda: batch_api_figures(1000)),
    ]
    if not args.skip_model:
        steps += [
            ("embedded model vs raw llama.cpp", lambda: embedded_figures(1 if args.quick else 3)),
            ("warm drafts, one after another", lambda: warm_draft_figures(3 if args.quick else 7)),
            ("cold drafts in a new process", lambda: cold_draft_figures(1 if args.quick else 3)),
            ("first attempts on evals/cases", lambda: first_attempt_figures(4 if args.quick else None)),
            ("peak memory", peak_rss_figures),
        ]
    for label, step in steps:
        if args.only and args.only not in label:
            continue
        started = time.perf_counter()
        print(f"... {label}", file=sys.stderr, flush=True)
        figures |= step()
        print(f"    {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)

    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value!s:<28} {_meets(key, value)}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
