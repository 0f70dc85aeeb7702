"""The web page and the HTTP API: a thin layer over the library, as the command line is.

Every route reads its input, calls one library function (``astream``,
``check_answer``, ``read_resume``...), and returns the library's own pydantic
models, so ``/openapi.json`` describes exactly what a Python caller gets.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from .. import __version__
from ..backends import Backend
from ..cli import _first_line
from ..config import Settings, resolve_settings
from ..documents import propose_skills
from ..errors import (
    AspireError,
    BackendError,
    DeadlineError,
    GenerationError,
    InputError,
)
from ..lint import answer_subject, parse_plan
from ..models import CandidateProfile, Draft
from ..render import draft_to_markdown
from ..rules import check
from ..streaming import Retry, StreamEvent, astream
from .drafting import DraftJob, DraftQueue, QueueFull
from .safety import AllowedHosts, SafetyMiddleware
from .schemas import (
    QUESTIONS,
    CheckRequest,
    CheckResponse,
    ErrorBody,
    Health,
    JobDescriptionText,
    OccupationLookup,
    QueueState,
    ResumeText,
)
from .uploads import UploadTooLarge, read_upload

HERE = Path(__file__).parent
log = logging.getLogger("aspire.serve")
Emit = Callable[[StreamEvent], Awaitable[None]]

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad input: one line saying what to change."},
    403: {"model": ErrorBody, "description": "A cross-site request (Origin or Sec-Fetch-Site is foreign)."},
    413: {"model": ErrorBody, "description": "The body or file is over the 5 MB limit."},
    422: {"model": ErrorBody, "description": "The body does not match the schema, or no attempt gave a usable draft."},
}
_MODEL_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    502: {"model": ErrorBody, "description": "The model's server failed."},
    503: {"model": ErrorBody, "description": "The model is busy and the queue is full: see Retry-After."},
    504: {"model": ErrorBody, "description": "The draft ran out of time (ASPIRE_DEADLINE)."},
}


def error_status(exc: AspireError) -> int:
    """The HTTP status of a library error; the message is the command line's."""
    if isinstance(exc, UploadTooLarge):
        return 413
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, GenerationError):
        return 422
    if isinstance(exc, DeadlineError):
        return 504
    if isinstance(exc, BackendError):
        return 502
    return 500  # ConfigError, ModelFileError: the server's setup, not the request


def error_body(exc: AspireError) -> ErrorBody:
    return ErrorBody(
        error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        type=type(exc).__name__,
        field=getattr(exc, "field", None) or getattr(exc, "setting", None),
        violations=list(getattr(exc, "violations", [])),
    )


def model_health(settings: Settings | None, backend: Backend) -> tuple[bool | None, str]:
    """Whether the model is the one aspire vouches for, as ``aspire doctor`` checks it (no hashing here)."""
    if settings is None:
        return None, f"a {backend.name} backend given by the program that started the server"
    if settings.backend == "openai":
        return None, f"the server at {settings.base_url or 'api.openai.com'}; aspire cannot verify its model"
    if settings.local_model_path is not None:
        return None, f"your GGUF file {settings.local_model_path.name} (not hash-checked)"
    from ..embedded_model import EMBEDDED_MODELS, _stamp_matches, model_path

    embedded = EMBEDDED_MODELS[settings.embedded_model]
    path = model_path(embedded)
    if not path.is_file():
        return False, f"{embedded.name}: not assembled yet; the first draft builds and verifies it"
    if _stamp_matches(path, embedded.sha256):
        return True, f"{embedded.name}: SHA-256 verified"
    return False, f"{embedded.name}: not verified yet; the first draft checks it (or run aspire doctor)"


def _sse(event: str, data: str) -> bytes:
    # One JSON document per event, on one line: JSON escapes every line break.
    return f"event: {event}\ndata: {data}\n\n".encode()


def _one_line_validation(exc: RequestValidationError) -> str:
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def create_app(
    backend: Backend,
    *,
    settings: Settings | None = None,
    options: Mapping[str, Any] | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_hosts: Sequence[str] = (),
    workers: int = 1,
    waiting: int = 4,
) -> FastAPI:
    """The app for one backend. ``options`` are generation settings as for :func:`aspire.generate`
    (``max_attempts``, ``seed``, ``method``); ``host`` and ``port`` are where it is served, the only
    ``Host`` it answers (with ``allow_hosts``)."""
    options = dict(options or {})
    generation = resolve_settings(backend="local", **options)
    queue = DraftQueue(workers=workers, waiting=waiting)
    app = FastAPI(
        title="aspire",
        version=__version__,
        summary='Draft and check answers to "What are your career aspirations?"',
        description=(
            "Draft an answer with an Individual Development Plan from a resume, or check an answer you "
            "wrote, against the interview article's rules. The same models as the Python library."
        ),
        docs_url=None,  # FastAPI's docs pages load their scripts from a CDN; /docs below is offline
        redoc_url=None,
    )
    app.add_middleware(SafetyMiddleware, hosts=AllowedHosts.for_bind(host, port, allow_hosts))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(AspireError)
    async def _library_error(request: Request, exc: AspireError) -> JSONResponse:
        return JSONResponse(error_body(exc).model_dump(), status_code=error_status(exc))

    @app.exception_handler(QueueFull)
    async def _busy(request: Request, exc: QueueFull) -> JSONResponse:
        return JSONResponse(
            ErrorBody(error=str(exc), type="QueueFull").model_dump(),
            status_code=503,
            headers={"Retry-After": str(exc.retry_after_s)},
        )

    @app.exception_handler(ValidationError)
    async def _bad_value(request: Request, exc: ValidationError) -> JSONResponse:
        # A library model refused a value built from the request (as the command line reports it).
        return JSONResponse(ErrorBody(error=_first_line(exc), type="ValidationError").model_dump(), status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own body would echo the input (a whole resume) back; one line names the field.
        return JSONResponse(
            ErrorBody(error=_one_line_validation(exc), type="ValidationError").model_dump(), status_code=422
        )

    async def produce_draft(profile: CandidateProfile, emit: Emit) -> Draft:
        # astream for the plain request too: a cancelled stream stops the model at its next token.
        draft: Draft | None = None
        async for event in astream(profile, backend=backend, **options):
            await emit(event)
            if isinstance(event, Draft):
                draft = event
        assert draft is not None, "astream ends with the Draft"
        return draft

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
        from .pages import render_page

        return HTMLResponse(
            render_page(questions=QUESTIONS, backend=backend, verified=model_health(settings, backend)),
            headers=_PAGE_HEADERS,
        )

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs() -> HTMLResponse:
        from .pages import render_docs

        return HTMLResponse(render_docs(app.openapi()), headers=_PAGE_HEADERS)

    @app.get("/api/health", response_model=Health, tags=["server"])
    async def health() -> Health:
        """Which backend and model draft, whether aspire verified the model file, and the queue."""
        verified, detail = model_health(settings, backend)
        return Health(
            version=__version__,
            backend=backend.name,
            model=backend.model,
            verified=verified,
            detail=detail,
            method=generation.method,
            queue=QueueState(**queue.snapshot()),
        )

    @app.post("/api/resumes", response_model=ResumeText, responses=_ERRORS, tags=["files"])
    async def upload_resume(
        file: Annotated[UploadFile, File(description="a .txt, .md, .pdf, .docx or JSON Resume .json file")],
    ) -> ResumeText:
        """A resume file as text (what ``aspire draft --resume`` reads), with the skills it lists."""
        document = await read_upload(file, what="resume")
        return ResumeText(
            text=document.text,
            format=document.format,
            name=document.name,
            skills=list(document.skills),
            proposed_skills=[] if document.skills else propose_skills(document.text),
        )

    @app.post("/api/job-descriptions", response_model=JobDescriptionText, responses=_ERRORS, tags=["files"])
    async def upload_job_description(
        file: Annotated[UploadFile, File(description="a .txt, .md, .pdf, .docx or JSON Resume job .json file")],
    ) -> JobDescriptionText:
        """A job description file as text; a JSON Resume job file also gives the company and role."""
        document = await read_upload(file, what="job description")
        return JobDescriptionText(
            text=document.text, format=document.format, company=document.company, role=document.role
        )

    @app.get("/api/occupations", response_model=OccupationLookup, responses=_ERRORS, tags=["occupations"])
    async def find_an_occupation(
        title: Annotated[str, Query(min_length=1, max_length=200, description="A job title, or an O*NET-SOC code")],
        resume: Annotated[
            str, Query(max_length=8000, description="Resume text that settles titles naming several occupations")
        ] = "",
    ) -> OccupationLookup:
        """The O*NET occupation a job title names, the close alternatives and the step-up occupations
        (``aspire occupation TITLE --json``); a draft's ``occupation`` field takes one of the codes."""
        from ..knowledge import lookup

        return OccupationLookup.model_validate(lookup(title, resume).as_dict())

    @app.post("/api/check", response_model=CheckResponse, responses=_MODEL_ERRORS, tags=["check"])
    async def check_an_answer(request: Request, body: CheckRequest) -> CheckResponse:
        """Every rule's verdict on an answer you wrote (what ``aspire check`` prints); with ``judge``,
        the model's scores too."""
        skills = body.skills.split(",") if isinstance(body.skills, str) else body.skills
        subject = answer_subject(
            body.answer,
            company=body.company,
            question=body.question,
            plan=parse_plan(body.plan) if body.plan is not None else None,
            resume=body.resume,
            skills=[s.strip() for s in skills if s.strip()],
            role=body.role,
            job_description=body.job_description,
            self_assessment=body.self_assessment,
        )
        results = check(subject)
        verdict = None
        if body.judge:
            from ..evaluation.judge import ajudge

            async def produce(emit: Emit) -> Any:
                return await ajudge(subject, backend, seed=generation.seed)

            verdict = await DraftJob(request, queue, queue.admit(), produce).result()
        return CheckResponse(checks=results, passed=all(r.passed for r in results), judge=verdict)

    @app.post(
        "/api/drafts",
        response_model=Draft,
        responses={
            **_MODEL_ERRORS,
            200: {"content": {"text/markdown": {"schema": {"type": "string"}}}, "description": "The checked draft."},
        },
        tags=["drafts"],
    )
    async def draft(
        request: Request,
        profile: CandidateProfile,
        format: Annotated[
            Literal["json", "markdown"],
            Query(description="json: the Draft; markdown: as `aspire draft --format markdown`"),
        ] = "json",
    ) -> Response:
        """Draft an answer and an Individual Development Plan (``aspire.agenerate``). The model drafts one
        request at a time: others wait in a short line, and past it get 503 with ``Retry-After``."""
        job = DraftJob(request, queue, queue.admit(), lambda emit: produce_draft(profile, _ignore))
        result: Draft = await job.result()
        if format == "markdown":
            return PlainTextResponse(
                draft_to_markdown(result, company=profile.company), media_type="text/markdown; charset=utf-8"
            )
        return Response(result.model_dump_json(), media_type="application/json")

    @app.post(
        "/api/drafts/stream",
        responses={
            **_MODEL_ERRORS,
            200: {
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
                "description": _STREAM_DOC,
            },
        },
        response_class=StreamingResponse,
        tags=["drafts"],
    )
    async def draft_stream(request: Request, profile: CandidateProfile) -> StreamingResponse:
        """The draft as server-sent events while the model writes it (``aspire.astream``): ``text`` as the
        answer is written, ``retry`` when an attempt is discarded, then ``draft`` and ``markdown``; ``error``
        if it fails. Leaving early (closing the connection) stops the model for the next in line."""
        job = DraftJob(request, queue, queue.admit(), lambda emit: produce_draft(profile, emit))
        return StreamingResponse(
            _events(job, profile.company),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return app


_STREAM_DOC = """\
Server-sent events, each `data` one JSON document:
`queued` {"ahead": n} while waiting for the model; `text` {"text": "..."}: more of the answer;
`retry` {"attempt": n, "problems": [...]}: the attempt broke a rule, the text shown so far is void;
`draft`: the checked Draft (as POST /api/drafts returns it); `markdown` {"markdown": "..."}: the same draft
as Markdown; or `error` {"error": "...", "type": ..., "status": n} in place of the draft."""

# The page and the docs run only their own files: no inline script, nothing from elsewhere.
_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


async def _ignore(event: StreamEvent) -> None:
    return None


async def _events(job: DraftJob, company: str) -> AsyncIterator[bytes]:
    async for kind, value in job.events():
        if kind == "keepalive":
            yield b": still drafting\n\n"
        elif kind == "queued":
            yield _sse("queued", json.dumps({"ahead": value}))
        elif kind == "error":
            if isinstance(value, AspireError):
                body = error_body(value).model_dump() | {"status": error_status(value)}
            else:
                # The type and where, not the message: a validation message can quote the resume.
                log.error(
                    "drafting failed: %s\n%s", type(value).__name__, "".join(traceback.format_tb(value.__traceback__))
                )
                body = {"error": "the server failed while drafting; see its log", "type": "ServerError", "status": 500}
            yield _sse("error", json.dumps(body))
        elif isinstance(value, str):
            yield _sse("text", json.dumps({"text": value}))
        elif isinstance(value, Retry):
            yield _sse("retry", json.dumps({"attempt": value.attempt, "problems": list(value.problems)}))
        elif isinstance(value, Draft):
            yield _sse("draft", value.model_dump_json())
            yield _sse("markdown", json.dumps({"markdown": draft_to_markdown(value, company=company)}))
