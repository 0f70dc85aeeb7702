"""``aspire eval --batch`` / ``--export-batch`` / ``--import-batch``: the options checked and
turned into one :mod:`aspire.evaluation.batch` run. ``commands.eval_command`` hands over here."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

from .config import Settings, resolve_settings
from .errors import ConfigError, InputError
from .evaluation.batch import BatchOptions, BatchRun
from .evaluation.cases import CaseError, EvalCase
from .evaluation.cost import Prices

VLLM_HINT = "python -m vllm.entrypoints.openai.run_batch -i {requests} -o results.jsonl --model {model}"


def wants_batch(args: argparse.Namespace) -> bool:
    return bool(args.batch or args.export_batch or args.import_batch)


def check_batch_options(args: argparse.Namespace) -> None:
    """Refuse what does not go together, in one line each, before anything is read or sent."""
    if not wants_batch(args):
        for given, flag in ((args.no_wait, "--no-wait"), (args.batch_window is not None, "--batch-window")):
            if given:
                raise InputError(f"{flag} goes with --batch (the Batch API); add --batch", field="batch")
        return
    which = "--batch" if args.batch else "--export-batch" if args.export_batch else "--import-batch"
    if not args.paths or not args.out:
        raise InputError(f"{which} needs the eval cases and --out DIR, where the run's state is kept", field="out")
    if args.batch and (args.export_batch or args.import_batch):
        raise InputError(
            "--batch sends the rounds to the Batch API itself; --export-batch/--import-batch are for a "
            "runner of your own: use one or the other",
            field="batch",
        )
    if not args.batch and (args.no_wait or args.batch_window is not None):
        flag = "--no-wait" if args.no_wait else "--batch-window"
        raise InputError(f"{flag} goes with --batch, not with {which}", field="batch")
    refused = [
        (args.judge, "--judge", "the judge asks the model live for each draft; run it on a live eval"),
        (args.token_budget is not None, "--token-budget", "a batch's tokens are spent by the runner, not metered here"),
        (args.concurrency is not None, "--concurrency", "the batch runner decides how many requests run at once"),
        (args.cache_dir is not None, "--cache-dir", "batch replies are kept in --out DIR, not in the reply cache"),
    ]
    for given, flag, why in refused:
        if given:
            raise InputError(f"{flag} does not go with {which}: {why}", field="batch")
    if args.backend == "local":
        raise InputError(
            f"{which} does not go with --backend local: the embedded model drafts live, one request at a "
            "time; a batch is for the OpenAI Batch API or a runner such as vLLM",
            field="backend",
        )
    if args.batch_window is not None and not re.fullmatch(r"[1-9][0-9]*h", args.batch_window):
        raise InputError(f"--batch-window is hours, such as 24h (got {args.batch_window!r})", field="batch_window")


def _generation_options(args: argparse.Namespace) -> dict[str, Any]:
    given = {"max_attempts": args.max_attempts, "seed": args.seed, "method": args.method}
    return {k: v for k, v in given.items() if v is not None}


def batch_settings(args: argparse.Namespace) -> tuple[Settings, str]:
    """The generation settings and the model name the requests carry."""
    options = _generation_options(args)
    if args.batch:
        settings = resolve_settings(backend=args.backend, model=args.model, **options)
        if settings.backend != "openai":
            raise ConfigError(
                "--batch needs the openai backend: set OPENAI_API_KEY (the OpenAI Batch API) or "
                "OPENAI_BASE_URL (a server with the batch endpoints); the embedded model drafts live only",
                setting="OPENAI_API_KEY",
            )
        return settings, settings.model or ""
    model = args.model or os.environ.get("ASPIRE_MODEL", "").strip()
    if not model:
        raise InputError(
            "give --model (or ASPIRE_MODEL): the model name the batch runner serves, which every request "
            "names (for vLLM, what you give run_batch as --model or --served-model-name)",
            field="model",
        )
    # The requests go to a file, not a server: only the generation settings matter here.
    return resolve_settings(backend="local", **options), model


def batch_prices(args: argparse.Namespace, model: str) -> Prices | None:
    from .evaluation.cost import resolve_prices

    return resolve_prices(
        price_in=args.price_in,
        price_out=args.price_out,
        batch_rate=args.batch_rate,
        prices_file=args.prices or os.environ.get("ASPIRE_PRICES", "").strip() or None,
        model=model,
    )


def eval_batch(args: argparse.Namespace, cases: list[EvalCase], case_errors: list[CaseError]) -> dict[str, Any]:
    """Run the batch the options ask for; the summary."""
    from .progress import BatchProgress

    settings, model = batch_settings(args)
    options = BatchOptions(
        out_dir=Path(args.out),
        api="openai" if args.batch else "file",
        window=args.batch_window or "24h",
        wait=not args.no_wait,
        judged=Path(args.judged) if args.judged else None,
        baseline=Path(args.baseline) if args.baseline else None,
        prices=batch_prices(args, model),
        poll_max_s=_poll_max_s(),
    )
    with BatchProgress() as progress:
        run = BatchRun(cases, case_errors, settings, model, options, notify=progress.note)
        if args.batch:
            return _through_the_api(run, settings, progress)
        for path in args.import_batch or []:
            report = run.import_file(Path(path))
            progress.note(_imported(report))
        if args.export_batch:
            count = run.export(Path(args.export_batch))
            if count:
                hint = VLLM_HINT.format(requests=args.export_batch, model=model)
                progress.note(f"wrote {count} requests (round {run.round}) to {args.export_batch}; run them, e.g.")
                progress.note(f"  {hint}")
                progress.note("then: the same command with --import-batch results.jsonl")
            else:
                progress.note(f"nothing left to ask: {args.export_batch} is empty, every case is settled")
        return run.finish()


def _through_the_api(run: BatchRun, settings: Settings, progress: Any) -> dict[str, Any]:
    import openai

    from .evaluation.batchapi import BatchApi

    key = settings.api_key.get_secret_value() if settings.api_key else "sk-no-key-needed"
    client = openai.OpenAI(
        api_key=key, base_url=settings.base_url, timeout=settings.timeout_s, max_retries=settings.max_retries
    )
    try:
        return BatchApi(run, client, progress.update).go()
    finally:
        client.close()


def _imported(report: dict[str, Any]) -> str:
    parts = [f"imported {report['file']}: {report['taken']} result(s) taken"]
    if report["known"]:
        parts.append(f"{report['known']} already imported")
    if report["not_asked"]:
        parts.append(f"{report['not_asked']} for requests this run is not waiting for")
    if lines := report["unreadable_lines"]:
        shown = ", ".join(map(str, lines[:5])) + (" …" if len(lines) > 5 else "")
        parts.append(f"{len(lines)} line(s) not a result (line {shown})")
    return ", ".join(parts)


def _poll_max_s() -> float:
    raw = os.environ.get("ASPIRE_BATCH_POLL", "").strip()
    if not raw:
        return 60.0
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(
            f"ASPIRE_BATCH_POLL must be a number of seconds, got {raw!r}", setting="ASPIRE_BATCH_POLL"
        ) from None
    if value <= 0:
        raise ConfigError("ASPIRE_BATCH_POLL must be more than 0 seconds", setting="ASPIRE_BATCH_POLL")
    return value


def print_waiting(summary: dict[str, Any]) -> None:
    batch = summary.get("batch") or {}
    if batch.get("cases_unsettled"):
        print(
            f"aspire: {batch['cases_unsettled']} case(s) not finished yet; run the same command again to go on",
            file=sys.stderr,
        )
