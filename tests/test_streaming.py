"""aspire.stream / aspire.astream: the answer as it is written, Retry, then the Draft."""

from __future__ import annotations

import asyncio
import json
import random
import threading

import pytest

import aspire
from aspire import Draft, FakeBackend, GenerationError, Retry
from aspire.backends import Completion
from aspire.backends.cache import CachingBackend
from aspire.backends.openai_compat import OpenAIBackend
from aspire.streaming import AnswerText

from .conftest import good_reply_data
from .faultserver import fault_server

RESUME = (
    "Assistant Store Manager, Best Buy, 2015-present\n"
    "- Recruited and trained new employees.\n"
    "- Coordinated sales promotions and managed inventory.\n"
)
PROFILE = {"resume": RESUME, "company": "Target", "role": "Store Manager"}


def salary_reply() -> dict:
    data = good_reply_data("Target")
    data["answer"] = "In five years I want a much higher salary. " + data["answer"]
    return data


# --- pulling the answer out of JSON that is still arriving


def _split_randomly(text: str, rng: random.Random) -> list[str]:
    cuts = sorted(rng.sample(range(1, len(text)), k=min(len(text) - 1, rng.randint(1, 40))))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_answer_text_decodes_escapes_split_anywhere(ensure_ascii):
    answer = 'Café "quoted" \\ back\nslash, tab\t, emoji 😀, Ünïcode and </answer> "answer": "not a key"'
    reply = json.dumps(
        {"plan": {"goal": 'an "answer": "decoy" inside a string'}, "answer": answer, "after": "x"},
        ensure_ascii=ensure_ascii,
    )
    rng = random.Random(3)
    for _ in range(200):
        extractor = AnswerText()
        pieces = [extractor.feed(piece) for piece in _split_randomly(reply, rng)]
        assert "".join(pieces) == answer
        assert extractor.done


def test_answer_text_goes_on_past_a_raw_line_break():
    """Seen from the embedded model in the chatbot: a literal newline inside the answer string.
    The final parse allows it (strict=False); the stream stopped there."""
    reply = '{"plan": {}, "answer": "I know Python, Docker,\nKubernetes and\tGit. Then more."}'
    extractor = AnswerText()
    streamed = "".join(extractor.feed(ch) for ch in reply)
    assert streamed == "I know Python, Docker,\nKubernetes and\tGit. Then more." and extractor.done


def test_answer_text_yields_nothing_before_the_answer_key():
    extractor = AnswerText()
    assert extractor.feed('{"plan": {"aspiration": "Lead a district"}, ') == ""
    assert extractor.feed('"answer": "I see') == "I see"
    assert extractor.feed(' myself"') == " myself"
    assert extractor.feed(', "more": "ignored"}') == ""


# --- the events


def test_stream_yields_text_then_the_draft():
    backend = FakeBackend([good_reply_data("Target")])
    events = list(aspire.stream(PROFILE, backend=backend))
    texts = [e for e in events if isinstance(e, str)]
    draft = events[-1]
    assert isinstance(draft, Draft) and draft.passed
    assert len(texts) > 5  # a word at a time from the fake, not one block
    assert "".join(texts) == good_reply_data("Target")["answer"]
    assert not any(isinstance(e, Draft) for e in events[:-1])


def test_a_discarded_attempt_is_followed_by_retry_and_a_fresh_answer():
    backend = FakeBackend([salary_reply(), good_reply_data("Target")])
    events = list(aspire.stream(PROFILE, backend=backend))
    retry_at = next(i for i, e in enumerate(events) if isinstance(e, Retry))
    before = "".join(e for e in events[:retry_at] if isinstance(e, str))
    after = "".join(e for e in events[retry_at:] if isinstance(e, str))
    assert "salary" in before and "salary" not in after
    retry = events[retry_at]
    assert retry.attempt == 1 and any("salary" in p.lower() for p in retry.problems)
    assert isinstance(events[-1], Draft) and events[-1].attempts == 2 and events[-1].passed


def test_out_of_attempts_gives_the_best_draft_or_strict_raises():
    events = list(aspire.stream(PROFILE, backend=FakeBackend([salary_reply()] * 2), max_attempts=2))
    assert isinstance(events[-1], Draft) and not events[-1].passed
    assert sum(isinstance(e, Retry) for e in events) == 1
    with pytest.raises(aspire.DraftRejectedError):
        list(aspire.stream(PROFILE, backend=FakeBackend([salary_reply()] * 2), max_attempts=2, strict=True))


def test_no_valid_json_raises_generation_error_from_the_iterator():
    with pytest.raises(GenerationError):
        list(aspire.stream(PROFILE, backend=FakeBackend(["not json"] * 2), max_attempts=2))


def test_astream_matches_stream():
    async def collect() -> list[object]:
        return [
            e async for e in aspire.astream(PROFILE, backend=FakeBackend([salary_reply(), good_reply_data("Target")]))
        ]

    events = asyncio.run(collect())
    sync = list(aspire.stream(PROFILE, backend=FakeBackend([salary_reply(), good_reply_data("Target")])))
    assert [type(e) for e in events] == [type(e) for e in sync]
    assert events[-1].answer == sync[-1].answer


def test_a_backend_without_streaming_gives_the_answer_in_one_piece():
    class Plain:
        name, model = "plain", "plain"

        def complete(self, request):
            return Completion(text=json.dumps(good_reply_data("Target")), finish_reason="stop")

        async def acomplete(self, request):
            return self.complete(request)

    events = list(aspire.stream(PROFILE, backend=Plain()))
    assert [type(e) for e in events] == [str, Draft]


def test_stopping_early_is_clean():
    stream = aspire.stream(PROFILE, backend=FakeBackend([good_reply_data("Target")]))
    first = next(stream)
    assert isinstance(first, str)
    stream.close()  # a chatbot user who leaves mid-answer


# --- over a real OpenAI-compatible server on loopback (server-sent events)


def test_stream_over_an_openai_compatible_server():
    reply = json.dumps(good_reply_data("Target"))
    with fault_server(("status", 503, {}, {"error": {"message": "busy"}}), ("reply", reply, "stop")) as server:
        backend = OpenAIBackend(model="m", api_key=None, base_url=server.base_url, backoff_s=0.01)
        events = list(aspire.stream(PROFILE, backend=backend))
    texts = [e for e in events if isinstance(e, str)]
    assert len(texts) > 5 and isinstance(events[-1], Draft) and events[-1].passed
    assert server.count == 2  # the 503 before the stream began was retried once
    assert server.requests[-1]["stream"] is True
    assert events[-1].usage.completion_tokens == 20  # the usage chunk at the end was read


def test_astream_over_an_openai_compatible_server_closes_its_client():
    reply = json.dumps(good_reply_data("Target"))

    async def run(base_url: str) -> list[object]:
        backend = OpenAIBackend(model="m", api_key=None, base_url=base_url)
        try:
            return [e async for e in aspire.astream(PROFILE, backend=backend)]
        finally:
            await backend.aclose()

    with fault_server(("reply", reply, "stop")) as server:
        events = asyncio.run(run(server.base_url))
    assert isinstance(events[-1], Draft) and events[-1].passed


def test_a_stream_cut_off_mid_reply_is_a_backend_error():
    with fault_server(
        ("raw", b'data: {"choices": [{"index": 0, "delta": {"content": "{\\"ans'),
    ) as server:
        backend = OpenAIBackend(model="m", api_key=None, base_url=server.base_url, max_retries=0)
        with pytest.raises((aspire.BackendError, GenerationError)):
            list(aspire.stream(PROFILE, backend=backend, max_attempts=1))


def test_cached_streams_replay_without_calling_the_model(tmp_path):
    reply = json.dumps(good_reply_data("Target"))
    with fault_server(("reply", reply, "stop")) as server:
        cached = CachingBackend(
            OpenAIBackend(model="m", api_key=None, base_url=server.base_url), tmp_path, template_version="t"
        )
        first = list(aspire.stream(PROFILE, backend=cached))
        second = list(aspire.stream(PROFILE, backend=cached))
    assert server.count == 1 and cached.hits == 1
    assert first[-1].answer == second[-1].answer


def test_streams_from_many_threads_share_one_backend():
    reply = json.dumps(good_reply_data("Target"))
    results: list[Draft] = []
    errors: list[BaseException] = []
    with fault_server(("reply", reply, "stop")) as server:
        backend = OpenAIBackend(model="m", api_key=None, base_url=server.base_url)

        def worker() -> None:
            try:
                events = list(aspire.stream(PROFILE, backend=backend))
                results.append(events[-1])
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors and len(results) == 6 and all(d.passed for d in results)
    assert server.count == 6
