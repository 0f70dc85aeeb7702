"""The OpenAI Batch API side of ``aspire eval --batch``: upload, create, poll, collect.

Each step is written down in ``DIR/batch/state.json`` before the next one starts, and each
step that creates something on the server first looks for what an earlier, killed run may
have created: the input file by its name (unique to the run and the round), the batch by
its input file. So a run killed between the upload and the state being saved, or between
creating the batch and hearing its id, finds them again: one upload and one batch a round.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

import openai
from tenacity import (
    Retrying,
    retry_if_exception,
    retry_if_result,
    stop_after_attempt,
    stop_never,
    wait_exponential,
    wait_exponential_jitter,
)

from ..backends.openai_compat import _is_transient
from ..errors import BackendError
from ..files import atomic_write_bytes
from .batch import BatchRun, failure_for_unanswered
from .batchfiles import ENDPOINT, parse_results
from .runner import EvalSummary

TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
# The first looks at a new batch come quickly (a small batch can be done in seconds);
# then they back off to poll_max_s.
FIRST_POLL_S = 1.0

Progress = Callable[[dict[str, Any]], None]


class BatchApi:
    """Drives one :class:`BatchRun` through the Batch API until every case is settled."""

    def __init__(self, run: BatchRun, client: openai.OpenAI, progress: Progress | None = None) -> None:
        self.run = run
        self.client = client
        # Creating things is never retried blindly: a POST whose answer was lost may have
        # worked, and only a look at the server tells (see _find_file, _find_batch).
        self.once = client.with_options(max_retries=0)
        self.progress = progress or (lambda status: None)
        self.stopped: str | None = None

    # -- the loop ------------------------------------------------------------------------

    def go(self) -> EvalSummary:
        run = self.run
        waiting: dict[str, str] = {}
        try:
            while True:
                open_ = [s for s in run.state["submissions"] if not s.get("collected")]
                if open_:
                    done = [self._advance(s) for s in open_]
                    if not all(done):
                        waiting = self._waiting(open_)
                        break
                    if self.stopped:
                        waiting = {cid: self.stopped for cid in _ids(open_)}
                        break
                    continue
                if not self._submit_next():
                    break
                if not run.options.wait:
                    for submission in [s for s in run.state["submissions"] if not s.get("collected")]:
                        self._advance(submission)
                    waiting = self._waiting([s for s in run.state["submissions"] if not s.get("collected")])
                    break
        except openai.OpenAIError as exc:
            raise _backend_error(exc, self.client.api_key) from None
        return run.finish(waiting)

    def _waiting(self, submissions: list[dict[str, Any]]) -> dict[str, str]:
        return {
            cid: f"is in batch {s.get('batch_id') or '(not yet created)'} ({s.get('status') or 'not sent'})"
            for s in submissions
            for cid in s["custom_ids"]
        }

    def _submit_next(self) -> bool:
        """Write the next round's batch files and note them in the state; False when none is due."""
        run = self.run
        lines = run.pending_lines()
        if not lines:
            return False
        round_ = run.round
        chunks: list[list[tuple[str, str]]] = [[]]
        size = 0
        for custom_id, line in lines:
            if chunks[-1] and (
                len(chunks[-1]) >= run.options.max_requests or size + len(line) + 1 > run.options.max_bytes
            ):
                chunks.append([])
                size = 0
            chunks[-1].append((custom_id, line))
            size += len(line.encode("utf-8")) + 1
        for chunk in chunks:
            number = len(run.state["submissions"]) + 1
            name = f"aspire-{run.state['run']}-{number:04d}.jsonl"
            data = "".join(line + "\n" for _, line in chunk).encode("utf-8")
            atomic_write_bytes(run.dir.path(name), data)
            run.state["submissions"].append(
                {
                    "number": number,
                    "round": round_,
                    "name": name,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "custom_ids": [cid for cid, _ in chunk],
                    "file_id": None,
                    "batch_id": None,
                    "status": None,
                    "collected": False,
                }
            )
            run.sent += len(chunk)
        run.dir.save_state(run.state)
        run.notify(f"round {round_}: {len(lines)} request(s) in {len(chunks)} batch file(s)")
        return True

    def _advance(self, submission: dict[str, Any]) -> bool:
        """Upload, create, wait (unless --no-wait) and collect one batch; True once collected."""
        self._upload(submission)
        self._create(submission)
        batch = self._poll(submission)
        if batch.status not in TERMINAL:
            return False
        self._collect(submission, batch)
        return True

    # -- each step, found again after a kill -----------------------------------------------

    def _upload(self, submission: dict[str, Any]) -> None:
        if submission["file_id"]:
            return
        data = self.run.dir.path(submission["name"]).read_bytes()
        for attempt in _transient_retries():
            with attempt:
                found = self._find_file(submission["name"], len(data))
                if found is None:
                    found = self.once.files.create(file=(submission["name"], data), purpose="batch")
                    self.run.notify(f"uploaded {submission['name']} ({len(data):,} bytes): {found.id}")
        submission["file_id"], submission["file_created_at"] = found.id, found.created_at
        self.run.dir.save_state(self.run.state)

    def _find_file(self, name: str, size: int) -> Any:
        for file in self.client.files.list(purpose="batch"):
            if file.filename == name and file.bytes == size:
                return file
        return None

    def _create(self, submission: dict[str, Any]) -> None:
        if submission["batch_id"]:
            return
        for attempt in _transient_retries():
            with attempt:
                batch = self._find_batch(submission)
                if batch is None:
                    batch = self.once.batches.create(
                        input_file_id=submission["file_id"],
                        endpoint=ENDPOINT,
                        completion_window=self.run.options.window,  # type: ignore[arg-type]
                        metadata={"aspire_run": self.run.state["run"], "round": str(submission["round"])},
                    )
                    self.run.notify(f"created batch {batch.id} (round {submission['round']})")
        submission["batch_id"], submission["status"] = batch.id, batch.status
        self.run.dir.save_state(self.run.state)

    def _find_batch(self, submission: dict[str, Any]) -> Any:
        since = int(submission.get("file_created_at") or 0)
        for batch in self.client.batches.list(limit=100):
            if batch.input_file_id == submission["file_id"]:
                return batch
            if batch.created_at < since:
                break  # newest first: older batches cannot have been made from this file
        return None

    def _poll(self, submission: dict[str, Any]) -> Any:
        started = time.monotonic()

        def look() -> Any:
            batch = self.client.batches.retrieve(submission["batch_id"])
            counts = batch.request_counts
            self.progress(
                {
                    "round": submission["round"],
                    "batch": batch.id,
                    "status": batch.status,
                    "completed": counts.completed if counts else 0,
                    "failed": counts.failed if counts else 0,
                    "total": counts.total if counts else len(submission["custom_ids"]),
                    "elapsed_s": time.monotonic() - started,
                }
            )
            return batch

        if not self.run.options.wait:
            batch = look()
        else:
            cap = max(self.run.options.poll_max_s, 0.001)
            first = min(FIRST_POLL_S, cap)
            polling = Retrying(
                retry=retry_if_result(lambda b: b.status not in TERMINAL) | retry_if_exception(_is_transient),
                wait=wait_exponential(multiplier=first, min=first, max=cap),
                stop=stop_never,
                reraise=True,
            )
            batch = polling(look)
        self.run.wait_s += time.monotonic() - started
        if batch.status != submission.get("status"):
            submission["status"] = batch.status
            self.run.dir.save_state(self.run.state)
        return batch

    def _collect(self, submission: dict[str, Any], batch: Any) -> None:
        """The batch's results into the replies log, then the submission marked collected."""
        source = submission["batch_id"]
        texts = []
        for kind, file_id in (("output", batch.output_file_id), ("errors", batch.error_file_id)):
            if not file_id:
                continue
            path = self.run.dir.path(submission["name"].replace(".jsonl", f".{kind}.jsonl"))
            if not path.exists():
                atomic_write_bytes(path, self.client.files.content(file_id).read())
            texts.append((path, path.read_text(encoding="utf-8", errors="replace")))
        entries: list[dict[str, Any]] = []
        answered: set[str] = set()
        sent = set(submission["custom_ids"])
        for path, text in texts:
            results, unreadable = parse_results(text)
            if unreadable:
                shown = ", ".join(map(str, unreadable[:5])) + (" …" if len(unreadable) > 5 else "")
                self.run.notify(f"{path.name}: {len(unreadable)} line(s) not a result (line {shown}); sent again")
            for result in results:
                if result.custom_id not in sent:
                    continue
                answered.add(result.custom_id)
                entry = self.run.replay.entry(
                    result.custom_id,
                    source,
                    completion=result.completion,
                    failure=result.failure,
                    sent_at=float(batch.created_at),
                )
                if entry is not None:
                    entries.append(entry)
        line_errors, general = _validation_errors(batch)
        for line, custom_id in enumerate(submission["custom_ids"], start=1):
            if custom_id in answered or self.run.replay.waiting_for(custom_id) is None:
                continue
            failure = failure_for_unanswered(batch.status, line, line_errors, general)
            if (entry := self.run.replay.entry(custom_id, source, failure=failure)) is not None:
                entries.append(entry)
        self.run.take(entries)
        if batch.status == "failed":
            self.stopped = f"was in batch {batch.id}, which failed validation ({general})"
            for line, message in sorted(line_errors.items())[:10]:
                cid = submission["custom_ids"][line - 1] if 0 < line <= len(sent) else "?"
                self.run.notify(f"batch {batch.id} failed: line {line} ({cid}): {message}")
            if not line_errors:
                self.run.notify(f"batch {batch.id} failed: {general}")
        elif batch.status == "cancelled":
            self.stopped = f"was in batch {batch.id}, which was cancelled"
            self.run.notify(f"batch {batch.id} was cancelled: what it finished is kept")
        elif batch.status == "expired":
            self.run.notify(f"batch {batch.id} expired: what it finished is kept, the rest is sent again once")
        submission["collected"] = True
        self.run.dir.save_state(self.run.state)


def _ids(submissions: list[dict[str, Any]]) -> list[str]:
    return [cid for s in submissions for cid in s["custom_ids"]]


def _validation_errors(batch: Any) -> tuple[dict[int, str], str]:
    """A failed batch's errors by input line, and all of them in a few words."""
    data = list(getattr(batch.errors, "data", None) or []) if batch.errors else []
    by_line = {e.line: e.message or e.code or "invalid" for e in data if isinstance(e.line, int)}
    general = "; ".join(f"{e.code or 'error'}: {e.message or ''}".strip() for e in data[:3]) or "no reason given"
    return by_line, general


def _transient_retries() -> Retrying:
    return Retrying(
        retry=retry_if_exception(_is_transient),
        stop=stop_after_attempt(4),
        wait=wait_exponential_jitter(initial=1, max=10),
        reraise=True,
    )


def _backend_error(exc: openai.OpenAIError, key: str) -> BackendError:
    # A server may echo the key back in its message; it never reaches the terminal.
    said = str(exc.message if isinstance(exc, openai.APIStatusError) else exc).replace(key, "***")[:300]
    if isinstance(exc, openai.APIStatusError):
        return BackendError(
            f"the Batch API answered HTTP {exc.status_code}: {said}",
            backend="openai-batch",
            status_code=exc.status_code,
        )
    if isinstance(exc, openai.APIConnectionError):
        return BackendError(f"could not reach the Batch API at {exc.request.url}", backend="openai-batch")
    return BackendError(f"the Batch API failed: {said}", backend="openai-batch")
