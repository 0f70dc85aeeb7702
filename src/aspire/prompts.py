"""Render the Jinja templates into chat messages.

User text only ever enters a template as a *variable*: a resume that contains
``{{ 7*7 }}`` or ``</resume>`` is printed literally and never evaluated. The
environment is sandboxed, undefined names are errors, and nothing is
HTML-escaped because these are plain-text prompts.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from . import text
from .backends.base import Message
from .lexicon import INJECTION, RED_FLAG_WORDS, injected_payloads
from .models import DEFAULT_QUESTION, CandidateProfile, DraftContent, GeneratedContent, generated_part
from .text import question_horizon


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
    # False for an example kept as a reference and a test fixture only.
    in_prompt: bool = True


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
                in_prompt=bool(data.get("prompt", True)),
            )
        )
    return tuple(examples)


def prompt_examples() -> tuple[WorkedExample, ...]:
    """The worked examples shown to the model.

    The article's XYZ Company example stays out: a 0.5B model shown it copies
    its sentences ("one company and one face") into every answer. It remains
    the reference every rule is tested against.
    """
    return tuple(e for e in worked_examples() if e.in_prompt)


@cache
def template_version() -> str:
    """A short hash of every template file and of the generation schema's steering:
    changes whenever what the model is asked for changes (eval runs resume only
    results drafted under the same version)."""
    digest = hashlib.sha256()
    root = template_dir()
    # The judge's templates ask nothing of the drafting model: changing them keeps drafts and runs.
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] != "judge"):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    # The patterns live in code, not in templates: the answer's ending once changed alone.
    digest.update(json.dumps(generation_schema(None), sort_keys=True).encode())
    digest.update(answer_opening(DEFAULT_QUESTION, "Example Co").encode())
    return digest.hexdigest()[:12]


def echo_sources(profile: CandidateProfile) -> tuple[tuple[str, str], ...]:
    """Prompt material a draft must not copy: the system prompt and the outputs
    of the worked examples shown to the model (except one written for this very
    candidate)."""
    return echo_sources_for(profile.resume)


@cache
def echo_sources_for(resume: str | None) -> tuple[tuple[str, str], ...]:
    sources = [("system prompt", render("system.j2"))]
    for example in prompt_examples():
        if example.profile.resume == resume:
            continue
        sources.append((f"worked example {example.name}", _written(example.output)))
    return tuple(sources)


def avoid_words(profile: CandidateProfile) -> tuple[str, ...]:
    """The worked examples' domain words and names that this candidate never used.

    A 0.5B model pastes the examples' specifics ("BrightGrid's crews", "falls-prevention
    huddle") into other people's drafts; nudging those words down keeps the structure
    it learned from the examples and drops their content.
    """
    own = text.stems(
        "\n".join([profile.resume, profile.role or "", ", ".join(profile.skills), profile.job_description or ""])
    ) | text.stems(profile.company)
    found: dict[str, None] = {}
    for example in prompt_examples():
        if example.profile.resume == profile.resume:
            continue
        for word in _example_specifics(example.name):
            if text.stem(word) not in own:
                found[word] = None
    # The article's red flag: pay is never the aspiration nor the talk.
    for word in RED_FLAG_WORDS:
        found[word] = None
    # The prompt calls the person "the candidate"; the answer is theirs, in the first person.
    if text.stem("candidate") not in own:
        found["candidate"] = None
    # Whatever an instruction inside the resume asks to be written is data, not a request.
    for payload in injected_payloads(profile.resume):
        for word in text.content_words(payload):
            if len(word) >= 4:
                found[word] = None
    return tuple(found)


@cache
def _example_specifics(name: str) -> tuple[str, ...]:
    """One worked example's words a small model copies into other people's drafts, in order."""
    example = next(e for e in prompt_examples() if e.name == name)
    system = text.stems(render("system.j2"))
    shown = example.profile
    domain = "\n".join([shown.resume, shown.role or "", ", ".join(shown.skills)])
    written = _written(example.output)
    found: dict[str, None] = {}
    # The example's own field words that its answer and plan repeat: the words a
    # small model copies. Its names ("BrightGrid", "Riverside") keep their capitals.
    said = set(text.content_words(written))
    for word in text.content_words(domain.replace("-", " ")):
        if word in said and len(word) >= 5 and word.isalpha() and word not in text.GENERIC_CAREER_WORDS:
            found[word] = None
    # Words the example's answer brings in from nowhere ("field hours", "bedside"):
    # copied, they turn into nonsense in another trade.
    for word in text.content_words(written):
        if (
            len(word) >= 5
            and word.isalpha()
            and word not in text.GENERIC_CAREER_WORDS
            and word not in text.EVERYDAY_WORDS
            and text.stem(word) not in system
        ):
            found[word] = None
    for proper in sorted(text.proper_names(written)):
        found[proper] = None
    return tuple(found)


def _written(output: DraftContent) -> str:
    return ". ".join([output.answer, output.plan.aspiration, *(g.goal for g in output.plan.goals[1:])])


def _example_json(content: DraftContent) -> str:
    return json.dumps(generated_part(content).model_dump(mode="json"), ensure_ascii=False)


# The prompt's own markup: the tags around the candidate's texts, and chat-template
# tokens ("<|im_start|>system") that a tokenizer could read as real turns.
_OUR_TAGS = re.compile(r"<\s*(/?)\s*(resume|job_description)\s*>", re.IGNORECASE)
_CHAT_MARKUP = re.compile(r"<\|([^|<>\n]{0,40})\|>")


def as_data(value: str) -> str:
    """The candidate's text with anything that could pass for prompt markup defused.

    A resume that writes "</resume>" cannot close the resume early and talk as
    the prompt; "[/resume]" reads the same to a person.
    """
    value = _OUR_TAGS.sub(lambda m: f"[{m.group(1)}{m.group(2).lower()}]", value)
    return _CHAT_MARKUP.sub(lambda m: f"[{m.group(1)}]", value)


def as_data_profile(profile: CandidateProfile) -> CandidateProfile:
    return profile.model_copy(
        update={
            "resume": as_data(profile.resume),
            "job_description": as_data(profile.job_description) if profile.job_description else None,
            "name": as_data(profile.name) if profile.name else None,
            "role": as_data(profile.role) if profile.role else None,
            "question": as_data(profile.question),
            "skills": [as_data(skill) for skill in profile.skills],
        }
    )


def build_messages(profile: CandidateProfile, examples: Sequence[WorkedExample] | None = None) -> list[Message]:
    """System prompt, worked examples as earlier turns, then the candidate.

    Everything before the last message is the same for every candidate, so a
    backend with prefix caching (llama.cpp) evaluates it only once per process.
    """
    shots = prompt_examples() if examples is None else examples
    messages: list[Message] = [{"role": "system", "content": render("system.j2")}]
    for shot in shots:
        messages.append({"role": "user", "content": render("candidate.j2", profile=shot.profile)})
        messages.append({"role": "assistant", "content": _example_json(shot.output)})
    # Jinja only ever sees the candidate's text as a variable's value, never as
    # template source, so "{{ 7*7 }}" in a resume stays "{{ 7*7 }}".
    messages.append({"role": "user", "content": render("candidate.j2", profile=as_data_profile(profile))})
    return messages


def fresh_repair_messages(violations: Sequence[str], profile: CandidateProfile) -> list[Message]:
    """The first attempt's messages again, the failures added to the candidate's turn as a note.

    A small model shown its own rejected reply tends to write it again; asked afresh
    (with the next seed) it writes a new draft and can still steer clear of the failures.
    """
    messages = build_messages(profile)
    note = render("repair_note.j2", violations=[as_data(v) for v in violations], company=profile.company)
    messages[-1] = {"role": "user", "content": messages[-1]["content"] + "\n\n" + note}
    return messages


def repair_messages(previous_output: str, violations: Sequence[str], profile: CandidateProfile) -> list[Message]:
    """The assistant's rejected reply and a user turn saying, plainly, what to fix."""
    return [
        {"role": "assistant", "content": previous_output},
        {
            "role": "user",
            "content": render("repair.j2", violations=[as_data(v) for v in violations], company=profile.company),
        },
    ]


# An aspiration is who the candidate wants to become. Allowed to open with any
# action verb, the 0.5B model picked one of its own middle rungs ("Manage
# visitor check-ins…") as the aspiration.
ASPIRATION_OPENINGS = ("Become",)
# Without a time frame in the question, the answer still opens looking ahead
# (the article's own answer starts "I would like to"); free, the model recites
# the resume in the present tense instead.
FORWARD_OPENINGS = ("I would like to", "I want to", "I see myself", "I hope to", "I aspire to", "My goal")
# Any text up to the closing quote; JSON escapes are left out so the grammar's
# output always parses.
_FREE_TEXT = '[^"\\\\]+'
# Words of at most 24 characters: with the number of words bounded, a longer
# "word" is the model gluing its remaining phrase together without spaces.
MAX_WORD_CHARS = text.LONGEST_WORD  # the garble check in answer-form uses the same bound
# No comma or underscore inside a word, none opening with a hyphen: pressed by a
# word limit, the model glued words with them ("POS,handlespayments,and").
_WORD_CHARS = '[^ ".,_\\\\\n-][^ ".,_\\\\\n]{0,' + str(MAX_WORD_CHARS - 1) + "},?"


def words_up_to(limit: int) -> str:
    """One line of at most ``limit`` words, no full stop. Left free, a small model
    runs on and pastes its whole resume into the aspiration."""
    return f"{_WORD_CHARS}( {_WORD_CHARS}){{0,{limit - 2}}}"


ASPIRATION_WORDS = 18
GOAL_WORDS = 14

# The plan's rungs after getting hired, in the article's order: learn the
# company's way, build a skill or credential, lead work that shows it, move
# up. A 0.5B model given a free list repeats one goal or recites the resume;
# given these openings it writes a ladder. The rules still judge it.
CREDENTIAL_VERBS = ("Earn", "Complete", "Pass")
SKILL_VERBS = ("Master", "Build", "Gain", "Study")
GOAL_LADDER = (
    ("Learn",),
    CREDENTIAL_VERBS + SKILL_VERBS,
    ("Lead", "Launch", "Win", "Run", "Deliver", "Design", "Improve", "Manage", "Mentor", "Train", "Coach"),
    ("Get promoted to", "Become", "Step up to", "Move up to"),
)


# The second rung earns something nameable. Left to "Earn a ...", the model
# wrote "Earn a chef lead who prepares sauces", its aspiration again.
CREDENTIAL_RUNG = 1
CREDENTIALS = (
    "certification",
    "certificate",
    "licence",
    "license",
    "qualification",
    "course",
    "degree",
    "diploma",
    "charter",
)


# A credential's name has no comma: allowed one, the model glued a credential word onto
# whatever it had begun ("Complete a design lead role at Lumen, exam").
_NAME_WORD = '[^ ".,_\\\\\n-][^ ".,_\\\\\n]{0,' + str(MAX_WORD_CHARS - 1) + "}"


def _credential_or_skill() -> str:
    credential = (
        f"({'|'.join(CREDENTIAL_VERBS)}) (a|an|the|my) {_NAME_WORD}( {_NAME_WORD}){{0,5}} ({'|'.join(CREDENTIALS)})"
    )
    skill = f"({'|'.join(SKILL_VERBS)}) {words_up_to(GOAL_WORDS)}"
    return f"^({credential}|{skill})$"


def _learn_the_company(company: str) -> str | None:
    """The first rung learns the *target* company's ways: "Learn Target's store operations".

    Left to "Learn ...", the 0.5B model put a past employer from the resume there
    ("Learn Macy's sales methods" in a plan for another retailer).
    """
    if '"' in company or "\\" in company:
        return None
    names = [literal(company)]
    first = company.split()[0]
    if len(company.split()) > 1 and len(first) >= 3 and first.lower() != "the":
        names.append(literal(first))  # "Riverside's", as the worked examples write it
    return f"^Learn ({'|'.join(names)})('s|') {words_up_to(GOAL_WORDS - 2)}$"


def starts_with(words: Sequence[str], body: str = _FREE_TEXT) -> str:
    return "^(" + "|".join(words) + ") " + body + "$"


def literal(text: str) -> str:
    return re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", text)


# The answer's length in the grammar: at most this many words before the
# company is named and after it. Unbounded, a 0.5B model that has run out of
# things to say repeats its paragraphs until max_tokens cuts it off.
ANSWER_WORDS_BEFORE_COMPANY = 110
ANSWER_WORDS_AFTER_COMPANY = 90
# ...and at least this many after it, so the answer reaches about 60 words and
# says what comes next, not only where the candidate wants to work.
ANSWER_MIN_WORDS_AFTER_COMPANY = 25
# No brace in a spoken answer: a 0.5B model that wrote "}}" inside the answer, as if closing the
# JSON, went on repeating "2010-2015." until max_tokens cut the reply (1 of 40 drafts in a row).
# Masked, the model closes the string where it meant to close the object.
_SPOKEN_TEXT = '[^"{}\\\\]+'  # _FREE_TEXT without braces
_ANSWER_WORD = '[^ ",_{}\\\\\n-][^ ",_{}\\\\\n]{0,' + str(MAX_WORD_CHARS - 1) + "},?"
_LAST_ANSWER_WORD = '[^ ",_{}\\\\\n-][^ ",_{}\\\\\n]{0,' + str(MAX_WORD_CHARS - 2) + "}[.!?]"


def answer_opening(question: str, company: str | None = None) -> str:
    """How the answer must begin ("In five years, I ..." for a five-year question) and,
    given the company, that it names the company and stays about 200 words long."""
    horizon = question_horizon(question)
    opening = f"In {horizon}, I" if horizon else "(" + "|".join(FORWARD_OPENINGS) + ")"
    # It ends a sentence: left free, the model once closed the answer after "Git, Docker,".
    if company is None or '"' in company or "\\" in company:
        return f"^{opening} " + _SPOKEN_TEXT + "[.!?]$"
    before = f"({_ANSWER_WORD} ){{0,{ANSWER_WORDS_BEFORE_COMPANY}}}"
    rest_of_word = f'[^ ",_{{}}\\\\\n]{{0,{MAX_WORD_CHARS}}},?'
    words = f"( {_ANSWER_WORD}){{{ANSWER_MIN_WORDS_AFTER_COMPANY - 1},{ANSWER_WORDS_AFTER_COMPANY - 1}}}"
    after = f"{rest_of_word}{words} {_LAST_ANSWER_WORD}"
    return f"^{opening} {before}{literal(company)}{after}$"


_BULLET = "-*\u2022\u00b7\u2013\u2014#> \t"
MAX_EVIDENCE_OPTIONS = 80


def evidence_options(profile: CandidateProfile) -> list[str]:
    """The lines of the inputs a goal's ``evidence`` may quote, word for word.

    Given as an enum in the grammar, these make evidence grounded by
    construction: a small model cannot cite a skill the candidate never gave.
    """
    options: list[str] = []
    for source in (profile.resume, profile.job_description or ""):
        for raw in source.splitlines():
            line = raw.strip().lstrip(_BULLET).strip().strip("*_ ").strip()
            # A line that talks to the model is not evidence about the candidate.
            if len(line.split()) >= 2 and len(line) <= 200 and not INJECTION.search(line):
                options.append(line)
    options += [f"Skills: {skill}" for skill in profile.skills]
    if profile.role:
        options.append(f"Role applied for: {profile.role}")
    return list(dict.fromkeys(options))[:MAX_EVIDENCE_OPTIONS]


def generation_schema(profile: CandidateProfile | None = None) -> dict[str, Any]:
    """JSON schema of the model's part of a draft, trimmed and steered for grammar engines.

    String length bounds are dropped (llama.cpp's schema-to-grammar converter
    blows up on ``maxLength``); lengths are enforced by ``max_tokens`` and the
    rule checks instead. Titles are noise for a model and are dropped too.
    Opening-word patterns steer goals, aspirations and (given a profile) the
    answer; they live only in this schema, never in validation, so replies
    from servers that ignore patterns are judged by the rules alone.
    """
    # A JSON round trip copies the cached schema several times faster than deepcopy.
    schema: dict[str, Any] = json.loads(_base_schema_json())
    defs = schema["$defs"]
    one_aspiration = starts_with(ASPIRATION_OPENINGS, words_up_to(ASPIRATION_WORDS))
    defs["AspirationOption"]["properties"]["aspiration"]["pattern"] = one_aspiration
    defs["GeneratedPlan"]["properties"]["aspiration"]["pattern"] = one_aspiration
    goal = defs.pop("Goal")
    if profile is not None:
        schema["properties"]["answer"]["pattern"] = answer_opening(profile.question, profile.company)
    rungs = goal_rungs(goal, profile)
    defs["GeneratedPlan"]["properties"]["goals"] = {"type": "array", "prefixItems": rungs, "items": False}
    return schema


def goal_rungs(goal: dict[str, Any], profile: CandidateProfile | None) -> list[dict[str, Any]]:
    """One schema per rung of :data:`GOAL_LADDER`, made from ``goal`` (a Goal's schema):
    each holds the goal to its rung's openings and, given a profile, its evidence to the
    lines of the candidate's inputs."""
    goal = json.loads(json.dumps(goal))
    if profile is not None and (options := evidence_options(profile)):
        goal["properties"]["evidence"] = {"type": "string", "enum": options}
    rungs = []
    goal_json = json.dumps(goal)
    for number, openings in enumerate(GOAL_LADDER):
        rung = json.loads(goal_json)
        if number == CREDENTIAL_RUNG:
            pattern = _credential_or_skill()
        elif number == 0 and profile is not None and (learning := _learn_the_company(profile.company)):
            pattern = learning
        else:
            # The top rung may restate the aspiration whole; held to fewer words,
            # the model glued the rest together to fit.
            limit = ASPIRATION_WORDS if number == len(GOAL_LADDER) - 1 else GOAL_WORDS
            pattern = starts_with(openings, words_up_to(limit))
        rung["properties"]["goal"]["pattern"] = pattern
        rungs.append(rung)
    return rungs


@cache
def base_goal_schema_json() -> str:
    """One Goal's schema, trimmed as in :func:`generation_schema`, as JSON (copy it by parsing)."""
    return json.dumps(_base_schema()["$defs"]["Goal"])


@cache
def _base_schema_json() -> str:
    return json.dumps(_base_schema())


@cache
def _base_schema() -> dict[str, Any]:
    return dict(_strip(GeneratedContent.model_json_schema()))


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _strip(value) for key, value in node.items() if key not in ("title", "minLength", "maxLength")}
    if isinstance(node, list):
        return [_strip(item) for item in node]
    return node
