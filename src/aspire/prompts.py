"""Render the Jinja templates into chat messages.

User text only ever enters a template as a *variable*: a resume that contains
``{{ 7*7 }}`` or ``</resume>`` is printed literally and never evaluated. The
environment is sandboxed, undefined names are errors, and nothing is
HTML-escaped because these are plain-text prompts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .backends.base import Message
from .models import CandidateProfile, DraftContent, GeneratedContent, generated_part


def template_dir() -> Path:
    """Templates ship inside the wheel; in a source checkout they live at the repo root."""
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@cache
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(str(template_dir())),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(name: str, **variables: Any) -> str:
    return _environment().get_template(name).render(**variables).strip()


@dataclass(frozen=True)
class WorkedExample:
    """A profile and the draft we want for it: shown to the model as a prior turn."""

    name: str
    profile: CandidateProfile
    output: DraftContent


@cache
def worked_examples() -> tuple[WorkedExample, ...]:
    examples = []
    for path in sorted((template_dir() / "examples").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        examples.append(
            WorkedExample(
                name=path.stem,
                profile=CandidateProfile.model_validate(data["profile"]),
                output=DraftContent.model_validate(data["output"]),
            )
        )
    return tuple(examples)


@cache
def template_version() -> str:
    """A short hash of every template file: changes whenever a prompt changes."""
    digest = hashlib.sha256()
    root = template_dir()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _example_json(content: DraftContent) -> str:
    return json.dumps(generated_part(content).model_dump(mode="json"), ensure_ascii=False)


def build_messages(profile: CandidateProfile, examples: Sequence[WorkedExample] | None = None) -> list[Message]:
    """System prompt, worked examples as earlier turns, then the candidate.

    Everything before the last message is the same for every candidate, so a
    backend with prefix caching (llama.cpp) evaluates it only once per process.
    """
    shots = worked_examples() if examples is None else examples
    messages: list[Message] = [{"role": "system", "content": render("system.j2")}]
    for shot in shots:
        messages.append({"role": "user", "content": render("candidate.j2", profile=shot.profile)})
        messages.append({"role": "assistant", "content": _example_json(shot.output)})
    messages.append({"role": "user", "content": render("candidate.j2", profile=profile)})
    return messages


def repair_messages(previous_output: str, violations: Sequence[str], profile: CandidateProfile) -> list[Message]:
    """The assistant's rejected reply and a user turn saying, plainly, what to fix."""
    return [
        {"role": "assistant", "content": previous_output},
        {
            "role": "user",
            "content": render("repair.j2", violations=list(violations), company=profile.company),
        },
    ]


# Opening words the grammar allows. A 0.5B model left free copies resume
# bullets ("Coordinated sales promotions...") into goals and aspirations; made
# to start with a forward-looking verb, it writes a plan instead. Measured on
# corpus resumes, see the README. The rule checks still judge the result.
GOAL_VERBS = (
    "Learn Master Lead Earn Win Get Build Mentor Launch Complete Present Become Design Take Run "
    "Grow Improve Train Deliver Open Manage Coach Expand Create Develop Suggest Identify Gain "
    "Start Own Represent Publish Teach Reduce Increase Achieve Pass Study Shadow Introduce "
    "Streamline Move Step Found Precept"
).split()
ASPIRATION_VERBS = (
    "Become Lead Build Grow Run Shape Create Design Help Enhance Own Direct Head Open Launch "
    "Advance Master Manage Develop Drive Guide Serve Make Bring Use Turn Set Found Teach Mentor "
    "Transform Improve Champion Deliver Pioneer"
).split()
# Without a time frame in the question, the answer still opens looking ahead
# (the article's own answer starts "I would like to"); free, the model recites
# the resume in the present tense instead.
FORWARD_OPENINGS = ("I would like to", "I want to", "I see myself", "I hope to", "I aspire to", "My goal")
# Any text up to the closing quote; JSON escapes are left out so the grammar's
# output always parses.
_FREE_TEXT = '[^"\\\\]+'


def _starts_with(words: Sequence[str]) -> str:
    return "^(" + "|".join(words) + ") " + _FREE_TEXT + "$"


def answer_opening(question: str) -> str:
    """How the answer must begin: a "five years" question gets "In five years, I ..."."""
    from .rules import question_horizon

    horizon = question_horizon(question)
    if horizon:
        return f"^In {horizon}, I " + _FREE_TEXT + "$"
    return "^(" + "|".join(FORWARD_OPENINGS) + ") " + _FREE_TEXT + "$"


def generation_schema(profile: CandidateProfile | None = None) -> dict[str, Any]:
    """JSON schema of the model's part of a draft, trimmed and steered for grammar engines.

    String length bounds are dropped (llama.cpp's schema-to-grammar converter
    blows up on ``maxLength``); lengths are enforced by ``max_tokens`` and the
    rule checks instead. Titles are noise for a model and are dropped too.
    Opening-word patterns steer goals, aspirations and (given a profile) the
    answer; they live only in this schema, never in validation, so replies
    from servers that ignore patterns are judged by the rules alone.
    """
    schema: dict[str, Any] = _strip(GeneratedContent.model_json_schema())
    defs = schema["$defs"]
    defs["Goal"]["properties"]["goal"]["pattern"] = _starts_with(GOAL_VERBS)
    defs["AspirationOption"]["properties"]["aspiration"]["pattern"] = _starts_with(ASPIRATION_VERBS)
    defs["GeneratedPlan"]["properties"]["aspiration"]["pattern"] = _starts_with(ASPIRATION_VERBS)
    if profile is not None:
        schema["properties"]["answer"]["pattern"] = answer_opening(profile.question)
    return schema


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _strip(value) for key, value in node.items() if key not in ("title", "minLength", "maxLength")}
    if isinstance(node, list):
        return [_strip(item) for item in node]
    return node
