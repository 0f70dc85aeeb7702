"""aspire serve streaming a draft from a real llama.cpp OpenAI-compatible server, both on loopback."""

from __future__ import annotations

import pytest

from aspire import Draft
from aspire.backends.openai_compat import OpenAIBackend
from aspire.config import resolve_settings
from aspire.server import create_app

from .conftest import EXAMPLE_RESUMES
from .servehelpers import all_events, open_stream, serving
from .test_openai_server import llama_server  # noqa: F401  (the module's server fixture, shared)

pytestmark = pytest.mark.server


def test_the_stream_relays_a_real_servers_tokens_then_the_draft(llama_server):  # noqa: F811
    backend = OpenAIBackend(model="qwen-local", api_key=None, base_url=llama_server)
    settings = resolve_settings(backend="openai", base_url=llama_server, model="qwen-local")
    profile = {
        "resume": (EXAMPLE_RESUMES / "hospitality_bartender.txt").read_text(),
        "company": "Marriott Hotels",
        "role": "Bar Manager",
    }
    with serving(lambda port: create_app(backend, settings=settings, options={"max_attempts": 1}, port=port)) as base:
        response = open_stream(base, profile, timeout=600)
        assert response.status == 200 and response.getheader("Content-Type").startswith("text/event-stream")
        events = all_events(response)
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "markdown" and kinds[-2] == "draft", kinds[-3:]
    draft = Draft.model_validate(events[-2][1])
    assert draft.backend == "openai" and draft.plan.goals[0].goal == "Get hired by Marriott Hotels"
    # The answer came in many pieces, as the server sent its tokens.
    pieces = [data["text"] for kind, data in events if kind == "text"]
    assert len(pieces) > 10
    assert "".join(pieces).split()[:5] == draft.answer.split()[:5]
