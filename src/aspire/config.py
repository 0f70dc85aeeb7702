"""Settings: explicit arguments beat environment variables beat defaults.

The library never reads ``.env`` itself; the CLI loads it into the environment
(without overriding variables already set) before calling :func:`resolve_settings`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from .errors import ConfigError

BackendName = Literal["local", "openai"]
RepairMode = Literal["fresh", "conversation"]
# How a draft is written: "steps" asks for the aspiration, the goals, the self-assessment
# and the answer one short turn at a time; "whole" asks for all of it in one reply.
Method = Literal["steps", "whole"]
METHODS: tuple[Method, ...] = ("steps", "whole")
REPAIR_MODES: tuple[RepairMode, ...] = ("fresh", "conversation")
# How the local backend holds the model to the JSON schema: "llguidance" (a logits
# processor, near raw decode speed) or "grammar" (llama-cpp-python's GBNF sampler).
Constraint = Literal["llguidance", "grammar"]
CONSTRAINTS: tuple[Constraint, ...] = ("llguidance", "grammar")
BACKENDS: tuple[BackendName, ...] = ("local", "openai")

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"

T = TypeVar("T")


class Settings(BaseModel):
    """Resolved settings for one draft. Build with :func:`resolve_settings`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: BackendName
    backend_reason: str = Field(description="Why this backend was chosen, for humans.")
    model: str | None = Field(default=None, description="Model name for the openai backend.")
    base_url: str | None = None
    api_key: SecretStr | None = None
    local_model_path: Path | None = Field(
        default=None, description="A GGUF file for the local backend; None means an embedded model."
    )
    embedded_model: str = Field(
        default="qwen2.5-coder-1.5b", description="Which embedded model the local backend runs without a GGUF file."
    )
    embedded_model_reason: str = Field(default="the default", description="Why that embedded model, for humans.")
    max_attempts: int = Field(default=3, ge=1, le=10)
    max_tokens: int = Field(default=1400, ge=64)
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    seed: int = Field(default=42, description="Fixed and non-zero: llama.cpp treats 0 as unset.")
    timeout_s: float = Field(default=120.0, gt=0, description="Seconds to wait for one server response.")
    max_retries: int = Field(default=2, ge=0, le=10, description="Retries of one request after a transient failure.")
    deadline_s: float = Field(default=600.0, gt=0, description="Seconds one draft may take, all attempts together.")
    n_ctx: int = Field(default=8192, ge=512)
    n_threads: int | None = Field(default=None, ge=1)
    constraint: Constraint | None = Field(
        default=None,
        description="How the local backend enforces the JSON schema; None: llguidance when installed.",
    )
    method: Method = Field(
        default="steps",
        description="'steps': the draft in four short, separately checked turns; 'whole': one reply.",
    )
    repair: RepairMode | None = Field(
        default=None,
        description=(
            "How a failed attempt is retried: 'conversation' shows the model its reply and the failures; "
            "'fresh' asks again from the start with the failures as a note and the next seed. "
            "None: fresh for the local backend, conversation otherwise."
        ),
    )


def _parse(name: str, raw: str, convert: Callable[[str], T], kind: str) -> T:
    try:
        return convert(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {kind}, got {raw!r}", setting=name) from None


def resolve_settings(
    *,
    backend: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    local_model_path: str | os.PathLike[str] | None = None,
    max_attempts: int | None = None,
    max_tokens: int | None = None,
    temperature: float | None = None,
    seed: int | None = None,
    timeout_s: float | None = None,
    max_retries: int | None = None,
    deadline_s: float | None = None,
    repair: str | None = None,
    method: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Combine explicit arguments, environment variables and defaults.

    ``environ`` defaults to ``os.environ``; tests and embedding apps can pass
    their own mapping to keep the process environment out of it.
    """
    env = os.environ if environ is None else environ

    def env_str(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    base_url = base_url or env_str("OPENAI_BASE_URL")
    api_key = api_key or env_str("OPENAI_API_KEY")

    if backend is not None:
        chosen, reason = backend, "chosen explicitly"
    elif env_str("ASPIRE_BACKEND"):
        chosen, reason = env_str("ASPIRE_BACKEND") or "", "ASPIRE_BACKEND is set"
    elif base_url or api_key:
        chosen = "openai"
        reason = "OPENAI_BASE_URL or OPENAI_API_KEY is set"
    else:
        chosen, reason = "local", "no OpenAI settings found, so the embedded model is used"
    chosen = chosen.strip().lower()
    if chosen not in BACKENDS:
        raise ConfigError(
            f"unknown backend {chosen!r}; choose one of: {', '.join(BACKENDS)}",
            setting="ASPIRE_BACKEND",
        )

    values: dict[str, Any] = {"backend": chosen, "backend_reason": reason}
    if chosen == "openai":
        if not base_url and not api_key:
            raise ConfigError(
                "the openai backend needs OPENAI_API_KEY (for api.openai.com) or "
                "OPENAI_BASE_URL (for a compatible server such as llama.cpp, vLLM or Ollama)",
                setting="OPENAI_API_KEY",
            )
        values["model"] = model or env_str("ASPIRE_MODEL") or DEFAULT_OPENAI_MODEL
        values["base_url"] = base_url
        values["api_key"] = SecretStr(api_key) if api_key else None
    else:
        from .embedded_model import embedded_model, is_embedded_name, preferred_embedded

        # --model names an embedded model ("qwen2.5-coder-1.5b", "1.5b") or a GGUF file; an
        # option beats ASPIRE_LOCAL_MODEL, which beats ASPIRE_EMBEDDED_MODEL.
        named = model if model is not None and is_embedded_name(model) else None
        path = local_model_path or (None if named else model) or (None if named else env_str("ASPIRE_LOCAL_MODEL"))
        if path is not None:
            values["local_model_path"] = Path(path).expanduser()
        elif named is not None:
            values["embedded_model"] = embedded_model(named).name
            values["embedded_model_reason"] = "chosen with --model"
        elif (wanted := env_str("ASPIRE_EMBEDDED_MODEL")) is not None:
            if not is_embedded_name(wanted):
                raise ConfigError(
                    f"unknown embedded model {wanted!r}; choose one of: qwen2.5-coder-0.5b, qwen2.5-coder-1.5b",
                    setting="ASPIRE_EMBEDDED_MODEL",
                )
            values["embedded_model"] = embedded_model(wanted).name
            values["embedded_model_reason"] = "ASPIRE_EMBEDDED_MODEL is set"
        else:
            preferred, why = preferred_embedded()
            values["embedded_model"] = preferred.name
            values["embedded_model_reason"] = why

    numeric: list[tuple[str, str, Any, Callable[[str], Any], str]] = [
        ("max_attempts", "ASPIRE_MAX_ATTEMPTS", max_attempts, int, "a whole number"),
        ("max_tokens", "ASPIRE_MAX_TOKENS", max_tokens, int, "a whole number"),
        ("temperature", "ASPIRE_TEMPERATURE", temperature, float, "a number"),
        ("seed", "ASPIRE_SEED", seed, int, "a whole number"),
        ("timeout_s", "ASPIRE_TIMEOUT", timeout_s, float, "a number of seconds"),
        ("max_retries", "ASPIRE_MAX_RETRIES", max_retries, int, "a whole number"),
        ("deadline_s", "ASPIRE_DEADLINE", deadline_s, float, "a number of seconds"),
        ("n_ctx", "ASPIRE_N_CTX", None, int, "a whole number"),
        ("n_threads", "ASPIRE_THREADS", None, int, "a whole number"),
    ]
    for field, env_name, explicit, convert, kind in numeric:
        if explicit is not None:
            values[field] = explicit
        elif (raw := env_str(env_name)) is not None:
            values[field] = _parse(env_name, raw, convert, kind)

    if (constraint := env_str("ASPIRE_CONSTRAINT")) is not None:
        if constraint.lower() not in CONSTRAINTS:
            raise ConfigError(
                f"unknown constraint engine {constraint!r}; choose one of: {', '.join(CONSTRAINTS)}",
                setting="ASPIRE_CONSTRAINT",
            )
        values["constraint"] = constraint.lower()

    repair = repair or env_str("ASPIRE_REPAIR")
    if repair is not None:
        if repair.strip().lower() not in REPAIR_MODES:
            raise ConfigError(
                f"unknown repair mode {repair!r}; choose one of: {', '.join(REPAIR_MODES)}", setting="ASPIRE_REPAIR"
            )
        values["repair"] = repair.strip().lower()

    method = method or env_str("ASPIRE_METHOD")
    if method is not None:
        if method.strip().lower() not in METHODS:
            raise ConfigError(
                f"unknown method {method!r}; choose one of: {', '.join(METHODS)}", setting="ASPIRE_METHOD"
            )
        values["method"] = method.strip().lower()

    if values.get("seed") == 0:
        raise ConfigError("the seed must be non-zero: llama.cpp treats 0 as 'random'", setting="ASPIRE_SEED")

    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "settings"
        raise ConfigError(f"invalid setting {field}: {first['msg']}", setting=field) from None
