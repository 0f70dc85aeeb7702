"""What each ``aspire`` command does, once ``cli`` has parsed its options: read the
inputs, call one library function, print. ``cli`` holds the parser and turns errors
into exit codes; nothing here parses ``sys.argv``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .backends import Backend
from .config import Settings
from .errors import InputError
from .generate import generate
from .inputs import read_text_file
from .models import CandidateProfile
from .render import checks_to_text, draft_to_text, summary_to_text

EXIT_OK = 0
EXIT_CHECKS_FAILED = 1
EXIT_USAGE = 2


def doctor_command(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .doctor import diagnose, findings_to_text

    findings = diagnose(backend=args.backend)
    if args.json:
        print(json.dumps([asdict(f) for f in findings], indent=2, ensure_ascii=False))
    else:
        print(findings_to_text(findings))
    return EXIT_CHECKS_FAILED if any(f.status == "fail" for f in findings) else EXIT_OK


def occupation_command(args: argparse.Namespace) -> int:
    from .occupation_command import occupation

    return occupation(args)


def serve_command(args: argparse.Namespace) -> int:
    from .server.command import serve

    return serve(args)


def _given_options(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line (the rest come from the environment)."""
    given = {
        "model": args.model,
        "max_attempts": getattr(args, "max_attempts", None),
        "seed": args.seed,
        "method": getattr(args, "method", None),
    }
    return {key: value for key, value in given.items() if value is not None}


def _settings_and_backend(args: argparse.Namespace, options: dict[str, Any]) -> tuple[Settings, Backend]:
    """Resolved settings and the backend they name, behind the reply cache unless --no-cache."""
    from .backends import create_backend
    from .backends.cache import CachingBackend, default_cache_dir
    from .config import resolve_settings
    from .prompts import template_version

    settings = resolve_settings(backend=args.backend, **options)
    backend: Backend = create_backend(settings)
    if not args.no_cache:
        directory = Path(args.cache_dir) if getattr(args, "cache_dir", None) else default_cache_dir()
        backend = CachingBackend(backend, directory, template_version=template_version())
    return settings, backend


def _profile_from_files(args: argparse.Namespace, notes: list[str]) -> CandidateProfile:
    """The candidate from --resume and --job-description in any format, plus the other options.

    What the files supplied that the options did not is added to ``notes``.
    """
    from .documents import propose_skills, read_job_description, read_resume

    resume = read_resume(args.resume)
    job = read_job_description(args.job_description) if args.job_description else None
    company = args.company if args.company is not None else (job.company if job else None)
    if company is None:
        raise InputError("give --company: the company you are interviewing with", field="company")
    if args.company is None:
        notes.append(f"company from the job file: {company}")
    if args.role is None and job is not None and job.role:
        notes.append(f"role from the job file: {job.role}")
    skills = [s.strip() for s in (args.skills or "").split(",") if s.strip()]
    if not skills and resume.skills:
        # A JSON Resume lists its skills as data: they are the candidate's own words.
        skills = list(resume.skills)
        notes.append(f"skills from the JSON Resume: {', '.join(skills)}")
    elif not skills and (listed := propose_skills(resume.text)):
        # Pulled from free text, they can be phrases ("astute problem solver"); the
        # model reads the resume anyway, so they are offered, not imposed.
        notes.append(f"skills your resume lists: {', '.join(listed)}")
        # --skills splits on commas: suggest only items that survive that.
        if suggested := [skill for skill in listed if "," not in skill][:3]:
            notes.append(f'to build the plan on some of them, add --skills "{", ".join(suggested)}"')
    return CandidateProfile(
        resume=resume.text,
        company=company,
        skills=skills,
        role=args.role or (job.role if job else None),
        job_description=job.text if job else None,
        name=args.name or resume.name,
        question=args.question,
        occupation=_occupation_code(getattr(args, "occupation", None)),
    )


def _occupation_code(given: str | None) -> str | None:
    """--occupation as a known O*NET-SOC code, or a clear error naming how to find one."""
    if not given:
        return None
    from .knowledge.store import get

    return get(given).code


def _check_writable(target: Path) -> None:
    import os

    folder = next((p for p in [target.parent, *target.parent.parents] if p.exists()), Path("."))
    if target.is_dir():
        raise InputError(f"cannot write {target}: it is a directory", field="out")
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {target}: {folder} is not a writable folder", field="out")


def draft_command(args: argparse.Namespace) -> int:
    from .files import atomic_write
    from .render import draft_to_markdown, print_rich

    output_format = "json" if args.json else (args.format or "text")
    if args.out:
        _check_writable(Path(args.out))  # before minutes of drafting, not after
    notes: list[str] = []
    profile = _profile_from_files(args, notes)
    options = _given_options(args)
    _, backend = _settings_and_backend(args, options)
    options.pop("model", None)  # the backend is built; the rest are generation settings
    to_terminal = args.out is None and sys.stdout.isatty()
    if sys.stderr.isatty():
        print("Drafting… (the embedded model takes a minute or two on a laptop CPU)", file=sys.stderr)
    draft = generate(profile, backend=backend, **options)
    if output_format == "text" and to_terminal:
        print_rich(draft, company=profile.company)
    else:
        rendered = {
            "json": lambda: draft.model_dump_json(indent=2) + "\n",
            "markdown": lambda: draft_to_markdown(draft, company=profile.company),
            "text": lambda: draft_to_text(draft, company=profile.company) + "\n",
        }[output_format]()
        if args.out:
            try:
                atomic_write(Path(args.out), rendered)
            except OSError as exc:
                raise InputError(f"cannot write {args.out}: {exc.strerror or exc}", field="out") from None
            notes.insert(0, f"wrote {args.out}")
        else:
            sys.stdout.write(rendered)
    # After the draft, so that a failure stays one line on stderr.
    for note in notes:
        print(f"aspire: {note}", file=sys.stderr)
    if args.strict and not draft.passed:
        return EXIT_CHECKS_FAILED
    return EXIT_OK


def check_command(args: argparse.Namespace) -> int:
    from .documents import read_job_description, read_resume
    from .lint import answer_subject, read_plan, read_self_assessment
    from .rules import check

    subject = answer_subject(
        read_text_file(args.answer, what="answer"),
        company=args.company,
        question=args.question,
        plan=read_plan(args.plan) if args.plan else None,
        resume=read_resume(args.resume).text if args.resume else None,
        skills=[s.strip() for s in (args.skills or "").split(",") if s.strip()],
        role=args.role,
        job_description=read_job_description(args.job_description).text if args.job_description else None,
        self_assessment=read_self_assessment(args.plan) if args.plan else None,
    )
    results = check(subject)
    verdict = None
    if args.judge:
        from .evaluation.judge import judge

        settings, backend = _settings_and_backend(args, _given_options(args))
        verdict = judge(subject, backend, seed=settings.seed)
    checks = [r.model_dump(mode="json") for r in results]
    if args.json:
        shown: Any = checks if verdict is None else {"checks": checks, "judge": verdict.model_dump(mode="json")}
        print(json.dumps(shown, indent=2, ensure_ascii=False))
    else:
        print(checks_to_text(results))
        if verdict is not None:
            from .evaluation.judge import verdict_to_text

            print()
            print(verdict_to_text(verdict))
    # The judge is a second opinion: the exit status is the rules' alone.
    return EXIT_CHECKS_FAILED if any(not r.passed for r in results) else EXIT_OK


def eval_command(args: argparse.Namespace) -> int:
    import asyncio

    from .backends.base import aclose_backend
    from .batch_command import batch_prices, check_batch_options, wants_batch
    from .evaluation import EvalOptions, load_cases, run_eval
    from .progress import EvalProgress

    check_batch_options(args)
    if args.judged and not args.paths:
        return _eval_judged(args)
    if not args.paths or not args.out:
        raise InputError("give eval case files or folders and --out DIR (or --judged DIR)", field="paths")
    cases, case_errors = load_cases([Path(p) for p in args.paths])
    if not cases and not case_errors:
        raise InputError("no eval cases found (looked for *.yaml, *.yml and *.jsonl)", field="paths")
    if args.judged and not Path(args.judged).is_dir():
        raise InputError(f"no such judged set: {args.judged}", field="judged")
    baseline = Path(args.baseline) if args.baseline else None
    if baseline is not None and not (baseline / "results.jsonl").is_file():
        raise InputError(f"the baseline folder has no results.jsonl: {baseline}", field="baseline")
    if wants_batch(args):
        from .batch_command import eval_batch, print_waiting

        summary = eval_batch(args, cases, case_errors)
        print(summary_to_text(summary, args.out))
        print_waiting(summary)
        return EXIT_OK if summary["pass_rate"] >= args.min_pass_rate else EXIT_CHECKS_FAILED
    settings, backend = _settings_and_backend(args, _given_options(args))
    generation = {
        "max_attempts": settings.max_attempts,
        "max_tokens": settings.max_tokens,
        "temperature": settings.temperature,
        "seed": settings.seed,
        "method": settings.method,
        **({"repair": settings.repair} if settings.repair else {}),
    }
    eval_options = EvalOptions(
        out_dir=Path(args.out),
        concurrency=args.concurrency or 1,
        baseline=baseline,
        prices=batch_prices(args, settings.model or backend.model),
        generation=generation,
        token_budget=args.token_budget,
        judge=args.judge,
        judged=Path(args.judged) if args.judged else None,
    )

    async def evaluate(progress: EvalProgress) -> dict[str, Any]:
        try:
            return await run_eval(cases, case_errors, backend, eval_options, on_result=progress.update)
        finally:
            await aclose_backend(backend)

    with EvalProgress(len(cases) + len(case_errors)) as progress:
        summary = asyncio.run(evaluate(progress))
    print(summary_to_text(summary, args.out))
    return EXIT_OK if summary["pass_rate"] >= args.min_pass_rate else EXIT_CHECKS_FAILED


def _eval_judged(args: argparse.Namespace) -> int:
    from .evaluation.judged import agreement_to_text, compare, load_judged

    if args.out:
        raise InputError(
            "--judged without case paths measures stored drafts and writes nothing: drop --out, "
            "or give case paths to draft them and add the reader's verdicts",
            field="judged",
        )
    folder = Path(args.judged)
    if not folder.exists():
        raise InputError(f"no such judged set: {folder}", field="judged")
    judged, errors = load_judged([folder])
    if not judged:
        raise InputError(f"no judged drafts (*.json) under {folder}", field="judged")
    agreement = compare(judged, errors)
    print(agreement_to_text(agreement))
    if args.judge:
        print()
        print(_judge_the_judged(args, judged))
    # The judge is measured, not held to targets: the exit status is the rules' alone.
    return EXIT_OK if not agreement.missed_targets() and not errors else EXIT_CHECKS_FAILED


def _judge_the_judged(args: argparse.Namespace, judged: list[Any]) -> str:
    """The LLM judge's verdict on every judged draft, measured against the reader."""
    import asyncio

    from .backends.base import aclose_backend
    from .evaluation.judge import JudgeCompared, ajudge_judged, judge_agreement_to_text

    settings, backend = _settings_and_backend(args, _given_options(args))

    done = 0

    def report(result: JudgeCompared) -> None:
        nonlocal done
        done += 1
        said = "no verdict" if result.verdict is None else "accepts" if result.verdict.accepts else "rejects"
        reader = "accepts" if result.reader_accepts else "rejects"
        print(f"[{done}/{len(judged)}] judge {said}, reader {reader}: {result.entry.id}", file=sys.stderr, flush=True)

    async def run() -> list[JudgeCompared]:
        try:
            return await ajudge_judged(
                judged, backend, concurrency=args.concurrency or 1, seed=settings.seed, on_result=report
            )
        finally:
            await aclose_backend(backend)

    compared = asyncio.run(run())
    return judge_agreement_to_text(compared)
