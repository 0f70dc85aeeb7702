"""The fixed prompt's state kept on disk across processes (issue 14, cold start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aspire.backends import prefix_state

from .conftest import EXAMPLE_RESUMES

MARK = 7  # the token a fake tokenizer gives "<|im_start|>"


class FakeTokenizer:
    def tokenize(self, text: bytes, add_bos: bool = False, special: bool = False) -> list[int]:
        return [MARK] if text == b"<|im_start|>" and special else [1, 2]


def test_the_fixed_prefix_is_the_whole_blocks_before_the_candidate_s_turn():
    prompt = [0] * 500
    for start in (0, 100, 250, 400):  # system, example question, example answer, the candidate
        prompt[start] = MARK
    assert prefix_state.fixed_prefix(FakeTokenizer(), prompt, 3, 64) == 384  # 400 // 64 * 64
    assert prefix_state.fixed_prefix(FakeTokenizer(), prompt, 2, 64) == 192
    assert prefix_state.fixed_prefix(FakeTokenizer(), prompt, 0, 64) == 0  # nothing declared fixed
    assert prefix_state.fixed_prefix(FakeTokenizer(), prompt, 4, 64) == 0  # fewer turns than that


def test_the_key_moves_with_the_model_and_the_fixed_messages():
    system = [{"role": "system", "content": "You are a career coach."}]
    key = prefix_state.state_key("model-a", system)
    assert key == prefix_state.state_key("model-a", list(system))
    assert key != prefix_state.state_key("model-b", system)
    assert key != prefix_state.state_key("model-a", [{"role": "system", "content": "You are a coach."}])


@pytest.mark.parametrize("content", [b"", b"not a header", b'{"format": 1, "sha256": "00"}\nbody', b"\xff\n\x00"])
def test_a_damaged_state_is_deleted_and_never_loaded(tmp_path, content):
    path = tmp_path / "state.bin"
    path.write_bytes(content)
    assert prefix_state.load(object(), path) == 0  # the model is never touched
    assert not path.exists()


@pytest.mark.slow
def test_a_new_process_loads_the_saved_prompt_and_drafts_the_same(tmp_path):
    """Two processes draft the same input: the second loads the first one's prompt state,
    and its draft is the same, byte for byte. The state holds no word of the candidate's."""
    from aspire.embedded_model import ensure_embedded_model

    cache = tmp_path / "cache"
    (cache / "models").mkdir(parents=True)
    model = ensure_embedded_model()
    (cache / "models" / model.name).symlink_to(model)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_"))}
    env |= {"ASPIRE_CACHE_DIR": str(cache)}
    resume = EXAMPLE_RESUMES / "retail_store_manager.md"
    args = ["draft", "--resume", str(resume), "--company", "Target", "--role", "Store Manager"]
    argv = [sys.executable, "-m", "aspire", *args, "--json", "--max-attempts", "1", "--no-cache"]
    first = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    saved = list((cache / "prompt-state").glob("*.bin"))
    assert len(saved) == 1
    second = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["answer"] == json.loads(first.stdout)["answer"]
    assert json.loads(second.stdout)["plan"] == json.loads(first.stdout)["plan"]

    from llama_cpp import Llama

    header, body = saved[0].read_bytes().split(b"\n", 1)
    meta = json.loads(header)
    import numpy as np

    tokens = np.frombuffer(body[: meta["token_bytes"]], dtype=np.intc).tolist()
    llama = Llama(model_path=str(model), vocab_only=True, verbose=False)
    text = llama.detokenize(tokens).decode("utf-8", errors="replace")
    assert "career coach" in text and meta["n_tokens"] % 64 == 0
    distinctive = max(Path(resume).read_text().splitlines(), key=len).strip("-* ")[:40]
    assert distinctive not in text and "Target company: Target" not in text


class FakeVocab:
    def n_vocab(self) -> int:
        return 300

    def detokenize(self, tokens: list[int]) -> bytes:
        return bytes([tokens[0] % 256])


def test_the_non_latin_token_list_is_kept_and_a_bad_copy_found_again(tmp_path, monkeypatch):
    from aspire.backends import local

    monkeypatch.setenv("ASPIRE_CACHE_DIR", str(tmp_path / "cache"))
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    found = local._cached_non_latin_tokens(FakeVocab(), model)
    assert found.tolist() == local._non_latin_tokens(FakeVocab()).tolist() and len(found) > 0
    [saved] = (tmp_path / "cache" / "prompt-state").glob("non-latin-*.npy")

    def never(llama):
        raise AssertionError("found again instead of read")

    monkeypatch.setattr(local, "_non_latin_tokens", never)
    assert local._cached_non_latin_tokens(FakeVocab(), model).tolist() == found.tolist()
    saved.write_bytes(b"not an array")
    monkeypatch.undo()
    monkeypatch.setenv("ASPIRE_CACHE_DIR", str(tmp_path / "cache"))
    assert local._cached_non_latin_tokens(FakeVocab(), model).tolist() == found.tolist()


def test_the_token_pieces_are_kept_and_a_bad_copy_read_again(tmp_path, monkeypatch):
    from aspire.backends import guidance

    pieces = [b"a", b"", b"\xff<|im_end|>", "é".encode(), b"\x00\xff"]
    monkeypatch.setenv("ASPIRE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(guidance, "_pieces", lambda vocab, n_vocab: list(pieces))
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    assert guidance._cached_pieces(None, len(pieces), model) == pieces
    [saved] = (tmp_path / "cache" / "prompt-state").glob("token-pieces-*.npz")

    def never(vocab, n_vocab):
        raise AssertionError("read from the model instead of the saved copy")

    monkeypatch.setattr(guidance, "_pieces", never)
    assert guidance._cached_pieces(None, len(pieces), model) == pieces
    # Another vocabulary size, or a damaged file: read from the model again, and saved anew.
    monkeypatch.setattr(guidance, "_pieces", lambda vocab, n_vocab: [b"x"] * n_vocab)
    assert guidance._cached_pieces(None, 3, model) == [b"x"] * 3
    saved.write_bytes(b"PK\x03\x04 not a zip")
    assert guidance._cached_pieces(None, len(pieces), model) == [b"x"] * len(pieces)
    monkeypatch.setattr(guidance, "_pieces", never)
    assert guidance._cached_pieces(None, len(pieces), model) == [b"x"] * len(pieces)


@pytest.mark.slow
def test_the_tokenizer_from_saved_pieces_is_llguidances_own(tmp_path, monkeypatch):
    import warnings

    import llama_cpp
    from llguidance.llamacpp import lltokenizer_from_vocab

    from aspire.backends.guidance import Guidance
    from aspire.embedded_model import QWEN_05B, ensure_embedded_model

    model = ensure_embedded_model(model=QWEN_05B)
    monkeypatch.setenv("ASPIRE_CACHE_DIR", str(tmp_path))
    llama = llama_cpp.Llama(str(model), vocab_only=True, verbose=False)
    vocab = llama_cpp.llama_model_get_vocab(llama.model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        theirs = lltokenizer_from_vocab(vocab, n_vocab=llama.n_vocab())
    Guidance(llama, model)  # reads the model and saves the pieces
    ours = Guidance(llama, model).tokenizer  # from the saved pieces
    assert ours.vocab_size == theirs.vocab_size
    for token in range(theirs.vocab_size):
        assert ours.decode_bytes([token]) == theirs.decode_bytes([token]), token
        assert ours.is_special_token(token) == theirs.is_special_token(token), token
    said = "I want to lead a café team, 成为 nurse."
    assert ours.tokenize_str(said) == theirs.tokenize_str(said)
