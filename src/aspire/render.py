"""Human-readable output of a draft, laid out the way the article lays it out:
the answer, then the plan as a numbered list ending at the aspiration, then
the rule verdicts. Plain text, Markdown, or rich panels on a terminal."""

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

    lines.append(_wrap(occupation_line(draft), "", "  "))
    lines.append(_footer(draft))
    return "\n".join(lines)


def occupation_line(draft: Draft) -> str:
    """ "Matched: Paralegals and Legal Assistants, 23-2011.00 (on "Paralegal", confidence 1.00)":
    which occupation the draft was built on, so the candidate can see it and change it."""
    found = draft.occupation
    if found is None:
        return "Matched: no O*NET occupation; the draft uses no field examples (choose one with --occupation CODE)"
    if found.source == "chosen":
        return f"Occupation: {found.title}, {found.code} (chosen)"
    how = f'on "{found.matched_on[0]}", ' if found.matched_on else ""
    if not found.used:
        return (
            f"Matched: no confident O*NET occupation (best guess {found.title}, {found.code}, confidence "
            f"{found.confidence:.2f}); the draft uses no field examples — change with --occupation CODE"
        )
    return (
        f"Matched: {found.title}, {found.code} ({how}confidence {found.confidence:.2f}) — change with --occupation CODE"
    )


def _footer(draft: Draft) -> str:
    attempts = f"{draft.attempts} attempt" + ("" if draft.attempts == 1 else "s")
    return (
        f"{draft.backend} · {draft.model} · {attempts} · "
        f"{draft.usage.prompt_tokens:,} prompt + {draft.usage.completion_tokens:,} completion tokens · "
        f"{draft.elapsed_s:.1f} s"
    )


def draft_to_markdown(draft: Draft, *, company: str) -> str:
    """The draft as Markdown: the answer, the plan as a numbered list up to the aspiration, the verdicts."""
    plan = draft.plan
    lines = ["## Answer", "", draft.answer, "", f"## Individual Development Plan for {_md(company)}", ""]
    for number, goal in enumerate(plan.goals, start=1):
        lines.append(f"{number}. {_md(goal.goal)} *({goal.kind})*")
        if goal.company_support:
            lines.append(f"   - How {_md(company)} helps: {_md(goal.company_support)}")
        if goal.evidence:
            lines.append(f"   - Rests on: {_md(goal.evidence)}")
    lines += ["", f"**Aspiration:** {_md(plan.aspiration)}", "", "## Aspirations considered", ""]
    lines += [f"- **{_md(o.aspiration)}**: {_md(o.reason)}" for o in plan.aspirations]
    lines += ["", "## Self-assessment", ""]
    lines.append("- Strengths: " + "; ".join(_md(s) for s in draft.self_assessment.strengths))
    lines.append("- Growth areas: " + "; ".join(_md(s) for s in draft.self_assessment.growth_areas))
    counts = {v: sum(c.verdict == v for c in draft.checks) for v in ("pass", "fail", "skip")}
    lines += ["", f"## Rule checks ({counts['pass']} passed, {counts['fail']} failed)", ""]
    lines.append("| verdict | rule | evidence |")
    lines.append("|---|---|---|")
    for check in draft.checks:
        evidence = _md(check.evidence).replace("|", "\\|")
        lines.append(f"| {check.verdict.upper()} | `{check.rule}` | {evidence} |")
    lines += ["", _md(occupation_line(draft)), "", f"*{_footer(draft)}*", ""]
    return "\n".join(lines)


def _md(text: str) -> str:
    """Model text inside Markdown: one line, and no markup of its own."""
    return " ".join(text.split()).replace("*", "\\*").replace("_", "\\_").replace("<", "&lt;")


def print_rich(draft: Draft, *, company: str, file: Any = None) -> None:
    """The text layout with colour and panels, for a terminal."""
    from rich.console import Console, Group
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = Console(file=file, highlight=False)
    console.print(Panel(Text(draft.answer), title="Answer", title_align="left", border_style="cyan"))
    plan = Table.grid(padding=(0, 1))
    plan.add_column(justify="right", style="bold")
    plan.add_column()
    for number, goal in enumerate(draft.plan.goals, start=1):
        parts = [f"{escape(goal.goal)} [dim]({goal.kind})[/]"]
        if goal.company_support:
            parts.append(f"[green]How {escape(company)} helps:[/] {escape(goal.company_support)}")
        if goal.evidence:
            parts.append(f"[dim]Rests on: {escape(goal.evidence)}[/]")
        plan.add_row(f"{number}.", "\n".join(parts))
    plan.add_row("→", f"[bold magenta]Aspiration:[/] {escape(draft.plan.aspiration)}")
    console.print(
        Panel(plan, title=f"Individual Development Plan for {escape(company)}", title_align="left", border_style="blue")
    )
    considered = "\n".join(f"• {escape(o.aspiration)}: [dim]{escape(o.reason)}[/]" for o in draft.plan.aspirations)
    assessment = draft.self_assessment
    console.print(
        Panel(
            f"{considered}\n\n[bold]Strengths:[/] {escape('; '.join(assessment.strengths))}\n"
            f"[bold]Growth areas:[/] {escape('; '.join(assessment.growth_areas))}",
            title="Aspirations considered, self-assessment",
            title_align="left",
            border_style="dim",
        )
    )
    verdicts = Table(show_header=False, box=None, padding=(0, 1))
    verdicts.add_column(no_wrap=True)
    verdicts.add_column(no_wrap=True)  # rule ids are names to look up: never cut
    verdicts.add_column(ratio=1)
    styles = {"pass": "bold green", "fail": "bold red", "skip": "yellow"}
    for check in draft.checks:
        verdicts.add_row(f"[{styles[check.verdict]}]{check.verdict.upper()}[/]", check.rule, escape(check.evidence))
    failed = len(draft.failed_checks)
    title = "Rule checks: all passed" if not failed else f"Rule checks: {failed} failed"
    console.print(Panel(Group(verdicts), title=title, title_align="left", border_style="red" if failed else "green"))
    console.print(f"[dim]{escape(occupation_line(draft))}[/]")
    console.print(f"[dim]{escape(_footer(draft))}[/]")


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
    if reader := summary.get("reader"):
        lines += [
            "",
            f"a reader's verdicts (the judged set): accepts {reader['accepts']} of the {reader['read']} drafts "
            f"a reader has judged; {reader['not_read']} drafts not judged",
        ]
    if judge := summary.get("judge"):
        lines += [
            "",
            f"LLM judge (a second opinion, not a rule): accepts {judge['accepts']} of {judge['judged']} drafts"
            + (f"; no verdict on {judge['no_verdict']}" if judge["no_verdict"] else ""),
        ]
    run = summary.get("this_run", {})
    if run:
        lines += [
            "",
            f"this run: {run['cases_drafted']} drafted, {run['cases_resumed']} kept from before, "
            f"{run['model_calls']} model calls, {run['cache_hits']} cache hits, {run['elapsed_s']:.1f} s",
        ]
    if batch := summary.get("batch"):
        lines.append(
            f"batch ({'OpenAI Batch API' if batch['api'] == 'openai' else 'files'}): {batch['rounds']} round(s), "
            f"{batch['requests_sent_now']} requests sent now, {batch['cases_unsettled']} case(s) not finished"
        )
    if "tokens_per_case" in summary:
        from .evaluation.cost import cost_line

        lines.append(cost_line(summary))
    baseline = summary.get("baseline")
    if baseline:
        lines.append(
            f"against {baseline['path']}: better {', '.join(baseline['better']) or 'none'}; "
            f"worse {', '.join(baseline['worse']) or 'none'}"
        )
    lines.append(f"reports: {out_dir}/report.html, {out_dir}/report.md, {out_dir}/summary.json")
    return "\n".join(lines)
