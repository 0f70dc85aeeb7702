"""JSON-schema constrained decoding with llguidance, as a llama-cpp-python logits processor.

llama-cpp-python's own grammar sampler halves decode speed on 2 cores and its
schema converter fails on ``maxLength``; llguidance computes the set of allowed
tokens from the schema in well under a millisecond and handles both. The
tokenizer it needs takes about 1.5 s to build, so it is built once per model.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import json
import warnings
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..files import atomic_write_bytes

# The JSON is written exactly as the worked examples in the prompt are (json.dumps'
# ", " and ": "), and with no other whitespace: forced into compact JSON unlike its
# examples, the 0.5B model wrote worse drafts; free whitespace costs tokens.
COMPILE_OPTIONS: dict[str, Any] = {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}


def available() -> bool:
    try:
        import llguidance
        import llguidance.llamacpp  # noqa: F401
    except ImportError:
        return False
    return True


def _closed(node: Any) -> Any:
    """The schema read as llama.cpp's grammar converter reads it: every object holds
    its declared fields only, in order, and a fixed list of ``prefixItems`` (the goal
    ladder) is written whole. llguidance, following JSON Schema, would otherwise
    allow extra fields and stop the ladder after any rung, even before the first."""
    if isinstance(node, dict):
        closed = {key: _closed(value) for key, value in node.items()}
        if closed.get("type") == "object" and "additionalProperties" not in closed:
            closed["additionalProperties"] = False
        if "prefixItems" in closed and closed.get("items") is False and "minItems" not in closed:
            closed["minItems"] = len(closed["prefixItems"])
        return closed
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


@lru_cache(maxsize=32)  # schemas differ per candidate; bound a long-lived process
def _grammar(schema_json: str) -> str:
    from llguidance import LLMatcher

    options: Any = COMPILE_OPTIONS
    return str(LLMatcher.grammar_from_json_schema(_closed(json.loads(schema_json)), defaults=options))


class Guidance:
    """One model's llguidance tokenizer; hands out a fresh matcher per request."""

    def __init__(self, llama: Any, path: Path | None = None) -> None:
        import llama_cpp
        from llguidance import LLTokenizer

        vocab = llama_cpp.llama_model_get_vocab(llama.model)
        stops = sorted({llama.token_eos(), *llama.tokenize(b"<|im_end|>", add_bos=False, special=True)})
        self.n_vocab = llama.n_vocab()
        pieces = _cached_pieces(vocab, self.n_vocab, path)
        tokenize = ctypes.cast(llama_cpp.llama_cpp._lib.llama_tokenize, ctypes.c_void_p).value
        self.tokenizer = LLTokenizer.from_llamacpp(  # type: ignore[attr-defined]
            tokens=pieces, vocab_ptr=vocab, tokenize_fptr=tokenize, eos_token=stops, slices=None
        )

    def processor(self, schema: dict[str, Any], bias: Any = None) -> tuple[Any, Any]:
        """A logits processor that allows only tokens continuing valid JSON for ``schema``,
        then adds ``bias`` (a vector over the vocabulary) if given; and its matcher."""
        import numpy as np
        from llama_cpp import LogitsProcessorList
        from llguidance import LLMatcher

        grammar = _grammar(json.dumps(schema))
        matcher = LLMatcher(self.tokenizer, grammar, log_level=0)
        if matcher.is_error():
            raise ValueError(f"llguidance rejected the schema: {matcher.get_error()}")
        seen: list[int] = []  # input length at the previous call: the prompt, then each token

        def constrain(input_ids: Any, scores: Any) -> Any:
            if seen:
                matcher.consume_tokens([int(t) for t in input_ids[seen[-1] :]])
            seen.append(len(input_ids))
            if matcher.is_error() or scores.shape[0] != self.n_vocab:
                return scores
            mask = np.frombuffer(matcher.compute_bitmask(), dtype=np.uint8)
            allowed = np.unpackbits(mask, bitorder="little")[: self.n_vocab].astype(bool)
            constrained = np.where(allowed, scores, -np.inf).astype(np.single)
            return constrained if bias is None else constrained + bias

        return LogitsProcessorList([constrain]), matcher


# A piece longer than any real token: llama.cpp reports how much it wrote, never more.
_PIECE_BUFFER = 16 * 1024


def _pieces(vocab: Any, n_vocab: int) -> list[bytes]:
    """Each token's bytes as llguidance's own llama.cpp bridge reads them (control tokens and
    user-defined ones written like them marked with a leading 0xff), padded to ``n_vocab``."""
    import llama_cpp

    buffer = ctypes.create_string_buffer(_PIECE_BUFFER + 1)
    pieces: list[bytes] = []
    with warnings.catch_warnings():
        # llama_token_get_attr is deprecated in llama-cpp-python 0.3.36: 151,936 warnings
        # that say nothing to a user.
        warnings.simplefilter("ignore", DeprecationWarning)
        for token in range(llama_cpp.llama_vocab_n_tokens(vocab)):
            written = llama_cpp.llama_token_to_piece(vocab, token, buffer, _PIECE_BUFFER, 0, True)
            if written < 0:
                raise ValueError(f"token {token} is longer than {_PIECE_BUFFER} bytes")
            piece = ctypes.string_at(buffer, written)
            attr = llama_cpp.llama_token_get_attr(vocab, token)
            if attr & llama_cpp.LLAMA_TOKEN_ATTR_CONTROL or (
                attr & llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED and piece.startswith(b"<") and piece.endswith(b">")
            ):
                piece = b"\xff" + piece
            pieces.append(piece)
    return pieces + [b""] * (n_vocab - len(pieces))


def _cached_pieces(vocab: Any, n_vocab: int, path: Path | None) -> list[bytes]:
    """:func:`_pieces`, kept beside the prompt state as lengths and bytes (no pickle); a file
    that does not add up is read again from the model and written anew."""
    import numpy as np

    if path is None:
        return _pieces(vocab, n_vocab)
    from .local import model_file_key
    from .prefix_state import state_dir

    cached = state_dir() / f"token-pieces-{model_file_key(path)}.npz"
    try:
        with np.load(cached, allow_pickle=False) as saved:
            lengths, joined = saved["lengths"], saved["bytes"].tobytes()
        if lengths.ndim == 1 and lengths.size == n_vocab and int(lengths.sum()) == len(joined) and lengths.min() >= 0:
            ends = np.cumsum(lengths).tolist()
            return [joined[end - length : end] for end, length in zip(ends, lengths.tolist(), strict=True)]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        pass
    pieces = _pieces(vocab, n_vocab)
    buffer = io.BytesIO()
    lengths = np.array([len(p) for p in pieces], dtype=np.int64)
    np.savez(buffer, lengths=lengths, bytes=np.frombuffer(b"".join(pieces), dtype=np.uint8))
    with contextlib.suppress(OSError):  # a read-only cache costs a third of a second, never a draft
        atomic_write_bytes(cached, buffer.getvalue())
    return pieces
