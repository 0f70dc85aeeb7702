"""JSON-schema constrained decoding with llguidance, as a llama-cpp-python logits processor.

llama-cpp-python's own grammar sampler halves decode speed on 2 cores and its
schema converter fails on ``maxLength``; llguidance computes the set of allowed
tokens from the schema in well under a millisecond and handles both. The
tokenizer it needs takes about 1.5 s to build, so it is built once per model.
"""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from typing import Any

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

    def __init__(self, llama: Any) -> None:
        import llama_cpp
        from llguidance.llamacpp import lltokenizer_from_vocab

        vocab = llama_cpp.llama_model_get_vocab(llama.model)
        stops = sorted({llama.token_eos(), *llama.tokenize(b"<|im_end|>", add_bos=False, special=True)})
        self.n_vocab = llama.n_vocab()
        with warnings.catch_warnings():
            # The bridge calls llama_token_get_attr, deprecated in llama-cpp-python 0.3.36,
            # once per token: 151,936 warnings that say nothing to a user.
            warnings.simplefilter("ignore", DeprecationWarning)
            self.tokenizer = lltokenizer_from_vocab(vocab, n_vocab=self.n_vocab, eos_token=stops)

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
