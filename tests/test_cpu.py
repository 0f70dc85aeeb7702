"""Where the CPU advertises AMX, llama.cpp is kept off its extra buffer types (aspire.backends.cpu)."""

from __future__ import annotations

import pytest

from aspire.backends import cpu


def _cpuinfo(tmp_path, flags: str):
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: {flags}\n")
    return path


def test_amx_is_read_from_the_cpu_flags(tmp_path):
    assert cpu.advertises_amx.__wrapped__(_cpuinfo(tmp_path, "fpu sse2 avx2 amx_bf16 amx_tile amx_int8"))
    assert not cpu.advertises_amx.__wrapped__(_cpuinfo(tmp_path, "fpu sse2 avx2 avx512f"))
    assert not cpu.advertises_amx.__wrapped__(tmp_path / "missing")


@pytest.mark.parametrize(
    ("setting", "amx", "allowed"),
    [("", True, False), ("", False, True), ("1", True, True), ("0", False, False)],
)
def test_extra_buffers_follow_the_cpu_unless_the_setting_says(monkeypatch, setting, amx, allowed):
    monkeypatch.setenv("ASPIRE_LLAMA_EXTRA_BUFFERS", setting)
    monkeypatch.setattr(cpu, "advertises_amx", lambda: amx)
    assert cpu.extra_buffers_allowed() is allowed


def test_the_model_defaults_leave_out_extra_buffers_only_inside_the_block(monkeypatch):
    llama_module = pytest.importorskip("llama_cpp.llama")
    monkeypatch.setenv("ASPIRE_LLAMA_EXTRA_BUFFERS", "0")
    assert llama_module.llama_cpp.llama_model_default_params().use_extra_bufts
    with cpu.model_params_for_this_cpu():
        assert not llama_module.llama_cpp.llama_model_default_params().use_extra_bufts
    assert llama_module.llama_cpp.llama_model_default_params().use_extra_bufts
