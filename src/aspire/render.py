"""Human-readable output of a draft, laid out the way the article lays it out."""

from __future__ import annotations

import textwrap
from typing import Any

from .models import CheckResult, Draft

_WIDTH = 88


def _wrap(text: str, indent: str = "  ", subsequent: str | None = None) -> str:
    return textwrap.fill(
        " ".join(text.split()),
        width=_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
    )


def draft_to_text(draft: Draft, *, company: str) -> str:
    plan = draft.plan
    lines = ["ANSWER", _wrap(draft.answer), ""]

    lines.append(f"INDIVIDUAL DEVELOPMENT PLAN for {company}")
    width = len(str(len(plan.goals)))
    for number, goal in enumerate(plan.goals, start=1):
        head = f"  {number:>{width}}. "
        pad = " " * len(head)
        lines.append(_wrap(f"{goal.goal} [{goal.kind}]", head, pad))
        if goal.company_support:
            lines.append(_wrap(f"How {company} helps: {goal.company_support}", pad + "  ", pad + "    "))
        if goal.evidence:
            lines.append(_wrap(f"Rests on: {goal.evidence}", pad + "  ", pad + "    "))
    lines.append(_wrap(f"Aspiration: {plan.aspiration}", "  → ", "    "))
    lines.append("")

    lines.append("ASPIRATIONS CONSIDERED")
    for option in plan.aspirations:
        lines.append(_wrap(f"{option.aspiration}: {option.reason}", "  - ", "    "))
    lines.append("")

    lines.append("SELF-ASSESSMENT")
    lines.append(_wrap("Strengths: " + "; ".join(draft.self_assessment.strengths)))
    lines.append(_wrap("Growth areas: " + "; ".join(draft.self_assessment.growth_areas)))
    lines.append("")

    lines.append(checks_to_text(draft.checks))
    lines.append("")

    attempts = f"{draft.attempts} attempt" + ("" if draft.attempts == 1 else "s")
    lines.append(
        f"{draft.backend} · {draft.model} · {attempts} · "
        f"{draft.usage.prompt_tokens:,} prompt + {draft.usage.completion_tokens:,} completion tokens · "
        f"{draft.elapsed_s:.1f} s"
    )
    return "\n".join(lines)


def checks_to_text(checks: list[CheckResult]) -> str:
    counts = {v: sum(c.verdict == v for c in checks) for v in ("pass", "fail", "skip")}
    head = f"CHECKS ({counts['pass']} passed, {counts['fail']} failed"
    lines = [head + (f", {counts['skip']} skipped)" if counts["skip"] else ")")]
    for check in checks:
        lines.append(_wrap(f"{check.verdict.upper()} {check.rule}: {check.evidence}", "  ", "       "))
        if check.suggestion:
            lines.append(_wrap(f"Fix: {check.suggestion}", "       ", "       "))
    return "\n".join(lines)


def summary_to_text(summary: dict[str, Any], out_dir: str) -> str:
    lines = [
        f"{summary['passed']} of {summary['cases']} cases passed ({summary['pass_rate'] * 100:.1f}%), "
        f"{summary['failed']} failed, {summary['errors']} errors",
        "",
        "rule pass rates:",
    ]
    for rule, rate in summary["rules"].items():
        lines.append(f"  {rule:<40} {'n/a' if rate is None else f'{rate * 100:5.1f}%'}")
    run = summary.get("this_run", {})
    if run:
        lines += [
            "",
            f"this run: {run['cases_drafted']} drafted, {run['cases_resumed']} kept from before, "
            f"{run['model_calls']} model calls, {run['cache_hits']} cache hits, {run['elapsed_s']:.1f} s",
        ]
    baseline = summary.get("baseline")
    if baseline:
        lines.append(
            f"against {baseline['path']}: better {', '.join(baseline['better']) or 'none'}; "
            f"worse {', '.join(baseline['worse']) or 'none'}"
        )
    lines.append(f"reports: {out_dir}/report.html, {out_dir}/report.md, {out_dir}/summary.json")
    return "\n".join(lines)
