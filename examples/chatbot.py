"""A small chat loop over aspire: it asks for a resume and a company, streams the
answer as the model writes it, then offers the Individual Development Plan.

    python examples/chatbot.py                      # the embedded model, offline
    OPENAI_BASE_URL=http://127.0.0.1:8000/v1 python examples/chatbot.py

Type a resume file's path (.txt, .md, .pdf, .docx or JSON Resume), or paste the
resume and end it with an empty line. An empty company, or end of input, quits.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import aspire
from aspire.backends import Backend, create_backend
from aspire.backends.base import aclose_backend
from aspire.documents import propose_skills, read_resume

Ask = Callable[[str], Awaitable[str | None]]
Say = Callable[[str], None]


async def ask_stdin(prompt: str) -> str | None:
    """input() in a worker thread, so the event loop keeps running while the user types."""
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


def say_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


async def read_resume_from(ask: Ask, say: Say) -> str | None:
    first = await ask("Your resume: a file path, or paste it and end with an empty line.\n> ")
    if first is None or not first.strip():
        return None
    path = Path(first.strip()).expanduser()
    if len(first) < 300 and path.suffix and path.is_file():
        try:
            return read_resume(path).text
        except aspire.InputError as exc:
            say(f"I could not read that file: {exc}\n")
            return None
    lines = [first]
    while (line := await ask("")) is not None and line.strip():
        lines.append(line)
    return "\n".join(lines)


async def chat(ask: Ask = ask_stdin, say: Say = say_stdout, backend: Backend | None = None) -> int:
    """One conversation per resume; returns how many answers were drafted."""
    backend = backend or create_backend(aspire.resolve_settings())
    drafted = 0
    try:
        while True:
            resume = await read_resume_from(ask, say)
            if resume is None:
                break
            company = await ask("Which company are you interviewing with?\n> ")
            if company is None or not company.strip():
                break
            listed = propose_skills(resume)
            if listed:
                say(f"(Your resume lists these skills: {', '.join(listed)}.)\n")
            profile = aspire.CandidateProfile(resume=resume, company=company)
            say(f"\nHere is an answer for {profile.company}:\n\n")
            draft = None
            async for event in aspire.astream(profile, backend=backend):
                if isinstance(event, str):
                    say(event)
                elif isinstance(event, aspire.Retry):
                    say(f"\n\n(That one broke a rule: {', '.join(event.problems)[:120]}… trying again.)\n\n")
                else:
                    draft = event
            assert draft is not None
            drafted += 1
            say("\n")
            if not draft.passed:
                say(f"(Still breaks: {', '.join(c.rule for c in draft.failed_checks)}.)\n")
            reply = await ask("\nSee the development plan behind it? [Y/n] ")
            if reply is not None and reply.strip().lower() in ("", "y", "yes"):
                for number, goal in enumerate(draft.plan.goals, start=1):
                    say(f"  {number}. {goal.goal}\n")
                    if goal.company_support:
                        say(f"     How {profile.company} helps: {goal.company_support}\n")
                say(f"  → Aspiration: {draft.plan.aspiration}\n")
            say("\nAnother one? Give a new resume, or an empty line to quit.\n")
    except aspire.AspireError as exc:
        say(f"\nSorry, that failed: {exc}\n")
        return drafted
    finally:
        await aclose_backend(backend)
    say("Good luck with the interview!\n")
    return drafted


if __name__ == "__main__":
    from dotenv import load_dotenv

    load_dotenv()
    try:
        asyncio.run(chat())
    except KeyboardInterrupt:
        print()
