"""A scripted OpenAI-compatible batch server on loopback: the files and batches endpoints.

Each batch goes through the statuses of its plan, one step each time a client looks at it
(``validating`` → ``in_progress`` → ``finalizing`` → ``completed`` unless a test says
otherwise), and when it ends its requests are answered by ``responder(body)``:

- a string: a chat completion with that content, in the output file
- ``("error", status, message)``: a line of the error file with that HTTP status
- ``("bad_line",)``: a line of the output file that is not JSON
- ``("not_completion",)``: a JSON line whose body is no chat completion

A plan may end the batch ``expired`` or ``cancelled`` after its first ``finished``
requests (the rest go to the error file as OpenAI writes them), or ``failed``. An input
file with a line that is not a batch request always fails its batch, naming the line.

``hold("upload")`` / ``hold("create")`` make the next such request block after the server
has done its work and before it answers: the test kills the client there. ``uploads``,
``creates`` and the ``events`` let a test see what happened.

    python -m tests.batchserver        # serves until stdin closes; prints the base URL
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response

Reply = str | tuple[Any, ...]
Responder = Callable[[dict[str, Any]], Reply]
DEFAULT_STATUSES = ("validating", "in_progress", "finalizing", "completed")


def completion(content: str, body: dict[str, Any]) -> dict[str, Any]:
    prompt = len(json.dumps(body.get("messages", []))) // 4
    return {
        "id": "chatcmpl-batch",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "batch-model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": len(content) // 4, "total_tokens": 0},
    }


def request_line_problem(line: str) -> str | None:
    """Why a line of an input file is no batch request, as the Batch API would say; None if it is one."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return "not valid JSON"
    if not isinstance(data, dict):
        return "not a JSON object"
    if not isinstance(data.get("custom_id"), str):
        return "custom_id is missing"
    if data.get("method") != "POST":
        return "method must be POST"
    if data.get("url") != "/v1/chat/completions":
        return f"url {data.get('url')!r} is not this batch's endpoint"
    body = data.get("body")
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("model"), str)
        or not isinstance(body.get("messages"), list)
    ):
        return "body needs model and messages"
    return None


class BatchServer:
    def __init__(self, responder: Responder, *, statuses: tuple[str, ...] = DEFAULT_STATUSES) -> None:
        self.responder = responder
        self.statuses = statuses
        self.plans: list[dict[str, Any]] = []  # the n-th batch created takes the n-th plan
        self.files: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.uploads: list[str] = []  # filenames, in order
        self.creates: list[str] = []  # input file ids, in order
        self.requests_seen: list[dict[str, Any]] = []
        self.events = {name: threading.Event() for name in ("upload", "create", "in_progress")}
        self._holds: dict[str, threading.Event] = {}
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    # -- what a test controls ------------------------------------------------------------

    def hold(self, point: str) -> None:
        """The next ``point`` request ("upload" or "create") does its work, then blocks unanswered."""
        self._holds[point] = threading.Event()

    def release(self) -> None:
        self._released.set()

    def _maybe_hold(self, point: str) -> None:
        self.events[point].set()
        if self._holds.pop(point, None) is not None:
            self._released.wait(60)

    # -- the objects ---------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids):04d}"

    def _new_file(self, name: str, purpose: str, data: bytes) -> str:
        file_id = self._new_id("file")
        self.files[file_id] = {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": int(time.time()),
            "filename": name,
            "purpose": purpose,
            "status": "processed",
        }
        self.contents[file_id] = data
        return file_id

    def upload(self, name: str, purpose: str, data: bytes) -> dict[str, Any]:
        with self._lock:
            file_id = self._new_file(name, purpose, data)
            self.uploads.append(name)
        self._maybe_hold("upload")
        return self.files[file_id]

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        file_id = body.get("input_file_id")
        if file_id not in self.files:
            raise HTTPException(
                404, {"error": {"message": f"No such file: {file_id}", "type": "invalid_request_error"}}
            )
        with self._lock:
            batch_id = self._new_id("batch")
            plan = self.plans[len(self.creates)] if len(self.creates) < len(self.plans) else {}
            now = int(time.time())
            self.batches[batch_id] = {
                "id": batch_id,
                "object": "batch",
                "endpoint": body.get("endpoint"),
                "errors": None,
                "input_file_id": file_id,
                "completion_window": body.get("completion_window"),
                "status": "validating",
                "output_file_id": None,
                "error_file_id": None,
                "created_at": now,
                "expires_at": now + 86400,
                "request_counts": {"total": len(self.contents[file_id].splitlines()), "completed": 0, "failed": 0},
                "metadata": body.get("metadata"),
                "_plan": plan,
                "_steps": list(plan.get("statuses", self.statuses)),
            }
            self.creates.append(file_id)
        self._maybe_hold("create")
        return self.public(batch_id)

    def public(self, batch_id: str) -> dict[str, Any]:
        return {k: v for k, v in self.batches[batch_id].items() if not k.startswith("_")}

    def look(self, batch_id: str) -> dict[str, Any]:
        """A client looks: the batch moves one step along its plan."""
        with self._lock:
            batch = self.batches[batch_id]
            if batch["_steps"]:
                status = batch["_steps"].pop(0)
                if status in ("completed", "expired", "cancelled"):
                    self._finish(batch, status)
                elif status == "failed" or (status == "in_progress" and self._invalid_lines(batch)):
                    self._fail(batch)
                else:
                    batch["status"] = status
                if batch["status"] == "in_progress":
                    self.events["in_progress"].set()
            return self.public(batch_id)

    def cancel(self, batch_id: str) -> dict[str, Any]:
        with self._lock:
            self.batches[batch_id]["status"] = "cancelling"
            self.batches[batch_id]["_steps"] = ["cancelled"]
        return self.public(batch_id)

    def _lines(self, batch: dict[str, Any]) -> list[str]:
        return self.contents[batch["input_file_id"]].decode("utf-8").splitlines()

    def _invalid_lines(self, batch: dict[str, Any]) -> list[dict[str, Any]]:
        problems = [(n, request_line_problem(line)) for n, line in enumerate(self._lines(batch), start=1)]
        return [{"code": "invalid_request", "line": n, "message": p, "param": None} for n, p in problems if p]

    def _fail(self, batch: dict[str, Any]) -> None:
        errors = self._invalid_lines(batch) or batch["_plan"].get("errors") or []
        batch.update(status="failed", failed_at=int(time.time()), errors={"object": "list", "data": errors})
        batch["_steps"] = []

    def _finish(self, batch: dict[str, Any], status: str) -> None:
        requests = [json.loads(line) for line in self._lines(batch)]
        finished = batch["_plan"].get("finished", len(requests)) if status != "completed" else len(requests)
        output, errors = [], []
        for number, request in enumerate(requests):
            line_id = f"batch_req_{batch['id']}_{number}"
            if number >= finished:
                code = "batch_expired" if status == "expired" else "batch_cancelled"
                errors.append(
                    {
                        "id": line_id,
                        "custom_id": request["custom_id"],
                        "response": None,
                        "error": {"code": code, "message": f"This request was not run: the batch was {status}."},
                    }
                )
                continue
            self.requests_seen.append(request)
            reply = self.responder(request["body"])
            if isinstance(reply, str):
                response = {"status_code": 200, "request_id": line_id, "body": completion(reply, request["body"])}
                output.append(
                    json.dumps({"id": line_id, "custom_id": request["custom_id"], "response": response, "error": None})
                )
            elif reply[0] == "error":
                body = {"error": {"message": reply[2], "type": "server_error", "code": None}}
                errors.append(
                    {
                        "id": line_id,
                        "custom_id": request["custom_id"],
                        "response": {"status_code": reply[1], "request_id": line_id, "body": body},
                        "error": None,
                    }
                )
            elif reply[0] == "bad_line":
                output.append('{"id": "' + line_id + '", "custom_id": "' + request["custom_id"] + '", "respon')
            elif reply[0] == "not_completion":
                response = {"status_code": 200, "request_id": line_id, "body": {"object": "chat.completion"}}
                output.append(
                    json.dumps({"id": line_id, "custom_id": request["custom_id"], "response": response, "error": None})
                )
        if output:
            batch["output_file_id"] = self._store(f"{batch['id']}_output.jsonl", "\n".join(output) + "\n")
        if errors:
            text = "".join(json.dumps(e) + "\n" for e in errors)
            batch["error_file_id"] = self._store(f"{batch['id']}_error.jsonl", text)
        good = sum(1 for line in output if line.endswith("}"))
        batch["request_counts"] = {"total": len(requests), "completed": good, "failed": len(requests) - good}
        batch.update(status=status, **{f"{status}_at": int(time.time())})
        batch["_steps"] = []

    def _store(self, name: str, text: str) -> str:
        return self._new_file(name, "batch_output", text.encode("utf-8"))

    # -- HTTP ----------------------------------------------------------------------------

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/files")
        def create_file(file: UploadFile = File(...), purpose: str = Form(...)) -> dict[str, Any]:  # noqa: B008
            return self.upload(file.filename or "upload.jsonl", purpose, file.file.read())

        @app.get("/v1/files")
        def list_files(purpose: str | None = None) -> dict[str, Any]:
            data = [f for f in reversed(self.files.values()) if purpose is None or f["purpose"] == purpose]
            return {"object": "list", "data": data, "has_more": False}

        @app.get("/v1/files/{file_id}/content")
        def file_content(file_id: str) -> Response:
            if file_id not in self.contents:
                raise HTTPException(404, {"error": {"message": "No such file", "type": "invalid_request_error"}})
            return Response(self.contents[file_id], media_type="application/octet-stream")

        @app.post("/v1/batches")
        async def create_batch(request: Request) -> dict[str, Any]:
            body = await request.json()
            return await _in_thread(self.create, body)

        @app.get("/v1/batches")
        def list_batches() -> dict[str, Any]:
            data = [self.public(b) for b in reversed(self.batches)]
            return {"object": "list", "data": data, "has_more": False}

        @app.get("/v1/batches/{batch_id}")
        def retrieve_batch(batch_id: str) -> dict[str, Any]:
            if batch_id not in self.batches:
                raise HTTPException(404, {"error": {"message": "No such batch", "type": "invalid_request_error"}})
            return self.look(batch_id)

        @app.post("/v1/batches/{batch_id}/cancel")
        def cancel_batch(batch_id: str) -> dict[str, Any]:
            return self.cancel(batch_id)

        return app


async def _in_thread(function: Callable[..., Any], *args: Any) -> Any:
    import asyncio

    return await asyncio.to_thread(function, *args)


@contextmanager
def batch_server(responder: Responder, **options: Any) -> Iterator[tuple[BatchServer, str]]:
    """The server on a free loopback port; yields it and its base URL (``…/v1``)."""
    from tests.servehelpers import serving

    server = BatchServer(responder, **options)
    try:
        with serving(lambda port: server.app()) as url:
            yield server, f"{url}/v1"
    finally:
        server.release()


def main() -> None:  # pragma: no cover - by hand and for the bench
    from tests.conftest import good_reply_data

    def responder(body: dict[str, Any]) -> Reply:
        company = next(
            line.split(": ", 1)[1]
            for message in reversed(body["messages"])
            for line in str(message["content"]).splitlines()
            if message["role"] == "user" and line.startswith("Target company: ")
        )
        return json.dumps(good_reply_data(company))

    statuses = tuple(sys.argv[1].split(",")) if len(sys.argv) > 1 else DEFAULT_STATUSES
    with batch_server(responder, statuses=statuses) as (_, url):
        print(url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":  # pragma: no cover
    main()
