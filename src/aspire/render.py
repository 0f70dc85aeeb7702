"""Human-readable output of a draft, laid out the way the article lays it out."""

from __future__ import annotations

import textwrap

from .models import Draft

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

    failed = len(draft.failed_checks)
    lines.append(f"CHECKS ({len(draft.checks) - failed} passed, {failed} failed)")
    for check in draft.checks:
        mark = "PASS" if check.passed else "FAIL"
        lines.append(_wrap(f"{mark} {check.rule}: {check.detail}", "  ", "       "))
    lines.append("")

    attempts = f"{draft.attempts} attempt" + ("" if draft.attempts == 1 else "s")
    lines.append(
        f"{draft.backend} · {draft.model} · {attempts} · "
        f"{draft.usage.prompt_tokens:,} prompt + {draft.usage.completion_tokens:,} completion tokens · "
        f"{draft.elapsed_s:.1f} s"
    )
    return "\n".join(lines)
