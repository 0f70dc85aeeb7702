"""Embedded backend: llama-cpp-python in this process, JSON constrained by a grammar."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import hashlib
import io
import json
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..config import Constraint
from ..embedded_model import EmbeddedModel, check_user_model, ensure_embedded_model
from ..errors import BackendError, ContextOverflowError, DeadlineError, ModelFileError
from ..files import atomic_write_bytes
from .base import ChatRequest, Completion, StreamItem, iterate_in_thread
from .cpu import model_params_for_this_cpu

logger = logging.getLogger("aspire")


@dataclass
class _LoadedModel:
    llama: Any
    # A Llama instance is not thread-safe: every call on it holds this lock.
    lock: threading.Lock
    # Tokens holding a byte of a non-Latin script; found once per model (0.3 s).
    non_latin_tokens: Any = None
    # llguidance's tokenizer for this model; built once (0.5 s, with its token list on disk).
    guidance_engine: Any = None
    # Fixed prompts (by state key) this process has looked up on disk or saved there.
    prefixes_seen: set[str] = field(default_factory=set)
    # The model file, as the token list's cache knows it.
    path: Path | None = None

    def non_latin(self) -> Any:
        if self.non_latin_tokens is None:
            self.non_latin_tokens = _cached_non_latin_tokens(self.llama, self.path)
        return self.non_latin_tokens

    def guidance(self) -> Any:
        if self.guidance_engine is None:
            from .guidance import Guidance

            self.guidance_engine = Guidance(self.llama, self.path)
        return self.guidance_engine


# The only process-wide state: loaded models, keyed by file and load options,
# so every backend object (and every thread) shares one copy of the weights.
_MODELS: dict[tuple[str, int, int], _LoadedModel] = {}
_MODELS_LOCK = threading.Lock()


@atexit.register
def _close_models() -> None:
    # Freed at interpreter shutdown, llama-cpp-python's finaliser can run after
    # its C bindings are torn down and print a spurious traceback; close first.
    with _MODELS_LOCK:
        for loaded in _MODELS.values():
            with loaded.lock:
                loaded.llama.close()
        _MODELS.clear()


# llama.cpp's arithmetic depends on the shape of each batch it reads: a prompt
# read whole, and the same prompt's tail read after a prefix another request
# left in the cache, give logits that differ in their last bits (0.22 at most
# on one logit, measured), and now and then another sampled token. So every
# prompt is read in blocks at fixed positions (0, 64, 128, ...), and a request
# keeps only cached blocks that an earlier prompt read whole with the same
# tokens: what a request computes depends on its own tokens alone. Blocks of
# 64 read a prompt as fast as llama.cpp's default 512 on 2 cores (254 against
# 256 tokens/s) and waste less of a shared prefix: at most 63 tokens read again.
PROMPT_BLOCK = 64


def reusable_prefix(cached: Any, whole_blocks: int, prompt: Sequence[int], block: int) -> int:
    """How many leading tokens of the model's cache (``cached``, an array or a
    list of token ids) ``prompt`` may keep.

    Only whole blocks that an earlier prompt read as whole blocks (the first
    ``whole_blocks`` tokens of ``cached``), with the same tokens, and never the
    block holding the prompt's last token: its logits choose the first token of
    the reply, so it is always read again, in the same shape.
    """
    import numpy as np

    limit = min(whole_blocks, len(cached), (len(prompt) - 1) // block * block)
    if limit <= 0:
        return 0
    differ = np.flatnonzero(np.asarray(cached[:limit]) != np.asarray(prompt[:limit]))
    same = int(differ[0]) if differ.size else limit
    return same // block * block


@cache
def _block_aligned_llama() -> type:
    """llama_cpp.Llama, reading every prompt in blocks of ``n_batch`` at fixed positions."""
    from llama_cpp import Llama

    class BlockAlignedLlama(Llama):
        # The cache's leading tokens that the last prompt read as whole blocks.
        whole_blocks = 0
        # The last prompt's tokens, to find its fixed prefix afterwards.
        last_prompt: Sequence[int] = ()

        def generate(
            self, tokens: Sequence[int], *args: Any, **kwargs: Any
        ) -> Generator[int, Sequence[int] | None, None]:
            tokens = list(tokens)
            # Cut the cache back to a block boundary: Llama.generate then keeps that
            # prefix and reads the rest from there, n_batch tokens at a time.
            self.n_tokens = reusable_prefix(self.input_ids[: self.n_tokens], self.whole_blocks, tokens, self.n_batch)
            self.whole_blocks = len(tokens) // self.n_batch * self.n_batch
            self.last_prompt = tokens
            return (yield from super().generate(tokens, *args, **kwargs))

    return BlockAlignedLlama


def _load(path: Path, n_ctx: int, n_threads: int) -> _LoadedModel:
    key = (str(path.resolve()), n_ctx, n_threads)
    with _MODELS_LOCK:
        if key not in _MODELS:
            try:
                llama_class = _block_aligned_llama()
            except ImportError as exc:  # pragma: no cover - a broken install
                raise BackendError(
                    f"llama-cpp-python is not importable ({exc}); reinstall aspire",
                    backend="local",
                ) from None
            try:
                with model_params_for_this_cpu():
                    llama = llama_class(
                        model_path=str(path),
                        n_ctx=n_ctx,
                        n_threads=n_threads,
                        n_threads_batch=n_threads,
                        n_batch=PROMPT_BLOCK,
                        verbose=False,
                    )
            except (ValueError, RuntimeError) as exc:
                raise ModelFileError(f"llama.cpp could not load {path}: {exc}", path=str(path)) from None
            _MODELS[key] = _LoadedModel(llama=llama, lock=threading.Lock(), path=path)
        return _MODELS[key]


# Over the last 64 tokens: enough to stop a 0.5B model saying the same
# sentence again and again until max_tokens, not enough to garble its JSON.
REPEAT_PENALTY = 1.1

# Strong enough that the model picks its own words, not a ban: a word the
# candidate truly needs can still win when nothing else fits.
AVOID_BIAS = -8.0


# Lead bytes of UTF-8 characters outside the Latin script and its punctuation:
# Greek to Arabic (0xCE-0xDF), Indic to Georgian (0xE0-0xE1), CJK, Hangul and
# full-width forms (0xE3-0xEF), emoji and beyond (0xF0-). 0xC2-0xCD (accented
# Latin letters) and 0xE2 (dashes, curly quotes) stay allowed. Bytes, not
# decoded text, because a byte-level BPE token may hold part of a character.
_NON_LATIN_LEAD_BYTES = frozenset([*range(0xCE, 0xE2), *range(0xE3, 0x100)])

# Qwen models drift into Chinese mid-sentence ("to成为一名护士"); for a candidate
# who writes in a Latin script those tokens are never what they meant.
NON_LATIN_BIAS = -100.0


def _non_latin_tokens(llama: Any) -> Any:
    import numpy as np

    return np.array(
        [token for token in range(llama.n_vocab()) if not _NON_LATIN_LEAD_BYTES.isdisjoint(llama.detokenize([token]))],
        dtype=np.intc,
    )


def model_file_key(path: Path) -> str:
    """A model file's identity for what is cached beside the prompt state: its place, size and time."""
    stat = path.stat()
    return hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:24]


def _cached_non_latin_tokens(llama: Any, path: Path | None) -> Any:
    """:func:`_non_latin_tokens`, kept beside the prompt state: a new process spends 0.25 s
    finding them, an eighth of what it spends before its first token."""
    import numpy as np

    if path is None:
        return _non_latin_tokens(llama)
    from .prefix_state import state_dir

    cached = state_dir() / f"non-latin-{model_file_key(path)}.npy"
    try:
        tokens = np.load(cached, allow_pickle=False)
        if (
            tokens.dtype == np.intc
            and tokens.ndim == 1
            and (tokens.size == 0 or 0 <= tokens.min() <= tokens.max() < llama.n_vocab())
        ):
            return tokens
    except (OSError, ValueError):
        pass
    tokens = _non_latin_tokens(llama)
    buffer = io.BytesIO()
    np.save(buffer, tokens, allow_pickle=False)
    with contextlib.suppress(OSError):  # a read-only cache costs a quarter second, never a draft
        atomic_write_bytes(cached, buffer.getvalue())
    return tokens


def _bias_processor(bias: Any) -> Any:
    """A logits processor adding one precomputed vector: llama-cpp-python's own
    ``logit_bias`` loops over the dict in Python for every token generated."""
    from llama_cpp import LogitsProcessorList

    def add_bias(input_ids: Any, scores: Any) -> Any:
        return scores + bias if scores.shape == bias.shape else scores

    return LogitsProcessorList([add_bias])


def _word_bias(llama: Any, avoid_words: tuple[str, ...]) -> dict[int, float]:
    """Logit bias against each word's first token, mid-sentence.

    A plain word is biased only where one token spells all of it (" nurses"),
    in lower case and capitalised, so no shared piece suffers; a name
    ("BrightGrid") is biased on its first piece, capitalised only.
    """
    bias: dict[int, float] = {}
    for word in avoid_words:
        is_name = word[:1].isupper()
        for form in [f" {word}"] if is_name else [f" {word}", f" {word.capitalize()}"]:
            tokens = llama.tokenize(form.encode(), add_bos=False, special=False)
            if not tokens:
                continue
            piece = llama.detokenize(tokens[:1]).decode("utf-8", errors="ignore").strip()
            if (is_name and len(piece) >= 4) or piece.lower() == word.lower():
                bias[tokens[0]] = AVOID_BIAS
    return bias


def _chosen_embedded() -> EmbeddedModel:
    from ..config import resolve_settings
    from ..embedded_model import embedded_model

    return embedded_model(resolve_settings(backend="local").embedded_model)


def default_constraint() -> Constraint:
    from .guidance import available

    return "llguidance" if available() else "grammar"


# Schemas differ per candidate (the company and resume lines are in them).
MAX_CACHED_GRAMMARS = 32


# Chat markup around each message (Qwen: "<|im_start|>role\n" ... "<|im_end|>\n").
MESSAGE_OVERHEAD_TOKENS = 8


def _check_fits(llama: Any, request: ChatRequest, n_ctx: int) -> int:
    """Refuse, before generating anything, a prompt that leaves no room for the reply.

    llama-cpp-python would otherwise shrink ``max_tokens`` to what is left and
    every attempt would stop mid-JSON, or fail on a prompt over the context.
    """
    prompt = sum(
        len(llama.tokenize(m["content"].encode(), add_bos=False, special=False)) + MESSAGE_OVERHEAD_TOKENS
        for m in request.messages
    )
    if prompt + request.max_tokens > n_ctx:
        raise ContextOverflowError(
            f"the prompt is about {prompt:,} tokens and the reply may need {request.max_tokens:,}, more than "
            f"the model's context of {n_ctx:,} tokens; shorten the resume or job description, "
            "or raise ASPIRE_N_CTX",
            prompt_tokens=prompt,
            max_tokens=request.max_tokens,
            context_tokens=n_ctx,
        )
    return prompt


class LocalBackend:
    """Runs a GGUF model in process; by default the verified embedded model.

    Loading is lazy (first call) and shared across instances. Calls on one
    model are serialised; ``acomplete`` runs the call in a worker thread so an
    event loop stays responsive.
    """

    name = "local"

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        repeat_penalty: float = REPEAT_PENALTY,
        constraint: Constraint | None = None,
        embedded: EmbeddedModel | None = None,
    ) -> None:
        self._model_path = model_path
        # None: as the settings choose (ASPIRE_EMBEDDED_MODEL, else the default if it is
        # installed, else one that is).
        self._embedded = embedded or _chosen_embedded()
        self.constraint: Constraint = constraint or default_constraint()
        self._repeat_penalty = repeat_penalty
        self._n_ctx = n_ctx
        self._n_threads = n_threads or max(1, os.cpu_count() or 1)
        self._grammars: dict[str, Any] = {}
        self._grammars_lock = threading.Lock()

    @property
    def model(self) -> str:
        if self._model_path is None:
            return self._embedded.model_name
        return self._model_path.stem

    @property
    def cache_identity(self) -> str:
        """What distinguishes this model's outputs: the verified hash, or the file's size and mtime."""
        # The constraint engine samples differently, and the prompt's block size changes
        # llama.cpp's arithmetic: both are part of the identity.
        how = f"{self.constraint}|blocks:{PROMPT_BLOCK}"
        if self._model_path is None:
            return f"{self._embedded.model_name}@sha256:{self._embedded.sha256}|{how}"
        try:
            stat = self._model_path.stat()
        except OSError:
            return f"{self._model_path}|{how}"
        return f"{self._model_path.resolve()}@{stat.st_size}:{stat.st_mtime_ns}|{how}"

    def resolve_model_path(self) -> Path:
        if self._model_path is None:
            return ensure_embedded_model(model=self._embedded)
        return check_user_model(self._model_path)

    def _grammar_for(self, schema: dict[str, Any]) -> Any:
        from llama_cpp.llama_grammar import LlamaGrammar

        key = json.dumps(schema, sort_keys=True)
        with self._grammars_lock:
            if key not in self._grammars:
                if len(self._grammars) >= MAX_CACHED_GRAMMARS:  # one per profile: bound a long-lived process
                    self._grammars.clear()
                # The grammar keeps the schema's property order (sorted keys would make the
                # model write its answer before its plan, and a goal's support before the goal).
                self._grammars[key] = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
            return self._grammars[key]

    def _bias(self, loaded: _LoadedModel, request: ChatRequest) -> Any:
        """The request's logit bias as one vector over the vocabulary, or None."""
        import numpy as np

        words = _word_bias(loaded.llama, request.avoid_words)
        if not words and not request.latin_only:
            return None
        bias = np.zeros(loaded.llama.n_vocab(), dtype=np.single)
        if request.latin_only:
            bias[loaded.non_latin()] = NON_LATIN_BIAS
        for token, value in words.items():
            bias[token] += value
        return bias

    def _sampling(self, loaded: _LoadedModel, request: ChatRequest) -> dict[str, Any]:
        """The create_chat_completion arguments for ``request``; call with ``loaded.lock`` held."""
        grammar = self._grammar_for(request.schema) if self.constraint == "grammar" else None
        bias = self._bias(loaded, request)
        if grammar is None:
            processors, _ = loaded.guidance().processor(request.schema, bias)
        else:
            processors = None if bias is None else _bias_processor(bias)
        return {
            "messages": request.messages,
            "grammar": grammar,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "seed": request.seed,
            "logits_processor": processors,
            "repeat_penalty": self._repeat_penalty,
        }

    def _loaded(self, request: ChatRequest) -> _LoadedModel:
        if request.deadline is not None and time.monotonic() >= request.deadline:
            raise DeadlineError("the draft's time limit ran out before the next attempt", backend=self.name)
        return _load(self.resolve_model_path(), self._n_ctx, self._n_threads)

    def _prefix_file(self, request: ChatRequest) -> Path | None:
        """Where the state of this request's fixed messages is kept, or None if it has none."""
        if request.fixed_messages <= 0:
            return None
        from .prefix_state import state_dir, state_key

        identity = f"{self.cache_identity}|ctx:{self._n_ctx}|threads:{self._n_threads}"
        return state_dir() / f"{state_key(identity, request.messages[: request.fixed_messages])}.bin"

    def _restore_prefix(self, loaded: _LoadedModel, path: Path | None) -> None:
        """Load the fixed messages' saved state, the first time this process sees them."""
        if path is None or path.name in loaded.prefixes_seen:
            return
        from .prefix_state import load

        if load(loaded.llama, path):
            loaded.prefixes_seen.add(path.name)

    def _keep_prefix(self, loaded: _LoadedModel, request: ChatRequest, path: Path | None) -> None:
        """Save the fixed messages' state after the first request that read them."""
        if path is None or path.name in loaded.prefixes_seen:
            return
        from .prefix_state import fixed_prefix, save

        loaded.prefixes_seen.add(path.name)
        n_tokens = fixed_prefix(loaded.llama, list(loaded.llama.last_prompt), request.fixed_messages, PROMPT_BLOCK)
        if n_tokens:
            try:
                save(loaded.llama, path, n_tokens)
            except OSError as exc:  # a read-only cache costs speed, never a draft
                logger.info("could not save the prompt state (%s); the next process reads the prompt", exc)

    def complete(self, request: ChatRequest) -> Completion:
        loaded = self._loaded(request)
        with loaded.lock:
            _check_fits(loaded.llama, request, self._n_ctx)
            prefix = self._prefix_file(request)
            self._restore_prefix(loaded, prefix)
            try:
                result = loaded.llama.create_chat_completion(**self._sampling(loaded, request))
            except ValueError as exc:
                # llama-cpp-python raises ValueError when the prompt exceeds n_ctx.
                raise BackendError(f"the local model refused the request: {exc}", backend="local") from None
            self._keep_prefix(loaded, request, prefix)
        choice = result["choices"][0]
        usage = result.get("usage") or {}
        return Completion(
            text=choice["message"].get("content") or "",
            finish_reason=choice.get("finish_reason"),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            model=self.model,
        )

    def stream(self, request: ChatRequest) -> Iterator[StreamItem]:
        """The reply's text as it is generated, then the whole :class:`Completion`.

        The model stays locked until the stream ends or is closed.
        """
        loaded = self._loaded(request)
        pieces: list[str] = []
        finish_reason = None
        with loaded.lock:
            prompt_tokens = _check_fits(loaded.llama, request, self._n_ctx)
            prefix = self._prefix_file(request)
            self._restore_prefix(loaded, prefix)
            try:
                chunks = loaded.llama.create_chat_completion(**self._sampling(loaded, request), stream=True)
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    finish_reason = choice.get("finish_reason") or finish_reason
                    delta = choice.get("delta", {}).get("content") or ""
                    if delta:
                        pieces.append(delta)
                        yield delta
            except ValueError as exc:
                raise BackendError(f"the local model refused the request: {exc}", backend="local") from None
            self._keep_prefix(loaded, request, prefix)
        yield Completion(
            text="".join(pieces),
            finish_reason=finish_reason,
            prompt_tokens=prompt_tokens,
            # One chunk a token: llama-cpp-python streams token by token.
            completion_tokens=len(pieces),
            model=self.model,
        )

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamItem]:
        async for item in iterate_in_thread(lambda: self.stream(request)):
            yield item

    async def acomplete(self, request: ChatRequest) -> Completion:
        return await asyncio.to_thread(self.complete, request)
