"""The render → call → validate → check → repair loop, driven by a fake backend."""

from __future__ import annotations

import asyncio
import json

import pytest

from aspire import (
    BackendError,
    Completion,
    Draft,
    DraftRejectedError,
    FakeBackend,
    GenerationError,
    InputError,
    agenerate,
    generate,
)


def test_valid_first_reply_gives_a_checked_draft(profile, good_reply):
    backend = FakeBackend([good_reply])
    draft = generate(profile, backend=backend)

    assert isinstance(draft, Draft)
    assert draft.attempts == 1
    assert len(backend.requests) == 1
    assert draft.plan.goals[0].goal == "Get hired by Target"
    assert draft.plan.goals[0].kind == "hire"
    assert [g.goal for g in draft.plan.goals[1:]] == [g["goal"] for g in good_reply["plan"]["goals"]]
    assert draft.passed, draft.failed_checks
    assert {c.rule for c in draft.checks} >= {"hire-first", "answer-form", "company-aids"}
    assert draft.backend == "fake" and draft.model == "fake-model"
    assert draft.usage.completion_tokens > 0


def test_request_carries_schema_examples_and_the_candidate(profile, good_reply):
    backend = FakeBackend([good_reply])
    generate(profile, backend=backend, max_tokens=900, temperature=0.0, seed=7)
    request = backend.requests[0]
    assert request.messages[0]["role"] == "system"
    assert request.messages[-1]["role"] == "user"
    assert profile.resume in request.messages[-1]["content"]
    assert request.schema["type"] == "object"
    assert (request.max_tokens, request.temperature, request.seed) == (900, 0.0, 7)


def test_invalid_json_is_repaired(profile, good_reply):
    backend = FakeBackend(['{"self_assessment": ', good_reply])
    draft = generate(profile, backend=backend)

    assert draft.attempts == 2
    retry = backend.requests[1].messages
    assert retry[-2] == {"role": "assistant", "content": '{"self_assessment": '}
    assert "not valid JSON" in retry[-1]["content"]
    assert "Get hired by Target" in retry[-1]["content"]


def test_wrong_shape_is_repaired_with_field_names(profile, good_reply):
    backend = FakeBackend([{"answer": "hello"}, good_reply])
    draft = generate(profile, backend=backend)
    assert draft.attempts == 2
    assert "self_assessment" in backend.requests[1].messages[-1]["content"]


def test_rule_failure_is_fed_back_in_plain_words(profile, make_reply, good_reply):
    short = make_reply(answer="I want to grow at Target.")
    backend = FakeBackend([short, good_reply])
    draft = generate(profile, backend=backend)

    assert draft.attempts == 2
    assert draft.passed
    feedback = backend.requests[1].messages[-1]["content"]
    assert "answer-form" in feedback and "words" in feedback


def test_truncated_reply_is_never_parsed(profile, good_reply):
    cut = Completion(text=json.dumps(good_reply), finish_reason="length")
    backend = FakeBackend([cut, good_reply])
    draft = generate(profile, backend=backend)
    assert draft.attempts == 2
    assert "cut off" in backend.requests[1].messages[-1]["content"]


def test_every_attempt_invalid_raises_with_last_output(profile):
    backend = FakeBackend(["nope", "still nope", "", "unused"])
    with pytest.raises(GenerationError) as info:
        generate(profile, backend=backend)
    assert len(backend.requests) == 3
    assert info.value.attempts == 3
    assert info.value.last_output == ""
    assert info.value.violations == ["Your reply was empty. Reply with the JSON object."]


def test_best_draft_is_returned_when_rules_keep_failing(profile, make_reply):
    worse = make_reply(answer="Salary.", plan__aspiration="Earn a higher salary")
    bad = make_reply(answer="I want to grow.")
    backend = FakeBackend([worse, bad, worse])
    draft = generate(profile, backend=backend)

    assert draft.attempts == 3
    assert not draft.passed
    assert draft.answer == "I want to grow."  # the reply with the fewest failed rules
    assert {c.rule for c in draft.failed_checks} == {"answer-form", "company-aids"}


def test_strict_mode_raises_instead(profile, make_reply):
    bad = make_reply(answer="I want to grow.")
    with pytest.raises(DraftRejectedError) as info:
        generate(profile, backend=FakeBackend([bad] * 3), strict=True)
    assert any(v.startswith("answer-form") for v in info.value.violations)


def test_max_attempts_bounds_requests(profile):
    backend = FakeBackend(["x"] * 5)
    with pytest.raises(GenerationError):
        generate(profile, backend=backend, max_attempts=1)
    assert len(backend.requests) == 1


def test_backend_errors_are_not_retried_by_the_repair_loop(profile, good_reply):
    failure = BackendError("the server answered HTTP 500", backend="openai", status_code=500)
    backend = FakeBackend([failure, good_reply])
    with pytest.raises(BackendError):
        generate(profile, backend=backend)
    assert len(backend.requests) == 1


def test_model_written_hire_goal_is_not_duplicated(profile, make_reply):
    reply = make_reply()
    reply["plan"]["goals"].insert(
        0, {"goal": "Get hired by Target", "kind": "hire", "company_support": "", "evidence": ""}
    )
    draft = generate(profile, backend=FakeBackend([reply]))
    assert [g.goal for g in draft.plan.goals].count("Get hired by Target") == 1


def test_dict_profile_is_validated_into_a_clear_error():
    with pytest.raises(InputError, match="resume: the resume is empty"):
        generate({"resume": "   ", "company": "Acme"}, backend=FakeBackend([]))


def test_async_matches_sync(profile, make_reply, good_reply):
    replies = ["not json", make_reply(answer="Too short."), good_reply]
    sync_draft = generate(profile, backend=FakeBackend(replies))
    async_draft = asyncio.run(agenerate(profile, backend=FakeBackend(replies)))

    assert async_draft.attempts == sync_draft.attempts == 3
    strip = {"elapsed_s"}
    assert async_draft.model_dump(exclude=strip) == sync_draft.model_dump(exclude=strip)


def test_async_strict_and_errors(profile):
    with pytest.raises(GenerationError):
        asyncio.run(agenerate(profile, backend=FakeBackend(["x", "y", "z"])))


def test_verbatim_repeated_goals_are_dropped_and_short_plans_fail(profile, make_reply):
    reply = make_reply()
    loop = reply["plan"]["goals"][1]
    loop = dict(loop, goal="Run a flagship store as a district leader")
    reply["plan"]["goals"] = [loop, dict(loop, goal="Run a flagship store as a district leader."), dict(loop)]
    draft = generate(profile, backend=FakeBackend([reply]), max_attempts=1)
    assert [g.goal for g in draft.plan.goals] == ["Get hired by Target", "Run a flagship store as a district leader"]
    assert "goals-actionable" in {c.rule for c in draft.failed_checks}


def test_a_goal_said_again_under_another_verb_gives_way_to_the_later_one(profile, make_reply):
    """Seen from the embedded model: "Train a junior data analyst who builds Excel sheets…"
    then "Become a junior data analyst who builds Excel sheets…"."""
    reply = make_reply()
    body = "a store team that runs seasonal sales promotions for every department"
    reply["plan"]["goals"].insert(2, dict(reply["plan"]["goals"][1], goal=f"Train {body}"))
    reply["plan"]["goals"].insert(3, dict(reply["plan"]["goals"][1], goal=f"Lead {body}"))
    draft = generate(profile, backend=FakeBackend([reply]), max_attempts=1)
    goals = [g.goal for g in draft.plan.goals]
    assert f"Train {body}" not in goals and f"Lead {body}" in goals
    assert len(goals) == 5 and draft.passed


def test_no_goal_is_cut_below_two_after_the_hire(profile, make_reply):
    reply = make_reply()
    body = "a store team that runs seasonal sales promotions for every department"
    reply["plan"]["goals"] = [dict(reply["plan"]["goals"][1], goal=f"{verb} {body}") for verb in ("Train", "Lead")]
    reply["plan"]["aspiration"] = f"Lead {body}"
    draft = generate(profile, backend=FakeBackend([reply]), max_attempts=1)
    assert [g.goal for g in draft.plan.goals][1:] == [f"Train {body}", f"Lead {body}"]
    assert "goals-actionable" in {c.rule for c in draft.failed_checks}


def test_a_sentence_the_answer_already_said_is_cut(profile, make_reply):
    reply = make_reply()
    first, second, *rest = reply["answer"].split(". ")
    looping = ". ".join([first, second, *rest]) + " " + second + ". And I would keep learning."
    draft = generate(profile, backend=FakeBackend([dict(reply, answer=looping)]), max_attempts=1)
    assert draft.answer == reply["answer"] + " And I would keep learning."
    assert draft.passed


def test_plan_ends_at_the_aspiration(profile, make_reply):
    reply = make_reply()
    reply["plan"]["goals"][-1]["goal"] = "Audit the stockroom inventory"
    draft = generate(profile, backend=FakeBackend([reply]), max_attempts=1)
    assert draft.plan.goals[-2].goal == "Audit the stockroom inventory"
    assert draft.plan.goals[-1].goal == "Run a flagship store as a district leader"


def test_fresh_repair_asks_again_from_the_start_with_a_note_and_the_next_seed(profile, make_reply):
    bad = make_reply(plan__aspiration="Earn a six-figure salary")
    backend = FakeBackend([bad, make_reply()])
    draft = generate(profile, backend=backend, max_attempts=2, repair="fresh")
    assert draft.passed and draft.attempts == 2
    first, second = backend.requests
    assert len(second.messages) == len(first.messages)  # no rejected reply in the context
    assert "six-figure" not in second.messages[-2]["content"]
    assert "aspiration-not-salary-location-company" in second.messages[-1]["content"]
    assert second.seed == first.seed + 1


def test_conversation_repair_shows_the_rejected_reply(profile, make_reply):
    backend = FakeBackend([make_reply(plan__aspiration="Earn a six-figure salary"), make_reply()])
    generate(profile, backend=backend, max_attempts=2, repair="conversation")
    first, second = backend.requests
    assert second.messages[-2]["role"] == "assistant" and "six-figure" in second.messages[-2]["content"]
    assert second.seed == first.seed


def test_unknown_repair_mode_is_a_config_error(profile):
    from aspire import ConfigError

    with pytest.raises(ConfigError, match="repair"):
        generate(profile, backend=FakeBackend([]), repair="sometimes")


def test_fresh_attempts_sample_a_little_hotter(profile, make_reply):
    bad = make_reply(plan__aspiration="Earn a six-figure salary")
    backend = FakeBackend([bad, bad, bad])
    generate(profile, backend=backend, max_attempts=3, repair="fresh", temperature=0.2)
    assert [round(r.temperature, 2) for r in backend.requests] == [0.2, 0.3, 0.4]
    assert [r.seed for r in backend.requests] == [42, 43, 44]
