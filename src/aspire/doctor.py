"""``aspire doctor``: which backend a draft would use and why, and whether it is ready.

Each finding is ``ok``, ``warn`` (works, with a caveat) or ``fail`` (a draft
would fail). Nothing is downloaded, loaded or generated; the embedded model's
hash is checked only when it has not been verified before (a few seconds).
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Literal

from .config import Settings, resolve_settings
from .errors import AspireError

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Finding:
    status: Status
    topic: str
    detail: str


def diagnose(
    *, backend: str | None = None, environ: Mapping[str, str] | None = None, probe_timeout_s: float = 5.0
) -> list[Finding]:
    """What a draft with these settings would use, and whether each part is ready."""
    findings = [Finding("ok", "python", f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")]
    findings += _packages()
    try:
        settings = resolve_settings(backend=backend, environ=environ)
    except AspireError as exc:
        return [*findings, Finding("fail", "settings", str(exc))]
    findings.append(Finding("ok", "backend", f"{settings.backend}: {settings.backend_reason}"))
    if settings.backend == "openai":
        findings += _server(settings, probe_timeout_s)
    else:
        findings += _local_model(settings, environ)
    findings.append(_cache(environ))
    return findings


def _packages() -> list[Finding]:
    found = []
    for name, why in (
        ("openai", "the OpenAI-compatible backend"),
        ("llama-cpp-python", "the embedded model"),
        ("llguidance", "fast constrained decoding"),
        ("pypdf", "PDF resumes"),
        ("python-docx", "Word resumes"),
    ):
        try:
            found.append(Finding("ok", name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append(Finding("warn", name, f"not installed: needed for {why}"))
    return found


def _local_model(settings: Settings, environ: Mapping[str, str] | None) -> list[Finding]:
    from .embedded_model import (
        EMBEDDED_MODELS,
        _stamp_matches,
        _write_stamp,
        check_user_model,
        chunk_paths,
        model_path,
        sha256_of,
    )

    if settings.local_model_path is not None:
        try:
            path = check_user_model(settings.local_model_path)
        except AspireError as exc:
            return [Finding("fail", "model", str(exc))]
        size = path.stat().st_size
        return [Finding("ok", "model", f"{path} ({size / 1e6:,.0f} MB, GGUF header found; not hash-checked)")]

    model = EMBEDDED_MODELS[settings.embedded_model]
    others = ", ".join(name for name in EMBEDDED_MODELS if name != model.name)
    findings = [
        Finding(
            "ok",
            "embedded model",
            f"{model.name} ({model.description}), {settings.embedded_model_reason}; "
            f"ASPIRE_EMBEDDED_MODEL or --model picks another ({others})",
        )
    ]
    target = model_path(model, environ)
    try:
        parts = chunk_paths(model)
    except AspireError as exc:
        if not target.is_file():
            return [*findings, Finding("fail", "model", str(exc))]
        parts = []
    if parts:
        findings.append(Finding("ok", "model packages", f"{len(parts)} of {len(model.chunks)} chunks installed"))
    if not target.is_file():
        findings.append(
            Finding(
                "warn",
                "model",
                f"not assembled yet: the first draft builds {target} from the chunks ({model.size / 1e6:,.0f} MB)",
            )
        )
        return findings
    if _stamp_matches(target, model.sha256):
        findings.append(Finding("ok", "model", f"{target} verified (SHA-256 {model.sha256[:12]}…)"))
    elif sha256_of(target) == model.sha256:
        _write_stamp(target, model.sha256)
        findings.append(Finding("ok", "model", f"{target} verified now (SHA-256 {model.sha256[:12]}…)"))
    else:
        findings.append(
            Finding(
                "warn", "model", f"{target} does not match its checksum: the next draft rebuilds it from the chunks"
            )
        )
    return findings


def _server(settings: Settings, timeout_s: float) -> list[Finding]:
    import openai

    where = settings.base_url or "https://api.openai.com/v1"
    key = settings.api_key.get_secret_value() if settings.api_key else "unused"
    findings = [Finding("ok", "server", f"{where}, model {settings.model}")]
    client = openai.OpenAI(api_key=key, base_url=settings.base_url, timeout=timeout_s, max_retries=0)
    try:
        models = [m.id for m in client.models.list()]
    except openai.APIStatusError as exc:
        # Some compatible servers have no /models; any HTTP answer means it is up.
        status: Status = "fail" if exc.status_code in (401, 403) else "warn"
        return [*findings, Finding(status, "server answers", f"HTTP {exc.status_code} from {where}/models")]
    except openai.APIConnectionError:
        return [*findings, Finding("fail", "server answers", f"no answer from {where} within {timeout_s:g} s")]
    finally:
        client.close()
    if models and settings.model not in models:
        shown = ", ".join(models[:5]) + ("…" if len(models) > 5 else "")
        findings.append(Finding("warn", "server answers", f"yes, but it does not list {settings.model} ({shown})"))
    else:
        findings.append(Finding("ok", "server answers", f"yes, {len(models)} model(s) listed"))
    return findings


def _cache(environ: Mapping[str, str] | None) -> Finding:
    from .backends.cache import default_cache_dir
    from .embedded_model import cache_dir

    directory = cache_dir(environ)
    replies = directory / "replies" if environ is not None else default_cache_dir()
    probe = directory if directory.exists() else _first_existing_parent(directory)
    if not os.access(probe, os.W_OK):
        return Finding("fail", "cache", f"{directory} is not writable (set ASPIRE_CACHE_DIR)")
    return Finding("ok", "cache", f"{directory} (replies in {replies})")


def _first_existing_parent(path: Path) -> Path:
    for parent in [path, *path.parents]:
        if parent.exists():
            return parent
    return Path("/")


def findings_to_text(findings: list[Finding]) -> str:
    marks = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
    width = max(len(f.topic) for f in findings)
    return "\n".join(f"{marks[f.status]}  {f.topic:<{width}}  {f.detail}" for f in findings)
