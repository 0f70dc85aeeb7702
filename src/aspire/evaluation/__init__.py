"""Batch evaluation: load cases, draft each one, judge, write results and reports."""

from .cases import CaseError, EvalCase, Expectations, load_cases
from .runner import EvalOptions, EvalSummary, run_eval, summarise

__all__ = [
    "CaseError",
    "EvalCase",
    "EvalOptions",
    "EvalSummary",
    "Expectations",
    "load_cases",
    "run_eval",
    "summarise",
]
