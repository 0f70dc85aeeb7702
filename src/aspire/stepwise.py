"""A draft built in small steps: aspiration, goals, self-assessment, answer.

One long JSON reply after ~2,800 prompt tokens of worked examples asks too much
of a 0.5-1.5B model: it restates the applied role as the aspiration, copies the
examples' phrases into other professions, and forgets the company in the answer.
Here each part is one short turn of one conversation. The candidate's inputs
are read once (a backend with prefix caching reuses them for every later turn),
each reply is a small schema-constrained JSON object, the rules of that part
judge it at once, and only that part is asked again when they fail. The
answer comes last, written from the checked plan and the resume, so it has the
company's help and the next steps in front of it rather than inventing them.

Pure logic, no I/O: :mod:`aspire.generate` drives it, sync or async.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from . import english, prompts, resume_facts, rules, rules_meaning, text
from .backends import Backend, ChatRequest, Completion, Message
from .config import Settings
from .errors import DeadlineError, GenerationError
from .lexicon import INJECTION
from .models import (
    AspirationOption,
    CandidateProfile,
    CheckResult,
    Draft,
    DraftContent,
    GeneratedContent,
    GeneratedPlan,
    Goal,
    SelfAssessment,
    Usage,
    checked_draft,
    complete_content,
    parse_reply,
)
from .rulebase import Subject

logger = logging.getLogger("aspire")

STEPS = ("aspiration", "goals", "self_assessment", "answer")

# The rules that judge each step's part on its own. The answer step is judged by
# every rule that reads the answer, on the whole draft.
STEP_RULES: dict[str, tuple[str, ...]] = {
    "aspiration": ("aspiration-beyond-role", "aspiration-long-term", "aspiration-not-salary-location-company"),
    "goals": (
        "hire-first",
        "chain-reaches-aspiration",
        "goals-actionable",
        "goals-look-forward",
        "support-is-the-company",
    ),
    "self_assessment": ("self-assessment-is-real",),
    "answer": (
        "career-relevant",
        "company-aids",
        "answer-form",
        "grounded",
        "no-prompt-echo",
        "no-red-flags",
        "claims-are-true",
        "answer-is-fluent",
        "answer-aims-ahead",
    ),
}

# Small replies: a cap well above what each step needs, so a looping model stops early.
STEP_MAX_TOKENS = {"aspiration": 360, "goals": 640, "self_assessment": 220, "answer": 480}
# Each retry of a step samples a little hotter, as fresh whole-draft attempts do.
TEMPERATURE_STEP = 0.15
ASSESSMENT_WORDS = 8
# The self-assessment step asks for more items than a draft keeps, and keeps those the
# rules pass: asked for two growth areas, the model named one the resume already showed.
OFFERED = 4
_A_PROGRAM = re.compile(r"\b(?:course|program|programme|training|induction|pathway|track)\s*$", re.IGNORECASE)
# Resume lines the reason may quote: enough to choose from, few enough for a small grammar.
MAX_DEEDS = 12
STRENGTHS_KEPT = 3
GROWTH_AREAS_KEPT = 2
_CREDENTIAL_GOAL = re.compile(r"^\s*(?:earn|pass)\s+(?:an?\s+|the\s+|my\s+)?", re.IGNORECASE)
# One sentence: no full stop but a decimal point, no semicolon (it strung the plan's
# goals into a list), no quote or escape. Allowed a
# full stop before any letter, the model ran its sentences together ("area.earning").
_SENTENCE_CHAR = '([^";.\\\\\n]|[.][0-9])'


# No decimal point either: given one, the model ran on past the sentence's end ("developers.15% of").
_PLAIN = '[^";.\\\\\n]'


_NO_LIST = '[^",;.\\\\\n]'


def _sentence(opening: str = "", least: int = 20, most: int = 240) -> str:
    return f"^{opening}{_SENTENCE_CHAR}{{{least},{most}}}[.!]$"


def _phrase(least: int, most: int) -> str:
    return f"^{_SENTENCE_CHAR}{{{least},{most}}}$"


FIELDS_SHOWN = 2


class AspirationsReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    aspirations: list[AspirationOption] = Field(min_length=1, max_length=3)


class GoalsReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goals: list[Goal] = Field(min_length=2, max_length=6)


class AnswerReply(BaseModel):
    """The answer as four sentences, each with its own job, so that none is left out."""

    model_config = ConfigDict(extra="forbid")

    aim: str = Field(min_length=1)
    why: str = Field(min_length=1)
    first_steps: str = Field(min_length=1)
    company_help: str = Field(min_length=1)

    @property
    def answer(self) -> str:
        return " ".join(s.strip() for s in (self.aim, self.why, self.first_steps, self.company_help))


REPLY_MODELS: dict[str, type[BaseModel]] = {
    "aspiration": AspirationsReply,
    "goals": GoalsReply,
    "self_assessment": SelfAssessment,
    "answer": AnswerReply,
}


@dataclass(frozen=True)
class CareerField:
    """One field's ladder, shown as an example to candidates close to it."""

    field: str
    words: frozenset[str]
    role: str
    aspirations: tuple[str, str]
    support: tuple[str, ...]
    goals: tuple[str, ...]


@cache
def career_fields() -> tuple[CareerField, ...]:
    data = json.loads((prompts.template_dir() / "steps" / "fields.json").read_text(encoding="utf-8"))
    return tuple(
        CareerField(
            field=item["field"],
            words=text.stems(item["words"]),
            role=item["role"],
            aspirations=(item["aspirations"][0], item["aspirations"][1]),
            support=tuple(item["support"]),
            goals=tuple(item["goals"]),
        )
        for item in data["fields"]
    )


def close_fields(profile: CandidateProfile, count: int = FIELDS_SHOWN) -> list[CareerField]:
    """The fields nearest the candidate's: their role and titles count most, then skills and texts.

    Examples from one's own field show the ladder without carrying another trade's
    words into the draft ("field hours" in an accountant's plan).
    """
    titles = " ".join([profile.role or "", *resume_facts.titles(profile.resume)])
    near = text.stems(titles)
    around = text.stems(" ".join([*profile.skills, profile.resume, profile.job_description or ""]))

    def closeness(field: CareerField) -> tuple[int, int]:
        return (3 * len(field.words & near) + len(field.words & around), -career_fields().index(field))

    return sorted(career_fields(), key=closeness, reverse=True)[:count]


def _placeholder_assessment() -> SelfAssessment:
    return SelfAssessment(strengths=["(not yet written)"], growth_areas=["(not yet written)"])


@dataclass
class _Candidate:
    """One usable reply to a step, and how the step's rules judged it."""

    value: Any
    reply: str
    failed: list[CheckResult]


class StepSession:
    """The state of one stepwise draft. Pure logic: no I/O.

    The interface :mod:`aspire.generate` drives: ``request()`` the next call,
    ``accept(completion)`` (raises ``NeedsRepair`` when the step should be asked
    again), ``settle()`` once a step's tries are spent, ``finished``, ``result()``.
    """

    def __init__(self, profile: CandidateProfile, backend: Backend, settings: Settings, needs_repair: type[Exception]):
        self.profile = profile
        self.backend = backend
        self.settings = settings
        self._needs_repair = needs_repair
        self.max_tries = settings.max_attempts
        self.data_profile = prompts.as_data_profile(profile)
        self.fields = close_fields(profile)
        self.avoid_words = prompts.avoid_words(profile)
        self.latin_only = text.latin_script_only(profile.all_text())
        self.step_index = 0
        self.tries = 0
        self.attempts = 0  # the most tries any step took: 1 when every step's first reply passed
        self.calls = 0
        self.usage = Usage()
        self.model = backend.model
        self.best: _Candidate | None = None
        self.note = ""
        self.last_text = ""
        self.last_violations: list[str] = []
        self.chosen: dict[str, Any] = {}
        self.transcript: list[Message] = [
            {"role": "system", "content": prompts.render("steps/system.j2")},
            {"role": "user", "content": self._instruction("aspiration")},
        ]
        self.finished = False
        self.final: tuple[DraftContent, list[CheckResult]] | None = None
        self.started = time.perf_counter()
        self.deadline = time.monotonic() + settings.deadline_s

    # -- what is asked -------------------------------------------------------

    @property
    def step(self) -> str:
        return STEPS[self.step_index]

    def streams_answer(self) -> bool:
        """Whether the reply being asked for is the spoken answer (the only part worth streaming)."""
        return self.step == "answer"

    def answer_keys(self) -> tuple[str, ...]:
        """The JSON keys of the answer's sentences, in the order they are said."""
        return tuple(AnswerReply.model_fields)

    def _instruction(self, step: str) -> str:
        company = self.data_profile.company
        if step == "aspiration":
            titles = resume_facts.titles(self.profile.resume)
            current = prompts.as_data(titles[0]) if titles else ""
            return prompts.render(
                "steps/aspiration.j2",
                profile=self.data_profile,
                current=current,
                applied=self.data_profile.role or current or "the role in the job description",
                examples=self.fields,
            )
        if step == "goals":
            held = [prompts.as_data(t) for t in rules_meaning.held_titles(self.profile.resume, self.profile.role)]
            credentials = [prompts.as_data(c) for c in resume_facts.credential_lines(self.profile.resume)[:6]]
            return prompts.render(
                "steps/goals.j2",
                aspiration=self.chosen["aspiration"],
                company=company,
                example=self.fields[0],
                held=held,
                credentials=credentials,
            )
        if step == "self_assessment":
            return prompts.render("steps/self_assessment.j2")
        goals = [g for g in self.chosen["goals"] if g.kind != "hire"]
        aspiration = re.sub(r"^\s*become\s+", "", self.chosen["aspiration"], flags=re.IGNORECASE).rstrip(".")
        return prompts.render(
            "steps/answer.j2",
            horizon=text.question_horizon(self.profile.question),
            question=self.data_profile.question,
            company=company,
            aspiration_words=aspiration,
            first_steps=[_lower_first(g.goal) for g in goals[:2]],
            # The help toward the aspiration (the skill and the work that proves it), not all of it.
            supports=list(dict.fromkeys(g.company_support for g in goals[1:3] if g.company_support.strip())),
        )

    def _schema(self) -> dict[str, Any]:
        words = prompts.words_up_to
        if self.step == "aspiration":
            option = {
                "type": "object",
                "properties": {
                    "aspiration": {
                        "type": "string",
                        "pattern": prompts.starts_with(prompts.ASPIRATION_OPENINGS, words(prompts.ASPIRATION_WORDS)),
                    },
                    "reason": {"type": "string", "pattern": f"^{words(30)}[.]?$"},
                },
                "required": ["aspiration", "reason"],
                "additionalProperties": False,
            }
            items = {"type": "array", "items": option, "minItems": 3, "maxItems": 3}
            return _object({"aspirations": items})
        if self.step == "goals":
            goal = json.loads(prompts.base_goal_schema_json())
            # A phrase, not a sentence: asked for a sentence, the model wrote "X offers a
            # program that..." for every goal, the same words four times.
            goal["properties"]["company_support"] = {"type": "string", "pattern": _phrase(6, 90)}
            rungs = prompts.goal_rungs(goal, self.profile)
            return _object({"goals": {"type": "array", "prefixItems": rungs, "items": False}})
        if self.step == "self_assessment":
            phrase = {"type": "string", "pattern": f"^{words(ASSESSMENT_WORDS)}$"}
            return _object(
                {
                    "strengths": {"type": "array", "items": phrase, "minItems": OFFERED, "maxItems": OFFERED},
                    "growth_areas": {"type": "array", "items": phrase, "minItems": OFFERED, "maxItems": OFFERED},
                }
            )
        return _object(
            {name: {"type": "string", "pattern": pattern} for name, pattern in self._answer_patterns().items()}
        )

    def _why_pattern(self) -> str:
        """The reason: a past job, then one thing the resume says the candidate did in it, word
        for word ("As a line cook, I run the grill station for dinner service…").

        Free to give its own reasons, the model retold the plan's first goal as done ("In my
        last role, I learned Merivale's drinks list") in 8 of 25 drafts; given any job title
        with any resume line, it gave one job's results to another; given a thought of its own
        after the resume's words, it judged itself ("which is a step above the role applied for").
        """
        options = []
        for title, deeds in _deeds_by_job(self.profile.resume)[:2]:
            title = re.sub(r"^[\d.)(\s-]+", "", title)  # "2021 Data Scientist", "1. Assistant Store Manager"
            said = " ".join(w if w.isupper() else w.lower() for w in title.split())
            article = "an" if said[:1] in "aeiou" else "a"
            done = "|".join(prompts.literal(d) for d in deeds[:MAX_DEEDS])
            options.append(f"As {article} {prompts.literal(said)}, I ({done})")
        if not options:
            # No job to tie them to (a resume of skills and one line a job): its deeds alone.
            lines = resume_facts.achievement_lines(self.profile.resume)
            deeds = list(dict.fromkeys(d for line in lines if (d := _as_deed(line))))
            if not deeds:
                return _sentence("(In my last role, I |Over the past few years, I )", 20, 240)
            options.append(f"Over the past few years, I ({'|'.join(prompts.literal(d) for d in deeds[:MAX_DEEDS])})")
        return f"^({'|'.join(options)})[.]$"

    def _answer_patterns(self) -> dict[str, str]:
        company = prompts.literal(self.profile.company)
        horizon = text.question_horizon(self.profile.question)
        aim = f"In {horizon}, I " if horizon else "(" + "|".join(prompts.FORWARD_OPENINGS) + ") "
        return {
            "aim": _sentence(aim, 15, 200),
            "why": self._why_pattern(),
            "first_steps": _sentence(
                f"(At {company}, I|First, I|To get there, I|My first step|In my first year, I) ", 20, 240
            ),
            # The company named, and what it gives: the line a small model most often left out.
            # ...and it says what that help does: asked only to name it, the model listed the
            # plan's company_support lines ("I know X offers A, B and C"); made to say "help"
            # somewhere, it glued the word on where its sentence ran out ("paid tra helping").
            # No comma: given one, it pasted every support line in a list, which a reader saw
            # as labels, not speech.
            "company_help": f"^({company} would help me grow |{company} could help me grow |Working at "
            f"{company} would help me ){_NO_LIST}{{20,200}}[.]$",
        }

    def request(self) -> ChatRequest:
        messages = list(self.transcript)
        if self.note:
            last = messages[-1]
            messages[-1] = {"role": "user", "content": last["content"] + "\n\n" + self.note}
        return ChatRequest(
            messages=messages,
            schema=self._schema(),
            max_tokens=min(self.settings.max_tokens, STEP_MAX_TOKENS[self.step]),
            temperature=min(1.0, self.settings.temperature + TEMPERATURE_STEP * self.tries),
            # Another try of a step gets the next seed, or it samples the same reply again.
            seed=self.settings.seed + self.tries,
            avoid_words=self.avoid_words,
            latin_only=self.latin_only,
            deadline=self.deadline,
            # The system prompt is the same for every candidate and every step.
            fixed_messages=1,
        )

    # -- what comes back -----------------------------------------------------

    def accept(self, completion: Completion) -> None:
        """Judge one reply to the current step; raise ``NeedsRepair`` to ask the step again."""
        self.tries += 1
        self.calls += 1
        self.attempts = max(self.attempts, self.tries)
        self.usage = self.usage + Usage(
            prompt_tokens=completion.prompt_tokens, completion_tokens=completion.completion_tokens
        )
        if completion.model:
            self.model = completion.model
        self.last_text = completion.text
        value, problems = self._parse(completion)
        if value is not None:
            candidate = self._judge(value, completion.text)
            if self.best is None or len(candidate.failed) < len(self.best.failed):
                self.best = candidate
            problems = [c.evidence for c in candidate.failed]
        self.last_violations = problems
        logger.info(
            "step %s, try %d of %d: %s",
            self.step,
            self.tries,
            self.max_tries,
            "unusable reply" if value is None else f"{len(problems)} rule(s) failed",
        )
        for problem in problems:
            logger.debug("violation: %s", problem)
        if problems:
            # Only what was wrong, not a model answer: a small model copies whatever
            # example a note holds into the next reply.
            self.note = "Your last reply to this step was not used: " + " ".join(problems)
            raise self._needs_repair
        self._advance()

    def settle(self) -> None:
        """The step's tries are spent: go on with its best reply, or fail if none was usable."""
        if self.best is None:
            raise GenerationError(
                f"no reply to the {self.step.replace('_', '-')} step was usable in {self.tries} tries",
                last_output=self.last_text,
                violations=self.last_violations,
                attempts=self.attempts,
            )
        self._advance()

    def _parse(self, completion: Completion) -> tuple[Any, list[str]]:
        return parse_reply(
            completion.text,
            completion.finish_reason,
            REPLY_MODELS[self.step],
            write_less="Write less.",
            most_problems=4,
        )

    def _judge(self, value: Any, reply: str) -> _Candidate:
        if isinstance(value, AspirationsReply):
            # The reply offers several aspirations: the one the rules like best leads.
            ranked = sorted(value.aspirations, key=self._aspiration_rank)
            aspiration = ranked[0].aspiration
            options = [ranked[0], *(o for o in value.aspirations if o is not ranked[0])]
            failed = self._failed(self._content(aspiration=aspiration))
            return _Candidate({"aspiration": aspiration, "aspirations": options}, reply, failed)
        if isinstance(value, GoalsReply):
            # A "promotion" to a job already held or applied for adds no step: the aspiration
            # closes the plan instead. The model copied its example's top rung ("Get promoted to
            # bar supervisor") into a bar supervisor's plan on three tries in a row.
            held = rules_meaning.held_titles(self.profile.resume, self.profile.role)
            goals = [g for g in value.goals if g.kind != "hire" and not _names_a_held_job(g.goal, held)]
            return _Candidate(goals, reply, self._failed(self._content(goals=goals)))
        if isinstance(value, SelfAssessment):
            assessment = self._kept_assessment(value)
            return _Candidate(assessment, reply, self._failed(self._content(assessment=assessment)))
        answer = value.answer
        return _Candidate(answer, reply, self._failed(self._content(answer=answer)))

    def _aspiration_rank(self, option: AspirationOption) -> tuple[int, bool, bool]:
        """Fewest failed rules first; then, among equals, a job above the role applied for
        before one level with it ("customer service consultant" for a contact centre agent),
        which the rules let pass because a specialist path can be a real aim; then one that
        names no company ("engineering manager at Microsoft", a past employer)."""
        failed = len(self._failed(self._content(aspiration=option.aspiration)))
        rung = resume_facts.level(rules_meaning.aspired_title(option.aspiration))
        applied = resume_facts.level(self.profile.role or "")
        names_a_company = bool(re.search(r"\b(?:at|with|for) [A-Z]", option.aspiration))
        return failed, bool(rung and applied and rung <= applied), names_a_company

    def _content(
        self,
        *,
        aspiration: str | None = None,
        goals: list[Goal] | None = None,
        assessment: SelfAssessment | None = None,
        answer: str | None = None,
    ) -> DraftContent:
        """The draft as far as it goes, with ``aspiration``/``goals``/... as the current step's part."""
        chosen_aspiration = aspiration or self.chosen.get("aspiration", "")
        options = self.chosen.get("aspirations") or [AspirationOption(aspiration=chosen_aspiration, reason="-")]
        chosen_goals = goals if goals is not None else self.chosen.get("goals")
        if chosen_goals is None:
            chosen_goals = [Goal(goal=chosen_aspiration, kind="promotion", company_support="", evidence="")]
        generated = GeneratedContent(
            self_assessment=assessment or self.chosen.get("self_assessment") or _placeholder_assessment(),
            plan=GeneratedPlan.model_construct(aspirations=options, aspiration=chosen_aspiration, goals=chosen_goals),
            answer=answer or self.chosen.get("answer") or "-",
        )
        return complete_content(generated, self.profile)

    def _kept_assessment(self, offered: SelfAssessment) -> SelfAssessment:
        """The offered items the rules pass, the plan's own skill or credential first among the
        growth areas; failing items fill in only where too few pass (and so fail the step)."""
        # The credential the plan earns is a growth area in the plan's own words ("CFA charter");
        # a skill or course goal cut down the same way read as a fragment to the reader ("Every
        # station on the line", "Company's manager development course").
        planned = [
            _CREDENTIAL_GOAL.sub("", g.goal).strip()
            for g in self.chosen["goals"]
            if _CREDENTIAL_GOAL.match(g.goal) and "'" not in g.goal
        ]
        growth = [_upper_first(p) for p in planned[:1]] + list(offered.growth_areas)

        inputs = self.profile.all_text()

        def passing(items: list[str], *, as_growth: bool) -> list[str]:
            kept = []
            for item in dict.fromkeys(items):
                # Glued words ("state'smathematicsexam") and a program's name ("Supervisor
                # training") read to the reader as no skill at all.
                if text.garbled(item, inputs) or _A_PROGRAM.search(item):
                    continue
                subject = Subject(
                    answer="",
                    company=self.profile.company,
                    strengths=() if as_growth else (item,),
                    growth_areas=(item,) if as_growth else (),
                    resume=self.profile.resume,
                    skills=tuple(self.profile.skills),
                    role=self.profile.role,
                    job_description=self.profile.job_description,
                )
                if all(rules.RULES[name](subject).passed for name in ("self-assessment-is-real", "grounded")):
                    kept.append(item)
            return kept

        strengths = passing(list(offered.strengths), as_growth=False)
        growth_areas: list[str] = []
        for item in passing(growth, as_growth=True):
            # "System design" and "Master system design": one growth area, not two.
            if not any(text.stems(item) <= text.stems(k) or text.stems(k) <= text.stems(item) for k in growth_areas):
                growth_areas.append(item)
        strengths += [i for i in offered.strengths if i not in strengths]
        growth_areas += [i for i in growth if i not in growth_areas]
        return SelfAssessment(strengths=strengths[:STRENGTHS_KEPT], growth_areas=growth_areas[:GROWTH_AREAS_KEPT])

    def _failed(self, content: DraftContent) -> list[CheckResult]:
        subject = Subject.from_draft(content, self.profile)
        return [c for name in STEP_RULES[self.step] if not (c := rules.RULES[name](subject)).passed]

    def _advance(self) -> None:
        assert self.best is not None
        best = self.best
        if self.step == "aspiration":
            self.chosen.update(best.value)
        else:
            self.chosen[self.step] = best.value
        # The chosen reply stays in the conversation: the next step reads the plan so far.
        self.transcript.append({"role": "assistant", "content": best.reply})
        self.best, self.note, self.tries = None, "", 0
        if self.step_index + 1 == len(STEPS):
            content = self._content()
            self.final = (content, rules.run_checks(content, self.profile))
            self.finished = True
            return
        self.step_index += 1
        self.transcript.append({"role": "user", "content": self._instruction(self.step)})

    # -- the result ----------------------------------------------------------

    def result(self, strict: bool) -> Draft:
        assert self.final is not None
        content, checks = self.final
        return checked_draft(
            content,
            checks,
            attempts=self.attempts,
            usage=self.usage,
            backend=self.backend.name,
            model=self.model,
            started=self.started,
            strict=strict,
            what="the stepwise draft",
            last_output=self.last_text,
        )

    def out_of_time(self, strict: bool) -> Draft:
        """The deadline passed: a stepwise draft is whole only after its last step."""
        if self.final is None:
            raise DeadlineError(
                f"no usable draft within the {self.settings.deadline_s:g} s time limit (ASPIRE_DEADLINE), "
                f"stopped at the {self.step.replace('_', '-')} step",
                backend=self.backend.name,
            )
        return self.result(strict)


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _names_a_held_job(goal: str, held: list[str]) -> bool:
    title = rules_meaning.aspired_title(goal)
    return bool(title) and any(rules_meaning.same_job(title, h) for h in held)


def _deeds_by_job(resume: str) -> list[tuple[str, list[str]]]:
    """The resume's jobs, most recent first, each with the deeds listed under it."""
    titles = resume_facts.titles(resume)
    jobs: dict[str, list[str]] = {}
    current = None
    for line in resume_facts.lines(resume):
        named = next((t for t in titles if t in line), None)
        if named is not None:
            current = named
            jobs.setdefault(current, [])
        elif current is not None and (deed := _as_deed(line)) and deed not in jobs[current]:
            jobs[current].append(deed)
    return [(title, jobs[title]) for title in titles if jobs.get(title) and '"' not in title and "\\" not in title]


def _as_deed(line: str) -> str | None:
    """A resume line as what follows "As a cook, I …": "Trained three cooks." → "trained three cooks";
    None for a line that is no deed (a summary, a heading) or that the pattern cannot hold."""
    line = line.strip().rstrip(".;").strip()
    if INJECTION.search(line):  # a line that talks to the model is no deed of the candidate's
        return None
    if line.lower().startswith("i "):
        line = line[2:]
    words = line.split()
    if not 4 <= len(words) <= 30 or re.search(r'["\\;\n]|[.](?![0-9])', line):
        return None
    if not english.is_verb_form(words[0]):
        return None
    # "Organised and adaptable administrative worker…" is a summary, not a deed.
    if words[1].lower() == "and" and not english.is_verb_form(words[2]):
        return None
    first = words[0] if words[0].isupper() else words[0].lower()
    return " ".join([first, *words[1:]])


def _upper_first(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def _lower_first(goal: str) -> str:
    """ "Learn Acme's tools" → "learn Acme's tools", leaving "Acme" and "SQL" as they are."""
    first, _, rest = goal.partition(" ")
    if first[:1].isupper() and first[1:].islower():
        first = first.lower()
    return f"{first} {rest}".strip()
