"""What llama.cpp may use of this CPU.

llama-cpp-python is compiled on the user's machine for its own CPU. Where the CPU
advertises Intel AMX, llama.cpp loads the model's weights into an AMX buffer and
multiplies with tile instructions; in some virtual machines the CPU advertises AMX
but the hypervisor never enables it, and the first ``ldtilecfg`` kills the process
("general protection fault ... in libggml-cpu.so", measured on a 2-core Xeon VM whose
/proc/cpuinfo lists amx_tile). llama.cpp reaches AMX only through its "extra buffer
types", so aspire turns those off where the CPU advertises AMX (they also repack
weights for AVX2, which such a CPU does without). ``ASPIRE_LLAMA_EXTRA_BUFFERS=1``
turns them back on where AMX does work; ``=0`` turns them off anywhere.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

_PATCH_LOCK = threading.Lock()


@cache
def advertises_amx(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    try:
        flags = next((line for line in cpuinfo.read_text().splitlines() if line.startswith("flags")), "")
    except OSError:
        return False
    return "amx_tile" in flags.split()


def extra_buffers_allowed() -> bool:
    chosen = os.environ.get("ASPIRE_LLAMA_EXTRA_BUFFERS", "").strip()
    if chosen in {"0", "1"}:
        return chosen == "1"
    return not advertises_amx()


@contextlib.contextmanager
def model_params_for_this_cpu() -> Iterator[None]:
    """While a ``llama_cpp.Llama`` is constructed inside, its model parameters leave out the
    extra buffer types where :func:`extra_buffers_allowed` says so. ``Llama.__init__`` reads
    the defaults from llama.cpp and loads the model in one go, so the defaults are what
    can be changed."""
    if extra_buffers_allowed():
        yield
        return
    import llama_cpp.llama as llama_module

    with _PATCH_LOCK:
        bindings: Any = getattr(llama_module, "llama_cpp")  # noqa: B009  (not re-exported, for mypy)
        original = bindings.llama_model_default_params

        def without_extra_buffers() -> Any:
            params = original()
            params.use_extra_bufts = False
            return params

        bindings.llama_model_default_params = without_extra_buffers
        try:
            yield
        finally:
            bindings.llama_model_default_params = original
