"""examples/chatbot.py, driven by scripted input: it streams the answer, then offers the plan."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from aspire import FakeBackend

from .conftest import good_reply_data
from .faultserver import fault_server

REPO = Path(__file__).resolve().parents[1]
CHATBOT = REPO / "examples" / "chatbot.py"
RESUME_FILE = REPO / "examples" / "resumes" / "retail_store_manager.md"


def load_chatbot():
    spec = importlib.util.spec_from_file_location("chatbot_example", CHATBOT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Script:
    """Answers the chatbot's questions in order, and records everything it says."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.said: list[str] = []

    async def ask(self, prompt: str) -> str | None:
        self.prompts.append(prompt)
        self.said.append(f"<ask {len(self.prompts)}>")
        return self.answers.pop(0) if self.answers else None

    def say(self, text: str) -> None:
        self.said.append(text)


def test_chatbot_streams_the_answer_then_shows_the_plan():
    chatbot = load_chatbot()
    script = Script(str(RESUME_FILE), "Target", "y", "")
    backend = FakeBackend([good_reply_data("Target")])
    drafted = asyncio.run(chatbot.chat(script.ask, script.say, backend=backend))
    assert drafted == 1

    answer = good_reply_data("Target")["answer"]
    plan_question = script.said.index("<ask 3>")
    streamed = script.said[:plan_question]
    # The answer arrived in many pieces, all before the plan was offered.
    pieces = [p for p in streamed if p and p in answer]
    assert len(pieces) > 5 and "".join(pieces) == answer
    shown = "".join(script.said[plan_question:])
    assert "1. Get hired by Target" in shown and "Aspiration:" in shown
    assert "Good luck" in shown
    # The resume was read from the file, and its skills went into the request.
    request = backend.requests[0]
    assert "Best Buy" in json.dumps(request.messages) or "Store" in json.dumps(request.messages)


def test_chatbot_takes_a_pasted_resume_and_a_no_to_the_plan():
    chatbot = load_chatbot()
    pasted = [
        "Assistant Store Manager, Best Buy, 2015-present",
        "- Recruited and trained new employees.",
        "- Coordinated sales promotions and managed inventory.",
        "",
    ]
    script = Script(*pasted[:1], *pasted[1:], "Target", "n", None)
    asyncio.run(chatbot.chat(script.ask, script.say, backend=FakeBackend([good_reply_data("Target")])))
    assert "Aspiration:" not in "".join(script.said)


def test_chatbot_reports_an_unreadable_file_and_goes_on(tmp_path):
    chatbot = load_chatbot()
    broken = tmp_path / "cv.pdf"
    broken.write_bytes(b"not a pdf")
    script = Script(str(broken))
    assert asyncio.run(chatbot.chat(script.ask, script.say, backend=FakeBackend([]))) == 0
    assert "I could not read that file" in "".join(script.said)


def test_chatbot_as_a_program_streams_from_a_server():
    """The example run as a user would, stdin scripted, against a streaming OpenAI-compatible server."""
    reply = json.dumps(good_reply_data("Target"))
    with fault_server(("reply", reply, "stop")) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_"))}
        env |= {"OPENAI_BASE_URL": server.base_url, "ASPIRE_MODEL": "m", "ASPIRE_MAX_RETRIES": "0"}
        env["ASPIRE_METHOD"] = "whole"  # the server scripts a whole draft
        result = subprocess.run(
            [sys.executable, str(CHATBOT)],
            input=f"{RESUME_FILE}\nTarget\ny\n\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            cwd=REPO,
        )
    assert result.returncode == 0, result.stderr
    assert good_reply_data("Target")["answer"] in result.stdout
    assert "Aspiration:" in result.stdout and "Traceback" not in result.stderr
    assert server.requests[0]["stream"] is True
