"""A scripted OpenAI-compatible server on loopback that fails on purpose.

Each request to ``/v1/chat/completions`` takes the next step of the script
(the last step repeats). Steps are small tuples:

- ``("reply", content, finish_reason)``: a well-formed chat completion
- ``("slow", seconds, content)``: the same, after a pause (a busy model)
- ``("status", code, headers, body)``: an HTTP error with a JSON body
- ``("raw", body_bytes)``: a 200 whose body is whatever is given (invalid JSON)
- ``("hang", seconds)``: say nothing for that long, then close
- ``("drop",)``: close the connection without a response

Every request's JSON body is kept in ``requests`` so tests can count them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Step = tuple[Any, ...]


def completion_body(content: str, finish_reason: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fault-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30},
    }


def stream_chunk(content: str | None, finish_reason: str | None = None) -> dict[str, Any]:
    delta = {"content": content} if content is not None else {}
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fault-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def error_body(message: str, code: str | None = None, kind: str = "server_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": code}}


class FaultServer:
    def __init__(self, script: list[Step]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; with Nagle on, each reply
            # would wait on a delayed ACK (about 40 ms) and skew every timing.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # /v1/models, as aspire doctor asks
                models = {
                    "object": "list",
                    "data": [{"id": "fault-model", "object": "model", "created": 0, "owned_by": "test"}],
                }
                self._send(200, {}, json.dumps(models).encode())

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                step = server._take(json.loads(body or b"{}"), {k.lower(): v for k, v in self.headers.items()})
                kind = step[0]
                streaming = bool(server.requests[-1].get("stream"))
                if kind == "reply" and streaming:
                    self._send_stream(step[1], step[2])
                elif kind == "reply":
                    self._send(200, {}, json.dumps(completion_body(step[1], step[2])).encode())
                elif kind == "slow":
                    server._stop.wait(step[1])
                    if streaming:
                        self._send_stream(step[2], "stop")
                    else:
                        self._send(200, {}, json.dumps(completion_body(step[2])).encode())
                elif kind == "status":
                    self._send(step[1], step[2], json.dumps(step[3]).encode())
                elif kind == "raw":
                    self._send(200, {}, step[1])
                elif kind == "hang":
                    server._stop.wait(step[1])
                    self.close_connection = True
                elif kind == "drop":
                    self.close_connection = True
                else:  # pragma: no cover - a typo in a test's script
                    raise ValueError(kind)

            def _send_stream(self, content: str, finish_reason: str) -> None:
                """Server-sent events as OpenAI streams them: a few characters a chunk, then usage."""
                pieces = [content[i : i + 7] for i in range(0, len(content), 7)]
                events = [stream_chunk(piece) for piece in pieces] + [stream_chunk(None, finish_reason)]
                events.append({**stream_chunk(None), "choices": [], "usage": completion_body("")["usage"]})
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("connection", "close")
                self.end_headers()
                for event in events:
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.close_connection = True

            def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        class Server(ThreadingHTTPServer):
            # socketserver's listen backlog of 5 drops the connects of a burst of
            # clients, and they wait on SYN retransmits: the bench's 16 at once were.
            request_queue_size = 128

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def _take(self, body: dict[str, Any], headers: dict[str, str]) -> Step:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    @property
    def count(self) -> int:
        return len(self.requests)

    def start(self) -> None:
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def fault_server(*script: Step) -> Iterator[FaultServer]:
    server = FaultServer(list(script))
    server.start()
    try:
        yield server
    finally:
        server.close()
