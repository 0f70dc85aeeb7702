"""Drafting for many browser tabs on one model: a bounded queue, and jobs that end when their client leaves.

The embedded model drafts one request at a time (its lock), so more requests
only wait. A few may wait in line; past that a client is told "busy, retry
after N seconds" (503) at once rather than hanging for minutes. Each draft
runs as its own task, watched for the client's disconnect: when the client
goes, the task is cancelled, which stops the model at its next token
(``iterate_in_thread``) and frees the slot for the next in line.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.requests import Request

from ..streaming import StreamEvent

# A comment this often on a quiet stream keeps proxies and clients from timing it out.
KEEPALIVE_S = 15.0
# Before any draft has finished, how long one is guessed to take (the embedded model on a laptop).
FIRST_GUESS_S = 60.0


class QueueFull(Exception):
    """Every slot is busy and the line is full."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"the model is busy with other drafts; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class DraftQueue:
    """At most ``workers`` drafts at once, at most ``waiting`` more in line (first come, first served)."""

    def __init__(self, *, workers: int = 1, waiting: int = 4) -> None:
        if workers < 1 or waiting < 0:
            raise ValueError("workers must be 1 or more and waiting 0 or more")
        self.workers = workers
        self.waiting_limit = waiting
        self.admitted = 0  # running and waiting
        self.running = 0
        self._slots: asyncio.Semaphore | None = None
        self._recent: deque[float] = deque(maxlen=5)

    @property
    def waiting(self) -> int:
        return self.admitted - self.running

    def admit(self) -> Ticket:
        """A place in line, or :class:`QueueFull`. Synchronous, so no two requests take the last place."""
        if self.admitted >= self.workers + self.waiting_limit:
            raise QueueFull(self.retry_after_s())
        ticket = Ticket(self, ahead=self.admitted)
        self.admitted += 1
        return ticket

    def retry_after_s(self) -> int:
        """About when a place frees up: the recent drafts' mean time, per draft ahead, per worker."""
        typical = sum(self._recent) / len(self._recent) if self._recent else FIRST_GUESS_S
        ahead = max(1, self.admitted - self.workers - self.waiting_limit + 1)
        return max(1, min(600, math.ceil(typical * ahead / self.workers)))

    def snapshot(self) -> dict[str, int]:
        return {"running": self.running, "waiting": self.waiting, "workers": self.workers, "limit": self.waiting_limit}

    def slots(self) -> asyncio.Semaphore:
        # Made on first use, inside the server's event loop.
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        return self._slots

    def finished(self, seconds: float) -> None:
        self._recent.append(seconds)


class Ticket:
    """A place in a :class:`DraftQueue`: ``async with`` waits for a slot; leaving, or :meth:`close`, frees it."""

    def __init__(self, queue: DraftQueue, *, ahead: int = 0) -> None:
        self._queue = queue
        self.ahead = ahead  # drafts admitted before this one
        self._holding = False
        self._closed = False
        self._started = 0.0

    async def __aenter__(self) -> Ticket:
        await self._queue.slots().acquire()
        self._holding = True
        self._queue.running += 1
        self._started = time.monotonic()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close(finished=exc[0] is None)

    def close(self, *, finished: bool = False) -> None:
        """Give the place back (idempotent): a ticket never used still leaves the line."""
        if self._closed:
            return
        self._closed = True
        if self._holding:
            if finished:
                self._queue.finished(time.monotonic() - self._started)
            self._queue.running -= 1
            self._queue.slots().release()
        self._queue.admitted -= 1


async def _client_gone(request: Request) -> None:
    """Returns when the client disconnects (the body is read by then: only the disconnect is left)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


Produce = Callable[[Callable[[StreamEvent], Awaitable[None]]], Awaitable[Any]]


class DraftJob:
    """One draft in its own task, holding a queue ticket, cancelled when its client leaves.

    ``produce(emit)`` runs once a slot is free; what it emits (and the ``queued``
    notices before that) comes out of :meth:`events`, and what it returns from
    :meth:`result`.
    """

    def __init__(self, request: Request, queue: DraftQueue, ticket: Ticket, produce: Produce) -> None:
        self._queue = queue
        self._ticket = ticket
        self._events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._task = asyncio.ensure_future(self._run(produce))
        self._watch = asyncio.ensure_future(_client_gone(request))
        self._watch.add_done_callback(lambda _: self._task.cancel())

    async def _run(self, produce: Produce) -> Any:
        try:
            if (place := self._ticket.ahead - self._queue.workers + 1) > 0:
                await self._events.put(("queued", place))
            async with self._ticket:
                return await produce(self._emit)
        finally:
            self._ticket.close()
            self._watch.cancel()

    async def _emit(self, event: StreamEvent) -> None:
        await self._events.put(("event", event))

    async def result(self) -> Any:
        try:
            return await self._task
        finally:
            await self.cancel()

    async def events(self) -> AsyncIterator[tuple[str, Any]]:
        """("queued", place in line) if it waits, ("keepalive", None) when quiet, then
        ("event", text | Retry | Draft) as produced, then ("error", exc) if it failed."""
        try:
            while True:
                getter = asyncio.ensure_future(self._events.get())
                await asyncio.wait({getter, self._task}, timeout=KEEPALIVE_S, return_when=asyncio.FIRST_COMPLETED)
                if getter.done():
                    yield getter.result()
                    continue
                getter.cancel()
                if not self._task.done():  # quiet (the plan is being written): say the line is alive
                    yield "keepalive", None
                    continue
                while not self._events.empty():
                    yield self._events.get_nowait()
                if not self._task.cancelled() and (error := self._task.exception()) is not None:
                    yield "error", error
                return
        finally:
            await self.cancel()

    async def cancel(self) -> None:
        self._watch.cancel()
        if not self._task.done():
            self._task.cancel()
        with contextlib.suppress(BaseException):
            await self._task
