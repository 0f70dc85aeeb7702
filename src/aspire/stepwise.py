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
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from . import english, prompts, resume_facts, rules, rules_meaning, step_patterns, text
from .assessment import kept_assessment
from .backends import Backend, ChatRequest, Completion, Message
from .config import Settings
from .errors import DeadlineError, GenerationError
from .ladders import CareerField, career_fields, career_path, ladder_for, tidy_goals
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
_RUNG_STEMS = text.stems(
    " ".join([*resume_facts.JOB_LEVELS, *resume_facts.LIFTING_WORDS, *resume_facts.SCOPE_WORDS, "team"])
)

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
        said = " ".join(s.strip() for s in (self.aim, self.why, self.first_steps, self.company_help))
        return english.fix_acronym_articles(said)


REPLY_MODELS: dict[str, type[BaseModel]] = {
    "aspiration": AspirationsReply,
    "goals": GoalsReply,
    "self_assessment": SelfAssessment,
    "answer": AnswerReply,
}


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
        # The candidate's occupation from O*NET, and the worked ladder from it (none where no
        # occupation matches confidently: a far field's example was worse than none).
        self.path = career_path(profile)
        ladder = ladder_for(profile)
        self.fields = [ladder] if ladder else []
        self.avoid_words = prompts.avoid_words(profile)
        self.latin_only = text.latin_script_only(profile.all_text())
        self.goal_ladder: CareerField | None = None
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
            ladder = self.fields[0] if self.fields else None
            return prompts.render(
                "steps/aspiration.j2",
                profile=self.data_profile,
                current=current,
                applied=self.data_profile.role or current or "the role in the job description",
                examples=self.fields,
                options=ladder.options if ladder else (),
                from_data=bool(ladder and ladder.from_data),
            )
        if step == "goals":
            held = [
                prompts.as_data(t)
                for t in rules_meaning.held_titles(self.profile.resume, self.profile.role, self.profile.job_description)
            ]
            credentials = [prompts.as_data(c) for c in resume_facts.credential_lines(self.profile.resume)[:6]]
            # The ladder toward the aspiration chosen: its step up's needs and work.
            self.goal_ladder = ladder_for(self.profile, self.chosen["aspiration"])
            return prompts.render(
                "steps/goals.j2",
                aspiration=self.chosen["aspiration"],
                company=company,
                example=self.goal_ladder,
                held=held,
                credentials=credentials,
            )
        if step == "self_assessment":
            ladder = self.goal_ladder or (self.fields[0] if self.fields else None)
            return prompts.render("steps/self_assessment.j2", growth=ladder.growth if ladder else ())
        goals = [g for g in self.chosen["goals"] if g.kind != "hire"]
        aspiration = re.sub(r"^\s*become\s+", "", self.chosen["aspiration"], flags=re.IGNORECASE).rstrip(".")
        return prompts.render(
            "steps/answer.j2",
            horizon=text.question_horizon(self.profile.question),
            question=self.data_profile.question,
            company=company,
            aspiration_words=aspiration,
            first_steps=[step_patterns.lower_first(g.goal) for g in goals[:2]],
            # The help toward the aspiration (the skill and the work that proves it), not all of it.
            supports=list(
                dict.fromkeys(english.with_article(g.company_support) for g in goals[1:3] if g.company_support.strip())
            ),
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
                    "reason": {"type": "string", "pattern": step_patterns.reason_pattern(self.profile)},
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
            goal["properties"]["company_support"] = {"type": "string", "pattern": step_patterns.phrase(6, 90)}
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
        patterns = step_patterns.answer_patterns(self.profile, self.chosen.get("aspiration", ""))
        return _object({name: {"type": "string", "pattern": pattern} for name, pattern in patterns.items()})

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
            for option in value.aspirations:
                option.aspiration = english.fix_acronym_articles(
                    step_patterns.without_trailing_employer(option.aspiration)
                )
            # A farther field's example copied whole ("executive assistant to a senior partner"
            # for a store manager) is no option for this candidate; a reader asked why it was there.
            copied = {a.lower() for f in career_fields() if f not in self.fields for a in f.aspirations}
            own = [
                o
                for o in value.aspirations
                if o.aspiration.lower().rstrip(".") not in copied and self._in_the_candidates_field(o.aspiration)
            ]
            value.aspirations = own or value.aspirations
            # Each option judged once: the rank runs the aspiration rules.
            rank = {id(o): self._aspiration_rank(o) for o in value.aspirations}
            ranked = sorted(value.aspirations, key=lambda o: rank[id(o)])
            aspiration = ranked[0].aspiration
            # Only options the aspiration rules pass are shown as considered: "Become a line
            # cook who designs a restaurant's menu" among a plumber's made a reader reject it.
            passing = [o for o in value.aspirations if o is not ranked[0] and not rank[id(o)][0]]
            options = [ranked[0], *passing]
            failed = self._failed(self._content(aspiration=aspiration))
            return _Candidate({"aspiration": aspiration, "aspirations": options}, reply, failed)
        if isinstance(value, GoalsReply):
            # A "promotion" to a job already held or applied for adds no step: the aspiration
            # closes the plan instead. The model copied its example's top rung ("Get promoted to
            # bar supervisor") into a bar supervisor's plan on three tries in a row.
            held = rules_meaning.held_titles(self.profile.resume, self.profile.role, self.profile.job_description)
            goals = [g for g in value.goals if g.kind != "hire" and not _names_a_held_job(g.goal, held)]
            goals = tidy_goals(goals, self.chosen["aspiration"], self.profile, self.goal_ladder)
            goals = [g.model_copy(update={"goal": english.fix_acronym_articles(g.goal)}) for g in goals]
            return _Candidate(goals, reply, self._failed(self._content(goals=goals)))
        if isinstance(value, SelfAssessment):
            ladder = self.goal_ladder or (self.fields[0] if self.fields else None)
            assessment = kept_assessment(self.profile, value, [ladder] if ladder else [])
            return _Candidate(assessment, reply, self._failed(self._content(assessment=assessment)))
        # The aim names the role, not where ("…a senior product manager at Google.", the
        # candidate's past employer, in a Brightpath interview).
        value.aim = step_patterns.without_trailing_employer(value.aim).rstrip(".") + "."
        supports = [g.company_support for g in self.chosen.get("goals", [])]
        value.company_help = step_patterns.supports_with_articles(value.company_help, supports)
        answer = value.answer
        return _Candidate(answer, reply, self._failed(self._content(answer=answer)))

    def _in_the_candidates_field(self, aspiration: str) -> bool:
        """Whether the job an aspiration names shares a word with the candidate's jobs, skills,
        the role applied for or the closest field's ladder. "Become a line cook who designs a
        restaurant's menu" for a plumber and "Become a respiratory therapist" for a nurse did
        not: readers called them borrowed and sideways."""
        title = rules_meaning.aspired_title(aspiration)
        if not title:
            return True  # a body of work names no job
        field = self.fields[0] if self.fields else None
        known = " ".join(
            [
                *resume_facts.titles(self.profile.resume),
                self.profile.role or "",
                self.profile.company,
                self.profile.job_description or "",
                *self.profile.skills,
                " ".join(field.words) if field else "",
                *(field.aspirations if field else ()),
                field.role if field else "",
            ]
        )
        # The job's own words, not its rung: "office" of "office manager", "cook" of "line cook".
        own = {w for w in text.stems(title) if w not in _RUNG_STEMS}
        return not own or bool(own & (text.stems(known) | (field.words if field else frozenset())))

    def _aspiration_rank(self, option: AspirationOption) -> tuple[int, bool, bool, bool, bool]:
        """Fewest failed rules first; then, among equals, a job above the role applied for
        before one level with it ("customer service consultant" for a contact centre agent),
        which the rules let pass because a specialist path can be a real aim; then one two
        rungs up, as the article's long-term aim is, before one a single rung up ("director
        of product" before "senior product manager" for a product manager of 20 years, whom
        a reader saw aiming at the job advertised); then one that names no company
        ("engineering manager at Microsoft", a past employer)."""
        content = self._content(aspiration=option.aspiration)
        failed = len(self._failed(content))
        # The field rule reads the aspiration too, but only the whole draft fails on it (the
        # answer may draw the line to it): here it ranks, so "head of learning" for a teacher
        # whose inputs never say "learning" gives way to "learning design lead" (her design).
        unrelated = not rules.RULES["career-relevant"](Subject.from_draft(content, self.profile)).passed
        rung = resume_facts.level(rules_meaning.aspired_title(option.aspiration))
        applied = resume_facts.level(self.profile.role or "")
        names_a_company = bool(re.search(r"\b(?:at|with|for) [A-Z]", option.aspiration))
        # A job of unknown rung ("coffee roaster") does not beat a known two-rung step.
        short_of_two = not (rung and applied and rung >= applied + 2)
        return failed, unrelated, bool(rung and applied and rung <= applied), short_of_two, names_a_company

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
            occupation=self.path.record(),
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
