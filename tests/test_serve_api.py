"""aspire serve's HTTP API on fake backends: each route, the OpenAPI schema, and each safety point."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aspire import Draft, FakeBackend
from aspire.models import MAX_INPUT_BYTES
from aspire.server import DraftQueue, QueueFull, create_app

from .conftest import EXAMPLE_RESUMES, STORE_PROFILE, good_reply_data, run_cli
from .servehelpers import SlowStreamingBackend, all_events, next_event, open_stream, serving

BASE = "http://127.0.0.1:8000"
PROFILE = STORE_PROFILE.model_dump()


def client_for(backend: Any = None, **settings: Any) -> TestClient:
    backend = backend if backend is not None else FakeBackend([good_reply_data()] * 3)
    return TestClient(create_app(backend, **settings), base_url=BASE)


def sse(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.strip().split("\n\n"):
        if block.startswith(":"):  # a comment: the keepalive
            continue
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


# --- the routes


def test_health_names_the_backend_model_and_queue():
    body = client_for().get("/api/health").json()
    assert body["backend"] == "fake" and body["model"] == "fake-model"
    assert body["verified"] is None and body["method"] == "whole"
    assert body["queue"] == {"running": 0, "waiting": 0, "workers": 1, "limit": 4}


def test_health_reports_the_embedded_model_as_aspire_doctor_would():
    from aspire.config import resolve_settings
    from aspire.embedded_model import QWEN_05B, model_path
    from aspire.server.app import model_health

    settings = resolve_settings(backend="local", model="0.5b")
    verified, detail = model_health(settings, FakeBackend())
    assert detail.startswith("qwen2.5-coder-0.5b")
    assert verified is model_path(QWEN_05B).is_file() or verified is False


def test_a_draft_is_the_librarys_draft():
    fake = FakeBackend([good_reply_data()] * 3)
    response = client_for(fake).post("/api/drafts", json=PROFILE)
    assert response.status_code == 200
    draft = Draft.model_validate(response.json())
    assert draft.plan.goals[0].goal == "Get hired by Target"
    assert draft.passed and draft.attempts == 1
    assert "Best Buy" in fake.requests[0].messages[-1]["content"]


def test_a_draft_as_markdown_is_what_the_cli_writes():
    from aspire.render import draft_to_markdown

    response = client_for().post("/api/drafts?format=markdown", json=PROFILE)
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.text.startswith("## Answer")
    draft = Draft.model_validate(client_for().post("/api/drafts", json=PROFILE).json())
    assert response.text.split("\n*")[0] == draft_to_markdown(draft, company="Target").split("\n*")[0]


def test_the_stream_sends_text_then_the_draft_then_markdown():
    response = client_for().post("/api/drafts/stream", json=PROFILE)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[-2:] == ["draft", "markdown"] and set(kinds[:-2]) == {"text"}
    streamed = "".join(data["text"] for kind, data in events if kind == "text")
    draft = Draft.model_validate(events[-2][1])
    assert streamed == draft.answer
    assert events[-1][1]["markdown"].startswith("## Answer")


def test_a_quiet_stream_sends_keepalive_comments(monkeypatch):
    import aspire.server.drafting as drafting

    monkeypatch.setattr(drafting, "KEEPALIVE_S", 0.05)
    # The plan's ~150 words before the answer take ~0.6 s: no text to send meanwhile.
    backend = SlowStreamingBackend([good_reply_data()], delay=0.0, delay_before=0.004)
    text = client_for(backend).post("/api/drafts/stream", json=PROFILE).text
    assert text.startswith(": still drafting\n\n")
    assert [kind for kind, _ in sse(text)][-2:] == ["draft", "markdown"]


def test_a_discarded_attempt_is_a_retry_event_and_the_next_text_starts_afresh():
    salary = good_reply_data()
    salary["answer"] = "I want a higher salary at Target. " + salary["answer"]
    events = sse(client_for(FakeBackend([salary, good_reply_data()])).post("/api/drafts/stream", json=PROFILE).text)
    kinds = [kind for kind, _ in events]
    retry_at = kinds.index("retry")
    assert "text" in kinds[:retry_at] and "text" in kinds[retry_at:]
    assert events[retry_at][1]["attempt"] == 1 and any("no-red-flags" in p for p in events[retry_at][1]["problems"])
    assert Draft.model_validate(events[kinds.index("draft")][1]).attempts == 2


def test_a_failed_stream_ends_with_an_error_event_with_the_cli_line():
    events = sse(client_for(FakeBackend(["not json"] * 3)).post("/api/drafts/stream", json=PROFILE).text)
    kind, data = events[-1]
    assert kind == "error" and data["type"] == "GenerationError" and data["status"] == 422
    assert data["error"] and "\n" not in data["error"] and data["violations"]


def test_an_invalid_profile_is_one_line_without_the_resume_echoed():
    response = client_for().post("/api/drafts", json={"resume": "SECRET-RESUME", "company": ""})
    assert response.status_code == 422
    assert response.json()["error"] == "company: the company name is empty"
    assert "SECRET-RESUME" not in response.text


def test_check_an_answer_you_wrote():
    answer = good_reply_data()["answer"]
    body = client_for().post("/api/check", json={"answer": answer, "company": "Target"}).json()
    verdicts = {c["rule"]: c["verdict"] for c in body["checks"]}
    assert verdicts["answer-form"] == "pass" and verdicts["hire-first"] == "skip"
    assert body["passed"] is True and body["judge"] is None


def test_check_with_a_plan_and_the_profile_matches_the_library():
    from aspire import check_answer, parse_plan

    plan = ["Get hired by Target", "Learn Target's store operations", "Get promoted to district leader"]
    given = {"answer": good_reply_data()["answer"], "company": "Target", "plan": plan, "resume": PROFILE["resume"]}
    body = client_for().post("/api/check", json={**given, "skills": "retail, inventory"}).json()
    expected = check_answer(
        given["answer"], company="Target", plan=parse_plan(plan), resume=given["resume"], skills=["retail", "inventory"]
    )
    assert body["checks"] == [c.model_dump(mode="json") for c in expected]


def test_check_with_the_judge_adds_its_scores():
    line = {"reason": "It quotes the draft.", "score": 4}
    fake = FakeBackend([{"aspiration": line, "answer": line, "defects": [], "verdict": "accept"}])
    body = {"answer": good_reply_data()["answer"], "company": "Target", "judge": True}
    result = client_for(fake).post("/api/check", json=body).json()
    assert result["judge"]["verdict"] == "accept" and result["judge"]["answer"]["score"] == 4


def test_a_bad_plan_is_400_with_the_cli_message():
    response = client_for().post("/api/check", json={"answer": "I want to lead.", "company": "T", "plan": ["one"]})
    assert response.status_code == 400
    assert response.json()["error"] == "a plan written as a list needs at least two goals; the last is the aspiration"


def test_a_pdf_resume_upload_gives_its_text_and_proposed_skills():
    pdf = EXAMPLE_RESUMES / "ml_engineer_harvey_dent.pdf"
    response = client_for().post("/api/resumes", files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")})
    assert response.status_code == 200
    body = response.json()
    from aspire.documents import propose_skills, read_resume

    assert body["format"] == "pdf" and body["text"] == read_resume(pdf).text
    assert body["proposed_skills"] == propose_skills(body["text"])


def test_a_json_resume_upload_gives_the_name_and_skills():
    path = EXAMPLE_RESUMES / "data_analyst_daniel_reyes.json"
    body = client_for().post("/api/resumes", files={"file": (path.name, path.read_bytes())}).json()
    assert body["format"] == "json-resume" and body["name"] and body["skills"] and body["proposed_skills"] == []


def test_a_job_file_gives_the_company_and_role():
    from aspire.documents import read_job_description

    path = EXAMPLE_RESUMES.parent / "jobs" / "web_developer.json"
    body = client_for().post("/api/job-descriptions", files={"file": (path.name, path.read_bytes())}).json()
    job = read_job_description(path)
    assert (body["company"], body["role"], body["text"]) == (job.company, job.role, job.text)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cv.pdf", b"this is not a pdf"),
        ("cv.doc", b"\xd0\xcf\x11\xe0 old word"),
        ("cv.pages", b"whatever"),
        ("cv.txt", b"\xff\xfe\x00bad"),
        ("../../etc/cv.docx", b"PK not really a zip"),
    ],
)
def test_a_bad_file_is_400_with_the_same_line_as_the_cli(tmp_path, capsys, name, content):
    response = client_for().post("/api/resumes", files={"file": (name, content)})
    assert response.status_code == 400
    path = tmp_path / name.rsplit("/", 1)[-1]
    path.write_bytes(content)
    code, _, err = run_cli(capsys, "draft", "--resume", str(path), "--company", "Acme")
    assert code == 2
    assert err.strip() == f"aspire: error: {response.json()['error']}"


# --- the OpenAPI schema and the docs


def test_the_openapi_schema_validates_and_has_every_route():
    from openapi_spec_validator import validate

    schema = client_for().get("/openapi.json").json()
    validate(schema)
    paths = schema["paths"]
    assert {"/api/drafts", "/api/drafts/stream", "/api/check", "/api/resumes", "/api/health"} <= set(paths)
    assert paths["/api/drafts"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CandidateProfile"
    )
    assert paths["/api/drafts"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Draft"
    )
    assert "text/event-stream" in paths["/api/drafts/stream"]["post"]["responses"]["200"]["content"]
    assert "503" in paths["/api/drafts"]["post"]["responses"]
    assert {"Draft", "CandidateProfile", "CheckResult", "Plan", "Goal"} <= set(schema["components"]["schemas"])


def test_the_docs_page_is_offline_and_lists_every_route():
    response = client_for().get("/docs")
    assert response.status_code == 200
    for path in ("/api/drafts", "/api/drafts/stream", "/api/check", "/api/resumes", "/api/health"):
        assert path in response.text
    assert not re.search(r"""(src|href)=["']https?:""", response.text)


# --- the page, without a browser


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[str] = []
        self.labelled: set[str] = set()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        # A hidden input is set by the page (the occupation chosen), never typed in: no label.
        if tag in ("input", "textarea", "select") and given.get("type") != "hidden":
            self.controls.append(given.get("id") or "")
        if tag == "label" and given.get("for"):
            self.labelled.add(given["for"] or "")
        for key in ("src", "href"):
            if (given.get(key) or "").startswith(("http:", "https:", "//")):
                self.external.append(given[key] or "")


def test_the_page_labels_every_field_and_loads_nothing_from_elsewhere():
    response = client_for().get("/")
    assert response.status_code == 200
    fields = _Fields()
    fields.feed(response.text)
    assert fields.controls and all(fields.controls)
    assert set(fields.controls) <= fields.labelled
    assert fields.external == []
    assert "default-src 'self'" in response.headers["content-security-policy"]
    for question in ("What are your career aspirations?", "Where do you see yourself in five years?"):
        assert question in response.text
    for asset in ("/static/page.js", "/static/page.css"):
        assert client_for().get(asset).status_code == 200


# --- safety: Host, cross-site posts, sizes, the log


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000"])
def test_loopback_names_with_the_port_are_served(host):
    assert client_for().get("/api/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example:8000", "evil.example", "127.0.0.1:9999", "localhost", ""])
def test_any_other_host_is_refused_against_dns_rebinding(host):
    response = client_for().get("/api/health", headers={"Host": host})
    assert response.status_code == 400 and "answers to" in response.json()["error"]
    assert client_for().get("/", headers={"Host": host}).status_code == 400


def test_bound_to_every_interface_ip_literals_and_allowed_names_are_served():
    client = TestClient(create_app(FakeBackend(), host="0.0.0.0", port=8000, allow_hosts=["laptop.lan"]))
    for host in ("192.168.1.20:8000", "laptop.lan:8000", "localhost:8000", "[fe80::1]:8000"):
        assert client.get("/api/health", headers={"Host": host}).status_code == 200, host
    assert client.get("/api/health", headers={"Host": "rebound.evil.example:8000"}).status_code == 400


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://127.0.0.1:9999"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_cross_site_posts_are_refused(headers):
    client = client_for()
    answer = {"answer": "I want to lead.", "company": "Target"}
    assert client.post("/api/check", json=answer, headers=headers).status_code == 403
    assert client.post("/api/drafts", json=PROFILE, headers=headers).status_code == 403
    form = client.post("/api/resumes", files={"file": ("cv.txt", b"Nurse")}, headers=headers)
    assert form.status_code == 403 and "cross-site" in form.json()["error"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": "http://127.0.0.1:8000"}, {"Origin": "http://localhost:8000"}, {"Sec-Fetch-Site": "none"}],
)
def test_same_origin_and_non_browser_posts_are_served(headers):
    answer = {"answer": "I want to lead.", "company": "Target"}
    assert client_for().post("/api/check", json=answer, headers=headers).status_code == 200


def test_an_upload_over_5_mb_is_413_before_it_is_read():
    big = b"a" * (MAX_INPUT_BYTES + 1)
    response = client_for().post("/api/resumes", files={"file": ("cv.txt", big)})
    assert response.status_code == 413
    assert (
        response.json()["error"] == f"resume file is {len(big):,} bytes; the limit is {MAX_INPUT_BYTES:,} bytes (5 MB)"
    )
    # Past the limit and the multipart overhead, the request is refused on its Content-Length alone.
    bigger = b"a" * (MAX_INPUT_BYTES + 100_000)
    response = client_for().post("/api/resumes", files={"file": ("cv.txt", bigger)})
    assert response.status_code == 413 and "the limit is 5,242,880 bytes (5 MB)" in response.json()["error"]


def test_a_chunked_body_without_content_length_is_counted():
    def chunks():
        for _ in range(12):
            yield b"x" * (1024 * 1024)

    response = client_for().post("/api/drafts", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_the_access_log_has_paths_but_no_resume_text_or_query(caplog):
    caplog.set_level(logging.DEBUG)
    secret = "Zanzibar-Quartermaster-4471"
    profile = {**PROFILE, "resume": PROFILE["resume"] + f"\n{secret}"}
    client = client_for()
    client.post("/api/drafts?token=sk-live-123", json=profile)
    client.post("/api/resumes", files={"file": ("cv.txt", f"Nurse\n{secret}".encode())})
    client.post("/api/check", json={"answer": f"I want to lead {secret}.", "company": "Target"})
    lines = [r.getMessage() for r in caplog.records if r.name == "aspire.serve.access"]
    assert any('"POST /api/drafts" 200' in line for line in lines)
    assert any('"POST /api/resumes" 200' in line for line in lines)
    # The server's loggers (the test client's own log of its requests is not the server's).
    server_side = [r for r in caplog.records if r.name.split(".")[0] in ("aspire", "uvicorn", "fastapi", "starlette")]
    everything = "\n".join(r.getMessage() for r in server_side)
    assert secret not in everything and "sk-live-123" not in everything


# --- the queue, and clients that leave


def test_the_queue_admits_workers_plus_waiting_then_refuses():
    queue = DraftQueue(workers=1, waiting=2)
    tickets = [queue.admit() for _ in range(3)]
    with pytest.raises(QueueFull) as info:
        queue.admit()
    assert info.value.retry_after_s >= 1
    tickets[0].close()
    tickets.append(queue.admit())
    assert queue.admitted == 3


def test_past_the_queue_a_draft_gets_503_with_retry_after():
    backend = SlowStreamingBackend([good_reply_data()] * 3, delay=0.05)

    def make_app(port: int):
        return create_app(backend, port=port, workers=1, waiting=1)

    with serving(make_app) as base:
        first = open_stream(base, PROFILE)
        assert next_event(first)[0] == "text"  # drafting: it holds the model
        second = open_stream(base, PROFILE)
        assert next_event(second) == ("queued", {"ahead": 1})
        with pytest.raises(urllib.error.HTTPError) as info:
            request = urllib.request.Request(
                f"{base}/api/drafts", data=json.dumps(PROFILE).encode(), headers={"Content-Type": "application/json"}
            )
            urllib.request.urlopen(request, timeout=10)
        assert info.value.code == 503
        assert int(info.value.headers["Retry-After"]) >= 1
        assert "busy" in json.loads(info.value.read())["error"]
        # The one that waited gets its turn and its draft.
        assert [kind for kind, _ in all_events(second)][-2:] == ["draft", "markdown"]
        first.close()


def test_a_client_that_disconnects_mid_stream_frees_the_model():
    backend = SlowStreamingBackend([good_reply_data()] * 2, delay=0.1)

    def make_app(port: int):
        return create_app(backend, port=port, workers=1, waiting=1)

    with serving(make_app) as base:
        leaving = open_stream(base, PROFILE)
        assert next_event(leaving)[0] == "text"
        assert backend.model_lock.locked()
        started = time.monotonic()
        leaving.close()  # the browser tab is closed
        assert backend.model_lock.acquire(timeout=3), "the model is still held after the client left"
        backend.model_lock.release()
        freed_after = time.monotonic() - started
        # The whole answer would take ~7 s more at 0.1 s a word; the stream stopped at its next word.
        assert freed_after < 2 and backend.streams_stopped_early == 1
        health = json.loads(urllib.request.urlopen(f"{base}/api/health", timeout=5).read())
        assert health["queue"]["running"] == 0 and health["queue"]["waiting"] == 0
        backend.delay = 0.0
        events = all_events(open_stream(base, PROFILE))
        assert events[-2][0] == "draft" and events[0] == ("text", events[0][1])


def test_a_client_that_leaves_while_waiting_gives_up_its_place():
    backend = SlowStreamingBackend([good_reply_data()] * 2, delay=0.05)

    def make_app(port: int):
        return create_app(backend, port=port, workers=1, waiting=1)

    with serving(make_app) as base:
        first = open_stream(base, PROFILE)
        assert next_event(first)[0] == "text"
        waiting = open_stream(base, PROFILE)
        assert next_event(waiting)[0] == "queued"
        waiting.close()
        deadline = time.monotonic() + 3
        while json.loads(urllib.request.urlopen(f"{base}/api/health", timeout=5).read())["queue"]["waiting"]:
            assert time.monotonic() < deadline, "the place in line was not given back"
            time.sleep(0.05)
        assert [kind for kind, _ in all_events(first)][-2:] == ["draft", "markdown"]
        assert backend.streams_started == 1  # the one that left never reached the model


# --- the command


def test_serve_help_teaches():
    result = subprocess.run([sys.executable, "-m", "aspire", "serve", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for words in ("default 127.0.0.1", "default 8000", "--backend", "--model", "--queue", "Retry-After", "DNS"):
        assert words in result.stdout, words


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_BACKEND"))}
    # A server that is never called: serve builds its backend without contacting it.
    env["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"
    proc = subprocess.Popen(
        [sys.executable, "-m", "aspire", "serve", "--port", "0", "--backend", "openai", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http://[^/ ]+/", line)
    assert match, line + (proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
    return proc, match.group(0)


def test_serve_prints_its_address_and_answers_there():
    proc, address = _start()
    try:
        assert address.startswith("http://127.0.0.1:")
        health = json.loads(urllib.request.urlopen(address + "api/health", timeout=10).read())
        assert health["backend"] == "openai" and health["verified"] is None
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    assert "warning" not in err


def test_serve_off_loopback_warns():
    proc, address = _start("--host", "0.0.0.0", "--quiet")
    try:
        assert urllib.request.urlopen(address + "api/health", timeout=10).status == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    assert "warning: listening on 0.0.0.0" in err and "no login" in err


def test_a_busy_port_is_one_line(capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        os.environ["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"
        code, _, err = run_cli(capsys, "serve", "--backend", "openai", "--port", str(port))
    assert code == 2 and err.startswith(f"aspire: error: cannot listen on 127.0.0.1:{port}")


def test_an_occupation_is_looked_up_as_the_cli_prints_it():
    from aspire.knowledge import lookup

    response = client_for().get("/api/occupations", params={"title": "Paralegal"})
    assert response.status_code == 200
    body = response.json()
    assert body["match"]["code"] == "23-2011.00" and body["match"]["confident"]
    expected = lookup("Paralegal").as_dict()
    for part in ("alternatives", "step_ups"):
        assert [item["code"] for item in body[part]] == [item["code"] for item in expected[part]]  # type: ignore[union-attr]
    assert client_for().get("/api/occupations", params={"title": "99-9999.00"}).status_code == 400


def test_a_draft_records_the_occupation_it_was_built_on_and_takes_a_chosen_one():
    draft = Draft.model_validate(client_for().post("/api/drafts", json=PROFILE).json())
    assert draft.occupation is not None and draft.occupation.used
    chosen = Draft.model_validate(client_for().post("/api/drafts", json={**PROFILE, "occupation": "41-1011.00"}).json())
    assert chosen.occupation is not None
    assert (chosen.occupation.code, chosen.occupation.source) == ("41-1011.00", "chosen")
    assert client_for().post("/api/drafts", json={**PROFILE, "occupation": "banker"}).status_code == 422
    unknown = client_for().post("/api/drafts", json={**PROFILE, "occupation": "99-9999.00"})
    assert unknown.status_code == 400 and "aspire occupation" in unknown.json()["error"]
