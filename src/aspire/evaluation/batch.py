"""``aspire eval --batch``, ``--export-batch`` and ``--import-batch``: eval rounds as batch files.

A round is one request per unfinished case: its first, or the repair of a reply the checks
turned down, or the next step of a stepwise draft. ``--batch`` sends each round to the
OpenAI Batch API (or a server that speaks it), waits, takes the results and sends the next
round, until every case is settled; ``--export-batch``/``--import-batch`` write and read the
same files for a runner of your own (vLLM's run_batch). What a run knows lives in
``DIR/batch`` (see :mod:`.batchstate`), so a run killed at any point picks up where it was.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..config import Settings
from ..errors import AspireError, BatchRequestError, InputError
from ..files import atomic_write
from ..prompts import template_version
from .batchfiles import Failure, parse_results, request_line
from .batchstate import Replay, RunDir
from .cases import CaseError, EvalCase
from .cost import Prices, add_costs
from .runner import RESULTS, EvalSummary, Record, add_reader_verdicts, error_record, summarise, write_reports

Api = Literal["openai", "file"]


@dataclass(frozen=True)
class BatchOptions:
    out_dir: Path
    api: Api
    # The Batch API's completion window ("24h"); the API decides when a batch expires.
    window: str = "24h"
    # False: send what is due and return; a later run collects it (--no-wait).
    wait: bool = True
    judged: Path | None = None
    baseline: Path | None = None
    prices: Prices | None = None
    # Longest pause between two looks at a batch under way; the first looks come quicker.
    poll_max_s: float = 60.0
    # The Batch API's limits on one input file: past them a round goes out as several batches.
    max_requests: int = 50_000
    max_bytes: int = 190 * 1024 * 1024


Notify = Callable[[str], None]


class BatchRun:
    """One invocation over ``DIR``: the cases rebuilt from their replies, and their results."""

    def __init__(
        self,
        cases: Sequence[EvalCase],
        case_errors: Sequence[CaseError],
        settings: Settings,
        model: str,
        options: BatchOptions,
        notify: Notify | None = None,
    ) -> None:
        self.started = time.perf_counter()
        self.cases = list(cases)
        self.case_errors = list(case_errors)
        self.options = options
        self.notify = notify or (lambda message: None)
        self.dir = RunDir(options.out_dir)
        identity = {
            "api": options.api,
            "model": model,
            "method": settings.method,
            "max_attempts": settings.max_attempts,
            "max_tokens": settings.max_tokens,
            "temperature": settings.temperature,
            "seed": settings.seed,
            "repair": settings.repair or "conversation",
            "template_version": template_version(),
        }
        self.state = self.dir.open(identity)
        self.context: dict[str, Any] = {
            "backend": "openai-batch",
            "model": model,
            "template_version": identity["template_version"],
            "batch": options.api,
        }
        self.replay = Replay(self.cases, settings, model, self.context)
        self.replay.load(self.dir.read_log())
        self.resumed = len(self.replay.records())
        self.wait_s = 0.0
        self.sent = 0

    @property
    def round(self) -> int:
        """The round a new batch file would be: rounds sent or imported so far, plus one."""
        if self.options.api == "openai":
            return len({s["round"] for s in self.state["submissions"]}) + 1
        return len(self.state.get("imports", [])) + 1

    def take(self, entries: list[dict[str, Any]]) -> list[Record]:
        """Keep new log entries (synced) before the cases act on them."""
        self.dir.append_log(entries)
        return self.replay.take(entries)

    def pending_lines(self) -> list[tuple[str, str]]:
        """(custom_id, request line) for every case's next request."""
        return [(p.custom_id, request_line(p.custom_id, p.body)) for p in self.replay.pending()]

    # -- files, for vLLM or any runner -------------------------------------------------

    def export(self, path: Path) -> int:
        """Write the next round's requests to ``path`` (empty when nothing is left); the count."""
        lines = self.pending_lines()
        try:
            atomic_write(path, "".join(line + "\n" for _, line in lines))
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}", field="export_batch") from None
        self.sent = len(lines)
        return len(lines)

    def import_file(self, path: Path) -> dict[str, Any]:
        """Take a result file's replies; the same file again takes nothing."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}", field="import_batch") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{path} is not a text file of JSON lines", field="import_batch") from None
        digest = hashlib.sha256(data).hexdigest()
        source = f"import:{digest[:16]}"
        results, unreadable = parse_results(text)
        entries: list[dict[str, Any]] = []
        known = not_asked = 0
        for result in results:
            entry = self.replay.entry(result.custom_id, source, completion=result.completion, failure=result.failure)
            if entry is not None:
                entries.append(entry)
            elif self.replay.waiting_for(result.custom_id) is None and self._answered(result.custom_id):
                known += 1
            else:
                not_asked += 1
        self.take(entries)
        report = {
            "file": str(path),
            "sha256": digest,
            "taken": len(entries),
            "known": known,
            "not_asked": not_asked,
            "unreadable_lines": unreadable,
        }
        if entries and not any(i["sha256"] == digest for i in self.state.setdefault("imports", [])):
            self.state["imports"].append({**report, "at": int(time.time())})
            self.dir.save_state(self.state)
        return report

    def _answered(self, custom_id: str) -> bool:
        case_id, _, number = custom_id.rpartition("#")
        run = self.replay.runs.get(case_id)
        return run is not None and number.isdigit() and (int(number) < run.n or run.record is not None)

    # -- the results -------------------------------------------------------------------

    def finish(self, waiting: dict[str, str] | None = None) -> EvalSummary:
        """results.jsonl (every case: settled, or an error saying what it waits for), summary, reports."""
        waiting = waiting or {}
        records: list[Record] = []
        for error in self.case_errors:
            record = error_record(error.id, error.source, AspireError(error.message), self.context)
            record["error"]["type"] = "CaseError"
            records.append(record)
        unsettled = 0
        for case in self.cases:
            run = self.replay.runs[case.id]
            if run.record is not None:
                records.append(run.record)
                continue
            unsettled += 1
            custom_id = run.pending.custom_id if run.pending else f"{case.id}#{run.n}"
            why = waiting.get(custom_id, "it waits for its next round")
            exc = BatchRequestError(
                f"not finished: request {custom_id} {why}; run the same command again to go on",
                custom_id=custom_id,
                kind="pending",
            )
            record = error_record(case.id, case.source, exc, self.context)
            record["usage"] = run.session.usage.model_dump()
            records.append(record)
        atomic_write(self.options.out_dir / RESULTS, "".join(_json_line(r) for r in records))
        if self.options.judged is not None:
            add_reader_verdicts(records, self.cases, self.options.judged)
        summary = summarise(records, self.context)
        elapsed = time.perf_counter() - self.started
        settled_now = len(self.replay.records()) - self.resumed
        summary["this_run"] = {
            "cases_drafted": settled_now,
            "tokens": sum(r["usage"]["prompt_tokens"] + r["usage"]["completion_tokens"] for r in records),
            "token_budget": None,
            "cases_resumed": self.resumed,
            "model_calls": self.replay.taken,
            "cache_hits": 0,
            "elapsed_s": round(elapsed, 3),
            "concurrency": None,
        }
        summary["batch"] = {
            "api": self.options.api,
            "rounds": self.round - 1,
            "requests_sent_now": self.sent,
            "cases_unsettled": unsettled,
            "batches": [s.get("batch_id") for s in self.state["submissions"] if s.get("batch_id")],
            "wait_s": round(self.wait_s, 3),
            "drafting_s": round(self.replay.drafting_s, 3),
            # What aspire itself spent around the batches: files, state, the API's calls.
            "overhead_s": round(max(0.0, elapsed - self.wait_s - self.replay.drafting_s), 3),
        }
        if self.options.baseline is not None:
            from .runner import compare, read_results

            summary["baseline"] = compare(read_results(self.options.baseline / RESULTS), records)
            summary["baseline"]["path"] = str(self.options.baseline)
        add_costs(summary, records, self.options.prices, batch=self.options.api)
        write_reports(self.options.out_dir, summary, records)
        return summary


def _json_line(record: Record) -> str:
    import json

    return json.dumps(record, ensure_ascii=False) + "\n"


def failure_for_unanswered(status: str, line: int, line_errors: dict[int, str], general: str) -> Failure:
    """Why a request of a batch that ended in ``status`` has no result line."""
    if status == "failed":
        if line in line_errors:
            return Failure("batch_failed", f"the batch failed validation at line {line}: {line_errors[line]}", False)
        return Failure("batch_failed", f"the batch failed validation ({general}) before it ran", True)
    if status == "expired":
        return Failure("expired", "the batch expired before this request ran", True)
    if status == "cancelled":
        return Failure("cancelled", "the batch was cancelled before this request ran", True)
    return Failure("missing", "the batch's result files have no readable line for it", True)
