"""Run eval cases with bounded concurrency; results survive interruption.

``results.jsonl`` is the source of truth. Each finished case is appended as
one line and flushed to disk as soon as it finishes, so a run that is killed
loses at most the cases in flight. Running again with the same output folder
keeps the finished lines that match the current templates and backend, drops
errors and any torn last line, and drafts only what is missing. The summary
and reports are rebuilt from ``results.jsonl`` and written atomically.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..backends import Backend, ChatRequest, Completion
from ..errors import AspireError, BudgetExhaustedError
from ..files import atomic_write
from ..generate import agenerate
from ..models import Draft
from ..prompts import template_version
from ..rules import RULES
from .cases import CaseError, EvalCase
from .cost import Prices, add_costs

RESULTS = "results.jsonl"
SUMMARY = "summary.json"
REPORT_MD = "report.md"
REPORT_HTML = "report.html"


@dataclass(frozen=True)
class EvalOptions:
    out_dir: Path
    concurrency: int = 1
    baseline: Path | None = None
    # Tokens (prompt + completion) this run may spend. Checked before each case
    # starts: cases already in flight finish, later ones are recorded as skipped
    # (errors, so the next run with the same --out drafts them).
    token_budget: int | None = None
    # Keyword arguments for agenerate: max_attempts, max_tokens, temperature, seed.
    generation: dict[str, Any] = field(default_factory=dict)
    # Ask the backend for the LLM judge's verdict on each draft too (evaluation.judge).
    judge: bool = False
    # A judged set (evals/judged): a draft a reader has judged carries the reader's verdict.
    judged: Path | None = None
    # Per-million-token prices (evaluation.cost): the run's cost and cost per accepted draft.
    prices: Prices | None = None


EvalSummary = dict[str, Any]
Record = dict[str, Any]


def read_results(path: Path) -> list[Record]:
    """Every complete, parseable line of a results file (a torn last line is skipped)."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            records.append(record)
    return records


def _surface_text(draft: Draft) -> str:
    parts = [draft.answer, draft.plan.aspiration, *(g.goal for g in draft.plan.goals)]
    return "\n".join(parts)


def judge_case(case: EvalCase, draft: Draft) -> tuple[bool, list[dict[str, Any]]]:
    """Whether the draft meets the case: every rule passes except those expected
    to fail (which must fail), plus any text expectations."""
    verdicts = {c.rule: c.passed for c in draft.checks}
    expectations = []
    for rule in case.expect.fail:
        expectations.append({"expectation": f"rule {rule} fails", "passed": verdicts.get(rule) is False, "detail": ""})
    surface = _surface_text(draft).lower()
    for needle in case.expect.contains:
        expectations.append({"expectation": f"contains {needle!r}", "passed": needle.lower() in surface, "detail": ""})
    for needle in case.expect.not_contains:
        expectations.append(
            {"expectation": f"does not contain {needle!r}", "passed": needle.lower() not in surface, "detail": ""}
        )
    rules_ok = all(ok for rule, ok in verdicts.items() if rule not in case.expect.fail)
    return rules_ok and all(e["passed"] for e in expectations), expectations


def error_record(case_id: str, source: str, exc: BaseException, context: dict[str, Any]) -> Record:
    return {
        "id": case_id,
        "source": source,
        "status": "error",
        "error": {"type": type(exc).__name__, "message": str(exc)},
        "draft": None,
        "checks": [],
        "expectations": [],
        "attempts": getattr(exc, "attempts", 0),
        "usage": {"prompt_tokens": 0, "completion_tokens": 0},
        "latency_s": 0.0,
        **context,
    }


def draft_record(case: EvalCase, draft: Draft, context: dict[str, Any], latency_s: float) -> Record:
    """A drafted case's line of results.jsonl: the draft, its checks and the case's verdict."""
    passed, expectations = judge_case(case, draft)
    return {
        "id": case.id,
        "source": case.source,
        "status": "passed" if passed else "failed",
        "error": None,
        "draft": draft.model_dump(mode="json", exclude={"checks"}),
        "checks": [c.model_dump(mode="json") for c in draft.checks],
        "expectations": expectations,
        "expected_occupation": case.expect.occupation,
        "attempts": draft.attempts,
        "usage": draft.usage.model_dump(),
        "latency_s": latency_s,
        **context,
    }


class _ResultsFile:
    """Append-only JSON lines, each flushed and synced before the next case is told it is done."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def keep_only(self, records: Sequence[Record]) -> None:
        atomic_write(self.path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))

    def append(self, record: Record) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


class _Ledger:
    """The run's request slots and the tokens its replies have cost so far."""

    def __init__(self, concurrency: int, token_budget: int | None) -> None:
        self.slots = asyncio.Semaphore(concurrency)
        self.token_budget = token_budget
        self.spent = 0

    def check_budget(self) -> None:
        if self.token_budget is not None and self.spent >= self.token_budget:
            raise BudgetExhaustedError(
                f"skipped: this run's token budget of {self.token_budget:,} is used up ({self.spent:,} spent)",
                budget=self.token_budget,
                spent=self.spent,
            )


class _CaseBackend:
    """One case's view of the shared backend: a request holds one of the run's
    slots only while it is on the wire.

    ``--concurrency`` bounds requests in flight, not cases. Holding a slot
    through a case's rule checks as well kept the next request waiting on
    every other case's checks, and a batch against a 200 ms server ran in
    waves of 250 ms and more.
    """

    def __init__(self, backend: Backend, ledger: _Ledger) -> None:
        self._backend = backend
        self._ledger = ledger
        # When the case's first request got its slot: its latency counts from
        # there, not from the wait for a slot behind other cases.
        self.first_sent: float | None = None
        self.name = backend.name

    @property
    def model(self) -> str:
        return self._backend.model

    def complete(self, request: ChatRequest) -> Completion:  # pragma: no cover - the runner is async
        raise NotImplementedError("an eval case drafts asynchronously")

    async def acomplete(self, request: ChatRequest) -> Completion:
        async with self._ledger.slots:
            if self.first_sent is None:
                # Checked when a case's first request gets its slot: cases in
                # flight finish, later ones are skipped.
                self._ledger.check_budget()
                self.first_sent = time.perf_counter()
            completion = await self._backend.acomplete(request)
            self._ledger.spent += completion.prompt_tokens + completion.completion_tokens
        # Let the case that was waiting for this slot send before this one's checks run.
        await asyncio.sleep(0)
        return completion


async def run_eval(
    cases: Sequence[EvalCase],
    case_errors: Sequence[CaseError],
    backend: Backend,
    options: EvalOptions,
    *,
    on_result: Callable[[Record], None] | None = None,
) -> EvalSummary:
    """Draft every case not yet finished in ``options.out_dir`` and write the reports."""
    out = options.out_dir
    out.mkdir(parents=True, exist_ok=True)
    context: dict[str, Any] = {
        "backend": backend.name,
        "model": backend.model,
        "template_version": template_version(),
    }
    if options.judge:
        # Results drafted without the judge are drafted again (from the reply cache) and judged.
        context["judged"] = True
    results = _ResultsFile(out / RESULTS)
    wanted = {c.id for c in cases} | {e.id for e in case_errors}
    previous = read_results(results.path)
    kept: dict[str, Record] = {}
    for record in previous:
        same_run = all(record.get(k) == v for k, v in context.items())
        if record["id"] in wanted and record.get("status") in ("passed", "failed") and same_run:
            kept.setdefault(record["id"], record)
    if len(kept) != len(previous) or (results.path.exists() and not results.path.read_bytes().endswith(b"\n")):
        results.keep_only(list(kept.values()))
    elif not results.path.exists():
        results.keep_only([])

    for error in case_errors:
        record = error_record(error.id, error.source, AspireError(error.message), context)
        record["error"]["type"] = "CaseError"
        results.append(record)
        if on_result:
            on_result(record)

    pending = [c for c in cases if c.id not in kept]
    ledger = _Ledger(max(1, options.concurrency), options.token_budget)
    # Twice as many cases as request slots are under way: each slot has the
    # next case's first request rendered and waiting for it. Not for the embedded
    # model: it answers one request at a time from the conversation it read last,
    # and a stepwise case whose turns alternate with another case's reads its whole
    # conversation again every turn (measured: 150 s a case instead of 40).
    per_slot = 1 if backend.name == "local" else 2
    cases_under_way = asyncio.Semaphore(per_slot * max(1, options.concurrency))
    started = time.perf_counter()

    async def run_one(case: EvalCase) -> None:
        async with cases_under_way:
            case_backend = _CaseBackend(backend, ledger)

            def latency() -> float:
                return round(time.perf_counter() - (case_backend.first_sent or time.perf_counter()), 3)

            try:
                ledger.check_budget()
                draft = await agenerate(case.profile, backend=case_backend, **options.generation)
            except Exception as exc:  # one bad case never stops the batch
                record = error_record(case.id, case.source, exc, context)
                record["latency_s"] = latency()
            else:
                record = draft_record(case, draft, context, latency())
                if options.judge:
                    record["judge"] = await _judge_record(case, draft, case_backend)
            results.append(record)
            if on_result:
                on_result(record)

    await asyncio.gather(*(run_one(case) for case in pending))
    elapsed = time.perf_counter() - started

    drafted_now = {c.id for c in pending}
    order = {c.id: i for i, c in enumerate(cases)}
    final = [r for r in read_results(results.path) if r["id"] in wanted]
    final.sort(key=lambda r: order.get(r["id"], -1))
    if options.judged is not None:
        add_reader_verdicts(final, cases, options.judged)
    summary = summarise(final, context)
    summary["this_run"] = {
        "cases_drafted": len(pending),
        "tokens": ledger.spent,
        "token_budget": options.token_budget,
        "cases_resumed": len(kept),
        # A caching backend counts its misses; otherwise every attempt drafted now was a call.
        "model_calls": int(getattr(backend, "misses", sum(r["attempts"] for r in final if r["id"] in drafted_now))),
        "cache_hits": int(getattr(backend, "hits", 0)),
        "elapsed_s": round(elapsed, 3),
        "concurrency": options.concurrency,
    }
    if options.baseline is not None:
        summary["baseline"] = compare(read_results(options.baseline / RESULTS), final)
        summary["baseline"]["path"] = str(options.baseline)

    add_costs(summary, final, options.prices, batch=None)
    write_reports(out, summary, final)
    return summary


def write_reports(out: Path, summary: EvalSummary, records: Sequence[Record]) -> None:
    """summary.json, report.md and report.html, each written whole or not at all."""
    from .report import html_report, markdown_report

    atomic_write(out / SUMMARY, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    atomic_write(out / REPORT_MD, markdown_report(summary, records))
    atomic_write(out / REPORT_HTML, html_report(summary, records))


async def _judge_record(case: EvalCase, draft: Draft, backend: Backend) -> dict[str, Any]:
    """The LLM judge's verdict as stored with a result; a judge that fails leaves the draft's result standing."""
    from ..rulebase import Subject
    from .judge import ajudge

    try:
        verdict = await ajudge(Subject.from_draft(draft, case.profile), backend)
    except AspireError as exc:
        return {"error": str(exc)}
    return {"accepts": verdict.accepts, **verdict.model_dump(mode="json")}


def add_reader_verdicts(records: Sequence[Record], cases: Sequence[EvalCase], judged_dir: Path) -> None:
    """Where a reader judged this very draft (same company, same answer), its verdict goes with the result.

    The embedded model drafts the same text for the same input on the same machine, so a
    re-run of the judged cases there is read by the reader again; any other draft is not.
    """
    from .judged import load_judged

    def key(company: str, answer: str) -> tuple[str, str]:
        return company.strip().lower(), " ".join(answer.split())

    verdicts = {key(j.profile.company, j.draft.answer): j.judgement for j in load_judged([judged_dir])[0]}
    companies = {c.id: c.profile.company for c in cases}
    for record in records:
        if record.get("draft") and record["id"] in companies:
            judgement = verdicts.get(key(companies[record["id"]], record["draft"]["answer"]))
            record["reader"] = judgement.model_dump(mode="json") if judgement else None


def _reader_summary(records: Sequence[Record]) -> dict[str, Any] | None:
    read = [r["reader"] for r in records if isinstance(r.get("reader"), dict)]
    if not any("reader" in r for r in records):
        return None
    accepts = sum(v["verdict"] == "accept" for v in read)
    return {"read": len(read), "accepts": accepts, "not_read": sum("reader" in r for r in records) - len(read)}


def _judge_summary(records: Sequence[Record]) -> dict[str, Any] | None:
    verdicts = [r["judge"] for r in records if isinstance(r.get("judge"), dict)]
    if not verdicts:
        return None
    judged = [v for v in verdicts if "error" not in v]
    accepts = sum(bool(v.get("accepts")) for v in judged)
    return {
        "judged": len(judged),
        "no_verdict": len(verdicts) - len(judged),
        "accepts": accepts,
        "accept_rate": round(accepts / len(judged), 4) if judged else None,
    }


def _rule_rates(records: Sequence[Record]) -> dict[str, float | None]:
    rates: dict[str, float | None] = {}
    for rule in RULES:
        verdicts = [c["verdict"] for r in records for c in r["checks"] if c["rule"] == rule and c["verdict"] != "skip"]
        rates[rule] = round(sum(v == "pass" for v in verdicts) / len(verdicts), 4) if verdicts else None
    return rates


def _occupation_summary(records: Sequence[Record]) -> dict[str, Any] | None:
    """How often the draft's O*NET occupation is the one the case expects (its SOC major group,
    and the code itself), over the cases that say which they expect."""
    expecting = [r for r in records if r.get("expected_occupation")]
    if not expecting:
        return None

    def used(record: Record) -> str:
        found = (record.get("draft") or {}).get("occupation") or {}
        return str(found.get("code") or "") if found.get("used") else ""

    group = sum(used(r)[:2] == r["expected_occupation"][:2] for r in expecting)
    code = sum(used(r) == r["expected_occupation"] for r in expecting)
    return {
        "cases": len(expecting),
        "matched": sum(bool(used(r)) for r in expecting),
        "major_group_right": group,
        "major_group_rate": round(group / len(expecting), 4),
        "code_right": code,
    }


def summarise(records: Sequence[Record], context: dict[str, Any]) -> EvalSummary:
    cases = len(records)
    passed = sum(r["status"] == "passed" for r in records)
    drafted = [r for r in records if r["status"] != "error"]
    latencies = [r["latency_s"] for r in drafted]
    judge = _judge_summary(drafted)
    reader = _reader_summary(drafted)
    occupation = _occupation_summary(drafted)
    return {
        **({"judge": judge} if judge else {}),
        **({"occupation": occupation} if occupation else {}),
        **({"reader": reader} if reader else {}),
        "cases": cases,
        "passed": passed,
        "failed": sum(r["status"] == "failed" for r in records),
        "errors": sum(r["status"] == "error" for r in records),
        "pass_rate": round(passed / cases, 4) if cases else 0.0,
        "rules": _rule_rates(drafted),
        "usage": {
            "prompt_tokens": sum(r["usage"]["prompt_tokens"] for r in records),
            "completion_tokens": sum(r["usage"]["completion_tokens"] for r in records),
        },
        "attempts": {
            "total": sum(r["attempts"] for r in records),
            "mean": round(statistics.fmean(r["attempts"] for r in drafted), 2) if drafted else 0.0,
        },
        "latency_s": {
            "mean": round(statistics.fmean(latencies), 2) if latencies else 0.0,
            "median": round(statistics.median(latencies), 2) if latencies else 0.0,
            "max": round(max(latencies), 2) if latencies else 0.0,
        },
        "model": context["model"],
        "backend": context["backend"],
        "template_version": context["template_version"],
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def compare(before: Sequence[Record], after: Sequence[Record]) -> dict[str, Any]:
    """What got better and worse against a baseline run, per case and per rule."""
    old = {r["id"]: r for r in before}
    cases = []
    for record in after:
        earlier = old.get(record["id"])
        if earlier is None:
            continue
        was, now = earlier["status"], record["status"]
        old_checks = {c["rule"]: c["verdict"] for c in earlier.get("checks", [])}
        new_checks = {c["rule"]: c["verdict"] for c in record.get("checks", [])}
        fixed = sorted(r for r, v in new_checks.items() if v == "pass" and old_checks.get(r) == "fail")
        broken = sorted(r for r, v in new_checks.items() if v == "fail" and old_checks.get(r) == "pass")
        if was != now or fixed or broken:
            cases.append(
                {"id": record["id"], "before": was, "after": now, "rules_fixed": fixed, "rules_broken": broken}
            )
    before_rates = _rule_rates([r for r in before if r["status"] != "error"])
    after_rates = _rule_rates([r for r in after if r["status"] != "error"])
    shared = [r for r in after if r["id"] in old]
    return {
        "cases_compared": len(shared),
        "pass_rate_before": round(sum(old[r["id"]]["status"] == "passed" for r in shared) / len(shared), 4)
        if shared
        else None,
        "pass_rate_after": round(sum(r["status"] == "passed" for r in shared) / len(shared), 4) if shared else None,
        "better": [c["id"] for c in cases if c["before"] != "passed" and c["after"] == "passed"],
        "worse": [c["id"] for c in cases if c["before"] == "passed" and c["after"] != "passed"],
        "changed": cases,
        "rules": {rule: {"before": before_rates[rule], "after": after_rates[rule]} for rule in RULES},
    }
