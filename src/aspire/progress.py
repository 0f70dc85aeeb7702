"""How ``aspire eval`` reports cases as they finish: a progress bar with the pass
rate so far and an ETA on a terminal, one quiet log line per case otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


def _why(record: dict[str, Any]) -> str:
    if record["error"]:
        return str(record["error"]["message"])
    return ", ".join(c["rule"] for c in record["checks"] if c["verdict"] == "fail")


class EvalProgress:
    """Call :meth:`update` with each finished case's record; use as a context manager."""

    def __init__(self, total: int, *, stream: TextIO | None = None, bar: bool | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.bar = self.stream.isatty() if bar is None else bar
        self.done = 0
        self.passed = 0
        self.started = time.monotonic()
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> EvalProgress:
        if self.bar:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("eval"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("eval", total=self.total, rate="pass -")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    @property
    def pass_rate(self) -> float:
        return self.passed / self.done if self.done else 0.0

    def update(self, record: dict[str, Any]) -> None:
        self.done += 1
        self.passed += record["status"] == "passed"
        why = _why(record)
        if self._progress is not None:
            self._progress.update(self._task, advance=1, rate=f"pass {self.pass_rate:.0%}")
            if record["status"] != "passed":
                from rich.markup import escape

                self._progress.console.print(f"[red]{record['status']}[/] {escape(record['id'])}: {escape(why)}")
            self._progress.refresh()  # cases can finish faster than the bar's own redraws
            return
        print(
            f"[{self.done}/{self.total}] {record['status']:<6} {record['id']} "
            f"({record['attempts']} attempts, {record['latency_s']:.1f} s){': ' + why if why else ''}",
            file=self.stream,
            flush=True,
        )


class BatchProgress:
    """How ``aspire eval --batch`` shows its batches: one live status line on a terminal
    (round, batch, requests completed / failed, time waited), a line per change otherwise."""

    def __init__(self, *, stream: TextIO | None = None, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self._status: Any = None
        self._console: Any = None
        self._last = ""

    def __enter__(self) -> BatchProgress:
        if self.live:
            from rich.console import Console

            self._console = Console(file=self.stream)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def note(self, message: str) -> None:
        if self._console is not None:
            from rich.markup import escape

            self._console.print(escape(message))
        else:
            print(f"aspire: {message}", file=self.stream, flush=True)

    def update(self, batch: dict[str, Any]) -> None:
        minutes, seconds = divmod(int(batch["elapsed_s"]), 60)
        line = (
            f"round {batch['round']} · {batch['batch']} {batch['status']}: "
            f"{batch['completed']}/{batch['total']} completed, {batch['failed']} failed"
        )
        if self._console is not None:
            text = f"{line} · {minutes}:{seconds:02d} waited"
            if self._status is None:
                self._status = self._console.status(text)
                self._status.start()
            else:
                self._status.update(text)
            return
        if line != self._last:  # piped: a line when something changed, not every poll
            self._last = line
            print(f"aspire: {line} ({minutes}:{seconds:02d} waited)", file=self.stream, flush=True)
