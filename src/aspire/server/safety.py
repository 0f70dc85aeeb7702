"""What keeps a server on someone's laptop theirs: one ASGI middleware in front of the app.

- **Host**: a web page the user visits can make its own domain name resolve to
  127.0.0.1 (DNS rebinding) and then read this server as "its own" origin. The
  browser still sends that domain as ``Host``, so only the names the server was
  bound to are served. An IP literal cannot be rebound, so a server bound to
  every interface also answers its addresses.
- **Cross-site posts**: any page may POST a form or a ``fetch`` to 127.0.0.1 (it
  just cannot read the reply), which would spend the model's time. Browsers say
  where a request comes from (``Origin``, ``Sec-Fetch-Site``); a foreign one is
  refused. Clients that send neither (curl, a chatbot) are not browsers.
- **Body size**: uploads are held to the library's 5 MB before they are read.
- **Access log**: method, path (never the query string), status and time; never a
  body, so no resume text or key reaches the log.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..models import MAX_INPUT_BYTES

access_log = logging.getLogger("aspire.serve.access")

# A multipart body carries the file plus its boundaries and part headers.
MULTIPART_OVERHEAD = 64 * 1024
UPLOAD_LIMIT = MAX_INPUT_BYTES + MULTIPART_OVERHEAD
# A JSON body may carry a resume and a job description, each up to the limit, escaped.
JSON_LIMIT = 2 * MAX_INPUT_BYTES + 1024 * 1024
UPLOAD_PATHS = ("/api/resumes", "/api/job-descriptions")

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_WILDCARDS = ("0.0.0.0", "::", "")
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_for_url(host: str) -> str:
    """``host`` as it appears in a URL or a ``Host`` header (IPv6 in brackets)."""
    bare = host.strip("[]")
    return f"[{bare}]" if ":" in bare else bare


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class AllowedHosts:
    """The ``Host`` values (name and port) this server answers to."""

    names: frozenset[str]
    port: int
    any_ip_literal: bool = False

    @classmethod
    def for_bind(cls, host: str, port: int, extra: Iterable[str] = ()) -> AllowedHosts:
        names = {host_for_url(host).lower(), *(name.lower() for name in extra)}
        wildcard = host in _WILDCARDS
        if is_loopback(host) or wildcard:
            names.update(LOOPBACK_NAMES)
        if wildcard:
            import socket

            names.add(socket.gethostname().lower())
        return cls(names=frozenset(names), port=port, any_ip_literal=wildcard)

    def allows(self, netloc: str) -> bool:
        name, port = _split_netloc(netloc.lower())
        if port is None:
            port = 80  # what a browser leaves out
        if port != self.port:
            return False
        return name in self.names or (self.any_ip_literal and _is_ip_literal(name))


def _split_netloc(netloc: str) -> tuple[str, int | None]:
    if netloc.startswith("["):
        name, _, rest = netloc.partition("]")
        name += "]"
        port_text = rest.removeprefix(":") if rest.startswith(":") else ""
    elif netloc.count(":") == 1:
        name, _, port_text = netloc.partition(":")
    else:
        name, port_text = netloc, ""
    if not port_text:
        return name, None
    try:
        return name, int(port_text)
    except ValueError:
        return name, -1


class SafetyMiddleware:
    """Refuses foreign hosts (400), cross-site posts (403) and oversized bodies (413); logs access."""

    def __init__(self, app: ASGIApp, *, hosts: AllowedHosts) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = {"code": 0}

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            refusal = self._refusal(scope)
            if refusal is not None:
                await _send_error(logged_send, *refusal)
                return
            await self._call_with_limit(scope, receive, logged_send)
        finally:
            client = scope.get("client") or ("-", 0)
            # The path only: a query string could carry anything a client put there.
            access_log.info(
                '%s "%s %s" %s %.0f ms',
                client[0],
                scope["method"],
                scope["path"],
                status["code"] or "-",
                (time.monotonic() - started) * 1000,
            )

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if not self.hosts.allows(host):
            return 400, (
                f"this server answers to {', '.join(sorted(self.hosts.names))} on port {self.hosts.port}, "
                f"not to Host {host[:100]!r} (start aspire serve with --allow-host NAME to add a name)"
            )
        if scope["method"] in _SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None:
            parts = urlsplit(origin)
            if origin == "null" or parts.scheme not in ("http", "https") or not self.hosts.allows(parts.netloc):
                return 403, f"cross-site request refused: Origin {origin[:100]!r} is not this server"
        elif headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return 403, f"cross-site request refused (Sec-Fetch-Site: {headers['sec-fetch-site'][:40]})"
        if (declared := headers.get("content-length")) is not None:
            try:
                size = int(declared)
            except ValueError:
                return 400, "Content-Length is not a number"
            if size > self._limit(scope):
                return 413, self._too_large(scope, size)
        return None

    @staticmethod
    def _limit(scope: Scope) -> int:
        return UPLOAD_LIMIT if scope["path"] in UPLOAD_PATHS else JSON_LIMIT

    def _too_large(self, scope: Scope, size: int | None) -> str:
        said = f"{size:,} bytes" if size is not None else "over the limit"
        if scope["path"] in UPLOAD_PATHS:
            return f"the upload is {said}; the limit is {MAX_INPUT_BYTES:,} bytes (5 MB)"
        return f"the request is {said}; the limit is {self._limit(scope):,} bytes"

    async def _call_with_limit(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app, once the whole body is in and within the limit (a chunked body has no
        Content-Length). Bodies are a few MB at most, so holding one in memory is cheap; after
        it, ``receive`` is the server's again, so a stream still hears the client leave."""
        if scope["method"] in _SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await _send_error(send, 413, self._too_large(scope, None))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _send_error(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
