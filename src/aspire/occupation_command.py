"""``aspire occupation TITLE``: the O*NET occupation a job title names, and where it leads."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from .knowledge import CONFIDENT, lookup, meta
from .knowledge.paths import speakable_title


def occupation(args: argparse.Namespace) -> int:
    context = ""
    if args.resume:
        from .documents import read_resume

        context = read_resume(args.resume).text
    found = lookup(args.title, context)
    if args.json:
        print(
            json.dumps(
                {**found.as_dict(), "source": meta().get("source", ""), "releases": meta().get("releases", "")},
                indent=2,
            )
        )
        return 0 if found.match else 1
    console = Console(highlight=False, soft_wrap=True)
    if found.match is None:
        console.print(f"No O*NET occupation matches {args.title!r}. Try the title as employers write it.")
        return 1
    match = found.match
    occupation_ = match.occupation
    console.print(f"[bold]{occupation_.title}[/bold], {occupation_.code}  (confidence {match.confidence:.2f})")
    console.print(f"  matched on: {'; '.join(match.matched_on)}")
    console.print(
        f"  major group {occupation_.major_group} {occupation_.major_group_title}; Job Zone {occupation_.job_zone}"
    )
    if not match.confident:
        console.print(
            f"  [yellow]Below {CONFIDENT}: a draft for this title uses no field examples; "
            "choose a code with --occupation if one of these is right.[/yellow]"
        )
    if match.alternatives:
        console.print("  also close:")
        for other in match.alternatives[:4]:
            console.print(f"    {other.code}  {other.occupation.title}  ({other.score:.2f}: {other.matched_on[0]})")
    if found.step_ups:
        console.print("step-up occupations (offered to the model as aspirations):")
        for step in found.step_ups:
            console.print(f"  {step.title} — {step.occupation.title}, {step.code} ({step.why})")
    elif match.confident:
        # Kept sparse on purpose: a lateral job from another line of work reads as a wrong field.
        console.print(
            "step-up occupations: none that O*NET puts in the same line of work; "
            f"drafts aim for a senior or lead {speakable_title(occupation_) or occupation_.title.lower()}."
        )
    console.print(f"[dim]{meta().get('attribution', '')}[/dim]")
    return 0
