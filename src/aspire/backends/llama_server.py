"""``python -m aspire.backends.llama_server``: llama-cpp-python's OpenAI-compatible server
(``python -m llama_cpp.server``, the same options), with the model loaded as aspire loads
it on this CPU (:mod:`aspire.backends.cpu`): where the CPU advertises AMX that a virtual
machine never enabled, the plain server dies on its first prompt."""

from __future__ import annotations

import runpy

from .cpu import model_params_for_this_cpu


def main() -> None:
    # The server loads its model at start-up, inside this block; nothing else runs here.
    with model_params_for_this_cpu():
        runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
