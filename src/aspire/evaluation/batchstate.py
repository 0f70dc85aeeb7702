"""A batch eval's state in ``--out DIR``: every reply kept, each case rebuilt by replaying them.

A draft is a state machine whose checks are pure (:func:`aspire.generate.feed_reply`), so
the replies are the whole truth: ``DIR/batch/replies.jsonl`` keeps each one (and each
request that brought none, and why) as it arrives, appended and synced, and a run that
starts again feeds every case its replies in order and asks what each wants next. A
request's ``custom_id`` is ``<case id>#<n>``, the case's n-th request: the same case fed
the same replies asks the same n-th request, so a result is matched to the request it
answers and a result seen before (the same file imported twice, a batch collected again
after a kill) is known and skipped. ``DIR/batch/state.json`` (written whole, atomically)
holds what no reply tells: the run's settings and the batches under way.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..backends import ChatRequest, Completion
from ..backends.openai_compat import chat_body
from ..config import Settings
from ..errors import AspireError, BatchRequestError, InputError
from ..generate import Session, feed_reply, start_session
from .batchfiles import Failure
from .cases import EvalCase
from .runner import Record, draft_record, error_record

BATCH_DIR = "batch"
STATE = "state.json"
REPLIES = "replies.jsonl"
STATE_VERSION = 1
# A request that failed in a way that may pass (expired, a busy server) is sent once more.
SENDS_PER_REQUEST = 2


class BatchBackend:
    """The backend a batch case's session sees: it names the run and is never called,
    because the batch file carries the requests instead."""

    name = "openai-batch"

    def __init__(self, model: str) -> None:
        self._model = model

    @property
    def model(self) -> str:
        return self._model

    def complete(self, request: ChatRequest) -> Completion:  # pragma: no cover - never called
        raise AssertionError("a batch case's requests go out in a batch file")

    async def acomplete(self, request: ChatRequest) -> Completion:  # pragma: no cover - never called
        raise AssertionError("a batch case's requests go out in a batch file")


def fingerprint(case: EvalCase) -> str:
    """Changes when the case's inputs change: replies to another resume are not this case's."""
    return hashlib.sha256(case.profile.model_dump_json().encode()).hexdigest()[:16]


def split_custom_id(custom_id: str) -> tuple[str, int] | None:
    case_id, _, number = custom_id.rpartition("#")
    return (case_id, int(number)) if case_id and number.isdigit() else None


class RunDir:
    """``DIR/batch``: the state file, the replies log and the batch files sent and received."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.root = out / BATCH_DIR

    def path(self, name: str) -> Path:
        return self.root / name

    def load_state(self) -> dict[str, Any] | None:
        path = self.path(STATE)
        if not path.exists():
            return None
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"cannot read {path}: {exc}", field="out") from None
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            raise InputError(f"{path} is not a batch state this aspire writes; use another --out", field="out")
        return state

    def save_state(self, state: dict[str, Any]) -> None:
        from ..files import atomic_write

        atomic_write(self.path(STATE), json.dumps(state, indent=1, ensure_ascii=False) + "\n")

    def open(self, identity: dict[str, Any]) -> dict[str, Any]:
        """The run's state, new or as left; refused when ``DIR`` holds a run with other settings."""
        state = self.load_state()
        if state is None:
            state = {"version": STATE_VERSION, "run": secrets.token_hex(6), "identity": identity, "submissions": []}
            state["imports"] = []
            self.save_state(state)
            return state
        was = state.get("identity", {})
        if differs := [k for k in identity if was.get(k) != identity[k]]:
            key = differs[0]
            raise InputError(
                f"{self.out} holds a batch run with {key} {was.get(key)!r}, not {identity[key]!r}: "
                "finish it with its own settings, or give another --out",
                field="out",
            )
        return state

    def read_log(self) -> list[dict[str, Any]]:
        path = self.path(REPLIES)
        if not path.exists():
            return []
        entries = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line torn by a kill: its batch is collected again
            if isinstance(entry, dict):
                entries.append(entry)
        return entries

    def append_log(self, entries: Sequence[dict[str, Any]]) -> None:
        if not entries:
            return
        path = self.path(REPLIES)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
        with path.open("a+b") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell():
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    text = "\n" + text  # after a torn line, start a fresh one
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())


@dataclass
class Pending:
    """The request a case waits for."""

    custom_id: str
    body: dict[str, Any]


@dataclass(eq=False)
class CaseRun:
    """One case: its session fed its replies so far, and then its next request or its record."""

    case: EvalCase
    session: Session
    fp: str
    n: int = 1
    replies: dict[int, dict[str, Any]] = field(default_factory=dict)
    failures: dict[int, dict[str, Failure]] = field(default_factory=dict)
    record: Record | None = None
    pending: Pending | None = None
    span: list[float] = field(default_factory=list)

    def knows(self, entry: dict[str, Any]) -> bool:
        n = int(entry["n"])
        if "completion" in entry:
            return n in self.replies
        return entry["source"] in self.failures.get(n, {})

    def add(self, entry: dict[str, Any]) -> None:
        n = int(entry["n"])
        if "completion" in entry:
            self.replies.setdefault(n, entry)
        elif "failure" in entry:
            self.failures.setdefault(n, {}).setdefault(str(entry["source"]), Failure.from_json(entry["failure"]))


class Replay:
    """Every case of the run rebuilt from the replies log, and fed more as they arrive."""

    def __init__(self, cases: Sequence[EvalCase], settings: Settings, model: str, context: dict[str, Any]) -> None:
        self.settings = settings
        self.model = model
        self.context = context
        self.backend = BatchBackend(model)
        started = time.perf_counter()
        self.runs = {c.id: CaseRun(c, start_session(c.profile, self.backend, settings), fingerprint(c)) for c in cases}
        # Starting sessions, rendering requests, checking replies: a live run's work too.
        self.drafting_s = time.perf_counter() - started
        self.taken = 0

    def load(self, entries: Iterable[dict[str, Any]]) -> None:
        for entry in entries:
            run = self.runs.get(str(entry.get("case")))
            if run is not None and entry.get("fp") == run.fp and isinstance(entry.get("n"), int):
                run.add(entry)
        for run in self.runs.values():
            self._advance(run)

    def entry(
        self,
        custom_id: str,
        source: str,
        *,
        completion: Completion | None = None,
        failure: Failure | None = None,
        sent_at: float | None = None,
    ) -> dict[str, Any] | None:
        """The log entry for a result, or ``None`` when no case waits for that request or it is known."""
        run = self.waiting_for(custom_id)
        if run is None:
            return None
        entry: dict[str, Any] = {
            "case": run.case.id,
            "fp": run.fp,
            "n": run.n,
            "custom_id": custom_id,
            "source": source,
        }
        if completion is not None:
            entry["completion"] = {
                "text": completion.text,
                "finish_reason": completion.finish_reason,
                "prompt_tokens": completion.prompt_tokens,
                "completion_tokens": completion.completion_tokens,
                "model": completion.model,
            }
            entry["sent_at"], entry["received_at"] = sent_at, time.time()
        else:
            assert failure is not None
            entry["failure"] = failure.as_json()
        return None if run.knows(entry) else entry

    def waiting_for(self, custom_id: str) -> CaseRun | None:
        split = split_custom_id(custom_id)
        run = self.runs.get(split[0]) if split else None
        if run is None or run.pending is None or run.pending.custom_id != custom_id:
            return None
        return run

    def take(self, entries: Sequence[dict[str, Any]]) -> list[Record]:
        """Feed new log entries to their cases; the records of the cases they settle."""
        touched = []
        for entry in entries:
            run = self.runs[entry["case"]]
            run.add(entry)
            touched.append(run)
            self.taken += "completion" in entry
        settled = []
        for run in dict.fromkeys(touched):
            self._advance(run)
            if run.record is not None:
                settled.append(run.record)
        return settled

    def pending(self) -> list[Pending]:
        return [run.pending for run in self.runs.values() if run.record is None and run.pending is not None]

    def records(self) -> list[Record]:
        return [run.record for run in self.runs.values() if run.record is not None]

    def _advance(self, run: CaseRun) -> None:
        """Feed the case the replies it has, in order, until it is settled or waits for one."""
        started = time.perf_counter()
        try:
            self._feed(run)
        finally:
            self.drafting_s += time.perf_counter() - started

    def _feed(self, run: CaseRun) -> None:
        if run.record is not None:
            return
        session = run.session
        try:
            while not session.finished:
                custom_id = f"{run.case.id}#{run.n}"
                reply = run.replies.get(run.n)
                if reply is not None:
                    if reply.get("sent_at"):
                        run.span += [float(reply["sent_at"]), float(reply.get("received_at") or reply["sent_at"])]
                    run.n += 1
                    feed_reply(session, Completion(**reply["completion"]))
                    continue
                if (failed := self._gave_up(run, custom_id)) is not None:
                    run.record = self._error(run, failed)
                    run.pending = None
                    return
                if run.pending is None or run.pending.custom_id != custom_id:
                    run.pending = Pending(custom_id, chat_body(self.model, session.request()))
                return
            latency = round(max(run.span) - min(run.span), 3) if run.span else 0.0
            run.record = draft_record(run.case, session.result(strict=False), self.context, latency)
            run.record["requests"] = run.n - 1
        except AspireError as exc:  # no usable reply in a step's tries, or in any attempt
            run.record = self._error(run, exc)
        run.pending = None

    def _gave_up(self, run: CaseRun, custom_id: str) -> BatchRequestError | None:
        failures = list(run.failures.get(run.n, {}).values())
        final = [f for f in failures if not f.retryable]
        if not final and len(failures) < SENDS_PER_REQUEST:
            return None
        last = (final or failures)[-1]
        times = "" if final else f" ({len(failures)} times)"
        return BatchRequestError(
            f"request {custom_id} brought no reply{times}: {last.message}",
            custom_id=custom_id,
            kind=last.kind,
            status_code=last.status_code,
        )

    def _error(self, run: CaseRun, exc: AspireError) -> Record:
        record = error_record(run.case.id, run.case.source, exc, self.context)
        record["usage"] = run.session.usage.model_dump()
        record["attempts"] = run.session.attempts
        record["requests"] = run.n - 1
        return record
