"""Command line: parse, call one library function, print.

Library errors become one clean line on stderr and exit code 2; a draft that
still breaks a rule exits 0 (the failures are printed) unless ``--strict``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from . import __version__
from .errors import AspireError, GenerationError
from .generate import generate
from .inputs import read_text_file
from .models import DEFAULT_QUESTION, CandidateProfile
from .render import draft_to_text

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
    out = draft.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print the draft as JSON (the Draft model)")
    out.add_argument("--strict", action="store_true", help="exit 1 if any rule check still fails")
    out.add_argument("-v", "--verbose", action="count", default=0, help="log progress to stderr (-vv for debug)")
    draft.set_defaults(handler=_cmd_draft)
    return parser


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
    options = {
        key: value
        for key, value in {"model": args.model, "max_attempts": args.max_attempts, "seed": args.seed}.items()
        if value is not None
    }
    if sys.stderr.isatty() and not args.json:
        print("Drafting… (the embedded model takes a minute or two on a laptop CPU)", file=sys.stderr)
    draft = generate(profile, backend=args.backend, **options)
    if args.json:
        print(draft.model_dump_json(indent=2))
    else:
        print(draft_to_text(draft, company=profile.company))
    if args.strict and not draft.passed:
        return EXIT_CHECKS_FAILED
    return EXIT_OK


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
