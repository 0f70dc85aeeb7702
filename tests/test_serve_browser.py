"""The aspire serve page in a real browser: Debian's chromium, driven by Playwright.

Skipped when /usr/bin/chromium is missing, unless ASPIRE_REQUIRE_BROWSER=1 (set by
.ci/run), which turns the skip into a failure so CI cannot pass without them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aspire.server import create_app

from .conftest import EXAMPLE_RESUMES, REPO, good_reply_data
from .servehelpers import SlowStreamingBackend, serving

CHROMIUM = Path(os.environ.get("ASPIRE_CHROMIUM", "/usr/bin/chromium"))
# Without the networking switches, chromium keeps calling Google's services, which a closed network
# answers with nothing but delays.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PDF = EXAMPLE_RESUMES / "ml_engineer_harvey_dent.pdf"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    required = os.environ.get("ASPIRE_REQUIRE_BROWSER") == "1"
    if not CHROMIUM.is_file():
        message = f"no browser at {CHROMIUM}: apt-get install chromium (or set ASPIRE_CHROMIUM)"
        if required:
            pytest.fail(message + "; ASPIRE_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            raise
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def expect(locator: Any) -> Any:
    # Locator waits, not wait_for_function: the page's Content-Security-Policy forbids eval, and it stays on.
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _fill_and_draft(page: Any, base: str, company: str) -> None:
    page.goto(base + "/")
    page.set_input_files("#resume-file", str(PDF))
    expect(page.locator("#resume")).not_to_have_value("")
    assert "Read ml_engineer_harvey_dent.pdf (pdf)" in page.inner_text("#resume-file-status")
    page.fill("#company", company)
    page.fill("#role", "Machine Learning Engineer")
    page.click("#draft-button")


_NO_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"

# The WCAG contrast ratio of an element's text on its background (or the nearest one that has one).
_CONTRAST = """(selector) => {
  const el = document.querySelector(selector);
  const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let node = el, bg = null;
  while (node && !bg) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] > 0) bg = c;
    node = node.parentElement;
  }
  bg = bg || [255, 255, 255];
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_a_pdf_resume_drafts_with_the_answer_streamed_then_the_plan_and_checks(browser, tmp_path):
    # The first attempt breaks a rule (salary talk): the page shows the retry as it happens.
    salary = good_reply_data("Acme")
    salary["answer"] = "I want a higher salary at Acme. " + salary["answer"]
    backend = SlowStreamingBackend([salary, good_reply_data("Acme"), good_reply_data("Acme")], delay=0.04)

    with serving(lambda port: create_app(backend, port=port)) as base:
        page = browser.new_page(viewport={"width": 390, "height": 844}, accept_downloads=True)
        _fill_and_draft(page, base, "Acme")
        # Part of the answer is on the page while the model is still writing it.
        expect(page.locator("#answer")).not_to_have_text("")
        assert page.locator("#draft-details").is_hidden()
        assert page.get_attribute("#answer", "aria-live") == "polite"
        assert page.get_attribute("#answer", "aria-busy") == "true"
        page.wait_for_selector(".retry")
        assert "broke a rule" in page.inner_text("#retries") and "no-red-flags" in page.inner_text("#retries")
        page.wait_for_selector("#draft-details:not([hidden])", timeout=60_000)

        answer = page.inner_text("#answer")
        assert answer == good_reply_data("Acme")["answer"]
        goals = page.locator("#plan > li")
        assert goals.count() == 4
        assert goals.first.inner_text().startswith("Get hired by Acme")
        assert "How Acme helps: Manager onboarding" in goals.nth(1).inner_text()
        assert page.inner_text("#aspiration") == "Aspiration: Run a flagship store as a district leader"
        assert "Strengths" in page.inner_text("#assessment")
        assert page.inner_text("#occupation-line").startswith("Matched: ")
        # Change the occupation: look a title up, pick one, and it is what the next draft is built on.
        page.click("#change-occupation")
        page.fill("#occupation-title", "Paralegal")
        page.click("#find-occupation")
        page.wait_for_selector("#occupation-options button")
        page.locator("#occupation-options button").first.click()
        assert page.input_value("#occupation") == "23-2011.00"
        assert "23-2011.00" in page.inner_text("#occupation-chosen")
        checks = page.locator("#checks > li")
        assert checks.count() >= 15
        assert "hire-first" in page.inner_text("#checks")
        assert page.inner_text("#draft-status").startswith("Done. Checks:")
        assert page.get_attribute("#answer", "aria-busy") == "false"
        assert page.evaluate(_NO_OVERFLOW), "the page scrolls sideways on a phone"

        with page.expect_download() as download:
            page.click("#download-md")
        saved = tmp_path / "draft.md"
        download.value.save_as(saved)
        assert download.value.suggested_filename == "aspire-acme.md"
        assert saved.read_text().startswith("## Answer") and answer in saved.read_text()
        with page.expect_download() as download:
            page.click("#download-json")
        download.value.save_as(tmp_path / "draft.json")
        from aspire import Draft

        assert Draft.model_validate_json((tmp_path / "draft.json").read_text()).answer == answer
        page.click("#copy-button")
        expect(page.locator("#copy-status")).to_have_text("Copied the answer.")

        # Check my own answer: the draft's answer, edited, judged by the rules without drafting.
        assert page.input_value("#own-answer") == answer
        page.fill("#own-answer", "I want a bigger salary, so I would leave Acme in a year.")
        page.uncheck("#use-plan")
        requests_before = len(backend.requests)
        page.click("#check-button")
        page.wait_for_selector("#own-checks > li")
        own = page.inner_text("#own-checks")
        assert "FAIL" in own and "no-red-flags" in own and "Fix:" in own
        assert page.inner_text("#check-status").startswith("Your answer:")
        assert len(backend.requests) == requests_before  # no model call
        page.close()


def test_the_page_is_usable_with_a_keyboard_and_a_screen_reader(browser):
    with serving(lambda port: create_app(SlowStreamingBackend(), port=port)) as base:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(base + "/")
        unlabelled = page.evaluate(
            "[...document.querySelectorAll('input:not([type=hidden]), textarea, select')]"
            ".filter((el) => !el.labels || el.labels.length === 0).map((el) => el.id)"
        )
        assert unlabelled == []
        order = []
        for _ in range(9):
            page.keyboard.press("Tab")
            order.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
        assert order == [
            "skip",
            "resume-file",
            "resume",
            "company",
            "role",
            "job-file",
            "job-description",
            "question-choice",
            "name",
        ]
        # The focused field is outlined, visibly.
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
        # Submitting without a company says so in an alert and puts the focus there.
        page.fill("#resume", "Registered Nurse, City Hospital, 2019-present")
        page.focus("#draft-button")
        page.keyboard.press("Enter")
        assert page.inner_text("#form-error") == "Give the company you are interviewing with."
        assert page.get_attribute("#form-error", "role") == "alert"
        assert page.evaluate("document.activeElement.id") == "company"
        # Choosing "in my own words" shows a labelled field for it.
        page.select_option("#question-choice", "")
        assert page.is_visible("#question-own") and page.evaluate("document.activeElement.id") == "question-own"
        for selector in ("body", "label", ".hint", "#draft-button", "#model-line", "legend"):
            assert page.evaluate(_CONTRAST, selector) >= 4.5, selector
        assert page.evaluate(_NO_OVERFLOW)
        page.close()


def test_a_bad_upload_shows_the_cli_message(browser, tmp_path):
    fake_pdf = tmp_path / "resume.pdf"
    fake_pdf.write_text("not a pdf at all")
    with serving(lambda port: create_app(SlowStreamingBackend(), port=port)) as base:
        page = browser.new_page()
        page.goto(base + "/")
        page.set_input_files("#resume-file", str(fake_pdf))
        expect(page.locator("#resume-file-status")).to_have_text(
            "resume file resume.pdf is not a PDF (it does not start with %PDF)"
        )
        page.close()


@pytest.mark.slow
def test_aspire_serve_drafts_an_uploaded_pdf_on_the_embedded_model(browser):
    """The issue's "done when": `aspire serve`, and a browser at the address it prints, draft an answer
    from an uploaded PDF on the embedded model (the tests' 0.5B, with the default stepwise method)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASPIRE_BACKEND"))}
    # --no-cache: a reply cached by an earlier run would skip the model this test is about.
    command = [sys.executable, "-m", "aspire", "serve", "--port", "0", "--method", "steps", "--no-cache"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        printed = proc.stdout.readline()
        match = re.search(r"open (http://127\.0\.0\.1:\d+/) in your browser", printed)
        assert match, printed
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        _fill_and_draft(page, match.group(1).rstrip("/"), "Nvidia")
        expect(page.locator("#answer")).not_to_have_text("", timeout=600_000)
        page.wait_for_selector("#draft-details:not([hidden])", timeout=600_000)
        assert page.locator("#plan > li").first.inner_text().startswith("Get hired by Nvidia")
        assert page.inner_text("#aspiration").startswith("Aspiration:")
        assert page.locator("#checks > li").count() >= 15
        # The tests' model (conftest), or another named for a README screenshot.
        assert f"local · {os.environ['ASPIRE_EMBEDDED_MODEL']}" in page.inner_text("#draft-footer")
        assert page.inner_text("#form-error") == ""
        if shot := os.environ.get("ASPIRE_SCREENSHOT"):
            # For the README: the answer, the plan, the self-assessment and the checks.
            page.locator("#result").screenshot(path=str(REPO / shot))
        page.close()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err
    assert '"POST /api/resumes" 200' in err and '"POST /api/drafts/stream" 200' in err
