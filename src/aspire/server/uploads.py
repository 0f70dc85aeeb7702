"""Uploaded files, read by the library's own readers so that every format and every
message is the command line's: the upload is saved under its own file name (the
readers go by the suffix and name the file in their messages) in a private
temporary folder that is removed at once."""

from __future__ import annotations

import asyncio
import re
import tempfile
import unicodedata
from pathlib import Path

from starlette.datastructures import UploadFile

from ..documents import Document, read_job_description, read_resume
from ..errors import InputError
from ..models import MAX_INPUT_BYTES

_CHUNK = 1024 * 1024


class UploadTooLarge(InputError):
    """The file is over the library's 5 MB limit (HTTP 413)."""


def safe_name(filename: str | None, *, what: str) -> str:
    """The upload's base name, without folders or control characters, for the readers' messages."""
    name = Path((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    name = re.sub(r"\s+", " ", name)[-120:]
    if not name or name.startswith("."):
        name = what.replace(" ", "_") + (Path(name).suffix if name else ".txt")
    return name


async def read_upload(upload: UploadFile, *, what: str) -> Document:
    """The text of an uploaded resume or job description, or the reader's :class:`InputError`."""
    name = safe_name(upload.filename, what=what)
    if upload.size is not None and upload.size > MAX_INPUT_BYTES:
        raise _too_large(what, f"{upload.size:,} bytes")
    with tempfile.TemporaryDirectory(prefix="aspire-upload-") as folder:
        path = Path(folder) / name
        size = 0
        with path.open("wb") as out:
            while chunk := await upload.read(_CHUNK):
                size += len(chunk)
                if size > MAX_INPUT_BYTES:
                    raise _too_large(what, f"over {MAX_INPUT_BYTES:,} bytes")
                out.write(chunk)
        reader = read_resume if what == "resume" else read_job_description
        # Parsing a PDF takes CPU time: off the event loop, so running streams keep flowing.
        return await asyncio.to_thread(reader, path)


def _too_large(what: str, size: str) -> UploadTooLarge:
    # The words of the library's own check (aspire.inputs.checked_file).
    return UploadTooLarge(f"{what} file is {size}; the limit is {MAX_INPUT_BYTES:,} bytes (5 MB)", field=what)
