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
  aspire draft --resume resume.txt --company "Riverside General Hospital" \\
      --role "Registered Nurse" --question "Where do you see yourself in five years?"
  aspire draft --resume resume.md --company Acme --json > draft.json

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
  aspire draft --resume cv.txt --company Acme --skills "SQL, dashboards, coaching" \\
      --job-description job.txt --question "Where do you see yourself in five years?"
  OPENAI_BASE_URL=http://127.0.0.1:8000/v1 aspire draft --resume cv.md --company Acme --backend openai

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
    given.add_argument("--resume", required=True, metavar="FILE", help="resume as .txt or .md (UTF-8)")
    given.add_argument("--company", required=True, metavar="NAME", help="the company you are interviewing with")
    given.add_argument("--skills", metavar='"A, B"', help="comma-separated skills to build on")
    given.add_argument("--role", metavar="ROLE", help="the job title you applied for")
    given.add_argument("--job-description", metavar="FILE", help="the job ad as .txt or .md")
    given.add_argument("--name", metavar="NAME", help="your name (optional)")
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
    out.add_argument("--json", action="store_true", help="print the draft as JSON (the Draft model)")
    out.add_argument("--strict", action="store_true", help="exit 1 if any rule check still fails")
    out.add_argument("-v", "--verbose", action="count", default=0, help="log progress to stderr (-vv for debug)")
    draft.set_defaults(handler=_cmd_draft)
    _add_check_parser(commands)
    _add_eval_parser(commands)
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

Cases are YAML files (one case each) or JSONL files (one case a line), found
recursively: id, profile (resume or resume_file, company, role, skills,
question, job_description or job_description_file) and optional expect
(fail: [rule ids], contains: [...], not_contains: [...]). See evals/README.md.

Writes OUT/results.jsonl, OUT/summary.json, OUT/report.md, OUT/report.html.
Running again with the same --out resumes: finished cases are kept. Model
replies are cached (key: backend, model, templates, request), so a re-run with
nothing changed makes no model calls; --no-cache turns that off.

exit status: 0 pass rate >= --min-pass-rate, 1 below it, 2 bad usage.
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
    check.add_argument("--resume", metavar="FILE", help="your resume, to check that nothing is invented")
    check.add_argument("--skills", metavar='"A, B"', help="comma-separated skills")
    check.add_argument("--role", metavar="ROLE", help="the job title you applied for")
    check.add_argument("--job-description", metavar="FILE", help="the job ad as .txt or .md")
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
    evaluate.add_argument("paths", nargs="+", metavar="PATH", help="case files or folders (searched recursively)")
    evaluate.add_argument("--out", required=True, metavar="DIR", help="where results and reports go")
    evaluate.add_argument("--concurrency", type=_positive_int, default=1, metavar="N", help="cases at once (default 1)")
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
    from pathlib import Path

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


def _cmd_draft(args: argparse.Namespace) -> int:
    profile = CandidateProfile(
        resume=read_text_file(args.resume, what="resume"),
        company=args.company,
        skills=args.skills or [],
        role=args.role,
        job_description=(
            read_text_file(args.job_description, what="job description") if args.job_description else None
        ),
        name=args.name,
        question=args.question,
    )
    options = _given_options(args)
    _, backend = _settings_and_backend(args, options)
    options.pop("model", None)  # the backend is built; the rest are generation settings
    if sys.stderr.isatty() and not args.json:
        print("Drafting… (the embedded model takes a minute or two on a laptop CPU)", file=sys.stderr)
    draft = generate(profile, backend=backend, **options)
    if args.json:
        print(draft.model_dump_json(indent=2))
    else:
        print(draft_to_text(draft, company=profile.company))
    if args.strict and not draft.passed:
        return EXIT_CHECKS_FAILED
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from .lint import check_answer, read_plan

    results = check_answer(
        read_text_file(args.answer, what="answer"),
        company=args.company,
        question=args.question,
        plan=read_plan(args.plan) if args.plan else None,
        resume=read_text_file(args.resume, what="resume") if args.resume else None,
        skills=[s.strip() for s in (args.skills or "").split(",") if s.strip()],
        role=args.role,
        job_description=(
            read_text_file(args.job_description, what="job description") if args.job_description else None
        ),
    )
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in results], indent=2, ensure_ascii=False))
    else:
        print(checks_to_text(results))
    return EXIT_CHECKS_FAILED if any(not r.passed for r in results) else EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    from .backends.base import aclose_backend
    from .evaluation import EvalOptions, load_cases, run_eval

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
    total = len(cases) + len(case_errors)
    done = 0

    def progress(record: dict[str, Any]) -> None:
        nonlocal done
        done += 1
        failed = [c["rule"] for c in record["checks"] if c["verdict"] == "fail"]
        why = record["error"]["message"] if record["error"] else ", ".join(failed)
        print(
            f"[{done}/{total}] {record['status']:<6} {record['id']} "
            f"({record['attempts']} attempts, {record['latency_s']:.1f} s){': ' + why if why else ''}",
            file=sys.stderr,
            flush=True,
        )

    eval_options = EvalOptions(
        out_dir=Path(args.out),
        concurrency=args.concurrency,
        baseline=baseline,
        generation=generation,
        token_budget=args.token_budget,
    )

    async def evaluate() -> dict[str, Any]:
        try:
            return await run_eval(cases, case_errors, backend, eval_options, on_result=progress)
        finally:
            await aclose_backend(backend)

    summary = asyncio.run(evaluate())
    print(summary_to_text(summary, args.out))
    return EXIT_OK if summary["pass_rate"] >= args.min_pass_rate else EXIT_CHECKS_FAILED


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
