"""The fixed prompt's model state on disk, so that a new process skips reading it again.

Every draft opens with the same ~1,700 tokens: the system prompt and the worked
examples. A process reads them once and keeps them in llama.cpp's cache, but a
new process (every CLI draft) read them again, most of a cold draft's extra
time. After a process has read them, the model state of that fixed prefix is
written to the cache folder; the next process loads it instead of reading.

Loading changes nothing in what is computed: the prefix was read in the same
64-token blocks at the same positions as any process reads it (see
``reusable_prefix``), so its cache is the same bytes, and the block holding the
prompt's last token is always read again. Only the fixed messages are saved,
never the candidate's own text: the state is cut back to the last whole block
before the candidate's turn first.

A state file is keyed by the model's identity, the load options, the
llama-cpp-python version and the fixed messages themselves; it carries the
SHA-256 of its body, checked on load. A file that does not match is deleted and
written again by the next request, never loaded.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from ..files import atomic_write_bytes
from .base import Message

logger = logging.getLogger("aspire")

FORMAT = 1
# Saved prompts kept per cache folder (20.5 MB each for the 0.5B model): old
# templates and models leave theirs behind.
KEEP = 6


def state_dir() -> Path:
    """Where saved prompt states (and the token lists kept beside them) live."""
    from ..embedded_model import cache_dir

    return cache_dir() / "prompt-state"


def state_key(identity: str, fixed: list[Message]) -> str:
    import llama_cpp

    text = json.dumps([FORMAT, identity, llama_cpp.__version__, fixed], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def turn_starts(llama: Any, prompt: list[int]) -> list[int]:
    """Where each chat turn opens in the prompt's tokens (ChatML's ``<|im_start|>``)."""
    marks = llama.tokenize(b"<|im_start|>", add_bos=False, special=True)
    if len(marks) != 1:
        return []
    return [i for i, token in enumerate(prompt) if token == marks[0]]


def fixed_prefix(llama: Any, prompt: list[int], fixed_messages: int, block: int) -> int:
    """The whole blocks of ``prompt`` that hold only its first ``fixed_messages`` turns; 0 when unknown."""
    starts = turn_starts(llama, prompt)
    if fixed_messages <= 0 or len(starts) <= fixed_messages:
        return 0
    return starts[fixed_messages] // block * block


def save(llama: Any, path: Path, n_tokens: int) -> None:
    """Cut the model's cache back to ``n_tokens`` and write that state to ``path``."""
    import llama_cpp
    import numpy as np

    # Everything after the fixed prefix (the candidate's turn, the reply) leaves the cache
    # before the state is read, so it can never reach the disk.
    llama._ctx.kv_cache_seq_rm(-1, n_tokens, -1)
    llama.n_tokens = n_tokens
    llama.whole_blocks = min(llama.whole_blocks, n_tokens)
    size = llama_cpp.llama_state_get_size(llama._ctx.ctx)
    buffer = (ctypes.c_uint8 * int(size))()
    written = int(llama_cpp.llama_state_get_data(llama._ctx.ctx, buffer, size))
    tokens = np.asarray(llama.input_ids[:n_tokens], dtype=np.intc).tobytes()
    body = tokens + bytes(buffer)[:written]
    header = {
        "format": FORMAT,
        "n_tokens": n_tokens,
        "token_bytes": len(tokens),
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    atomic_write_bytes(path, json.dumps(header).encode() + b"\n" + body)
    saved = sorted(path.parent.glob("*.bin"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in saved[KEEP:]:
        old.unlink(missing_ok=True)


def load(llama: Any, path: Path) -> int:
    """Load a saved prefix into the model; the number of tokens it holds, or 0 (nothing loaded)."""
    import llama_cpp
    import numpy as np

    try:
        raw = path.read_bytes()
    except OSError:
        return 0
    try:
        head, body = raw.split(b"\n", 1)
        header = json.loads(head)
        if header.get("format") != FORMAT or hashlib.sha256(body).hexdigest() != header["sha256"]:
            raise ValueError("checksum")
        n_tokens, token_bytes = int(header["n_tokens"]), int(header["token_bytes"])
        tokens = np.frombuffer(body[:token_bytes], dtype=np.intc)
        if len(tokens) != n_tokens or n_tokens > llama.n_ctx():
            raise ValueError("size")
    except (ValueError, KeyError, TypeError):
        logger.info("the saved prompt state %s is damaged or stale; reading the prompt instead", path.name)
        path.unlink(missing_ok=True)
        return 0
    state = body[token_bytes:]
    buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
    if int(llama_cpp.llama_state_set_data(llama._ctx.ctx, buffer, len(state))) != len(state):
        path.unlink(missing_ok=True)
        llama.reset()
        return 0
    llama.input_ids[:n_tokens] = tokens
    llama.n_tokens = n_tokens
    llama.whole_blocks = n_tokens
    return n_tokens
