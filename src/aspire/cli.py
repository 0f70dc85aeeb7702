"""Command line: parse, call one library function, print.

Library errors become one clean line on stderr and exit code 2; a draft that
still breaks a rule exits 0 (the failures are printed) unless ``--strict``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .backends import Backend
from .config import Settings
from .errors import AspireError, GenerationError, InputError
from .generate import generate
from .inputs import read_text_file
from .models import DEFAULT_QUESTION, CandidateProfile
from .render import checks_to_text, draft_to_text, summary_to_text

EXIT_OK = 0
EXIT_CHECKS_FAILED = 1
EXIT_USAGE = 2

MAIN_EPILOG = """\
examples:
  aspire draft --resume resume.md --company "Acme Corp"
  aspire draft --resume resume.pdf --company "Riverside General Hospital" \\
      --role "Registered Nurse" --question "Where do you see yourself in five years?"
  aspire draft --resume resume.json --job-description job.json --format markdown --out answer.md
  aspire check --answer my_answer.txt --company Acme --resume resume.docx
  aspire eval evals/cases --out run/
  aspire doctor

backends:
  local   (default) the embedded Qwen2.5-Coder-0.5B model, offline, no key.
          ASPIRE_LOCAL_MODEL=/path/model.gguf runs any other GGUF instead.
  openai  OpenAI or any compatible server: set OPENAI_API_KEY and/or
          OPENAI_BASE_URL (e.g. http://127.0.0.1:8000/v1) and ASPIRE_MODEL.

Settings come from options, then environment variables, then a .env file in
the current directory; see .env.example for every variable.
"""

DRAFT_EPILOG = """\
examples:
  aspire draft --resume examples/resumes/retail_store_manager.md --company Target --role "Store Manager"
  aspire draft --resume cv.pdf --company Acme --skills "SQL, dashboards, coaching" \\
      --job-description job.txt --question "Where do you see yourself in five years?"
  aspire draft --resume resume.json --job-description job.json      # JSON Resume; company from the job file
  aspire draft --resume cv.docx --company Acme --format markdown --out answer.md
  OPENAI_BASE_URL=http://127.0.0.1:8000/v1 aspire draft --resume cv.md --company Acme --backend openai

Resumes: .txt, .md, .pdf (its text layer), .docx, or JSON Resume .json. Without
--skills, a JSON Resume's skill keywords are used; from other formats the skills
the resume lists (its Skills section) are shown on stderr as a proposal for
--skills. A JSON Resume job file as --job-description also gives --company and
--role when they are not given.

Output: the answer, the plan as a numbered list up to the aspiration, then the
rule verdicts; in colour on a terminal, plain when piped. --format markdown or
json for files; --out writes the file atomically (never a half-written one).

Replies are cached (key: backend, model, templates, request) in
$ASPIRE_CACHE_DIR/replies: the same command again answers at once. A new --seed
gives a new draft; --no-cache calls the model anyway.

exit status: 0 draft printed (failed rule checks are listed), 1 with --strict when
a rule check still fails, 2 bad input, settings or model/server failure.
"""


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aspire",
        description=(
            'Draft an answer to "What are your career aspirations?" with an Individual '
            "Development Plan: goals that work from getting hired by the company up to "
            "a long-term aspiration, checked against the interview article's rules."
        ),
        epilog=MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"aspire {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    draft = commands.add_parser(
        "draft",
        help="draft an answer and a development plan from a resume",
        description="Draft an answer and an Individual Development Plan from a resume.",
        epilog=DRAFT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    given = draft.add_argument_group("the candidate")
    given.add_argument(
        "--resume", required=True, metavar="FILE", help="resume as .txt, .md, .pdf, .docx or JSON Resume .json"
    )
    given.add_argument(
        "--company", metavar="NAME", help="the company you are interviewing with (or from a JSON job file)"
    )
    given.add_argument(
        "--skills", metavar='"A, B"', help="comma-separated skills to build on (default: a JSON Resume's keywords)"
    )
    given.add_argument("--role", metavar="ROLE", help="the job title you applied for")
    given.add_argument(
        "--job-description", metavar="FILE", help="the job ad as .txt, .md, .pdf, .docx or a JSON Resume job file"
    )
    given.add_argument("--name", metavar="NAME", help="your name (default: from a JSON Resume)")
    given.add_argument(
        "--question", metavar="Q", help=f'the question as the interviewer asks it (default: "{DEFAULT_QUESTION}")'
    )
    how = draft.add_argument_group("how to draft")
    how.add_argument(
        "--backend", choices=["local", "openai"], help="model backend (default: openai if OPENAI_* is set, else local)"
    )
    how.add_argument("--model", metavar="M", help="model name for openai; path to a .gguf file for local")
    how.add_argument("--max-attempts", type=int, metavar="N", help="attempts including repairs (default 3)")
    how.add_argument("--seed", type=int, metavar="N", help="sampling seed, non-zero (default 42)")
    how.add_argument(
        "--no-cache",
        action="store_true",
        help="always call the model (default: the same request again is answered from the reply cache)",
    )
    out = draft.add_argument_group("output")
    out.add_argument(
        "--format",
        choices=["text", "markdown", "json"],
        default=None,
        help="text (default; in colour on a terminal), markdown, or json (the Draft model)",
    )
    out.add_argument("--json", action="store_true", help="the same as --format json")
    out.add_argument("--out", metavar="FILE", help="write the output to FILE (atomically) instead of stdout")
    out.add_argument("--strict", action="store_true", help="exit 1 if any rule check still fails")
    out.add_argument("-v", "--verbose", action="count", default=0, help="log progress to stderr (-vv for debug)")
    draft.set_defaults(handler=_cmd_draft)
    _add_check_parser(commands)
    _add_eval_parser(commands)
    _add_doctor_parser(commands)
    return parser


CHECK_EPILOG = """\
examples:
  aspire check --answer my_answer.txt --company "Acme Corp"
  aspire check --answer answer.txt --company Acme --resume cv.md --plan plan.json
  aspire check --answer answer.txt --company Acme --question "Where do you see yourself in five years?" --json

The plan file is JSON: a list of goals from "Get hired by <company>" to the
aspiration (the last item), an object {"aspiration": ..., "goals": [...]}, or a
draft saved with `aspire draft --json`. Goals are strings or objects with
"goal" and, optionally, "company_support" (how the company helps).
Rules that need a plan or a resume you did not give are reported as SKIP.

exit status: 0 every rule passes (or is skipped), 1 a rule fails, 2 bad input.
"""

EVAL_EPILOG = """\
examples:
  aspire eval evals/cases --out run/
  aspire eval evals/cases --out run2/ --baseline run/ --min-pass-rate 0.9
  aspire eval my_cases.jsonl --out run/ --backend openai --model gpt-4o-mini --concurrency 4
  aspire eval --judged evals/judged      # the rules against a reader's verdicts; no model

Cases are YAML files (one case each) or JSONL files (one case a line), found
recursively: id, profile (resume or resume_file, company, role, skills,
question, job_description or job_description_file) and optional expect
(fail: [rule ids], contains: [...], not_contains: [...]). See evals/README.md.

Writes OUT/results.jsonl, OUT/summary.json, OUT/report.md, OUT/report.html.
Running again with the same --out resumes: finished cases are kept. Model
replies are cached (key: backend, model, templates, request), so a re-run with
nothing changed makes no model calls; --no-cache turns that off.

With --judged DIR, nothing is drafted: the rules check drafts a careful reader
judged with the rubric (evals/RUBRIC.md, evals/judged/README.md), and aspire
prints rules-pass x reader-accept, recall per defect tag, and every draft where
the two disagree.

exit status: 0 pass rate >= --min-pass-rate (with --judged: every target met),
1 below it, 2 bad usage.
"""


def _add_check_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check",
        help="check an answer (and plan) you wrote against the article's rules",
        description="Check an answer you wrote, and optionally your development plan, against the article's rules.",
        epilog=CHECK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("--answer", required=True, metavar="FILE", help="your answer as plain text")
    check.add_argument("--company", required=True, metavar="NAME", help="the company you are interviewing with")
    check.add_argument("--plan", metavar="FILE.json", help="your Individual Development Plan as JSON")
    check.add_argument(
        "--resume", metavar="FILE", help="your resume (.txt, .md, .pdf, .docx, .json), to check nothing is invented"
    )
    check.add_argument("--skills", metavar='"A, B"', help="comma-separated skills")
    check.add_argument("--role", metavar="ROLE", help="the job title you applied for")
    check.add_argument("--job-description", metavar="FILE", help="the job ad (.txt, .md, .pdf, .docx, .json)")
    check.add_argument("--question", metavar="Q", help=f'the question as asked (default: "{DEFAULT_QUESTION}")')
    check.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    check.set_defaults(handler=_cmd_check)


def _add_eval_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    evaluate = commands.add_parser(
        "eval",
        help="batch-run eval cases and write results and reports",
        description="Draft every eval case, judge each draft by the rules, and write results and reports.",
        epilog=EVAL_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evaluate.add_argument("paths", nargs="*", metavar="PATH", help="case files or folders (searched recursively)")
    evaluate.add_argument("--out", metavar="DIR", help="where results and reports go (required with PATH)")
    evaluate.add_argument(
        "--judged",
        metavar="DIR",
        help="measure the rules against a reader's verdicts on the judged drafts in DIR, instead of drafting",
    )
    evaluate.add_argument(
        "--concurrency", type=_positive_int, default=1, metavar="N", help="requests in flight at once (default 1)"
    )
    evaluate.add_argument(
        "--min-pass-rate", type=_rate, default=0.0, metavar="X", help="exit 1 below this pass rate, 0-1 (default 0)"
    )
    evaluate.add_argument("--baseline", metavar="DIR", help="an earlier --out folder to compare with")
    evaluate.add_argument(
        "--token-budget",
        type=_positive_int,
        metavar="N",
        help="stop starting cases once this run has spent N tokens; the rest are skipped (errors) and "
        "drafted by the next run with the same --out",
    )
    evaluate.add_argument("--no-cache", action="store_true", help="always call the model")
    evaluate.add_argument("--cache-dir", metavar="DIR", help="reply cache (default: $ASPIRE_CACHE_DIR/replies)")
    evaluate.add_argument("--backend", choices=["local", "openai"], help="model backend (as for draft)")
    evaluate.add_argument("--model", metavar="M", help="model name for openai; path to a .gguf file for local")
    evaluate.add_argument("--max-attempts", type=int, metavar="N", help="attempts per case including repairs")
    evaluate.add_argument("--seed", type=int, metavar="N", help="sampling seed, non-zero (default 42)")
    evaluate.add_argument("-v", "--verbose", action="count", default=0, help="log progress (-vv for debug)")
    evaluate.set_defaults(handler=_cmd_eval)


DOCTOR_EPILOG = """\
examples:
  aspire doctor
  aspire doctor --backend openai        # is the configured server up?
  OPENAI_BASE_URL=http://127.0.0.1:8000/v1 aspire doctor

Reports the backend a draft would use and why (option, ASPIRE_BACKEND,
OPENAI_* settings, or the embedded default), whether the embedded model is
assembled and its SHA-256 verified (or the GGUF you named is there), whether the
configured server answers, and the reply cache's folder. Nothing is generated.

exit status: 0 ready (ok or warn only), 1 something would fail.
"""


def _add_doctor_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="check the setup: backend, embedded model, server, cache",
        description="Report which backend would be used and why, and whether it is ready.",
        epilog=DOCTOR_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    doctor.add_argument("--backend", choices=["local", "openai"], help="check this backend instead of the default")
    doctor.add_argument("--json", action="store_true", help="print the findings as JSON")
    doctor.set_defaults(handler=_cmd_doctor)


def _cmd_doctor(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .doctor import diagnose, findings_to_text

    findings = diagnose(backend=args.backend)
    if args.json:
        print(json.dumps([asdict(f) for f in findings], indent=2, ensure_ascii=False))
    else:
        print(findings_to_text(findings))
    return EXIT_CHECKS_FAILED if any(f.status == "fail" for f in findings) else EXIT_OK


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _rate(value: str) -> float:
    text = value.strip()
    try:
        number = float(text.removesuffix("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError("give a rate from 0 to 1 (or a percentage such as 90%)")
    return number


def _given_options(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line (the rest come from the environment)."""
    given = {"model": args.model, "max_attempts": args.max_attempts, "seed": args.seed}
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
    )


def _check_writable(target: Path) -> None:
    import os

    folder = next((p for p in [target.parent, *target.parent.parents] if p.exists()), Path("."))
    if target.is_dir():
        raise InputError(f"cannot write {target}: it is a directory", field="out")
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {target}: {folder} is not a writable folder", field="out")


def _cmd_draft(args: argparse.Namespace) -> int:
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


def _cmd_check(args: argparse.Namespace) -> int:
    from .documents import read_job_description, read_resume
    from .lint import check_answer, read_plan, read_self_assessment

    results = check_answer(
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
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in results], indent=2, ensure_ascii=False))
    else:
        print(checks_to_text(results))
    return EXIT_CHECKS_FAILED if any(not r.passed for r in results) else EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    import asyncio

    from .backends.base import aclose_backend
    from .evaluation import EvalOptions, load_cases, run_eval
    from .progress import EvalProgress

    if args.judged:
        return _cmd_eval_judged(args)
    if not args.paths or not args.out:
        raise InputError("give eval case files or folders and --out DIR (or --judged DIR)", field="paths")
    cases, case_errors = load_cases([Path(p) for p in args.paths])
    if not cases and not case_errors:
        raise InputError("no eval cases found (looked for *.yaml, *.yml and *.jsonl)", field="paths")
    baseline = Path(args.baseline) if args.baseline else None
    if baseline is not None and not (baseline / "results.jsonl").is_file():
        raise InputError(f"the baseline folder has no results.jsonl: {baseline}", field="baseline")
    settings, backend = _settings_and_backend(args, _given_options(args))
    generation = {
        "max_attempts": settings.max_attempts,
        "max_tokens": settings.max_tokens,
        "temperature": settings.temperature,
        "seed": settings.seed,
        **({"repair": settings.repair} if settings.repair else {}),
    }
    eval_options = EvalOptions(
        out_dir=Path(args.out),
        concurrency=args.concurrency,
        baseline=baseline,
        generation=generation,
        token_budget=args.token_budget,
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


def _cmd_eval_judged(args: argparse.Namespace) -> int:
    from .evaluation.judged import agreement_to_text, compare, load_judged

    if args.paths or args.out:
        raise InputError("--judged measures stored drafts: give no case paths and no --out", field="judged")
    folder = Path(args.judged)
    if not folder.exists():
        raise InputError(f"no such judged set: {folder}", field="judged")
    judged, errors = load_judged([folder])
    if not judged:
        raise InputError(f"no judged drafts (*.json) under {folder}", field="judged")
    agreement = compare(judged, errors)
    print(agreement_to_text(agreement))
    return EXIT_OK if not agreement.missed_targets() and not errors else EXIT_CHECKS_FAILED


def _load_dotenv() -> None:
    from dotenv import find_dotenv, load_dotenv

    # Variables already in the environment win over the .env file.
    load_dotenv(find_dotenv(usecwd=True), override=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    logging.basicConfig(
        level={0: logging.WARNING, 1: logging.INFO}.get(getattr(args, "verbose", 0), logging.DEBUG),
        format="aspire: %(levelname)s: %(message)s",
    )
    _load_dotenv()
    try:
        return int(args.handler(args))
    except AspireError as exc:
        print(f"aspire: error: {exc}", file=sys.stderr)
        if isinstance(exc, GenerationError):
            for violation in exc.violations:
                print(f"  - {violation}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:  # pydantic validation of the profile built from options
        print(f"aspire: error: {_first_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("aspire: interrupted", file=sys.stderr)
        return 130


def _first_line(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        return f"{where}: {str(error['msg']).removeprefix('Value error, ')}"
    return str(exc).splitlines()[0]


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
