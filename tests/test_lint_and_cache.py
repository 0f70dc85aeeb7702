"""Hand-written plans for `aspire check`, the reply cache's failure modes, the token bias."""

from __future__ import annotations

import json

import pytest

from aspire import InputError, check_answer, parse_plan, text
from aspire.backends import ChatRequest, Completion, FakeBackend
from aspire.backends.cache import CachingBackend
from aspire.backends.local import AVOID_BIAS, _non_latin_tokens, _word_bias


def test_plan_as_a_list_ends_at_the_aspiration():
    plan = parse_plan(["Get hired by Acme", "Learn Acme's tools", "Become Acme's lead designer"])
    assert plan.aspiration == "Become Acme's lead designer"
    assert [g.kind for g in plan.goals] == ["hire", "learn", "promotion"]


def test_plan_as_an_object_or_a_saved_draft():
    data = {"aspiration": "Lead design", "goals": ["Get hired by Acme", {"goal": "Learn", "company_support": "x"}]}
    plan = parse_plan(data)
    assert plan.aspiration == "Lead design" and plan.goals[1].company_support == "x"
    assert parse_plan({"plan": data}).aspiration == "Lead design"


@pytest.mark.parametrize("bad", [[], ["only one"], {"goals": []}, {"goals": [""]}, "text", {"goals": [3]}])
def test_malformed_plans_are_input_errors(bad):
    with pytest.raises(InputError):
        parse_plan(bad)


def test_check_answer_rejects_empty_input():
    with pytest.raises(InputError):
        check_answer("   ", company="Acme")
    with pytest.raises(InputError):
        check_answer("I want to grow.", company=" ")


def _request(seed: int = 1) -> ChatRequest:
    return ChatRequest(messages=[{"role": "user", "content": "hi"}], schema={}, max_tokens=5, temperature=0, seed=seed)


def test_cache_replays_and_survives_a_corrupt_entry(tmp_path):
    inner = FakeBackend(["first", "second"])
    cache = CachingBackend(inner, tmp_path, template_version="t")
    assert cache.complete(_request()).text == "first"
    assert cache.complete(_request()).text == "first" and len(inner.requests) == 1
    # A damaged entry is a miss, never a crash, and is rewritten.
    entry = next(tmp_path.rglob("*.json"))
    entry.write_text("{torn", encoding="utf-8")
    assert cache.complete(_request()).text == "second"
    assert json.loads(entry.read_text())["text"] == "second"
    assert (cache.hits, cache.misses) == (1, 2)


def test_cache_stores_nothing_when_the_backend_fails(tmp_path):
    cache = CachingBackend(FakeBackend([RuntimeError("down")]), tmp_path, template_version="t")
    with pytest.raises(RuntimeError):
        cache.complete(_request())
    assert not list(tmp_path.rglob("*.json"))


class _Vocab:
    """A stand-in for llama.cpp's tokenizer: whole words, or pieces for names."""

    def __init__(self):
        self.pieces = {" nurses": [" nurses"], " Nurses": [" N", "urses"], " BrightGrid": [" Bright", "Grid"]}
        self.ids: dict[str, int] = {}

    def tokenize(self, data: bytes, add_bos: bool, special: bool) -> list[int]:
        return [self.ids.setdefault(p, len(self.ids)) for p in self.pieces.get(data.decode(), [data.decode()])]

    def detokenize(self, tokens: list[int]) -> bytes:
        names = {v: k for k, v in self.ids.items()}
        return "".join(names[t] for t in tokens).encode()


def test_word_bias_targets_whole_words_and_name_pieces():
    vocab = _Vocab()
    bias = _word_bias(vocab, ("nurses", "BrightGrid"))
    biased = {vocab.detokenize([t]).decode() for t in bias}
    assert biased == {" nurses", " Bright"}  # " N" is too short a piece to touch
    assert set(bias.values()) == {AVOID_BIAS}


class _ByteVocab:
    """Byte-level BPE pieces, some of them only part of a UTF-8 character."""

    pieces = (
        b" care",
        "é".encode(),
        b"\xe6\x88",
        "\u2014".encode(),
        "成为".encode(),
        b"\xce",
        "\u201cI".encode(),
        b"!",
    )

    def n_vocab(self) -> int:
        return len(self.pieces)

    def detokenize(self, tokens: list[int]) -> bytes:
        return b"".join(self.pieces[t] for t in tokens)


def test_tokens_of_other_scripts_are_found_by_their_bytes():
    found = {bytes(_ByteVocab.pieces[t]) for t in _non_latin_tokens(_ByteVocab())}
    assert found == {b"\xe6\x88", "成为".encode(), b"\xce"}  # accents, dashes and quotes stay


@pytest.mark.parametrize(
    ("value", "latin"),
    [("Zoë Müller, café 3.5 — “ok”", True), ("Nurse, 护士", False), ("Οδηγός", False), ("", True)],
)
def test_latin_script_only(value, latin):
    assert text.latin_script_only(value) is latin


def test_completion_round_trips_through_the_cache(tmp_path):
    done = Completion(text="x", finish_reason="length", prompt_tokens=3, completion_tokens=4, model="m")
    cache = CachingBackend(FakeBackend([done]), tmp_path, template_version="t")
    cache.complete(_request(seed=7))
    assert CachingBackend(FakeBackend(), tmp_path, template_version="t").complete(_request(seed=7)) == done
