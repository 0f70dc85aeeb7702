"""Which cached tokens a prompt may keep (the local backend's block rule), without a model.

tests/test_determinism.py checks the outcome on the real model: the same reply and
the same logits bit for bit, whatever ran before.
"""

from __future__ import annotations

import numpy as np

from aspire.backends.local import reusable_prefix

BLOCK = 64


def tokens(count: int, start: int = 0) -> list[int]:
    return list(range(start, start + count))


def test_an_empty_cache_keeps_nothing():
    assert reusable_prefix([], 0, tokens(300), BLOCK) == 0


def test_a_shared_prefix_is_kept_down_to_a_whole_block():
    earlier, later = tokens(300), tokens(100) + tokens(200, start=5000)
    assert reusable_prefix(earlier, 256, later, BLOCK) == 64


def test_the_same_prompt_again_reads_its_last_block_again():
    prompt = tokens(200)
    cached = prompt + tokens(30, start=9000)  # and the reply generated after it
    assert reusable_prefix(cached, 192, prompt, BLOCK) == 192
    # Ending on a block boundary, the last whole block is read again: its logits pick the first token.
    assert reusable_prefix(tokens(128), 128, tokens(128), BLOCK) == 64


def test_tokens_not_read_as_whole_blocks_of_a_prompt_are_not_kept():
    """A conversation's next prompt holds the earlier reply, which was read one token at a time."""
    first_prompt, reply = tokens(100), tokens(60, start=7000)
    next_prompt = first_prompt + reply + tokens(40, start=8000)
    assert reusable_prefix(first_prompt + reply, 64, next_prompt, BLOCK) == 64


def test_a_cache_cut_short_keeps_only_what_it_still_holds():
    prompt = tokens(400)
    assert reusable_prefix(prompt[:130], 384, prompt, BLOCK) == 128  # n_tokens fell after an error or reset


def test_the_model_cache_is_a_numpy_array():
    prompt = tokens(500)
    cached = np.array([*prompt, 1, 2, 3], dtype=np.intc)
    assert reusable_prefix(cached, 448, prompt, BLOCK) == 448
