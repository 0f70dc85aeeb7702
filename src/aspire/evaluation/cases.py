"""Eval cases: YAML files (one case each) or JSONL files (one case a line).

A case is ``id``, ``profile`` (the :class:`CandidateProfile` fields, where
``resume_file`` and ``job_description_file``, relative to the case file, may
replace ``resume`` and ``job_description``) and an optional ``expect``. A
case that cannot be loaded becomes a :class:`CaseError`: it is reported with
the results and never stops the batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..documents import read_job_description, read_resume
from ..errors import AspireError, InputError
from ..models import CandidateProfile

CASE_SUFFIXES = (".yaml", ".yml", ".jsonl")


class Expectations(BaseModel):
    """Per-case expectations on top of "every rule passes"."""

    model_config = ConfigDict(extra="forbid")

    fail: list[str] = Field(default_factory=list, description="rule ids that must fail for this case")
    contains: list[str] = Field(default_factory=list, description="text the answer or plan must contain")
    not_contains: list[str] = Field(default_factory=list, description="text the answer and plan must not contain")
    # Reported beside the pass rate, never part of it: whether the draft's matched occupation is
    # in this code's SOC major group is how the occupation match is measured on unseen cases.
    occupation: str | None = Field(
        default=None,
        pattern=r"^\d\d-\d{4}\.\d\d$",
        description="the O*NET-SOC code a careful coder gives the role applied for",
    )


@dataclass(frozen=True)
class EvalCase:
    id: str
    source: str
    profile: CandidateProfile
    expect: Expectations


@dataclass(frozen=True)
class CaseError:
    """A case that could not be loaded; ``id`` is the file (and line) when the case has none."""

    id: str
    source: str
    message: str


def find_case_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in CASE_SUFFIXES)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"no such case file or folder: {path}", field="paths")
    return files


def _raw_cases(path: Path) -> Iterator[tuple[str, Any]]:
    """(source, parsed object or an exception) for each case in one file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        yield str(path), InputError(f"cannot read the case file: {exc}")
        return
    if path.suffix.lower() == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield f"{path}:{number}", json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"{path}:{number}", InputError(f"not valid JSON: {exc.msg} at column {exc.colno}")
        return
    try:
        yield str(path), yaml.safe_load(text)
    except yaml.YAMLError as exc:
        yield str(path), InputError(f"not valid YAML: {' '.join(str(exc).split())}")


def _build_case(source: str, base: Path, data: Any) -> EvalCase:
    if not isinstance(data, dict):
        raise InputError("a case must be a mapping with 'id' and 'profile'")
    unknown = set(data) - {"id", "profile", "expect", "notes"}
    if unknown:
        raise InputError(f"unknown case keys: {', '.join(sorted(unknown))}")
    case_id = data.get("id")
    if not isinstance(case_id, str) or not case_id.strip():
        raise InputError("the case has no 'id' (a non-empty string)")
    profile = data.get("profile")
    if not isinstance(profile, dict):
        raise InputError("the case has no 'profile' mapping")
    fields = dict(profile)
    for key, what in (("resume_file", "resume"), ("job_description_file", "job_description")):
        if key in fields:
            if what in fields:
                raise InputError(f"give either '{what}' or '{key}', not both")
            relative = fields.pop(key)
            if not isinstance(relative, str):
                raise InputError(f"'{key}' must be a path")
            # Any format the CLI reads: .txt, .md, .pdf, .docx, JSON Resume.
            reader = read_resume if what == "resume" else read_job_description
            fields[what] = reader(base / relative).text
    try:
        candidate = CandidateProfile.model_validate(fields)
        expect = Expectations.model_validate(data.get("expect") or {})
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise InputError(f"{where}: {str(error['msg']).removeprefix('Value error, ')}") from None
    return EvalCase(id=case_id.strip(), source=source, profile=candidate, expect=expect)


def load_cases(paths: Iterable[Path]) -> tuple[list[EvalCase], list[CaseError]]:
    """Every case under ``paths``; bad ones come back as errors, in file order."""
    cases: list[EvalCase] = []
    errors: list[CaseError] = []
    seen: set[str] = set()
    for path in find_case_files(paths):
        for source, data in _raw_cases(path):
            if isinstance(data, Exception):
                errors.append(CaseError(id=source, source=source, message=str(data)))
                continue
            try:
                case = _build_case(source, path.parent, data)
            except AspireError as exc:
                fallback = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else source
                errors.append(CaseError(id=fallback or source, source=source, message=str(exc)))
                continue
            if case.id in seen:
                errors.append(CaseError(id=f"{source}", source=source, message=f"duplicate case id {case.id!r}"))
                continue
            seen.add(case.id)
            cases.append(case)
    return cases, errors
