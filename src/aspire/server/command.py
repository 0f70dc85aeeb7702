"""``aspire serve``: the settings and backend the other commands use, the app, and uvicorn on a socket
bound here (so that port 0 works and the printed address is the real one)."""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys

from ..errors import ConfigError, InputError
from .safety import host_for_url, is_loopback

DEFAULT_QUEUE = 4


def _queue_size(given: int | None) -> int:
    if given is not None:
        return given
    raw = os.environ.get("ASPIRE_SERVE_QUEUE", "").strip()
    if not raw:
        return DEFAULT_QUEUE
    try:
        size = int(raw)
    except ValueError:
        raise ConfigError(
            f"ASPIRE_SERVE_QUEUE must be a whole number, got {raw!r}", setting="ASPIRE_SERVE_QUEUE"
        ) from None
    if size < 0:
        raise ConfigError("ASPIRE_SERVE_QUEUE must be 0 or more", setting="ASPIRE_SERVE_QUEUE")
    return size


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or an InputError that says what to change."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        hint = f"; try --port {port + 1}" if exc.errno == 98 else ""  # EADDRINUSE
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}", field="port") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _ready_model(settings: object) -> None:
    """Assemble and verify the embedded model now, not on the first visitor's draft."""
    from ..config import Settings
    from ..embedded_model import embedded_model, ensure_embedded_model

    if isinstance(settings, Settings) and settings.backend == "local" and settings.local_model_path is None:
        print(f"aspire: checking the embedded model {settings.embedded_model}…", file=sys.stderr, flush=True)
        ensure_embedded_model(model=embedded_model(settings.embedded_model))


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..commands import EXIT_OK, _given_options, _settings_and_backend
    from .app import create_app

    options = _given_options(args)
    settings, backend = _settings_and_backend(args, options)
    options.pop("model", None)  # the backend is built; the rest are generation settings
    waiting = _queue_size(args.queue)
    workers = args.concurrency or (1 if settings.backend == "local" else 4)
    _ready_model(settings)
    sock = bind(args.host, args.port)
    port = int(sock.getsockname()[1])
    app = create_app(
        backend,
        settings=settings,
        options=options,
        host=args.host,
        port=port,
        allow_hosts=args.allow_host or (),
        workers=workers,
        waiting=waiting,
    )
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else host_for_url(args.host)
    if not is_loopback(args.host):
        print(
            f"aspire: warning: listening on {args.host}, not only on this computer: anyone who can reach "
            f"port {port} can draft on your model and read what it writes. There is no login.",
            file=sys.stderr,
        )
    print(
        f"aspire serve: open http://{shown}:{port}/ in your browser "
        f"(API docs at http://{shown}:{port}/docs); {backend.name} backend, model {backend.model}. "
        "Ctrl+C stops it.",
        flush=True,
    )
    # Access lines come from aspire's own middleware (no query strings, no bodies): uvicorn's are off.
    logging.getLogger("aspire.serve").setLevel(logging.INFO if not args.quiet else logging.WARNING)
    config = uvicorn.Config(
        app,
        access_log=False,
        log_level="warning",
        server_header=False,
        timeout_graceful_shutdown=3,
    )
    uvicorn.Server(config).run(sockets=[sock])
    return EXIT_OK
