"""For the aspire serve tests: a backend that streams slowly from a locked worker thread (as the
embedded model does), uvicorn on a free loopback port in a thread, and a small SSE reader."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from aspire import FakeBackend
from aspire.backends.base import ChatRequest, StreamItem, iterate_in_thread


class SlowStreamingBackend(FakeBackend):
    """Replays queued replies word by word, sleeping ``delay`` seconds per word of the answer
    (and ``delay_before`` per word before it), inside a worker thread that holds ``model_lock``
    for the whole stream: what the embedded model does, slowed down."""

    def __init__(self, replies: Any = (), *, delay: float = 0.05, delay_before: float = 0.0) -> None:
        super().__init__(replies)
        self.delay = delay
        self.delay_before = delay_before
        self.model_lock = threading.Lock()
        self.words_streamed = 0
        self.streams_started = 0
        self.streams_stopped_early = 0

    def stream(self, request: ChatRequest) -> Iterator[StreamItem]:
        with self.model_lock:
            self.streams_started += 1
            completion = self.complete(request)
            answer_at = completion.text.find('"answer"')
            finished = False
            try:
                position = 0
                for word in re.findall(r"\s*\S+", completion.text):
                    in_answer = 0 <= answer_at <= position
                    time.sleep(self.delay if in_answer else self.delay_before)
                    position += len(word)
                    self.words_streamed += 1
                    yield word
                finished = True
                yield completion
            finally:
                if not finished:
                    self.streams_stopped_early += 1

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamItem]:
        async for item in iterate_in_thread(lambda: self.stream(request)):
            yield item


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(make_app: Callable[[int], Any], host: str = "127.0.0.1") -> Iterator[str]:
    """uvicorn in a thread serving ``make_app(port)`` on a free port; yields the base URL."""
    from aspire.server.command import bind

    sock = bind(host, 0)
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(make_app(port), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def open_stream(
    base_url: str, body: dict[str, Any], path: str = "/api/drafts/stream", timeout: float = 60
) -> http.client.HTTPResponse:
    """POST ``body`` and return the response once its headers are in (the events follow)."""
    hostport = base_url.removeprefix("http://")
    connection = http.client.HTTPConnection(hostport, timeout=timeout)
    connection.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    return connection.getresponse()


def next_event(response: http.client.HTTPResponse) -> tuple[str, Any] | None:
    """The next server-sent event as (name, decoded data), or None at the end of the stream."""
    name, data = "message", []
    while True:
        line = response.readline()
        if not line:
            return None
        text = line.decode().rstrip("\r\n")
        if not text:
            if data:
                return name, json.loads("\n".join(data))
            continue
        if text.startswith("event:"):
            name = text[6:].strip()
        elif text.startswith("data:"):
            data.append(text[5:].strip())


def all_events(response: http.client.HTTPResponse) -> list[tuple[str, Any]]:
    events = []
    while (event := next_event(response)) is not None:
        events.append(event)
    return events
