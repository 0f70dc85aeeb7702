"""Resumes and job descriptions from the files people keep them in.

Plain text and Markdown are read as they are. A PDF gives its text layer
(pypdf), a Word file its paragraphs and tables in order (python-docx), and a
JSON Resume (jsonresume.org, schema 1.2 and 1.3) or JSON Resume job file is
laid out as a Markdown resume, with dates on the employer's line so that the
rules can tell past employers from the target company. Every failure is an
:class:`~aspire.errors.InputError` that says what to do about it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .inputs import TEXT_SUFFIXES, checked_file, read_text_file

# Skills proposed from a resume when none are given: enough to steer the plan,
# few enough to keep the prompt short.
MAX_PROPOSED_SKILLS = 12

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, and every password-protected Office file
_OTHER_FORMATS = {".doc": "an old Word (.doc)", ".odt": "an OpenDocument", ".rtf": "an RTF", ".pages": "a Pages"}


@dataclass(frozen=True)
class Document:
    """A resume or job description as text, with what its format told us besides."""

    text: str
    format: str  # text, markdown, pdf, docx, json-resume, json-resume-job
    name: str | None = None
    skills: tuple[str, ...] = ()
    # From a JSON Resume job file: who is hiring, for what.
    company: str | None = None
    role: str | None = None


def read_resume(path: str | Path) -> Document:
    """A resume from .txt, .md, .pdf, .docx or JSON Resume (.json)."""
    return _read(path, what="resume")


def read_job_description(path: str | Path) -> Document:
    """A job description from .txt, .md, .pdf, .docx or a JSON Resume job file (.json)."""
    return _read(path, what="job description")


def _read(path: str | Path, *, what: str) -> Document:
    file = Path(path).expanduser()
    suffix = file.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        text = read_text_file(file, what=what)
        return Document(text=text, format="markdown" if suffix in (".md", ".markdown") else "text")
    if suffix in _OTHER_FORMATS:
        raise InputError(
            f"{what} file {file.name} is {_OTHER_FORMATS[suffix]} document; save it as .docx, .pdf or .txt",
            field=what,
        )
    readers = {".pdf": _read_pdf, ".docx": _read_docx, ".json": _read_json}
    reader = readers.get(suffix)
    if reader is None:
        raise InputError(
            f"{what} file {file.name}: aspire reads .txt, .md, .pdf, .docx and JSON Resume .json files",
            field=what,
        )
    raw = checked_file(file, what=what).read_bytes()
    return reader(file, raw, what)


# --- PDF


def _read_pdf(file: Path, raw: bytes, what: str) -> Document:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not raw.lstrip().startswith(b"%PDF"):
        raise InputError(f"{what} file {file.name} is not a PDF (it does not start with %PDF)", field=what)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise InputError(
                f"{what} file {file.name} is password-protected; save an unprotected copy (or the text as .txt)",
                field=what,
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        # pypdf raises many kinds on a damaged file; none of them is the reader's fault.
        raise InputError(
            f"{what} file {file.name} could not be read as a PDF ({type(exc).__name__}); is it damaged?", field=what
        ) from None
    text = _clean("\n\n".join(pages))
    if not text:
        raise InputError(
            f"{what} file {file.name} has no text layer (a scanned image?); run it through OCR "
            "or paste the text into a .txt file",
            field=what,
        )
    return Document(text=text, format="pdf")


def _opens_without_password(reader: Any) -> bool:
    """Many PDFs are encrypted with an empty user password just to set permissions."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # AES needs the optional cryptography package; unknown handlers raise too
        return False


# --- Word


def _read_docx(file: Path, raw: bytes, what: str) -> Document:
    import io

    if raw.startswith(_OLE_MAGIC):
        raise InputError(
            f"{what} file {file.name} is password-protected or an old .doc saved as .docx; "
            "save an unprotected .docx (or the text as .txt)",
            field=what,
        )
    try:
        import docx
        from docx.table import Table

        document = docx.Document(io.BytesIO(raw))
        lines: list[str] = []
        for section in document.sections[:1]:  # names and contact lines often sit in the header
            lines += [p.text for p in section.header.paragraphs]
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))
                    lines.append(" | ".join(c for c in cells if c))
            else:
                lines.append(_docx_paragraph(block))
    except Exception as exc:  # BadZipFile, KeyError, lxml's XMLSyntaxError, PackageNotFoundError...
        raise InputError(
            f"{what} file {file.name} could not be read as a Word document ({type(exc).__name__}); is it damaged?",
            field=what,
        ) from None
    text = _clean("\n".join(lines))
    if not text:
        raise InputError(f"{what} file {file.name} has no text in it", field=what)
    return Document(text=text, format="docx")


def _docx_paragraph(paragraph: Any) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    text = str(paragraph.text)
    if style.startswith("Heading") and text.strip():
        return f"\n## {text.strip()}"
    if style.startswith("List") and text.strip():
        return f"- {text.strip()}"
    return text


# --- JSON Resume


def _read_json(file: Path, raw: bytes, what: str) -> Document:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"{what} file {file.name} is not UTF-8 text", field=what) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{what} file {file.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            field=what,
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{what} file {file.name}: expected a JSON object, found {type(data).__name__}", field=what)
    try:
        if what == "job description" and ("title" in data or "responsibilities" in data):
            return json_job_to_document(data)
        if "basics" in data or "work" in data or "education" in data:
            return json_resume_to_document(data)
    except (TypeError, AttributeError) as exc:
        raise InputError(f"{what} file {file.name} does not follow the JSON Resume schema: {exc}", field=what) from None
    kind = "a JSON Resume job file (title, responsibilities…)" if what == "job description" else "a JSON Resume"
    raise InputError(f"{what} file {file.name} is JSON but not {kind}: see https://jsonresume.org/schema", field=what)


def json_resume_to_document(data: dict[str, Any]) -> Document:
    """A JSON Resume laid out as a Markdown resume; skills from ``skills[].keywords``."""
    basics = _obj(data.get("basics"))
    name = _str(basics.get("name"))
    lines = [f"# {name}" if name else "", _str(basics.get("label")), _str(basics.get("summary"))]
    # Dates stay on each employer's and school's line: the rules find past employers there.
    sections: list[tuple[str, str, Callable[[dict[str, Any]], list[str]]]] = [
        ("Experience", "work", _work_lines),
        ("Volunteering", "volunteer", _volunteer_lines),
        ("Education", "education", _education_lines),
        ("Projects", "projects", _project_lines),
        ("Certificates", "certificates", lambda c: ["- " + _joined(c, "name", "issuer", "date")]),
        ("Awards", "awards", lambda a: ["- " + _joined(a, "title", "awarder", "date")]),
        ("Skills", "skills", _skill_group_lines),
    ]
    for heading, key, render in sections:
        entries = _objs(data.get(key))
        if entries:
            lines.append(f"\n## {heading}")
        for entry in entries:
            lines += render(entry)
    languages = [_str(lang.get("language")) for lang in _objs(data.get("languages"))]
    if any(languages):
        lines.append("\nLanguages: " + ", ".join(lang for lang in languages if lang))
    text = _clean("\n".join(lines))
    if not text:
        raise InputError("the JSON Resume has no basics, work, education or skills in it", field="resume")
    skills = _skill_keywords(data.get("skills"))
    return Document(text=text, format="json-resume", name=name or None, skills=tuple(skills))


def _work_lines(job: dict[str, Any]) -> list[str]:
    where = _str(job.get("name")) or _str(job.get("company"))  # "company" before schema 1.0
    head = ", ".join(p for p in (_str(job.get("position")), where, _str(job.get("location"))) if p)
    return [
        f"\n{head}, {_dates(job)}".rstrip(", "),
        _str(job.get("summary")),
        _str(job.get("description")),
        *[f"- {h}" for h in _strs(job.get("highlights"))],
    ]


def _volunteer_lines(role: dict[str, Any]) -> list[str]:
    head = _joined(role, "position", "organization")
    return [f"\n{head}, {_dates(role)}".rstrip(", "), _str(role.get("summary"))] + [
        f"- {h}" for h in _strs(role.get("highlights"))
    ]


def _education_lines(school: dict[str, Any]) -> list[str]:
    degree = " in ".join(p for p in (_str(school.get("studyType")), _str(school.get("area"))) if p)
    head = ", ".join(p for p in (degree, _str(school.get("institution"))) if p)
    courses = _strs(school.get("courses"))
    return [f"{head}, {_dates(school)}".rstrip(", ")] + (["Courses: " + ", ".join(courses)] if courses else [])


def _project_lines(project: dict[str, Any]) -> list[str]:
    head = f"{_str(project.get('name'))}: {_str(project.get('description'))}".strip(": ")
    return [head] + [f"- {h}" for h in _strs(project.get("highlights"))]


def _skill_group_lines(group: dict[str, Any]) -> list[str]:
    keywords = _strs(group.get("keywords"))
    label = _str(group.get("name"))
    return [f"- {label}: {', '.join(keywords)}" if keywords and label else f"- {label or ', '.join(keywords)}"]


def _joined(entry: dict[str, Any], *keys: str) -> str:
    return ", ".join(value for value in (_str(entry.get(key)) for key in keys) if value)


def json_job_to_document(data: dict[str, Any]) -> Document:
    """A JSON Resume job file laid out as a job ad; its company and title come along."""
    title, company = _str(data.get("title")), _str(data.get("company"))
    lines = [f"# {title}" + (f" at {company}" if company else ""), _str(data.get("description"))]
    lines += [
        f"{label}: {value}"
        for label, value in (
            ("Type", _str(data.get("type"))),
            ("Remote", _str(data.get("remote"))),
            ("Experience", _str(data.get("experience"))),
        )
        if value
    ]
    for heading, key in (("Responsibilities", "responsibilities"), ("Qualifications", "qualifications")):
        items = _strs(data.get(key))
        if items:
            lines.append(f"\n## {heading}")
            lines += [f"- {item}" for item in items]
    groups = _objs(data.get("skills"))
    if groups:
        lines.append("\n## Skills")
    for group in groups:
        lines += _skill_group_lines(group)
    return Document(
        text=_clean("\n".join(lines)),
        format="json-resume-job",
        skills=tuple(_skill_keywords(data.get("skills"))),
        company=company or None,
        role=title or None,
    )


def _skill_keywords(value: Any) -> list[str]:
    found: list[str] = []
    for group in _objs(value):
        keywords = _strs(group.get("keywords"))
        found += keywords or [k for k in [_str(group.get("name"))] if k]
    return list(dict.fromkeys(found))


def _dates(entry: dict[str, Any]) -> str:
    start, end = _str(entry.get("startDate")), _str(entry.get("endDate"))
    if not start and not end:
        return ""
    return f"{start or '?'} to {end or 'present'}"


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _objs(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _strs(value: Any) -> list[str]:
    return [item.strip() for item in value if isinstance(item, str) and item.strip()] if isinstance(value, list) else []


# --- skills from any resume

_SKILLS_HEADING = re.compile(
    r"^\W*(?:(?:technical|core|key|professional|relevant)\s+)?(?:skills|competencies|capabilities|"
    r"areas of expertise|expertise|technologies|tools)(?:\s*(?:&|and)\s*\w+)?\W*(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s*(?:#+\s+\S|[A-Z][A-Z &/]{3,}:?\s*$|\*\*[^*]+\*\*\s*$)")
_SECTION_NAME = re.compile(
    r"^\s*(?:(?:work|professional|employment|career)\s+)?(?:experience|history|overview)\b.{0,20}$|"
    r"^\s*(?:education|employment|qualifications|certifications?|projects|summary|profile|interests|references|"
    r"languages|awards|volunteering|volunteer work|other info(?:rmation)?|achievements)\b.{0,20}$",
    re.IGNORECASE,
)
# Commas inside parentheses belong to one item: "CRM data entry (Zendesk, Freshdesk)".
_ITEM_SPLIT = re.compile(r"\s*(?:[,;|•·●▪](?![^()]*\))|\s-\s|\s\u2013\s)\s*")
_QUALIFIER = re.compile(
    r"^(?:and|or|excellent|strong|great|superb|exceptional|solid|proven|proficient (?:in|with)|"
    r"proficiency (?:in|with)|experience (?:in|with)|experienced (?:in|with)|knowledge of|familiar(?:ity)? with)\s+",
    re.IGNORECASE,
)


def propose_skills(resume: str, *, limit: int = MAX_PROPOSED_SKILLS) -> list[str]:
    """Skills the resume lists itself, under a Skills heading or on a "Skills:" line.

    Only what the candidate wrote: nothing is inferred, so a plan built on these
    cannot credit the candidate with a skill they never claimed. Empty when the
    resume has no skills section.
    """
    found: list[str] = []
    in_section = False
    for raw in resume.splitlines():
        line = raw.strip()
        heading = _SKILLS_HEADING.match(line.strip("#*_ ").strip() if line.startswith(("#", "*")) else line)
        if heading:
            in_section = True
            rest = heading.group("rest")
            if rest:
                found += _skill_items(rest)
            continue
        if in_section:
            if not line:
                continue
            if _HEADING.match(raw) or _SECTION_NAME.match(raw):
                in_section = False
                continue
            # "Languages: Python, SQL" inside a skills section: keep the list after the label.
            found += _skill_items(line.split(":", 1)[1] if ":" in line[:40] else line)
        if len(found) >= 4 * limit:
            break
    return list(dict.fromkeys(found))[:limit]


def _skill_items(line: str) -> list[str]:
    items = _ITEM_SPLIT.split(line.strip().lstrip("-*•· ").strip())
    cleaned = []
    for item in items:
        item = re.sub(r"\s+etc\.?$", "", item.strip(" .*_`[]"))
        while (trimmed := _QUALIFIER.sub("", item)) != item:
            item = trimmed
        if item.count("(") > item.count(")"):
            item += ")"
        cleaned.append(item.strip(" .*_`[]"))
    # A skill is a short phrase; a sentence in a skills section is not one.
    return [item for item in cleaned if item and len(item) <= 50 and len(item.split()) <= 6]


def _clean(text: str) -> str:
    """Drop what extraction leaves behind: icon-font glyphs, control characters, runs of blank lines."""
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Co", "Cc", "Cs", "Cn"))
    lines = [" ".join(line.split()) for line in kept.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
