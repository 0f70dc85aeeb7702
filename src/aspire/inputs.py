"""Read candidate files into text, with clear errors.

Plain text and Markdown are read here; :mod:`aspire.documents` adds PDF, Word
and JSON Resume on top of the same checks.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .models import MAX_INPUT_BYTES

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
_DOCUMENTS = {".pdf": "a PDF", ".docx": "a Word", ".doc": "a Word", ".odt": "an OpenDocument", ".rtf": "an RTF"}


def checked_file(path: str | Path, *, what: str) -> Path:
    """The path, once it is known to be a readable regular file within the size limit."""
    file = Path(path).expanduser()
    if not file.exists():
        raise InputError(f"{what} file not found: {file}", field=what)
    if file.is_dir():
        raise InputError(f"{what} path is a directory, not a file: {file}", field=what)
    if not file.is_file():
        # A named pipe or a device would block the read forever or never end.
        raise InputError(f"{what} path is not a regular file: {file}", field=what)
    try:
        size = file.stat().st_size
        with file.open("rb"):
            pass
    except OSError as exc:
        raise InputError(f"cannot read {what} file {file}: {exc.strerror}", field=what) from None
    if size > MAX_INPUT_BYTES:
        raise InputError(
            f"{what} file is {size:,} bytes; the limit is {MAX_INPUT_BYTES:,} bytes (5 MB)",
            field=what,
        )
    return file


def read_text_file(path: str | Path, *, what: str = "resume") -> str:
    """Return the text of a plain-text or Markdown file, or raise :class:`InputError`."""
    file = checked_file(path, what=what)
    kind = _DOCUMENTS.get(file.suffix.lower())
    if kind:
        raise InputError(f"{what} file {file.name} is {kind} document; give the text as .txt or .md", field=what)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {what} file {file}: {exc.strerror}", field=what) from None
    if b"\x00" in raw:
        raise InputError(f"{what} file {file.name} looks binary, not text", field=what)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} file {file.name} is not UTF-8 text (bad byte at position {exc.start}); re-save it as UTF-8",
            field=what,
        ) from None
    if not text.strip():
        raise InputError(f"{what} file {file.name} is empty", field=what)
    return text
