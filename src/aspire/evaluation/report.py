"""Markdown and self-contained HTML reports of an eval run, failures first.

Everything that came from a model or a case file is untrusted text: in HTML
it is escaped, never inserted as markup, and the page loads nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from .cost import cost_line

_ORDER = {"error": 0, "failed": 1, "passed": 2}


def _sorted(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: (_ORDER.get(r["status"], 3), r["id"]))


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _failed_rules(record: dict[str, Any]) -> list[str]:
    return [c["rule"] for c in record["checks"] if c["verdict"] == "fail"]


def markdown_report(summary: dict[str, Any], records: Sequence[dict[str, Any]]) -> str:
    lines = [
        "# aspire eval report",
        "",
        f"**{summary['passed']} of {summary['cases']} cases passed ({_pct(summary['pass_rate'])})**, "
        f"{summary['errors']} errors · backend `{summary['backend']}` · model `{summary['model']}` · "
        f"templates `{summary['template_version']}`",
        "",
        f"Tokens: {summary['usage']['prompt_tokens']:,} prompt + {summary['usage']['completion_tokens']:,} "
        f"completion · attempts: {summary['attempts']['total']} (mean {summary['attempts']['mean']}) · "
        f"latency per case: mean {summary['latency_s']['mean']} s, max {summary['latency_s']['max']} s",
        "",
        *([cost_line(summary), ""] if "tokens_per_case" in summary else []),
        "## Rules",
        "",
        "| rule | pass rate |",
        "|---|---|",
    ]
    lines += [f"| `{rule}` | {_pct(rate)} |" for rule, rate in summary["rules"].items()]
    if reader_line := _reader_summary_line(summary):
        lines += ["", "## The reader", "", reader_line]
    if judge_line := _judge_line(summary):
        lines += ["", "## LLM judge", "", judge_line]
    baseline = summary.get("baseline")
    if baseline:
        lines += [
            "",
            "## Against the baseline",
            "",
            f"Baseline `{baseline['path']}`: {baseline['cases_compared']} cases in both; pass rate "
            f"{_pct(baseline['pass_rate_before'])} → {_pct(baseline['pass_rate_after'])}.",
            "",
            f"- Better: {', '.join(baseline['better']) or 'none'}",
            f"- Worse: {', '.join(baseline['worse']) or 'none'}",
            "",
            "| rule | before | after |",
            "|---|---|---|",
        ]
        lines += [f"| `{r}` | {_pct(v['before'])} | {_pct(v['after'])} |" for r, v in baseline["rules"].items()]
    lines += ["", "## Cases (failures first)", ""]
    for record in _sorted(records):
        lines.append(f"### {record['status'].upper()} `{record['id']}`")
        lines.append("")
        lines.append(
            f"Source: `{record['source']}` · attempts {record['attempts']} · {record['latency_s']} s · {_spent(record)}"
        )
        lines.append("")
        if record["error"]:
            lines += [f"Error ({record['error']['type']}): {record['error']['message']}", ""]
            continue
        for check in record["checks"]:
            if check["verdict"] == "fail":
                lines.append(f"- FAIL `{check['rule']}`: {check['evidence']} *Fix:* {check['suggestion']}")
        for expectation in record["expectations"]:
            if not expectation["passed"]:
                lines.append(f"- FAIL expectation: {expectation['expectation']}")
        if verdict := _verdict_line(record):
            lines.append(f"- {verdict}")
        if reader := _reader_line(record):
            lines.append(f"- {reader}")
        draft = record["draft"]
        lines += ["", "> " + " ".join(draft["answer"].split()), ""]
        lines += [f"{n}. {g['goal']}" for n, g in enumerate(draft["plan"]["goals"], start=1)]
        lines += [f"   → **{draft['plan']['aspiration']}**", ""]
    return "\n".join(lines) + "\n"


def _spent(record: dict[str, Any]) -> str:
    usage = record.get("usage") or {}
    tokens = f"{usage.get('prompt_tokens', 0):,} + {usage.get('completion_tokens', 0):,} tokens"
    return f"{tokens} (${record['cost']:.4f})" if record.get("cost") is not None else tokens


def _judge_line(summary: dict[str, Any]) -> str:
    judge = summary.get("judge")
    if not judge:
        return ""
    missing = f"; no verdict on {judge['no_verdict']}" if judge["no_verdict"] else ""
    return (
        f"The model, reading each draft against the reader's rubric, accepts {judge['accepts']} of "
        f"{judge['judged']} drafts{missing}. A second opinion beside the rules, never instead of them."
    )


def _reader_summary_line(summary: dict[str, Any]) -> str:
    reader = summary.get("reader")
    if not reader:
        return ""
    return (
        f"A careful reader judged {reader['read']} of these drafts (the judged set): accepts {reader['accepts']}. "
        f"{reader['not_read']} drafts are new to the reader."
    )


def _reader_line(record: dict[str, Any]) -> str:
    reader = record.get("reader")
    if not reader:
        return ""
    defects = f" ({', '.join(reader['defects'])})" if reader["defects"] else ""
    return f"READER {reader['verdict'].upper()}{defects}: {reader['reasons']}"


def _verdict_line(record: dict[str, Any]) -> str:
    verdict = record.get("judge")
    if not isinstance(verdict, dict):
        return ""
    if "error" in verdict:
        return f"JUDGE gave no verdict: {verdict['error']}"
    from .judge import RUBRIC

    scores = ", ".join(f"{line.key} {verdict[line.key]['score']}/5" for line in RUBRIC if verdict.get(line.key))
    defects = f"; defects: {', '.join(verdict['defects'])}" if verdict.get("defects") else ""
    return f"JUDGE {'ACCEPT' if verdict.get('accepts') else 'REJECT'} ({scores}{defects})"


_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1b1b}
h1{margin-bottom:.2rem} .meta{color:#555}
.rate{font-size:2.4rem;font-weight:700} .ok{color:#17683a} .bad{color:#b3261e} .err{color:#8a5a00}
table{border-collapse:collapse;margin:1rem 0} td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
th{background:#f3f3f3} .bar{background:#e6e6e6;width:12rem;height:.7rem;display:inline-block}
.bar span{display:block;height:100%;background:#2e7d32}
details{border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}
summary{cursor:pointer;font-weight:600} .tag{font-size:.8rem;padding:.05rem .4rem;border-radius:4px;color:#fff}
.tag.passed{background:#2e7d32} .tag.failed{background:#b3261e} .tag.error{background:#8a5a00}
blockquote{margin:.6rem 0;padding:.4rem .8rem;background:#f7f7f7;border-left:4px solid #999}
li.fail{color:#b3261e} .aspiration{font-weight:600}
"""


def _rate_cell(rate: float | None) -> str:
    if rate is None:
        return "<td>n/a</td><td></td>"
    width = f"{rate * 100:.1f}%"
    return f'<td>{width}</td><td><span class="bar"><span style="width:{width}"></span></span></td>'


def _case_html(record: dict[str, Any]) -> str:
    status = record["status"]
    head = (
        f'<summary><span class="tag {escape(status)}">{escape(status)}</span> {escape(record["id"])}'
        f" · {record['attempts']} attempts · {record['latency_s']} s · {escape(_spent(record))}</summary>"
    )
    body = [f'<p class="meta">Source: {escape(record["source"])}</p>']
    if record["error"]:
        body.append(f"<p class=err>{escape(record['error']['type'])}: {escape(record['error']['message'])}</p>")
        return f"<details open>{head}{''.join(body)}</details>"
    if verdict := _verdict_line(record):
        body.append(f'<p class="meta">{escape(verdict)}</p>')
    if reader := _reader_line(record):
        body.append(f'<p class="meta">{escape(reader)}</p>')
    fails = [c for c in record["checks"] if c["verdict"] == "fail"]
    unmet = [e for e in record["expectations"] if not e["passed"]]
    if fails or unmet:
        items = [
            f'<li class="fail"><b>{escape(c["rule"])}</b>: {escape(c["evidence"])} <i>Fix:</i> '
            f"{escape(c['suggestion'])}</li>"
            for c in fails
        ]
        items += [f'<li class="fail">expectation: {escape(e["expectation"])}</li>' for e in unmet]
        body.append(f"<ul>{''.join(items)}</ul>")
    draft = record["draft"]
    body.append(f"<blockquote>{escape(draft['answer'])}</blockquote>")
    goals = "".join(f"<li>{escape(g['goal'])}</li>" for g in draft["plan"]["goals"])
    body.append(f"<ol>{goals}</ol><p class=aspiration>→ {escape(draft['plan']['aspiration'])}</p>")
    opened = " open" if status != "passed" else ""
    return f"<details{opened}>{head}{''.join(body)}</details>"


def html_report(summary: dict[str, Any], records: Sequence[dict[str, Any]]) -> str:
    rate = summary["pass_rate"]
    tone = "ok" if rate >= 0.9 else "bad"
    rules = "".join(f"<tr><td>{escape(rule)}</td>{_rate_cell(r)}</tr>" for rule, r in summary["rules"].items())
    baseline = summary.get("baseline")
    compared = ""
    if baseline:
        rows = "".join(
            f"<tr><td>{escape(rule)}</td><td>{_pct(v['before'])}</td><td>{_pct(v['after'])}</td></tr>"
            for rule, v in baseline["rules"].items()
        )
        compared = (
            f"<h2>Against the baseline</h2><p>{escape(baseline['path'])}: pass rate "
            f"{_pct(baseline['pass_rate_before'])} → {_pct(baseline['pass_rate_after'])}. "
            f"Better: {escape(', '.join(baseline['better']) or 'none')}. "
            f"Worse: {escape(', '.join(baseline['worse']) or 'none')}.</p>"
            f"<table><tr><th>rule</th><th>before</th><th>after</th></tr>{rows}</table>"
        )
    cases = "".join(_case_html(r) for r in _sorted(records))
    read = f"<h2>The reader</h2><p>{escape(line)}</p>" if (line := _reader_summary_line(summary)) else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>aspire eval: {summary["passed"]}/{summary["cases"]} passed</title>
<style>{_CSS}</style></head><body>
<h1>aspire eval report</h1>
<p class="meta">backend {escape(summary["backend"])} · model {escape(summary["model"])} ·
templates {escape(summary["template_version"])} · written {escape(summary["written_at"])}</p>
<p><span class="rate {tone}">{_pct(rate)}</span> &nbsp;{summary["passed"]} of {summary["cases"]} cases passed,
{summary["failed"]} failed, {summary["errors"]} errors</p>
<p class="meta">{summary["usage"]["prompt_tokens"]:,} prompt + {summary["usage"]["completion_tokens"]:,} completion
tokens · {summary["attempts"]["total"]} attempts · mean {summary["latency_s"]["mean"]} s per case</p>
{f'<p class="meta">{escape(cost_line(summary))}</p>' if "tokens_per_case" in summary else ""}
<h2>Rules</h2>
<table><tr><th>rule</th><th>pass rate</th><th></th></tr>{rules}</table>
{read}
{f"<h2>LLM judge</h2><p>{escape(_judge_line(summary))}</p>" if summary.get("judge") else ""}
{compared}
<h2>Cases, failures first</h2>
{cases}
</body></html>
"""
